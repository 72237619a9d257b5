# Numbers as floats (truncated toward zero), fields of the wrong type absent.
. "$CLI_DIR/lib.sh"

AVR=$AVROOT
line() {	# fields-json cert
	printf '{%s"failedCertChain":["%s"]}\n' "$1" "$(b64 "$2")"
}
{
	line "\"hostname\":\"a.example\",\"timestamp\":$T_OCT1.9,\"errorCode\":-8179.0,\"port\":443.0," "$LEAF"
	line "\"hostname\":\"b.example\",\"timestamp\":$T_OCT2.5,\"errorCode\":-12276.7," "$INT"
	line "\"hostname\":42,\"timestamp\":\"$T_OCT1\",\"errorCode\":\"SEC_ERROR_UNKNOWN_ISSUER\",\"port\":\"443\"," "$ROOT"
	line "\"hostname\":null,\"timestamp\":[$T_OCT1],\"errorCode\":true," "$CIO"
	line "\"hostname\":\"c.example\",\"timestamp\":1.7908128e9,\"errorCode\":-8.172e3," "$AVLEAF"
	line "" "$AVR"
	line "\"hostname\":{\"name\":\"x\"},\"timestamp\":false,\"errorCode\":{}," "$RAPID"
} >r.jsonl

ingest --db db r.jsonl
expect_json sum.json reports_read=7 reports_accepted=7 reports_malformed=0 \
    certs_seen=7 certs_invalid=0 certs_new=7
stats --db db
expect_json stats.json unique_hosts=3 unique_chains=7
export_jsonl --db db
assert_eq "1 1 1 $T_OCT1 $T_OCT1 {\"-8179\":1}" "$(figures $(sha "$LEAF"))" "float code/timestamp"
assert_eq "1 1 1 $T_OCT2 $T_OCT2 {\"-12276\":1}" "$(figures $(sha "$INT"))" "negative fraction"
assert_eq "1 1 0 null null {}" "$(figures $(sha "$ROOT"))" "string fields"
assert_eq "1 1 0 null null {}" "$(figures $(sha "$CIO"))" "null/array/bool fields"
assert_eq "1 1 1 $T_OCT1 $T_OCT1 {\"-8172\":1}" "$(figures $(sha "$AVLEAF"))" "exponent numbers"
assert_eq "1 1 0 null null {}" "$(figures $(sha "$AVR"))" "no fields"
assert_eq "1 1 0 null null {}" "$(figures $(sha "$RAPID"))" "object/false fields"
