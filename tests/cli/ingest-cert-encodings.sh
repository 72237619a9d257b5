# Chain entries: PEM blocks, base64 without padding, with whitespace/newlines.
. "$CLI_DIR/lib.sh"

# pick certificates whose base64 needs padding ('=' or '==')
B_LEAF=$(b64 "$LEAF") B_INT=$(b64 "$INT") B_ROOT=$(b64 "$ROOT") B_CIO=$(b64 "$CIO")
pad=0
for b in "$B_LEAF" "$B_INT" "$B_ROOT" "$B_CIO"; do
	case $b in *=) pad=$((pad + 1)) ;; esac
done
[ $pad -ge 1 ] || die "no fixture needs padding"

pem_json() {	# PEM text of a cert file as a JSON string
	openssl x509 -in "$1" | jq -Rs .
}
nopad() { printf '%s' "$1" | tr -d '='; }
wrap76() { printf '%s' "$1" | fold -w 76 | jq -Rs .; }
spaced() {	# spaces, tabs, CR/LF sprinkled in
	printf '%s' "$1" | fold -w 10 | sed 's/^/ \t/' | sed 's/$/\r/' | jq -Rs .
}

{
	echo "{\"hostname\":\"pem.example\",\"timestamp\":$T_OCT1,\"errorCode\":-8179,\"failedCertChain\":[$(pem_json "$LEAF"),$(pem_json "$INT")]}"
	echo "{\"hostname\":\"nopad.example\",\"timestamp\":$T_OCT1,\"errorCode\":-8179,\"failedCertChain\":[\"$(nopad "$B_LEAF")\",\"$(nopad "$B_INT")\",\"$(nopad "$B_ROOT")\",\"$(nopad "$B_CIO")\"]}"
	echo "{\"hostname\":\"wrap.example\",\"timestamp\":$T_OCT1,\"errorCode\":-8179,\"failedCertChain\":[$(wrap76 "$B_LEAF"),$(spaced "$B_INT"),$(spaced "$B_CIO")]}"
	echo "{\"hostname\":\"pemcrlf.example\",\"timestamp\":$T_OCT1,\"errorCode\":-8179,\"failedCertChain\":[$(openssl x509 -in "$ROOT" | sed 's/$/\r/' | jq -Rs .)]}"
} >r.jsonl

ingest --db db r.jsonl
expect_json sum.json reports_read=4 reports_accepted=4 reports_malformed=0 \
    certs_seen=10 certs_invalid=0 certs_new=4
export_jsonl --db db
assert_eq "3 3 3" "$(figures $(sha "$LEAF") | cut -d' ' -f1-3)" leaf
assert_eq "3 0 3" "$(figures $(sha "$INT") | cut -d' ' -f1-3)" int
assert_eq "2 1 2" "$(figures $(sha "$ROOT") | cut -d' ' -f1-3)" root
assert_eq "2 0 2" "$(figures $(sha "$CIO") | cut -d' ' -f1-3)" cio

# same figures as from plain base64
{
	report pem.example $T_OCT1 -8179 "$LEAF" "$INT"
	report nopad.example $T_OCT1 -8179 "$LEAF" "$INT" "$ROOT" "$CIO"
	report wrap.example $T_OCT1 -8179 "$LEAF" "$INT" "$CIO"
	report pemcrlf.example $T_OCT1 -8179 "$ROOT"
} >plain.jsonl
ingest --db db2 plain.jsonl
mv exp.jsonl exp1.jsonl
export_jsonl --db db2
assert_file_eq exp1.jsonl exp.jsonl "export vs plain base64"

# '=' in the middle, base64url, and a PEM block of non-base64 are invalid
{
	report bad.example $T_OCT1 -8179 "raw:${B_INT:0:100}=${B_INT:100}"
	report bad.example $T_OCT1 -8179 "raw:${B_LEAF//+/-}" "raw:-----BEGIN CERTIFICATE-----\\nnot base64\\n-----END CERTIFICATE-----\\n"
} >bad.jsonl
case $B_LEAF in *+*) ;; *) die "fixture has no '+'" ;; esac
ingest --db db3 bad.jsonl
expect_json sum.json reports_accepted=2 certs_seen=0 certs_invalid=3 certs_new=0
