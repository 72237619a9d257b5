# causes: every diagnosis on hand-built chains (openssl, EC P-256 keys
# unless said), with figures computed by hand. Certificates are made now,
# valid from now (leaves 90 days, CAs 5 years): the reports' times are
# chosen around that.
. "$CLI_DIR/lib.sh"
. "$CLI_DIR/missing-pki.sh"

now=$(date +%s)
T=$((now + 86400))		# all valid
TEXP=$((now + 200 * 86400))	# leaves expired, CAs valid
TNY=$((now - 10 * 86400))	# nothing valid yet

pki_root root "Root"
pki_ca int "Issuing CA" root
pki_root priv "Private Root"
pki_cert fg fg "/O=Fortinet/CN=FortiGate CA" - 3650
pki_cert int2 int2 "/O=Certsift Test/CN=SHA-1 CA" root 1825	# then -sha1
openssl x509 -req -in int2.csr -CA root.pem -CAkey root.key -sha1 \
    -days 1825 -set_serial 900 -extfile int2.ext -out int2.pem 2>/dev/null ||
    die "cannot make int2.pem"
pki_cert nonca nonca "/O=Certsift Test/CN=Not A CA" int 1825 leaf
# v1: no extensions at all
openssl ecparam -name prime256v1 -genkey -noout -out v1.key &&
openssl req -new -key v1.key -subj "/O=Certsift Test/CN=Version 1" \
    -out v1.csr 2>/dev/null &&
openssl x509 -req -in v1.csr -CA int.pem -CAkey int.key -days 1825 \
    -set_serial 901 -out v1.pem 2>/dev/null || die "cannot make v1.pem"
echo v1 >v1.kid
openssl x509 -in v1.pem -noout -text | grep -q 'Version: 1 ' ||
    die "v1.pem is not v1"

pki_leaf a a.example int
pki_leaf b b.example int
pki_leaf c c.example priv
pki_cert ghost ghost "/O=Certsift Test/CN=Ghost CA" root 1825	# never sent
pki_leaf d d.example ghost
pki_cert e e "/CN=e.example" - 90 leaf-noaki			# self-signed
pki_leaf f f1.example fg
pki_leaf g g.example int
pki_leaf h h.example int
pki_leaf i i.example int
pki_leaf w w.example int \
    'basicConstraints=CA:false\nsubjectAltName=DNS:*.w.example\nauthorityKeyIdentifier=keyid:always'
pki_leaf ip ip.example int \
    'basicConstraints=CA:false\nsubjectAltName=IP:192.0.2.1,DNS:192.0.2.2\nauthorityKeyIdentifier=keyid:always'
pki_leaf j j.example int2
openssl genrsa -out k.key 1024 2>/dev/null || die "cannot make k.key"
pki_leaf k k.example int
pki_leaf l l.example nonca
pki_leaf m m.example v1 leaf-noaki

{
	report a.example $T -8179 a.pem int.pem
	report a.example $T -8179 a.pem int.pem
	for n in 1 2 3; do report b.example $T -8179 b.pem; done
	report c.example $T -8179 c.pem priv.pem
	report d.example $T -8179 d.pem
	report d.example $T -8179 d.pem
	report e.example $T -16370 e.pem
	report f1.example $T -8179 f.pem fg.pem
	report f2.example $T -8179 f.pem fg.pem
	report g.example $TEXP -8181 g.pem int.pem
	report g.example $T -8181 g.pem int.pem
	report h.example $TNY -16379 h.pem int.pem
	report h.example - -16379 h.pem int.pem
	report wrong.example $T -12276 i.pem int.pem
	report x.w.example $T -12276 w.pem int.pem
	report a.b.w.example $T -12276 w.pem int.pem
	report w.example $T -12276 w.pem int.pem
	report 192.0.2.1 $T -12276 ip.pem int.pem
	report 192.0.2.2 $T -12276 ip.pem int.pem
	report j.example $T -8016 j.pem int2.pem
	report k.example $T -16382 k.pem int.pem
	report l.example $T -8156 l.pem nonca.pem int.pem
	report m.example $T -16381 m.pem v1.pem int.pem
} >r.jsonl
ingest --db db r.jsonl

# rows: cause|detail|reports|chains|hosts|share|primary, sorted
rows() {
	jq -r '.[] | [.cause, (.detail // "-"), .reports, .chains, .hosts,
	    .share, .primary] | join("|")' _out | sort
}

run "$CS" causes --db db --roots root.pem --json -n 0
assert_status 0 "causes --json"
assert_eq "$(sort <<'END'
interception|Fortigate|2|1|2|8|2
untrusted-root|CN=FortiGate CA,O=Fortinet|2|1|2|8|0
untrusted-root|CN=Private Root,O=Certsift Test|1|1|1|4|1
name-mismatch|-|5|4|5|20|4
missing-intermediate|CN=Issuing CA,O=Certsift Test (corpus)|3|1|1|12|3
unknown-issuer|CN=Ghost CA,O=Certsift Test|2|1|1|8|2
self-signed-leaf|-|1|1|1|4|1
expired|-|1|1|1|4|1
not-yet-valid|-|1|1|1|4|1
weak-signature|ecdsa-with-SHA1|1|1|1|4|1
weak-key|RSA-1024|1|1|1|4|1
not-a-ca|no cA|1|1|1|4|1
not-a-ca|v1|1|1|1|4|1
other|-|6|5|5|24|6
END
)" "$(rows)" "the diagnoses"
assert_eq "certsift: causes: reports 25; primary: interception 8.00%, missing-intermediate 12.00%, untrusted-root 4.00%, unknown-issuer 8.00%, self-signed-leaf 4.00%, expired 4.00%, not-yet-valid 4.00%, name-mismatch 16.00%, weak-signature 4.00%, weak-key 4.00%, not-a-ca 8.00%, other 24.00%" \
    "$(<_err)" "summary"

# Examples are chain ids as export --format chains names them: the chain
# with the most reports first.
chainid() {	# CERT...: the id of a chain sent as these
	local c
	for c in "$@"; do sha "$c"; done | tr -d '\n' | xxd -r -p |
	    sha256sum | cut -d' ' -f1
}
assert_eq "[\"$(chainid b.pem)\"]" \
    "$(jc '[.[] | select(.cause == "missing-intermediate") | .examples[]]')" \
    "missing-intermediate's example"
run "$CS" export --db db --format chains --dir chains
assert_status 0 "export chains"
[ -f "chains/$(chainid b.pem).pem" ] || fail "no chain file $(chainid b.pem)"
assert_eq 2 "$(jq '[.[] | select(.cause == "other") | .examples[]] |
    length' <("$CS" causes --db db --roots root.pem --json -n 0 \
    --examples 2 2>/dev/null))" "--examples 2"

# Without --roots the root is untrusted too; the table and CSV agree.
run "$CS" causes --db db --no-roots --csv -n 3
assert_status 0 "causes --csv"
assert_eq "cause,detail,reports,chains,hosts,share,primary,examples" \
    "$(head -1 _out | tr -d '\r')" "CSV header"
assert_eq 4 "$(wc -l <_out)" "-n 3 rows"
run "$CS" causes --db db --roots root.pem -n 0
assert_status 0 "causes (table)"
assert_match '^reports 25; primary: interception 8.00%' "$(tail -1 _out)" \
    "table summary"
assert_eq 16 "$(wc -l <_out)" "table: header, 14 rows, summary"

# The selection: --error picks reports by code (the six of -12276).
run "$CS" causes --db db --roots root.pem --json --error -12276
assert_status 0 "causes --error"
assert_eq "name-mismatch|-|4|3|4|66.67|4
other|-|2|2|2|33.33|2" "$(rows)" "--error -12276"
assert_eq "certsift: causes: reports 6; primary: name-mismatch 66.67%, other 33.33%" \
    "$(<_err)" "--error summary"
