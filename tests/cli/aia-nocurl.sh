# libcurl is loaded only when `aia` checks or fetches a URL (curl_dl.c):
# the other commands run without it, and a libcurl that cannot be used
# (here a library of that name without its functions, found first on
# LD_LIBRARY_PATH) gives `aia --fetch` a clear message, not a crash.
. "$CLI_DIR/lib.sh"

ingest --db db "$CORPUS/sample"
mkdir fake
echo 'int certsift_not_curl;' >fake/f.c
cc -shared -fPIC -o fake/libcurl.so.4 fake/f.c || die "cannot build the fake"

LD_LIBRARY_PATH=$PWD/fake run "$CS" stats --db db
assert_status 0 "stats without libcurl's functions"
LD_LIBRARY_PATH=$PWD/fake run "$CS" top --db db issuers
assert_status 0 "top without libcurl's functions"

LD_LIBRARY_PATH=$PWD/fake run "$CS" aia --db db --fetch --json
assert_status 1 "aia --fetch without libcurl's functions"
assert_stderr_prefixed "its message"
assert_match "libcurl has no curl_" "$(<_err)" "it names what is missing"

# The real one: its URL check (libcurl's parser) takes the sample's http
# URLs, and nothing is fetched by --list.
ok "$CS" aia --db db --list --json
assert_eq 0 "$(jq '[.[] | select(.status == "unsupported")] | length' _out)" \
    "no http URL unsupported"
[ "$(jq length _out)" -gt 3 ] || fail "too few URLs listed"
