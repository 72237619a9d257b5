# trend counts the accepted reports per UTC day and error code, as the
# input says (computed here with jq from the reports themselves), whatever
# the batches, threads and input order; reports without a time have day
# null, reports without a valid certificate count by error (no chain) but
# not under a selection; --since/--until keep whole days.
. "$CLI_DIR/lib.sh"

{
	for d in 0 1 2 3 4; do
		ts=$((T_OCT1 + d * 86400 + 3600 * d))
		for i in $(seq 0 "$d"); do
			report "a$i.example" "$ts" -8179 "$LEAF" "$INT"
		done
		report b.example $((ts + 100)) -8181 "$LEAF2"
		report av.example $((ts + 200)) -8179 "$AVLEAF" "$AVROOT"
	done
	report c.example - -8179 "$LEAF" "$INT"
	report d.example "$T_OCT2" - "$AVLEAF"
	report e.example "$T_OCT3" -8179 raw:bm90IGEgY2VydA==
	report f.example $((T_OCT1 - 1)) -8179 "$LEAF"
	report g.example -86401 -8179 "$LEAF"
} >r.jsonl
tac r.jsonl >rev.jsonl

# What the input says: (day, code) -> reports.
jq -s -c 'map({day: (if .timestamp == null then null else
    (.timestamp / 86400 | floor * 86400 | todate[0:10]) end),
    code: .errorCode}) | group_by([.day, .code]) |
    map(.[0] + {reports: length}) | sort_by([.day, .code])' r.jsonl >want.json

ingest --db a r.jsonl
ingest --db b --jobs 1 --commit-every 2 r.jsonl
ingest --db c --jobs 3 --commit-every 3 rev.jsonl
for db in a b c; do
	ok "$CS" trend --db $db --json
	assert_eq "$(<want.json)" "$(jc 'map({day, code, reports}) |
	    sort_by([.day, .code])')" "trend of $db"
done
ok "$CS" trend --db a --json
assert_eq "$(j 'map(.reports) | add')" "$(jq -s length r.jsonl)" \
    "every accepted report counted once"
assert_eq '{"day":null,"code":-8179,"name":"SEC_ERROR_UNKNOWN_ISSUER","reports":1}' \
    "$(jc '.[0]')" "reports without a time come first, day null"
assert_eq "1969-12-30" "$(j '.[1].day')" "days before 1970 round down"

# The table, CSV: the same rows.
ok "$CS" trend --db a --csv
assert_eq "day,code,name,reports" "$(head -n 1 _out | tr -d '\r')" "csv header"
assert_eq "$(jq length want.json)" "$(($(wc -l <_out) - 1))" "csv rows"
assert_match '^2026-10-02,-8179,SEC_ERROR_UNKNOWN_ISSUER,3' "$(grep '^2026-10-02,-8179' _out)" "csv row"
ok "$CS" trend --db a
cp _out a.txt
ok "$CS" trend --db c
assert_file_eq a.txt _out "the table, whatever the batches and order"
assert_match '^2026-10-02 +3 +-8179 +SEC_ERROR_UNKNOWN_ISSUER$' "$(grep '^2026-10-02 .*8179' _out)" \
    "table row"

# A selection: only chains, by their leaf; --error keeps its codes.
ok "$CS" trend --db a --json --error -8179 --issuer 'Sample Issuing'
assert_eq "$(jq -s -c '[.[] | select(.errorCode == -8179 and
    (.hostname | test("^(a[0-9]|c|f|g)[.]")))] |
    group_by(.timestamp // -1e12 | . / 86400 | floor) | map(length)' r.jsonl)" \
    "$(jc 'map(.reports)')" "selection: --error and --issuer"
assert_eq '1' "$(j '[.[] | select(.day == null)] | length')" \
    "the report without a time is selected"

# --since/--until: whole days, the day of since to the day before until.
ok "$CS" trend --db a --json --since 2026-10-02 --until 2026-10-04
assert_eq '["2026-10-02","2026-10-03"]' "$(jc 'map(.day) | unique')" \
    "--since/--until days"
assert_eq "$(jq -s '[.[] | select(.timestamp != null and .timestamp >= 1790899200 and
    .timestamp < 1791072000)] | length' r.jsonl)" "$(j 'map(.reports) | add')" \
    "--since/--until reports"
ok "$CS" trend --db a --json --since 2026-10-02T12:00 --until 2026-10-03T00:00:01
assert_eq '["2026-10-02","2026-10-03"]' "$(jc 'map(.day) | unique')" \
    "a time within a day selects that day"

# By issuer and by outcome: the same reports, grouped.
ok "$CS" trend --db a --json --by issuer
assert_eq "$(jq -s '[.[] | select((.failedCertChain | length) > 0 and
    .hostname != "e.example")] | length' r.jsonl)" "$(j 'map(.reports) | add')" \
    "by issuer: the reports with a chain"
assert_eq "CN=Certsift Sample Issuing CA 1,O=Certsift Sample PKI,C=US" \
    "$(j 'group_by(.issuer) | max_by(map(.reports) | add) | .[0].issuer')" \
    "by issuer: the leaf's issuer"
ok "$CS" trend --db a --json --by outcome --no-roots
assert_eq '["missing-intermediate","unknown-issuer","untrusted-root"]' \
    "$(jc 'map(.outcome) | unique')" "by outcome"
assert_eq "$(jq -s '[.[] | select(.hostname | test("^[fg][.]"))] | length' r.jsonl)" \
    "$(j 'map(select(.outcome == "missing-intermediate") | .reports) | add')" \
    "by outcome: the leaf sent alone misses its intermediate"
run "$CS" trend --db a --by nothing
assert_status 2 "bad --by"
