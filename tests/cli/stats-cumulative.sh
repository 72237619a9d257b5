# stats: cumulative counters over several ingests, plus unique_* and files_ingested.
. "$CLI_DIR/lib.sh"

{
	report a.example $T_OCT1 -8179 "$LEAF" "$INT"
	echo 'not json'
	report b.example $T_OCT2 -8179 "$LEAF" raw:AAAA
} >r1.jsonl
{
	report c.example $T_OCT3 -8179 "$CIO" "$RAPID"
	report a.example $T_OCT3 -8179 "$LEAF" "$INT"
} >r2.jsonl

ingest --db db r1.jsonl
expect_json sum.json files=1 reports_read=3 reports_accepted=2 \
    reports_malformed=1 certs_seen=3 certs_invalid=1 certs_new=2
ingest --db db --error -8179 r2.jsonl
expect_json sum.json files=1 reports_read=2 reports_accepted=2 certs_seen=4 certs_new=2
stats --db db
expect_json stats.json files=2 reports_read=5 reports_accepted=4 \
    reports_filtered=0 reports_malformed=1 certs_seen=7 certs_invalid=1 \
    certs_new=4 unique_certs=4 unique_chains=3 unique_hosts=3 files_ingested=2
for k in bytes seconds; do
	assert_eq number "$(jq -r ".$k | type" stats.json)" "stats .$k type"
done

# filtered reports are counted in stats too
report d.example $T_OCT4 -8172 "$ROOT" >r3.jsonl
ingest --db db --error -8179 r3.jsonl
expect_json sum.json reports_read=1 reports_accepted=0 reports_filtered=1
stats --db db
expect_json stats.json reports_read=6 reports_filtered=1 unique_certs=4 \
    unique_hosts=3 files_ingested=3

# human-readable stats: exit 0, something printed
ok "$CS" stats --db db
[ -s _out ] || fail "stats without --json printed nothing"
# without --json, ingest prints a one-line summary
report e.example $T_OCT5 -8179 "$ROOT" >r4.jsonl
ok "$CS" ingest --db db r4.jsonl
assert_eq 1 "$(grep -c . _out)" "human summary lines"
