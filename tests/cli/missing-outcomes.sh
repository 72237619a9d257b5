# missing: each outcome with hand-computed counts; rows by reports, then
# issuer; --known; --error; the summary; table and CSV forms.
. "$CLI_DIR/lib.sh"
. "$CLI_DIR/missing-pki.sh"

pki_root root "Root"
pki_ca int "Issuing CA" root
pki_ca int2 "Web CA 2" root
pki_ca int3 "Known CA 3" root
pki_root hidden "Hidden Root"
pki_ca int4 "Hidden CA 4" hidden
pki_root avroot "Interception Root"
pki_leaf l1 a.example int
pki_leaf l2 b.example int
pki_leaf l3 c.example int
pki_leaf l4 d.example int2 aia=http://pki.test/int2.crt
pki_leaf l5 e.example int2
pki_leaf l6 f.example int3
pki_leaf l7 g.example int4 aia=http://pki.test/hidden4.crt
pki_leaf av1 www.google.com avroot
pki_leaf av2 www.bing.com avroot
pki_cert router router "/CN=router.example" - 365 leaf
cat int3.pem >known.pem

{
	# complete: 7 reports, 4 chains, hosts a b c e (-8179 only: 6, 3, 3)
	report a.example $T_OCT1 -8179 l1.pem int.pem root.pem
	report a.example $T_OCT2 -8179 l1.pem int.pem root.pem
	report b.example $T_OCT1 -8179 l2.pem int.pem
	report b.example $T_OCT2 -8179 l2.pem int.pem
	report b.example $T_OCT3 -8179 l2.pem int.pem
	report c.example $T_OCT1 -8172 l3.pem int.pem root.pem
	report e.example $T_OCT1 -8179 l5.pem int2.pem
	# missing-intermediate, resolved by int2 (seen above): 4, 1, 2
	report d.example $T_OCT1 -8179 l4.pem
	report d.example $T_OCT2 -8179 l4.pem
	report d.example $T_OCT3 -8179 l4.pem
	report d2.example $T_OCT3 -8179 l4.pem
	# int3 only in known.pem: 2, 1, 1
	report f.example $T_OCT1 -8179 l6.pem
	report f.example $T_OCT2 -8179 l6.pem
	# nowhere: 1, 1, 1
	report g.example $T_OCT1 -8179 l7.pem
	# interception root, sent and not sent: 5, 2, 3
	report www.google.com $T_OCT1 -8179 av1.pem avroot.pem
	report www.google.com $T_OCT2 -8179 av1.pem avroot.pem
	report mail.google.com $T_OCT2 -8179 av1.pem avroot.pem
	report www.bing.com $T_OCT2 -8179 av2.pem
	report www.bing.com $T_OCT3 -8179 av2.pem
	# a lone self-signed certificate: 1, 1, 1
	report router.example $T_OCT1 -8156 router.pem
} >r.jsonl
ingest --db db r.jsonl

ROOT="CN=Root,O=Certsift Test"
AV="CN=Interception Root,O=Certsift Test"
W2="CN=Web CA 2,O=Certsift Test"
K3="CN=Known CA 3,O=Certsift Test"
H4="CN=Hidden CA 4,O=Certsift Test"
RT="CN=router.example"

missing --roots root.pem
expect_rows "no --known" \
    "$(mrow complete "$ROOT" "$(ski root.pem)" 7 4 4 - -)" \
    "$(mrow untrusted-root "$AV" "$(ski avroot.pem)" 5 2 3 avroot.pem corpus)" \
    "$(mrow missing-intermediate "$W2" "$(ski int2.pem)" 4 1 2 int2.pem \
	corpus http://pki.test/int2.crt)" \
    "$(mrow unknown-issuer "$K3" "$(ski int3.pem)" 2 1 1 - -)" \
    "$(mrow unknown-issuer "$H4" "$(ski int4.pem)" 1 1 1 - - \
	http://pki.test/hidden4.crt)" \
    "$(mrow untrusted-root "$RT" "$(aki router.pem)" 1 1 1 - -)"
assert_eq "certsift: missing: reports: complete 7, missing-intermediate 4, untrusted-root 6, unknown-issuer 3" \
    "$(<_err)" "summary on stderr"

missing --roots root.pem --known known.pem
expect_rows "--known" \
    "$(mrow complete "$ROOT" "$(ski root.pem)" 7 4 4 - -)" \
    "$(mrow untrusted-root "$AV" "$(ski avroot.pem)" 5 2 3 avroot.pem corpus)" \
    "$(mrow missing-intermediate "$W2" "$(ski int2.pem)" 4 1 2 int2.pem \
	corpus http://pki.test/int2.crt)" \
    "$(mrow missing-intermediate "$K3" "$(ski int3.pem)" 2 1 1 int3.pem known)" \
    "$(mrow unknown-issuer "$H4" "$(ski int4.pem)" 1 1 1 - - \
	http://pki.test/hidden4.crt)" \
    "$(mrow untrusted-root "$RT" "$(aki router.pem)" 1 1 1 - -)"

# --error: only the matching reports count (the -8172 and -8156 ones go)
missing --roots root.pem --known known.pem --error SEC_ERROR_UNKNOWN_ISSUER
assert_eq '[["complete",6,3,3],["untrusted-root",5,2,3],["missing-intermediate",4,1,2],["missing-intermediate",2,1,1],["unknown-issuer",1,1,1]]' \
    "$(jc 'map([.outcome, .reports, .chains, .hosts])')" "--error by name"
missing --roots root.pem --error -8156 --error -8172
assert_eq '[["complete",1,1,1,"CN=Root,O=Certsift Test"],["untrusted-root",1,1,1,"CN=router.example"]]' \
    "$(jc 'map([.outcome, .reports, .chains, .hosts, .issuer])')" "--error twice"
assert_eq "certsift: missing: reports: complete 1, missing-intermediate 0, untrusted-root 1, unknown-issuer 0" \
    "$(<_err)" "summary under --error"

# no roots at all: the root is untrusted, sent or not
missing
assert_eq '[["untrusted-root","CN=Root,O=Certsift Test",7,4],["untrusted-root","CN=Interception Root,O=Certsift Test",5,2]]' \
    "$(jc '[.[] | [.outcome, .issuer, .reports, .chains]] | .[0:2]')" "no roots"
assert_eq "$(sha root.pem)" "$(j '.[0].resolved_by')" "no roots: resolved_by"

# -n
missing --roots root.pem -n 2
assert_eq 2 "$(j length)" "-n 2"
missing --roots root.pem -n 0
assert_eq 6 "$(j length)" "-n 0"

# the table: a header, rows in the same order, the summary last
run "$CS" missing --db db --no-roots --roots root.pem
assert_status 0 "table"
assert_eq "" "$(<_err)" "table: nothing on stderr"
assert_match '^outcome +reports +chains +hosts +source +aki +issuer$' \
    "$(sed -n 1p _out)" "table header"
assert_match '^complete +7 +4 +4 +- +[0-9a-f]{16} +CN=Root,O=Certsift Test$' \
    "$(sed -n 2p _out)" "table row 1"
assert_match '^missing-intermediate +4 +1 +2 +corpus ' "$(sed -n 4p _out)" \
    "table row 3"
assert_eq "reports: complete 7, missing-intermediate 4, untrusted-root 6, unknown-issuer 3" \
    "$(tail -n 1 _out)" "table summary"
assert_eq 8 "$(wc -l <_out | tr -d ' ')" "table lines"

# CSV: RFC 4180, nulls empty, the URLs in one field
run "$CS" missing --db db --no-roots --roots root.pem --csv
assert_status 0 "csv"
assert_eq "outcome,issuer,aki,reports,chains,hosts,resolved_by,source,aia_ca_issuers" \
    "$(sed -n 1p _out | tr -d '\r')" "csv header"
assert_eq "missing-intermediate,\"CN=Web CA 2,O=Certsift Test\",$(ski int2.pem),4,1,2,$(sha int2.pem),corpus,http://pki.test/int2.crt" \
    "$(sed -n 4p _out | tr -d '\r')" "csv row"
assert_eq "complete,\"CN=Root,O=Certsift Test\",$(ski root.pem),7,4,4,,," \
    "$(sed -n 2p _out | tr -d '\r')" "csv nulls"
assert_eq 7 "$(grep -c $'\r$' _out)" "csv CRLF"
