# --since/--until are the selection's period in every command: the figures
# of a store under a period equal those of a store made by ingesting only
# that period's reports (ingest --since/--until), for top (every ranking),
# export (every format), missing, causes and trend, alone and with the
# other options; an empty period selects nothing; bad times are usage
# errors in every command. Each (chain, code) here has one hostname or
# all its reports on one side of the period, so every figure is exact and
# nothing is said on stderr. first_seen and last_seen, clamped to the days
# under a period, are compared by hand below.
. "$CLI_DIR/lib.sh"

H=3600
{
	# Oct 1: outside the period (before it)
	report a.example $((T_OCT1 + 10 * H)) -8179 "$LEAF" "$INT"
	report v.example $((T_OCT1 + 11 * H)) -8179 "$AVLEAF" "$AVROOT"
	report z.example $((T_OCT1 + 12 * H)) -8181 "$CIO" "$RAPID"
	# Oct 2 and 3: the period
	report a.example $((T_OCT2 + 9 * H)) -8179 "$LEAF" "$INT"
	report a.example $((T_OCT2 + 20 * H)) -8179 "$LEAF" "$INT"
	report b.example $((T_OCT2 + 8 * H)) -8181 "$LEAF2"
	report v.example $((T_OCT3 + 1 * H)) -8179 "$AVLEAF" "$AVROOT"
	report w.example $((T_OCT3 + 2 * H)) -16384 "$AVLEAF" "$AVROOT"
	report a.example $((T_OCT3 + 23 * H)) -8179 "$LEAF"
	report e.example $((T_OCT3 + 5 * H)) -8179 raw:bm90IGEgY2VydA==
	# Oct 4 and later: outside (after it); and one without a time
	report b.example $((T_OCT4 + 3 * H)) -8181 "$LEAF2"
	report z.example $((T_OCT5 + 3 * H)) -8181 "$CIO" "$RAPID"
	report a.example - -8179 "$LEAF" "$INT"
} >r.jsonl

ingest --db all r.jsonl
ingest --db win --since 2026-10-02 --until 2026-10-04 r.jsonl
assert_eq "7" "$(jq .reports_accepted sum.json)" "the period's reports"

P="--since 2026-10-02 --until 2026-10-04"
# norm FILE: JSON without first_seen and last_seen; other text as it is
norm() {
	if jq -e . "$1" >/dev/null 2>&1; then
		jq -c 'walk(if type == "object" then del(.first_seen,
		    .last_seen) else . end)' "$1"
	else
		cat "$1"
	fi
}
# same WHAT ARGS...: the command on the period of all equals it on win.
same() {
	local what=$1
	shift
	run "$CS" "$@" --db win
	assert_status 0 "$* on win"
	norm _out >want
	cp _err want.err
	run "$CS" "$@" --db all $P
	assert_status 0 "$* $P"
	norm _out >got
	assert_file_eq want got "$what"
	assert_file_eq want.err _err "$what: stderr"
}

for what in certs issuers errors; do
	for fmt in --json --csv ""; do
		same "top $what $fmt" top "$what" -n 0 $fmt
	done
done
same "top certs --by hosts" top certs -n 0 --by hosts --json
same "top issuers --by hosts" top issuers -n 0 --by hosts --json
# top hosts: under a selection a report counts through its chain (as with
# --error): the report without a valid certificate is no row.
ok "$CS" top hosts -n 0 --json --db win
jq -c 'map(select(.certs > 0))' _out >want
ok "$CS" top hosts -n 0 --json --db all $P
assert_eq "$(<want)" "$(jc .)" "top hosts"
assert_eq '{"host":"a.example","reports":3,"certs":2}' "$(jc '.[0]')" \
    "top hosts: a.example, by hand"
for fmt in jsonl csv pem; do
	same "export $fmt" export --format "$fmt"
done
for fmt in der chains; do
	run "$CS" export --db win --format $fmt --dir w.$fmt
	run "$CS" export --db all $P --format $fmt --dir a.$fmt
	assert_status 0 "export $fmt"
	diff -r w.$fmt a.$fmt >/dev/null || fail "export $fmt: the files differ"
done
same "missing --json" missing --json --no-roots
same "missing --csv" missing --csv --roots "$ROOT"
same "missing --pem" missing --pem --roots "$ROOT"
same "causes --json" causes --json --no-roots --examples 3
same "trend" trend --json
same "trend --by issuer" trend --by issuer --json

# Hand-computed: the sample leaf is in 3 reports of the period (two with
# INT on Oct 2, one alone on Oct 3), first at Oct 2 09:00 (its first
# sighting on that day is not its first ever: the day's first second) to
# Oct 3 23:00 (its last sighting ever: exact).
export_jsonl --db all $P
assert_eq "3 3 1 $T_OCT2 $((T_OCT3 + 23 * H)) {\"-8179\":3}" \
    "$(figures "$(sha "$LEAF")")" "the leaf's figures in the period"
assert_eq "2 0 1 $T_OCT2 $((T_OCT2 + 20 * H)) {\"-8179\":2}" \
    "$(figures "$(sha "$INT")")" "INT: Oct 2 from its first second, to its last sighting"
assert_eq "1 1 1 $((T_OCT2 + 8 * H)) $((T_OCT3 - 1)) {\"-8181\":1}" \
    "$(figures "$(sha "$LEAF2")")" "LEAF2: its first sighting, exact"
assert_eq "" "$(cert "$(sha "$CIO")")" "CIO: no report in the period"

# With the other options: the same intersection as on win.
same "--error" top certs -n 0 --json --error -8179
same "--error --issuer" export --format jsonl --error -8179 --issuer avast
same "--host" top certs -n 0 --json --host 'a.*'
same "--ca" export --format pem --ca
same "--leaf --min-count" top issuers -n 0 --json --leaf --min-count 2
same "--error, missing" missing --json --no-roots --error -8179

# One parser: trend's period is the selection's, the same days.
ok "$CS" trend --db all --json $P
assert_eq '["2026-10-02","2026-10-03"]' "$(jc 'map(.day) | unique')" \
    "trend: the period's days"
ok "$CS" trend --db all --json --since 2026-10-02T23:59:59Z --until 2026-10-03T00:00:01Z
assert_eq '["2026-10-02","2026-10-03"]' "$(jc 'map(.day) | unique')" \
    "a day counts when a second of it is in [since, until)"
ok "$CS" top errors --db all --json --since 2026-10-02T23:59:59Z --until 2026-10-03T00:00:01Z
assert_eq "7" "$(j 'map(.reports) | add')" "top errors: the same two days"
ok "$CS" top errors --db all --json --since $T_OCT2 --until 20261004
assert_eq "7" "$(j 'map(.reports) | add')" "epoch seconds, YYYYMMDD"

# An empty period, and one that ends before it starts: nothing selected.
for p in "--since 2026-10-03 --until 2026-10-03" \
    "--since 2026-10-04 --until 2026-10-02" "--since 2027-01-01"; do
	for cmd in "top issuers" "top hosts" "trend"; do
		ok "$CS" $cmd --db all --json $p
		assert_eq "[]" "$(jc .)" "$cmd $p"
	done
	ok "$CS" top errors --db all --json $p
	assert_eq "[]" "$(jc .)" "top errors $p"
	ok "$CS" top certs --db all --json $p
	assert_eq "[]" "$(jc .)" "top certs $p"
	ok "$CS" export --db all --format jsonl $p
	assert_eq "" "$(<_out)" "export $p"
	ok "$CS" missing --db all --json --no-roots $p
	assert_eq "[]" "$(jc .)" "missing $p"
	ok "$CS" causes --db all --json --no-roots $p
	assert_eq "[]" "$(jc .)" "causes $p"
done

# Bad times: a usage error, in ingest's words, in every command.
for cmd in "top certs" "export --format jsonl" "missing" "causes" \
    "trend" "report -o r.html"; do
	for t in yesterday 2026-13-01 "" 2026-10-02T25:00; do
		run "$CS" $cmd --db all --since "$t"
		assert_status 2 "$cmd --since '$t'"
		assert_eq "certsift: ${cmd%% *}: bad time '$t' (use YYYY-MM-DD, an ISO 8601 date-time or epoch seconds)" \
		    "$(head -n 1 _err)" "$cmd --since '$t': says why"
	done
	run "$CS" $cmd --db all --until
	assert_status 2 "$cmd --until without a value"
done
[ -e r.html ] && fail "report wrote a page after a usage error"
exit 0
