# Exactly once: the same contents under any path is a no-op unless --force.
. "$CLI_DIR/lib.sh"

{
	report a.example $T_OCT1 -8179 "$LEAF" "$INT"
	report b.example $T_OCT2 -8172 "$LEAF"
	report c.example $T_OCT3 -8179 "$CIO"
} >r.jsonl
ingest --db db r.jsonl
expect_json sum.json files=1 reports_read=3 reports_accepted=3 certs_new=3
export_jsonl --db db
mv exp.jsonl exp1.jsonl

mkdir -p other/dir
cp r.jsonl other/dir/renamed.json
for args in r.jsonl other/dir/renamed.json "$PWD/r.jsonl" other "./r.jsonl other"; do
	# shellcheck disable=SC2086
	ingest --db db $args
	expect_json sum.json reports_read=0 reports_accepted=0 reports_malformed=0 \
	    certs_seen=0 certs_new=0
done
# the file is counted, with zero reports
ingest --db db other/dir/renamed.json
expect_json sum.json files=1 reports_read=0
stats --db db
expect_json stats.json files_ingested=1 reports_read=3 reports_accepted=3 certs_seen=4
export_jsonl --db db
assert_file_eq exp1.jsonl exp.jsonl "export after re-ingest"

# the same bytes twice in one run: once
cp r.jsonl again.jsonl
ingest --db db2 r.jsonl again.jsonl
expect_json sum.json files=2 reports_read=3 reports_accepted=3
stats --db db2
expect_json stats.json files_ingested=1

# --force ingests again: counts double, hosts and dates do not change
ingest --db db --force other/dir/renamed.json
expect_json sum.json reports_read=3 reports_accepted=3 certs_seen=4 certs_new=0
export_jsonl --db db
assert_eq "4 4 2 $T_OCT1 $T_OCT2 {\"-8172\":2,\"-8179\":2}" "$(figures $(sha "$LEAF"))" "leaf after --force"
assert_eq "2 0 1 $T_OCT1 $T_OCT1 {\"-8179\":2}" "$(figures $(sha "$INT"))" "int after --force"
stats --db db
expect_json stats.json reports_accepted=6 certs_seen=8 unique_certs=3 \
    unique_chains=3 unique_hosts=3

# different contents (one more line) is a new file: all of it counts
{ cat r.jsonl; report d.example $T_OCT4 -8179 "$ROOT"; } >grown.jsonl
ingest --db db2 grown.jsonl
expect_json sum.json reports_read=4 reports_accepted=4 certs_new=1
stats --db db2
expect_json stats.json files_ingested=2 reports_accepted=7
