# aia: -h, usage errors (exit 2), a missing store (exit 1), the list in
# every format, a selection, and a schema 4 store (no AIA tables): read as
# it is, upgraded to schema 7 by the first --import.
. "$CLI_DIR/lib.sh"

ok "$CS" aia -h
assert_match '^usage: certsift aia ' "$(head -n 1 _out)" "-h"
assert_eq "" "$(<_err)" "-h: no stderr"

for args in "--list --fetch" "--refresh" "--jobs 0" "--jobs x" \
    "--timeout 0" "--timeout 1.5" "--max-bytes 0" "--max-bytes -1" \
    "--error NO_SUCH_ERROR" "extra" "--bogus"; do
	run "$CS" aia $args
	assert_status 2 "aia $args"
	assert_stderr_prefixed "aia $args"
	grep -q '^usage: certsift aia' _err ||
	    fail "aia $args: no usage on stderr"
done

run "$CS" aia --db nosuch --no-roots
assert_status 1 "no store"
assert_stderr_prefixed "no store"
run "$CS" aia --db nosuch --no-roots --fetch
assert_status 1 "no store, --fetch"
[ -e nosuch ] && fail "--fetch made a store"

# Leaves naming their issuers' URLs (never fetched here: --list only).
CIO_URL=$(openssl x509 -in "$CIO" -noout -ext authorityInfoAccess |
    sed -n 's/.*CA Issuers - URI://p')
report a.example $T_OCT1 -8179 "$CIO" >r.jsonl
report b.example $T_OCT1 -8179 "$CIO" >>r.jsonl
report c.example $T_OCT1 -8172 "$CIO" >>r.jsonl
report d.example $T_OCT1 -8179 "$AVLEAF" >>r.jsonl
ingest --db db r.jsonl
run "$CS" aia --db db --no-roots --json
assert_status 0 "--list --json"
FILE=$(printf '%s' "$CIO_URL" | sha256sum | cut -d' ' -f1).cer
assert_eq "[{\"url\":\"$CIO_URL\",\"file\":\"$FILE\",\"level\":1,\"reports\":3,\"chains\":1,\"issuer\":\"$(openssl x509 -in "$CIO" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')\",\"status\":null,\"http_status\":null,\"certs\":null,\"fetched_at\":null}]" \
    "$(jc .)" "the list"
assert_match "^certsift: aia: urls: 1, never fetched 1; unknown-issuer reports 4$" \
    "$(<_err)" "the summary on stderr"
run "$CS" aia --db db --no-roots --csv
assert_eq "url,file,level,reports,chains,issuer,status,http_status,certs,fetched_at" \
    "$(head -n 1 _out | tr -d '\r')" "CSV header"
assert_match "^$CIO_URL,$FILE,1,3,1,\"" "$(sed -n 2p _out)" "CSV row"
assert_eq 2 "$(wc -l <_out | tr -d ' ')" "CSV lines"
run "$CS" aia --db db --no-roots
assert_match "^level +reports +chains +status +file +url$" \
    "$(head -n 1 _out)" "table header"
assert_match "^ +1 +3 +1 +- +$FILE +$CIO_URL$" "$(sed -n 2p _out)" \
    "table row"
assert_match "^urls: 1, never fetched 1; unknown-issuer reports 4$" \
    "$(sed -n 3p _out)" "table summary"
# The selection: under --error -8172 one report; none for another code.
run "$CS" aia --db db --no-roots --error -8172 --json
assert_eq "1 1" "$(j '.[] | "\(.reports) \(.chains)"')" "--error"
run "$CS" aia --db db --no-roots --error -8156 --json
assert_eq "[]" "$(<_out)" "nothing selected"

# Schema 4: the dump of every table but the AIA ones, schema record 4.
mdb_dump -a db | awk '
	/^database=(aiaurl|aiacert|certcode|hostcode)$/ { skip = 1 }
	/^VERSION=/ { skip = 0 }
	!skip' | sed '/^ 736368656d61$/{n;s/.*/ 04000000/}' >old.dump
grep -q '^ 04000000$' old.dump || die "schema record not found in the dump"
mkdir old
mdb_load -f old.dump old 2>/dev/null || die "mdb_load failed"
mdb_stat -s aiaurl old >/dev/null 2>&1 && die "aiaurl survived the dump"
cp old/data.mdb before.mdb
run "$CS" aia --db old --no-roots --json
assert_status 0 "schema 4: --list"
assert_eq 1 "$(j length)" "schema 4: the list"
run "$CS" missing --db old --no-roots --json
assert_status 0 "schema 4: missing"
cmp -s before.mdb old/data.mdb || fail "a query changed the schema 4 store"
openssl x509 -in "$RAPID" -outform DER -out "rapid.der"
run "$CS" aia --db old --no-roots --import rapid.der --json
assert_status 0 "schema 4: --import"
assert_eq "1 1" "$(j '"\(.certs) \(.certs_new)"')" "schema 4: imported"
mdb_dump -s meta old | grep -q '^ 07000000$' || fail "schema not 7 after import"
run "$CS" missing --db old --no-roots --json
assert_eq "missing-intermediate aia $(sha "$RAPID")" "$(j '.[] |
    select(.aia_ca_issuers | length > 0) | "\(.outcome) \(.source)
    \(.resolved_by)"' | tr '\n' ' ' | sed 's/ $//; s/  */ /g')" \
    "schema 4, upgraded: resolved"
run "$CS" aia --db old --no-roots --json
assert_eq "[]" "$(<_out)" "schema 4, upgraded: nothing left to fetch"
