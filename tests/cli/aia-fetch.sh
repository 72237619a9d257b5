# certsift aia --fetch against the local server (--allow-private): DER,
# PEM and PKCS#7 (DER and PEM) responses resolve unknown-issuer rows with
# source aia, an issuer's issuer is fetched too (two levels), a certificate
# that does not verify stays a candidate, each failure has its reason, a
# second run asks nothing, --refresh asks again; a name no resolver knows
# fails with the reason dns.
. "$CLI_DIR/lib.sh"
. "$CLI_DIR/aia-pki.sh"

srv_start
ingest --db db srv/reports.jsonl
A="--db db --roots srv/root.pem"
T="O=Certsift Test"

assert_eq 14 "$(aia_missing db | grep -c "^unknown-issuer null ")" \
    "every issuer unknown at first"

run "$CS" aia $A --fetch --allow-private --timeout 3 --json
assert_status 0 "aia --fetch"
# Each URL once, in order: level, then reports, then URL; the port out.
jq -r '.results[] | [.level, .status, (.http_status // "-"), .certs,
    .certs_new, .url] | @tsv' _out | sed "s/:$PORT\//:PORT\//" >got
cat >want <<EOF
1	connect	-	0	0	http://127.0.0.1:1/connect.der
1	too-large	200	0	0	http://127.0.0.1:PORT/big
1	ok	200	1	1	http://127.0.0.1:PORT/der.cer
1	not-a-certificate	200	0	0	http://127.0.0.1:PORT/garbage
1	redirect	302	0	0	http://127.0.0.1:PORT/loop
1	http	404	0	0	http://127.0.0.1:PORT/notfound.der
1	ok	200	1	1	http://127.0.0.1:PORT/p7c.p7c
1	ok	200	1	1	http://127.0.0.1:PORT/p7pem.p7b
1	ok	200	1	1	http://127.0.0.1:PORT/pem.crt
1	timeout	-	0	0	http://127.0.0.1:PORT/slow
1	ok	200	1	1	http://127.0.0.1:PORT/to/lower.cer
1	ok	200	1	1	http://127.0.0.1:PORT/wrong.der
1	tls	-	0	0	https://127.0.0.1:PORT/der.cer
1	unsupported	-	0	0	ldap://ldap.example/ca
2	ok	200	1	1	http://127.0.0.1:PORT/upper.der
EOF
assert_file_eq want got "what each URL gave"
assert_eq '{"fetched":7,"failed":7,"failures":{"dns":0,"connect":1,"tls":1,"http":1,"timeout":1,"too-large":1,"not-a-certificate":1,"redirect":1,"error":0},"refused":0,"unsupported":1,"skipped":0,"certs":7,"certs_new":7}' \
    "$(jc 'del(.results, .files, .files_matched, .files_not_certs)')" \
    "the summary"
assert_match "more than 3 redirects" "$(j '.results[] |
    select(.status == "redirect") | .detail')" "the loop's detail"
assert_match "more than 262144 bytes" "$(j '.results[] |
    select(.status == "too-large") | .detail')" "too large's detail"
# /loop four times (the first and three redirects), /to/ and its target.
assert_eq 16 "$(requests)" "requests"
assert_eq 4 "$(grep -c '^/loop$' srv/requests)" "the loop's requests"

# The rows: fetched issuers resolve with source aia; the impostor has the
# name but not the key, so its row stays unknown.
aia_missing db >got
cat >want <<EOF
missing-intermediate aia CN=CA der,$T
missing-intermediate aia CN=CA lower,$T
missing-intermediate aia CN=CA p7c,$T
missing-intermediate aia CN=CA p7pem,$T
missing-intermediate aia CN=CA pem,$T
unknown-issuer null CN=CA big,$T
unknown-issuer null CN=CA connect,$T
unknown-issuer null CN=CA garbage,$T
unknown-issuer null CN=CA ldap,$T
unknown-issuer null CN=CA loop,$T
unknown-issuer null CN=CA notfound,$T
unknown-issuer null CN=CA slow,$T
unknown-issuer null CN=CA tls,$T
unknown-issuer null CN=CA wrong,$T
EOF
assert_file_eq want got "missing after the fetch"
run "$CS" missing $A --json -n 0
assert_eq "$(sha srv/ca-der.pem)" "$(j '.[] | select(.issuer ==
    "CN=CA der,O=Certsift Test") | .resolved_by')" "resolved by ca-der"
assert_eq "$(sha srv/lower.pem)" "$(j '.[] | select(.issuer ==
    "CN=CA lower,O=Certsift Test") | .resolved_by')" "resolved by lower"
# The table says so too, and the bundle holds the five.
run "$CS" missing $A -n 0
assert_match "missing-intermediate +1 +1 +1 +aia +[0-9a-f]+ +CN=CA der" \
    "$(<_out)" "the table's source"
run "$CS" missing $A --pem
assert_status 0 "missing --pem"
assert_eq 5 "$(grep -c '^# source: aia$' _out)" "the bundle's sources"
awk '/^-----BEGIN/ { n++ } /^-----BEGIN/,/^-----END/ { print > ("b" n ".pem") }' _out
assert_eq "$(for c in ca-der lower ca-p7c ca-p7pem ca-pem; do
    sha srv/$c.pem; done | sort)" "$(for f in b*.pem; do sha "$f"; done |
    sort)" "the bundle's certificates"

# known > store > aia: the same issuer elsewhere is preferred.
run "$CS" missing $A --known srv/ca-der.pem --json -n 0
assert_eq known "$(j '.[] | select(.issuer == "CN=CA der,O=Certsift Test") |
    .source')" "known before aia"
report pem.example $T_OCT2 -8179 srv/leaf-pem.pem srv/ca-pem.pem >sent.jsonl
ingest --db db sent.jsonl
run "$CS" missing $A --json -n 0
assert_eq corpus "$(j '.[] | select(.issuer == "CN=CA pem,O=Certsift Test"
    and .outcome == "missing-intermediate") | .source')" "store before aia"

# What is left to fetch: the failures, each with its last status.
run "$CS" aia $A --list --json
assert_status 0 "aia --list"
j '.[] | "\(.url | sub(".*/"; "")) \(.level) \(.status) \(.http_status)"' |
    sort >got
cat >want <<EOF
big 1 too-large 200
ca 1 unsupported null
connect.der 1 connect null
der.cer 1 tls null
garbage 1 not-a-certificate 200
loop 1 redirect 302
notfound.der 1 http 404
slow 1 timeout null
wrong.der 1 ok 200
EOF
assert_file_eq want got "the list after the fetch"
assert_eq true "$(j '[.[] | select(.status != "unsupported") | .fetched_at |
    test("^20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z$")]
    | length == 8 and all')" "fetched_at"

# Again: nothing is asked; the ldap URL is still not fetched.
before=$(requests)
run "$CS" aia $A --fetch --allow-private --timeout 3 --json
assert_status 0 "second aia --fetch"
assert_eq "$before" "$(requests)" "a second run asks nothing"
assert_eq '8 0 1 0' "$(j '"\(.skipped) \(.fetched) \(.unsupported) \(.certs)"')" \
    "a second run's summary"

# --refresh asks again (a selection leaves the slow one out): big,
# garbage, the loop (4), notfound, wrong; ldap is not fetched.
run "$CS" aia $A --fetch --allow-private --refresh --host '[bglnw]*' \
    --max-bytes 400000 --json
assert_status 0 "aia --fetch --refresh"
assert_eq "0 6" "$(j '"\(.skipped) \(.results | length)"')" \
    "--refresh skips nothing"
assert_eq 8 "$(($(requests) - before))" "--refresh asks again"
assert_eq not-a-certificate "$(j '.results[] | select(.url |
    endswith("/big")) | .status')" "--max-bytes lets the zeros in"

# verify reads the AIA tables: sound, then a flipped byte in a kept
# certificate's signature is found.
run "$CS" verify --db db
assert_status 0 "verify after the fetches"
mdb_dump -s aiacert db >aia.dump || die "mdb_dump"
awk 'f == 0 && /^ [0-9a-f]+$/ && length($0) > 200 { sub(/........$/,
    "00000000"); f = 1 } { print }' aia.dump >aia.bad
cmp -s aia.dump aia.bad && die "nothing flipped"
mdb_load -s aiacert -f aia.bad db 2>/dev/null || die "mdb_load"
run "$CS" verify --db db
assert_status 1 "verify finds the flipped certificate"
assert_match "AIA certificate [0-9a-f]{64}: its DER has another SHA-256" \
    "$(<_out)" "verify's problem"

# A name under .invalid (RFC 6761): the resolver fails, the reason is dns,
# it is kept, and the next run does not ask again.
ingest --db dns srv/dns.jsonl
run "$CS" aia --db dns --roots srv/root.pem --fetch --timeout 10 --json
assert_status 0 "aia --fetch of an unresolvable name"
assert_eq "dns 0 http://no-such-host.invalid/dns.der" "$(j '.results[] |
    "\(.status) \(.certs) \(.url)"')" "the unresolvable name's result"
assert_eq '1
{"dns":1,"connect":0,"tls":0,"http":0,"timeout":0,"too-large":0,"not-a-certificate":0,"redirect":0,"error":0}' \
    "$(jc '.failed'; jc '.failures')" "counted under dns"
run "$CS" aia --db dns --roots srv/root.pem --list --json
assert_eq "dns" "$(j '.[] | .status')" "kept with its reason"
run "$CS" aia --db dns --roots srv/root.pem --fetch --json
assert_eq "1 0" "$(j '"\(.skipped) \(.results | length)"')" \
    "not asked again"
