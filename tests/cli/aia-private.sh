# Without --allow-private, certsift aia --fetch connects to no loopback
# address: not 127.0.0.1, not a name that resolves to it (localhost), not
# the numbers written other ways (2130706433, 0x7f.1, 127.1), not IPv6
# (::1, ::ffff:127.0.0.1 in both spellings). The server gets no request,
# nothing is kept, and the issuers stay unknown.
. "$CLI_DIR/lib.sh"
. "$CLI_DIR/aia-pki.sh"

srv_start
ingest --db db srv/reports.jsonl srv/private.jsonl
A="--db db --roots srv/root.pem"
aia_missing db >before

run "$CS" aia $A --fetch --json
assert_status 0 "aia --fetch"
assert_eq 0 "$(requests)" "requests without --allow-private"
assert_eq '0 0 20 1 0' "$(j '"\(.fetched) \(.failed) \(.refused) \(.unsupported) \(.certs)"')" \
    "summary"
# Written out, the address is refused before any connection; by name, at
# the connection, on the address it resolved to.
j '.results[] | select(.status == "refused") | "\(.url | sub(":[0-9]+/.*";
    "")) \(.detail)"' | sort >got
cat >want <<EOF
http://0x7f.1 a non-global address
http://127.0.0.1 a non-global address
http://127.0.0.1 a non-global address
http://127.0.0.1 a non-global address
http://127.0.0.1 a non-global address
http://127.0.0.1 a non-global address
http://127.0.0.1 a non-global address
http://127.0.0.1 a non-global address
http://127.0.0.1 a non-global address
http://127.0.0.1 a non-global address
http://127.0.0.1 a non-global address
http://127.0.0.1 a non-global address
http://127.0.0.1 a non-global address
http://127.1 a non-global address
http://2130706433 a non-global address
http://[::1] a non-global address
http://[::ffff:127.0.0.1] a non-global address
http://[::ffff:7f00:1] a non-global address
http://localhost refused to connect to ::1: not a global address
https://127.0.0.1 a non-global address
EOF
# localhost: ::1 or 127.0.0.1 first, whichever libcurl tries.
sed -i 's/refused to connect to 127.0.0.1:/refused to connect to ::1:/' got
assert_file_eq want got "refused, and why"
assert_eq 20 "$(j '[.results[] | select(.status == "refused")] | length')" \
    "refused URLs"
aia_missing db >after
assert_file_eq before after "nothing resolved"

# Refusals are not kept: --list shows them never fetched, and a run with
# --allow-private fetches them.
run "$CS" aia $A --list --json
assert_eq 0 "$(j '[.[] | select(.status != null and .status !=
    "unsupported")] | length')" "no status kept"
run "$CS" aia $A --fetch --allow-private --host 'p?.example' --json
assert_status 0 "aia --fetch --allow-private"
assert_eq ok "$(j '.results[] | select(.url | startswith("http://localhost:"))
    | .status')" "localhost with --allow-private"
assert_eq ok "$(j '.results[] | select(.url | startswith("http://2130706433:"))
    | .status')" "2130706433 with --allow-private"
test "$(requests)" -gt 0 || fail "no request with --allow-private"

# The environment's proxy is not used: a proxy that is not there would
# fail every fetch.
run env http_proxy=http://127.0.0.1:1 HTTP_PROXY=http://127.0.0.1:1 \
    ALL_PROXY=http://127.0.0.1:1 "$CS" aia $A --fetch --allow-private \
    --host notfound.example --json
assert_eq http "$(j '.results[] | select(.url | endswith("/notfound.der")) |
    .status')" "no proxy from the environment"
# --proxy is used (and there, nothing listens).
run "$CS" aia $A --fetch --allow-private --refresh --host notfound.example \
    --proxy http://127.0.0.1:1 --json
assert_eq connect "$(j '.results[] | select(.url | endswith("/notfound.der")) |
    .status')" "--proxy"
# With --proxy, an address written in the URL is still refused, before the
# proxy is asked.
run "$CS" aia $A --fetch --refresh --host notfound.example \
    --proxy http://127.0.0.1:1 --json
assert_eq "refused a non-global address" "$(j '.results[] | select(.url |
    endswith("/notfound.der")) | "\(.status) \(.detail)"')" "--proxy, refused"

# Through --proxy (the server is one): a name the proxy resolves is
# fetched; a redirect is checked as a first URL is, so one to a loopback
# address, written either way, or to another scheme is refused and not
# followed; and as the proxy resolves names, one to a name that is
# loopback by definition (localhost) is refused too.
ingest --db px srv/proxy.jsonl
: >srv/requests
run "$CS" aia --db px --roots srv/root.pem --fetch --proxy "$URL" --json
assert_status 0 "aia --fetch --proxy"
j '.results[] | "\(.url) \(.status) \(.detail)"' | sort >got
cat >want <<EOF2
http://ca.example/proxy-ok ok null
http://ca.example/redirect-ftp redirect redirect: not an http or https URL
http://ca.example/redirect-localhost redirect redirect: a loopback name
http://ca.example/redirect-mapped redirect redirect: a non-global address
http://ca.example/redirect-private redirect redirect: a non-global address
EOF2
assert_file_eq want got "redirects checked"
assert_eq "http://ca.example/proxy-ok
http://ca.example/redirect-ftp
http://ca.example/redirect-localhost
http://ca.example/redirect-mapped
http://ca.example/redirect-private" "$(sort srv/requests)" \
    "no redirect followed"
run "$CS" missing --db px --roots srv/root.pem --json
assert_eq "missing-intermediate aia" "$(j '.[] | select(.issuer |
    startswith("CN=CA proxy-ok")) | "\(.outcome) \(.source)"')" \
    "fetched through the proxy"
