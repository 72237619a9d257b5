# export --format jsonl: every certificate field, hand-checked against the
# fixtures (see corpus/README.md and `openssl x509 -text`).
. "$CLI_DIR/lib.sh"

NAS=$GEN/nas-selfsigned.pem ROUTER=$GEN/router-selfsigned.pem
ECR=$REAL/ecdsa_root.pem UTF=$GEN/int1-utf8.pem WILD=$REAL/wildcard_san.pem
{
	report portal.example.com $T_OCT1 -8179 "$LEAF" "$INT" "$ROOT"
	report www.cryptography.io $T_OCT1 -8181 "$CIO"
	report nas.home.arpa $T_OCT1 -16370 "$NAS"
	report 192.168.1.1 $T_OCT1 -8156 "$ROUTER"
	report x.example $T_OCT1 -8179 "$ECR"
	report boutique.example.fr $T_OCT1 -8179 "$UTF"
	report langui.sh $T_OCT1 -12276 "$WILD"
} >r.jsonl
ingest --db db r.jsonl
expect_json sum.json reports_accepted=7 certs_seen=9 certs_new=9
export_jsonl --db db
assert_eq 9 "$(wc -l <exp.jsonl)" "export lines"

# every line has exactly the specified keys (extra keys allowed) and types
keys='["aia_ca_issuers","aki","count","errors","first_seen","hosts","is_ca","issuer","key","last_seen","leaf_count","not_after","not_before","san","self_signed","serial","sha256","sig_alg","ski","subject"]'
assert_eq 0 "$(jq -c --argjson k "$keys" 'select(($k - keys) != [])' exp.jsonl | wc -l)" "lines missing keys"
assert_eq 0 "$(jq -c 'select((.sha256 | test("^[0-9a-f]{64}$")) and (.serial | test("^[0-9a-f]+$"))
    and (.not_before | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"))
    and (.is_ca | type == "boolean") and (.self_signed | type == "boolean")
    and (.san | type == "array") and (.aia_ca_issuers | type == "array")
    and (.errors | type == "object") | not)' exp.jsonl | wc -l)" "lines with bad types"

f() {	# cert-file jq-filter expected
	local got
	got=$(cert "$(sha "$1")" "$2")
	assert_eq "$3" "$got" "$(basename "$1") $2"
}
f "$LEAF" .subject '"CN=portal.example.com"'
f "$LEAF" .issuer '"CN=Certsift Sample Issuing CA 1,O=Certsift Sample PKI,C=US"'
f "$LEAF" .serial '"23fb1442eb4a00ae190eeefb24a272aa"'
f "$LEAF" '[.not_before, .not_after]' '["2026-09-01T00:00:00Z","2026-11-30T00:00:00Z"]'
f "$LEAF" '[.is_ca, .self_signed]' '[false,false]'
f "$LEAF" '[.ski, .aki]' '["a29b1c4a84f63bfff20e26917c5a8bf93e62514e","356078de6a95f525d5769cd976d2abec50fd0f7c"]'
f "$LEAF" '[.key, .sig_alg]' '["EC-P-256","sha256WithRSAEncryption"]'
f "$LEAF" .san '["portal.example.com","www.portal.example.com"]'
f "$LEAF" .aia_ca_issuers '["http://pki.certsift.example/int1.crt"]'

f "$INT" '[.is_ca, .self_signed, .key]' '[true,false,"RSA-2048"]'
f "$INT" '[.ski, .aki]' '["356078de6a95f525d5769cd976d2abec50fd0f7c","044eccebdb8c80133d665f1cefb0bab048abd076"]'
f "$INT" '[.san, .aia_ca_issuers]' '[[],["http://pki.certsift.example/root.crt"]]'
f "$INT" '[.not_before, .not_after]' '["2024-01-01T00:00:00Z","2034-01-01T00:00:00Z"]'

f "$ROOT" '[.is_ca, .self_signed, .ski, .aki]' '[true,true,"044eccebdb8c80133d665f1cefb0bab048abd076",null]'
f "$ROOT" '[.subject == .issuer, .serial]' '[true,"1d87dddc55006be1c8d86ecb675e208b"]'

f "$CIO" .subject '"CN=www.cryptography.io,OU=Domain Control Validated - RapidSSL(R),OU=See www.rapidssl.com/resources/cps (c)14,OU=GT48742965"'
f "$CIO" .issuer '"CN=RapidSSL SHA256 CA - G3,O=GeoTrust Inc.,C=US"'
f "$CIO" '[.serial, .key, .sig_alg, .is_ca, .self_signed]' '["3f20","RSA-4096","sha256WithRSAEncryption",false,false]'
f "$CIO" '[.not_before, .not_after]' '["2014-10-15T12:09:32Z","2018-11-16T01:15:03Z"]'
f "$CIO" '[.ski, .aki]' '[null,"c39cf3fcd3460834bbce467fa07c5bf3e208cb59"]'
f "$CIO" '[.san, .aia_ca_issuers]' '[["www.cryptography.io","cryptography.io"],["http://gv.symcb.com/gv.crt"]]'

f "$NAS" '[.key, .sig_alg, .is_ca, .self_signed]' '["Ed25519","ED25519",false,true]'
f "$NAS" '[.subject, .san]' '["CN=nas.home.arpa,O=Synology Inc.",["nas.home.arpa","10.0.0.5"]]'
f "$NAS" '[.ski, .aki, .aia_ca_issuers]' '["98ec4af9f7cf9ec9ecf2c6ec2a493d7bf77d5967",null,[]]'

f "$ROUTER" '[.is_ca, .self_signed, .key, .san]' '[true,true,"RSA-2048",["192.168.1.1","routerlogin.net"]]'

f "$ECR" '[.key, .sig_alg, .is_ca, .self_signed, .aki]' '["EC-P-384","ecdsa-with-SHA384",true,true,null]'
f "$ECR" .subject '"CN=DigiCert Global Root G3,OU=www.digicert.com,O=DigiCert Inc,C=US"'
# a leading zero digit may be kept or not
assert_match '^"0?55556bcf25ea43535c3a40fd5ab4572"$' "$(cert "$(sha "$ECR")" .serial)" "ecdsa root serial"

f "$UTF" .subject '"CN=boutique.example.fr,O=Café Société Générale d'"'"'Exemple,C=FR"'

f "$WILD" .subject '"C=US,ST=Texas,L=Austin,O=Paul Kehrer,CN=*.langui.sh"'
f "$WILD" .san '["*.langui.sh","langui.sh","*.saseliminator.com","saseliminator.com"]'
f "$WILD" .aia_ca_issuers '["http://ssl.trustwave.com/issuers/OVCA2_L1.crt"]'
iss=$(cert "$(sha "$WILD")" .issuer)
assert_match 'CN=Trustwave Organization Validation SHA256 CA\\\\, Level 1,O=Trustwave Holdings\\\\, Inc\.,L=Chicago,ST=Illinois,C=US"$' "$iss" "escaped commas in issuer"
assert_match '^"0?65c8c4066b8cac89ac895d5a3635aa27943df"$' "$(cert "$(sha "$WILD")" .serial)" "wildcard serial"
