# A line over 64 MiB is one malformed report, never held whole; the
# reports after it count, and every byte is accounted for: mapped, gzip,
# standard input.
. "$CLI_DIR/lib.sh"

{
	printf '{"hostname":"x","failedCertChain":["'
	head -c 70000000 /dev/zero | tr '\0' 'A'
	printf '"]}\n'
	report y.example $T_OCT1 -8179 "$LEAF"
} >big.jsonl
size=$(wc -c <big.jsonl)
gzip -1 -c big.jsonl >big.jsonl.gz

ingest --db d1 big.jsonl
expect_json sum.json reports_read=2 reports_malformed=1 reports_accepted=1 certs_seen=1 bytes=$size
assert_match 'big.jsonl:1: line longer than 64 MiB' "$(<_err)" "message"
ingest --db d2 big.jsonl.gz
expect_json sum.json reports_read=2 reports_malformed=1 reports_accepted=1 certs_seen=1 bytes=$size
run "$CS" ingest --json --db d3 - <big.jsonl
assert_status 0 "stdin"
cp _out sum.json
expect_json sum.json reports_read=2 reports_malformed=1 reports_accepted=1 certs_seen=1 bytes=$size
