# The report in a real browser (Chromium, headless, offline): the page of
# the sample and that of a hostile corpus (HTML in hostnames and subject
# names, a javascript: caIssuers URL, invalid UTF-8) show every section and
# the command's figures, have no element or script the page did not write,
# log nothing to the console (a broken page does: the check is real), and
# leave a 1280x2000 screenshot in build/.
. "$CLI_DIR/lib.sh"

command -v chromium >/dev/null || die "chromium is not installed (make deps)"
shots=$CLI_DIR/../../build
mkdir -p "$shots"

browse() {	# page.html out-prefix [extra flags]: dom in .dom, log in .log
	local page=$1 out=$2
	shift 2
	rm -rf prof
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$PWD/prof" --enable-logging=stderr --v=0 \
	    "$@" "file://$PWD/$page" >"$out.dom" 2>"$out.log" ||
	    fail "chromium failed on $page"
}

console() {	# log: the page's console messages and policy refusals
	grep -E 'CONSOLE|Refused to|Uncaught' "$1" || true
}

# The check catches a page that errs.
printf '<!DOCTYPE html><title>bad</title><script>nosuch();</script>\n' >bad.html
browse bad.html bad --dump-dom
[ -n "$(console bad.log)" ] || fail "a script error is not seen in the log"

ingest --db sample "$CORPUS/sample"
ok "$CS" report --db sample --no-roots -o sample.html
browse sample.html sample --dump-dom
assert_eq "" "$(console sample.log)" "sample: console"
for id in coverage per-day causes interception missing issuers certs errors \
    hosts; do
	grep -q "<section id=\"$id\">" sample.dom || fail "sample: no section $id"
done
assert_eq 1 "$(grep -o '<script' sample.dom | wc -l)" "sample: one script"
ok "$CS" top --db sample --json -n 1 issuers
grep -q "<td class=\"n\">$(j '.[0].reports')</td><td class=\"n\">$(j '.[0].certs')</td>" \
    sample.dom || fail "sample: top issuers' figures not in the DOM"
# The causes table in the DOM: causes' rows, figure for figure.
ok "$CS" causes --db sample --no-roots --json
jq -r '.[] | "\(.cause)|<td class=\"n\">\(.reports)</td><td class=\"n\">\(.chains)</td><td class=\"n\">\(.hosts)</td><td class=\"n\">\(.share * 100 | round | tostring | ("00" + .)[-3:] as $p | if length < 3 then $p else . end | .[:-2] + "." + .[-2:])%</td><td class=\"n\">\(.primary)</td>"' \
    _out >rows.txt
n=0
while IFS='|' read -r cause fig; do
	grep -qF "<tr><td>$cause</td>" sample.dom || fail "sample: no row of $cause"
	grep -qF "$fig" sample.dom || fail "sample: causes' $cause $fig not in the DOM"
	n=$((n + 1))
done <rows.txt
[ "$n" -ge 10 ] || fail "sample: only $n causes rows compared"
assert_eq "$(jq length _out)" \
    "$(grep -o '<tr><td>[a-z-]*</td><td class="w">' sample.dom | wc -l)" \
    "sample: as many causes rows as causes"
grep -qF "<td class=\"w\">Avast Antivirus</td><td class=\"n\">$(jq '[.[] | select(.detail == "Avast Antivirus")][0].reports' _out)</td>" \
    sample.dom || fail "sample: the interception products"
ok "$CS" stats --db sample --json
grep -q "<td>reports_accepted</td><td class=\"n\">$(j .reports_accepted)</td>" \
    sample.dom || fail "sample: counters not in the DOM"
browse sample.html shot --screenshot="$shots/report-sample.png" \
    --window-size=1280,2000
[ -s "$shots/report-sample.png" ] || fail "no screenshot"

# A CA nobody sends, and its leaf with HTML in its names and caIssuers
# URLs, one javascript:, one whose bytes the script makes invalid UTF-8.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout ca.key -out ca.pem -days 30 -subj '/CN="><b>Evil CA<\/b>' \
    2>/dev/null || die "openssl req failed"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout k.pem -out c.csr \
    -subj '/CN=<script>alert(1)<\/script>/O="><img src=x onerror=alert(2)>' \
    2>/dev/null || die "openssl req failed"
printf 'authorityInfoAccess=caIssuers;URI:javascript:alert(3),caIssuers;URI:http://x.example/AAAA\n' >ext
openssl x509 -req -in c.csr -CA ca.pem -CAkey ca.key -days 30 -extfile ext \
    -out c.pem 2>/dev/null || die "openssl x509 failed"
/usr/bin/python3 "$CLI_DIR/report-hostile.py" c.pem >hostile.jsonl ||
    die "no hostile corpus"
ingest --db hostile hostile.jsonl
ok "$CS" report --db hostile --no-roots -o hostile.html
browse hostile.html hostile --dump-dom
assert_eq "" "$(console hostile.log)" "hostile: console"
assert_eq 1 "$(grep -o '<script' hostile.dom | wc -l)" "hostile: one script"
sed -n '/<section id="causes">/,/<\/section>/p' hostile.dom |
    grep -qF '<td class="w">CN=\"\&gt;\&lt;b\&gt;Evil CA\&lt;/b\&gt;</td>' ||
    fail "hostile: the causes' detail is not shown as text"
assert_eq 0 "$(grep -Eo '<(img|iframe|object|embed|svg onload|b>)' hostile.dom | wc -l)" \
    "hostile: no injected element"
assert_eq "" "$(grep -Eio 'href="javascript:[^"]*"' hostile.dom)" \
    "hostile: no javascript: link"
grep -qF 'CN=\&lt;script\&gt;alert(1)\&lt;/script\&gt;' hostile.dom ||
    fail "hostile: the subject is not shown as text"
grep -q '&lt;img src=x onerror=alert(5)&gt;' hostile.dom ||
    fail "hostile: the hostname is not shown as text"
grep -q 'javascript:alert(3)' hostile.dom ||
    fail "hostile: the URL is not shown as text"
grep -q $'\xef\xbf\xbd' hostile.dom ||
    fail "hostile: invalid UTF-8 is not shown as U+FFFD"
browse hostile.html shot --screenshot="$shots/report-hostile.png" \
    --window-size=1280,2000
