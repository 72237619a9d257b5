# missing: chains walked by name, key identifier and signature, not by
# position: out of order, repeated certificates, two issuers with the same
# name, a cross-signed root.
. "$CLI_DIR/lib.sh"
. "$CLI_DIR/missing-pki.sh"

ROOT="CN=Root,O=Certsift Test"

# Out of order: root -> int1 -> int2 -> leaf.
pki_root root "Root"
pki_ca int1 "Policy CA" root
pki_ca int2 "Issuing CA" int1
pki_leaf lr r.example int2
pki_leaf lr2 r3.example int2
{
	report r.example $T_OCT1 -8179 lr.pem root.pem int1.pem int2.pem
	report r.example $T_OCT2 -8179 lr.pem root.pem int1.pem int2.pem
	report r2.example $T_OCT1 -8179 lr.pem int2.pem int1.pem root.pem
	report r3.example $T_OCT1 -8179 lr2.pem int1.pem int2.pem
	# int1 is sent, but the leaf's issuer (int2) is not: 1, 1, 1
	report r4.example $T_OCT1 -8179 lr2.pem int1.pem
} >rev.jsonl
ingest --db rev rev.jsonl
MDB=rev missing --roots root.pem
expect_rows "out of order" \
    "$(mrow complete "$ROOT" "$(ski root.pem)" 4 3 3 - -)" \
    "$(mrow missing-intermediate "CN=Issuing CA,O=Certsift Test" \
	"$(ski int2.pem)" 1 1 1 int2.pem corpus)"

# Repeats: each certificate counts once in a walk.
pki_leaf lp p.example int2
{
	report p.example $T_OCT1 -8179 lp.pem int2.pem lp.pem int2.pem int1.pem int1.pem
	report q.example $T_OCT2 -8179 lp.pem int2.pem lp.pem int2.pem int1.pem int1.pem
	report q.example $T_OCT3 -8179 lp.pem lp.pem
} >rep.jsonl
ingest --db rep rep.jsonl
MDB=rep missing --roots root.pem
expect_rows "repeats" \
    "$(mrow complete "$ROOT" "$(ski root.pem)" 2 1 2 - -)" \
    "$(mrow missing-intermediate "CN=Issuing CA,O=Certsift Test" \
	"$(ski int2.pem)" 1 1 1 int2.pem corpus)"

# Twins: two CAs named alike, without key identifiers; only the signature
# tells them apart. twinA would win on notAfter if signatures were not
# checked.
pki_ca twina "Twin CA" root 3000 ca-noski
pki_ca twinb "Twin CA" root 1000 ca-noski
pki_leaf xa xa.example twina leaf-noaki
pki_leaf xb xb.example twinb leaf-noaki
pki_leaf lt t.example twinb leaf-noaki
{
	report xa.example $T_OCT1 -8179 xa.pem twina.pem
	report xb.example $T_OCT1 -8179 xb.pem twinb.pem
	report t.example $T_OCT1 -8179 lt.pem
	report t.example $T_OCT2 -8179 lt.pem
	report t.example $T_OCT3 -8179 lt.pem
	# twinA is sent with it, but does not sign it
	report t2.example $T_OCT1 -8179 lt.pem twina.pem
} >twin.jsonl
ingest --db twin twin.jsonl
MDB=twin missing --roots root.pem
expect_rows "twins" \
    "$(mrow missing-intermediate "CN=Twin CA,O=Certsift Test" - 4 2 2 \
	twinb.pem corpus)" \
    "$(mrow complete "$ROOT" - 2 2 2 - -)"
run openssl verify -CAfile root.pem -untrusted twinb.pem lt.pem
assert_status 0 "openssl agrees: twinB signs lt"
run openssl verify -CAfile root.pem -untrusted twina.pem lt.pem
assert_status 2 "openssl agrees: twinA does not"

# Cross-signed: New Root (untrusted, self-signed) also exists as a
# certificate signed by Old Root (trusted): same name, same key.
pki_root oldroot "Old Root"
pki_root newroot "New Root" 3650
pki_cert cross newroot "/O=Certsift Test/CN=New Root" oldroot 5000
pki_ca intn "New Issuing CA" newroot
pki_leaf n1 n1.example intn
pki_leaf n2 n2.example intn
pki_leaf n3 n3.example intn
{
	report n1.example $T_OCT1 -8179 n1.pem intn.pem cross.pem
	report n1.example $T_OCT2 -8179 n1.pem intn.pem cross.pem
	report n2.example $T_OCT1 -8179 n2.pem intn.pem newroot.pem
	report n3.example $T_OCT1 -8179 n3.pem intn.pem
	report n3.example $T_OCT2 -8179 n3.pem intn.pem
	report n3.example $T_OCT3 -8179 n3.pem intn.pem
} >cross.jsonl
ingest --db cross cross.jsonl
NEW="CN=New Root,O=Certsift Test"
# n3: the issuer of intn was not sent; the cross certificate (latest
# notAfter) is preferred to the self-signed New Root seen in n2's chain.
MDB=cross missing --roots oldroot.pem
expect_rows "cross-signed" \
    "$(mrow missing-intermediate "$NEW" "$(ski newroot.pem)" 3 1 1 \
	cross.pem corpus)" \
    "$(mrow complete "CN=Old Root,O=Certsift Test" "$(ski oldroot.pem)" \
	2 1 1 - -)" \
    "$(mrow untrusted-root "$NEW" "$(ski newroot.pem)" 1 1 1 - -)"
assert_eq "$(ski oldroot.pem)" "$(aki cross.pem)" "cross is by oldroot"
assert_eq "$(ski newroot.pem)" "$(ski cross.pem)" "cross has newroot's key"
# With New Root trusted too, every walk ends at it, sent or not.
MDB=cross missing --roots oldroot.pem --roots newroot.pem
expect_rows "cross-signed, new root trusted" \
    "$(mrow complete "$NEW" "$(ski newroot.pem)" 6 3 3 - -)"
