# A 50 MB line (a 50 MB chain entry and a 50 MB extra field) and a
# 10,000-entry chain are handled.
. "$CLI_DIR/lib.sh"

BL=$(b64 "$LEAF") BI=$(b64 "$INT")
{
	# 50 MB of 'A' as a chain entry: decodes to zeros, an invalid cert
	printf '{"hostname":"big.example","timestamp":%d,"errorCode":-8179,"failedCertChain":["%s","' $T_OCT1 "$BL"
	head -c 52428800 /dev/zero | tr '\0' 'A'
	printf '"]}\n'
	# 50 MB of padding in another field
	printf '{"hostname":"pad.example","timestamp":%d,"errorCode":-8179,"padding":"' $T_OCT2
	head -c 52428800 /dev/zero | tr '\0' 'x'
	printf '","failedCertChain":["%s"]}\n' "$BI"
	report after.example $T_OCT3 -8179 "$ROOT"
} >huge.jsonl
[ "$(wc -c <huge.jsonl)" -gt 104857600 ] || die "fixture too small"

ingest --db db huge.jsonl
expect_json sum.json reports_read=3 reports_accepted=3 reports_malformed=0 \
    certs_seen=3 certs_invalid=1 certs_new=3
rm -f huge.jsonl

# 10,000 entries: LEAF, INT alternating
python3 - "$BL" "$BI" $T_OCT4 >long.jsonl <<'PY'
import json, sys
l, i, t = sys.argv[1], sys.argv[2], int(sys.argv[3])
chain = [l if n % 2 == 0 else i for n in range(10000)]
print(json.dumps({"hostname": "long.example", "timestamp": t,
                  "errorCode": -8179, "failedCertChain": chain}))
print(json.dumps({"hostname": "long.example", "timestamp": t + 1,
                  "errorCode": -8179, "failedCertChain": chain}))
PY
ingest --db db long.jsonl
expect_json sum.json reports_read=2 reports_accepted=2 certs_seen=20000 \
    certs_invalid=0 certs_new=0
stats --db db
expect_json stats.json unique_certs=3 unique_chains=4 unique_hosts=4 \
    certs_seen=20003
export_jsonl --db db
assert_eq "3 3 2 $T_OCT1 $((T_OCT4 + 1)) {\"-8179\":3}" "$(figures $(sha "$LEAF"))" leaf
assert_eq "3 1 2 $T_OCT2 $((T_OCT4 + 1)) {\"-8179\":3}" "$(figures $(sha "$INT"))" int
