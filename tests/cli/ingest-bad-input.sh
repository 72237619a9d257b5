# Every class of bad record is counted and skipped; exit 0; store correct.
. "$CLI_DIR/lib.sh"

BL=$(b64 "$LEAF") BI=$(b64 "$INT")
HALF=${BL:0:$(( ${#BL} / 8 * 4 ))}
TRAIL=$( { der "$LEAF"; printf 'xx'; } | base64 -w0)
{
	report a.example $T_OCT1 -8179 "$LEAF" "$INT"                       # 1 ok
	echo '{"hostname": "x.example", "failedCertChain": ['               # 2 invalid JSON
	echo '[1, "x", null]'                                               # 3 three non-objects
	echo '{"hostname": "nochain.example", "timestamp": 1790812800}'     # 4 no chain
	echo '{"hostname": "s.example", "failedCertChain": "'"$BL"'"}'      # 5 chain a string
	echo '{"hostname": "o.example", "failedCertChain": {"0": "'"$BL"'"}}' # 6 chain an object
	echo 'null'                                                         # 7 null
	echo "{\"hostname\":\"bad.example\",\"timestamp\":$T_OCT2,\"errorCode\":-8179,\"failedCertChain\":[\"@@@@\",\"aGVsbG8gd29ybGQ=\",\"$HALF\",\"$TRAIL\",7,{},\"\",null,\"$(b64 "$ROOT")\"]}"  # 8 accepted, 8 invalid
	printf '{"hostname":"nul\000.example","failedCertChain":["%s"]}\n' "$BI"  # 9 raw NUL
	printf '{"hostname":"caf\351.example","failedCertChain":["%s"]}\n' "$BI"  # 10 invalid UTF-8
	printf '{"hostname":"ok.example","failedCertChain":[]} trailing\n'      # 11 trailing garbage
	printf '{"failedCertChain":[]}{"failedCertChain":[]}\n'                 # 12 two objects
	printf '\000\000\000\000\n'                                            # 13 NULs only
	printf '\377\376{\n'                                                    # 14 binary
	report b.example $T_OCT3 -8172 "$CIO"                               # 15 ok
	printf '{"hostname":"e\\u0301.example","timestamp":%d,"failedCertChain":["%s"]}\n' $T_OCT4 "$BI" # 16 ok, escape
} >bad.jsonl
# an escaped NUL inside a string is valid JSON: accepted
printf '{"hostname":"z\\u0000.example","timestamp":%d,"failedCertChain":["%s"]}\n' $T_OCT5 "$BI" >esc.jsonl
# a certificate given as raw DER instead of a report
der "$ROOT" >cert.der

ingest --db db bad.jsonl cert.der
rd=$(j .reports_read sum.json)
[ "$rd" -ge 19 ] || fail "reports_read $rd < 19"
expect_json sum.json files=2 reports_accepted=4 reports_filtered=0 \
    reports_malformed=$((rd - 4)) certs_seen=5 certs_invalid=8 certs_new=4
stats --db db
expect_json stats.json reports_accepted=4 certs_seen=5 certs_invalid=8 \
    unique_certs=4 unique_chains=4 unique_hosts=4 files_ingested=2
export_jsonl --db db
assert_eq "2 1 2 $T_OCT1 $T_OCT4 {\"-8179\":1}" "$(figures $(sha "$INT"))" int
assert_eq "1 1 1 $T_OCT1 $T_OCT1 {\"-8179\":1}" "$(figures $(sha "$LEAF"))" leaf
assert_eq "1 1 1 $T_OCT2 $T_OCT2 {\"-8179\":1}" "$(figures $(sha "$ROOT"))" "root after 8 invalid entries"
assert_eq "1 1 1 $T_OCT3 $T_OCT3 {\"-8172\":1}" "$(figures $(sha "$CIO"))" cio
assert_eq 4 "$(wc -l <exp.jsonl)" "export lines"

# an escaped NUL (\u0000) in a string is valid JSON: the report is accepted
ingest --db db2 esc.jsonl
expect_json sum.json reports_read=1 reports_accepted=1 certs_seen=1
