# JSON Lines: per-certificate figures and summary totals, hand-checked.
. "$CLI_DIR/lib.sh"

{
	report portal.example.com $T_OCT1 -8179 "$LEAF" "$INT" "$ROOT"
	report vpn.example.org $T_OCT3 -8179 "$LEAF" "$INT"
	report portal.example.com $T_OCT2 -12276 "$LEAF"
	report shop.example.net $T_OCT4 -8179 "$INT"
} >r.jsonl

ingest --db db r.jsonl
expect_json sum.json files=1 reports_read=4 reports_accepted=4 \
    reports_filtered=0 reports_malformed=0 certs_seen=7 certs_invalid=0 \
    certs_new=3
for k in bytes seconds; do
	assert_eq number "$(jq -r ".$k | type" sum.json)" "summary .$k type"
done

stats --db db
expect_json stats.json files=1 reports_read=4 reports_accepted=4 \
    reports_filtered=0 reports_malformed=0 certs_seen=7 certs_invalid=0 \
    certs_new=3 unique_certs=3 unique_chains=4 unique_hosts=3 \
    files_ingested=1

export_jsonl --db db
assert_eq 3 "$(wc -l <exp.jsonl)" "export lines"
L=$(sha "$LEAF") I=$(sha "$INT") R=$(sha "$ROOT")
assert_eq "3 3 2 $T_OCT1 $T_OCT3 {\"-12276\":1,\"-8179\":2}" "$(figures $L)" leaf
assert_eq "3 1 3 $T_OCT1 $T_OCT4 {\"-8179\":3}" "$(figures $I)" intermediate
assert_eq "1 0 1 $T_OCT1 $T_OCT1 {\"-8179\":1}" "$(figures $R)" root

# order: count desc, then sha256 ascending
first2=$(printf '%s\n%s\n' "$L" "$I" | sort | tr '\n' ' ')
assert_eq "$first2$R " "$(jq -r .sha256 exp.jsonl | tr '\n' ' ')" "export order"
