# Repeated certs in one chain count once per report; chains keep repeats and
# order and drop invalid entries; unique_chains / unique_hosts.
. "$CLI_DIR/lib.sh"

{
	report h1.example $T_OCT1 -8179 "$LEAF" "$INT" "$LEAF" "$INT" "$INT"
	report h2.example $T_OCT2 -8179 "$LEAF" "$INT"
	report h3.example $T_OCT3 -8172 "$INT" "$LEAF"
	report h4.example $T_OCT4 -8179 "$LEAF" raw:AAAA "$INT"
	report h5.example $T_OCT5 -8179 raw:AAAA
	report h6.example $T_OCT5 -8179
	report h1.example $T_OCT5 -8179 "$LEAF" "$INT" "$LEAF" "$INT" "$INT"
} >r.jsonl

ingest --db db r.jsonl
expect_json sum.json reports_read=7 reports_accepted=7 reports_malformed=0 \
    certs_seen=16 certs_invalid=2 certs_new=2
stats --db db
expect_json stats.json unique_certs=2 unique_chains=3 unique_hosts=6
export_jsonl --db db
assert_eq "5 4 4 $T_OCT1 $T_OCT5 {\"-8172\":1,\"-8179\":4}" "$(figures $(sha "$LEAF"))" leaf
assert_eq "5 1 4 $T_OCT1 $T_OCT5 {\"-8172\":1,\"-8179\":4}" "$(figures $(sha "$INT"))" int
