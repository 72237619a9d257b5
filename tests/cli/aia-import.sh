# The offline flow: certsift aia --list names each URL and the file to save
# its response in; a fetcher outside (Python here) saves them; --import
# reads them back, matched to their URLs by name. Round by round (an
# issuer's issuer is listed once its child is in), it ends where --fetch
# ends: the same rows in missing. Files named otherwise are plain AIA
# certificates; files without certificates are counted and said.
. "$CLI_DIR/lib.sh"
. "$CLI_DIR/aia-pki.sh"

srv_start
# The slow one only costs time here.
grep -v '"slow.example"' srv/reports.jsonl >reports.jsonl
ingest --db a reports.jsonl
ingest --db b reports.jsonl
R="--roots srv/root.pem"

run "$CS" aia --db a $R --fetch --allow-private --json
assert_status 0 "aia --fetch"

# The fetcher outside: each http(s) URL never fetched nor tried, saved as
# the file --list names when the server answers 200.
cat >fetch.py <<'EOF'
import json, os, sys, urllib.request
lst, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
done = set(open("tried").read().split()) if os.path.exists("tried") else set()
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
n = 0
for t in json.load(open(lst)):
    u = t["url"]
    if t["status"] is not None or u in done or not u.startswith("http"):
        continue
    done.add(u)
    try:
        body = opener.open(u, timeout=5).read()
    except Exception:
        continue
    with open(os.path.join(out, t["file"]), "wb") as f:
        f.write(body)
    n += 1
open("tried", "w").write("\n".join(sorted(done)))
print(n)
EOF
for round in 1 2 3 4; do
	run "$CS" aia --db b $R --list --json
	assert_status 0 "aia --list, round $round"
	cp _out list$round.json
	got=$(/usr/bin/python3 fetch.py list$round.json imp) ||
	    die "the fetcher failed"
	[ "$got" = 0 ] && break
	run "$CS" aia --db b $R --import imp --json
	assert_status 0 "aia --import, round $round"
done
assert_eq 3 "$round" "rounds: the leaves' issuers, theirs, none left"
# The names --list suggests: SHA-256 of the URL.
assert_eq "$(printf '%s' "$URL/der.cer" | sha256sum | cut -d' ' -f1).cer" \
    "$(jq -r --arg u "$URL/der.cer" '.[] | select(.url == $u) | .file' \
    list1.json)" "the suggested name"
assert_eq 9 "$(ls imp | wc -l | tr -d ' ')" "files saved"
# The same rows as --fetch gave.
run "$CS" missing --db a $R --json -n 0
cp _out a.json
run "$CS" missing --db b $R --json -n 0
assert_file_eq a.json _out "--list and --import give what --fetch gives"
assert_eq 5 "$(jq '[.[] | select(.source == "aia")] | length' a.json)" \
    "rows resolved from AIA"
# A file named for a URL but holding no certificate marks that URL.
run "$CS" aia --db b $R --list --json
assert_eq not-a-certificate "$(j '.[] | select(.url | endswith("/garbage"))
    | .status')" "garbage, imported"

# Imported again: nothing new.
run "$CS" aia --db b $R --import imp --json
assert_status 0 "a second import"
assert_eq "9 2 0" "$(j '"\(.files) \(.files_not_certs) \(.certs_new)"')" \
    "a second import's summary"

# merge unions the AIA tables: two halves, each fetched, merged, answer
# as the whole fetched at once.
head -n 6 reports.jsonl >r1.jsonl
tail -n +7 reports.jsonl >r2.jsonl
ingest --db x r1.jsonl
ingest --db y r2.jsonl
run "$CS" aia --db x $R --fetch --allow-private
assert_status 0 "aia --fetch x"
run "$CS" aia --db y $R --fetch --allow-private
assert_status 0 "aia --fetch y"
run "$CS" merge --db m x y
assert_status 0 "merge"
run "$CS" missing --db m $R --json -n 0
assert_file_eq a.json _out "merged: the rows of one store fetched at once"
run "$CS" aia --db m $R --list --json
jq -c '[.[] | del(.fetched_at)]' _out >m.list
run "$CS" aia --db a $R --list --json
jq -c '[.[] | del(.fetched_at)]' _out >a.list
assert_file_eq a.list m.list "merged: the same URLs left, the same statuses"

# Named otherwise: a plain AIA certificate, which resolves its row all the
# same (the walk decides); a file with no certificate is said and counted.
ingest --db c reports.jsonl
mkdir plain
cp srv/ca-der.pem plain/ca.pem
cp srv/ca-pem.pem plain/x.der
echo "not a certificate" >plain/readme.txt
openssl x509 -in srv/ca-pem.pem -outform DER -out plain/x.der
run "$CS" aia --db c $R --import plain --import srv/www/p7c.p7c
assert_status 0 "aia --import plain"
assert_match "no certificates in 'plain/readme.txt'" "$(<_err)" \
    "the file without certificates"
assert_match "^files +4$" "$(grep '^files ' _out)" "files"
assert_match "^files matched +0$" "$(grep '^files matched' _out)" "matched"
assert_match "^files not certs +1$" "$(grep '^files not' _out)" "not certs"
assert_match "^certificates new +3$" "$(grep '^certificates new' _out)" \
    "new"
aia_missing c | grep aia >got
cat >want <<EOF
missing-intermediate aia CN=CA der,O=Certsift Test
missing-intermediate aia CN=CA p7c,O=Certsift Test
missing-intermediate aia CN=CA pem,O=Certsift Test
EOF
assert_file_eq want got "plain AIA certificates resolve"
run "$CS" aia --db c $R --list --json
assert_eq "" "$(j '.[] | select(.url | test("^http://.*/(der.cer|pem.crt|p7c.p7c)$"))
    | .url')" "their URLs are no longer listed"

# Errors: a path that is not there; an ingest holding the store.
run "$CS" aia --db c --import nothing-here
assert_status 1 "a missing path"
assert_match "^certsift: aia: cannot open 'nothing-here': No such file" \
    "$(<_err)" "the message"
flock -o c/ingest.lock sleep 5 &
lock=$!
sleep 0.3
run "$CS" aia --db c --import plain
assert_status 1 "while an ingest runs"
assert_match "in use by another ingest" "$(<_err)" "busy"
kill $lock 2>/dev/null
wait $lock 2>/dev/null || :
