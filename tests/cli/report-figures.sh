# report: one page whose figures are those of the commands for the same
# selection (top -n 20, missing, trend, stats), read back from its tables;
# the sections all there; a store without days says so; options refused.
. "$CLI_DIR/lib.sh"

ingest --db db "$CORPUS/sample"
for sel in "" "--error SEC_ERROR_UNKNOWN_ISSUER" "--leaf --issuer Sample"; do
	# shellcheck disable=SC2086
	ok "$CS" report --db db --no-roots -o page.html $sel
	assert_match "^certsift: report: wrote 'page.html'" "$(<_err)" "says where"
	/usr/bin/python3 - page.html >got.json <<'PY' || fail "page unreadable"
import html.parser, json, sys
class P(html.parser.HTMLParser):
    def __init__(s):
        super().__init__(); s.t = {}; s.cur = None; s.row = None; s.cell = None
        s.ids = []
    def handle_starttag(s, tag, a):
        a = dict(a)
        if "id" in a: s.ids.append(a["id"])
        if tag == "table": s.cur = s.t.setdefault(a.get("id"), [])
        elif tag == "tr" and s.cur is not None: s.row = []
        elif tag in ("td", "th") and s.row is not None: s.cell = ""
        elif tag == "br" and s.cell is not None: s.cell += " "
    def handle_endtag(s, tag):
        if tag in ("td", "th") and s.cell is not None:
            s.row.append(s.cell); s.cell = None
        elif tag == "tr" and s.row is not None:
            s.cur.append(s.row); s.row = None
        elif tag == "table": s.cur = None
    def handle_data(s, d):
        if s.cell is not None: s.cell += d
    def handle_entityref(s, n): pass
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
print(json.dumps({"tables": {k: v[1:] for k, v in p.t.items()}, "ids": p.ids}))
PY
	for id in coverage per-day causes interception missing issuers certs \
	    errors hosts counters trend-error causes-table trend-cause \
	    missing-table top-issuers top-certs top-errors top-hosts; do
		[ "$(jq --arg i $id '.ids | index($i) != null' got.json)" = true ] ||
		    fail "section $id missing ($sel)"
	done
	# shellcheck disable=SC2086
	ok "$CS" top --db db --json issuers $sel
	assert_eq "$(jc 'map([.reports, .certs, .hosts, .issuer])')" \
	    "$(jq -c '.tables["top-issuers"] | map([(.[0]|tonumber), (.[1]|tonumber), (.[2]|tonumber), .[3]])' got.json)" \
	    "top issuers ($sel)"
	# shellcheck disable=SC2086
	ok "$CS" top --db db --json certs $sel
	assert_eq "$(jc 'map([.count, .leaf_count, .hosts, .subject])')" \
	    "$(jq -c '.tables["top-certs"] | map([(.[1]|tonumber), (.[2]|tonumber), (.[3]|tonumber), .[4]])' got.json)" \
	    "top certs ($sel)"
	# shellcheck disable=SC2086
	ok "$CS" top --db db --json errors $sel
	assert_eq "$(jc 'map([.code, .reports, .certs])')" \
	    "$(jq -c '.tables["top-errors"] | map(.[0:3] | map(tonumber))' got.json)" \
	    "top errors ($sel)"
	# shellcheck disable=SC2086
	ok "$CS" top --db db --json hosts $sel
	assert_eq "$(jc 'map([.reports, .certs, .host])')" \
	    "$(jq -c '.tables["top-hosts"] | map([(.[0]|tonumber), (.[1]|tonumber), .[2]])' got.json)" \
	    "top hosts ($sel)"
	# shellcheck disable=SC2086
	ok "$CS" trend --db db --json $sel
	assert_eq "$(jc 'map([(.day // "-"), .reports])')" \
	    "$(jq -c '.tables["trend-error"] | map([.[0], (.[2]|tonumber)])' got.json)" \
	    "trend ($sel)"
	# shellcheck disable=SC2086
	ok "$CS" missing --db db --json --no-roots -n 0 $sel
	assert_eq "$(jc '[.[] | select(.outcome == "missing-intermediate" or
	    .outcome == "unknown-issuer")][:20] | map([.outcome, .reports, .chains, .hosts, .issuer])')" \
	    "$(jq -c '.tables["missing-table"] | map([.[0], (.[1]|tonumber), (.[2]|tonumber), (.[3]|tonumber), .[4]])' got.json)" \
	    "missing rows ($sel)"
	# shellcheck disable=SC2086
	ok "$CS" causes --db db --json --no-roots $sel
	assert_eq "$(jc 'map([.cause, (.detail // "-"), .reports, .chains, .hosts, .share, .primary, (.examples | map(.[:16]) | join(" ") | if . == "" then "-" else . end)])')" \
	    "$(jq -c '.tables["causes-table"] | map([.[0], .[1], (.[2]|tonumber), (.[3]|tonumber), (.[4]|tonumber), (.[5]|rtrimstr("%")|tonumber), (.[6]|tonumber), .[7]])' got.json)" \
	    "causes ($sel)"
	assert_eq "$(jc '[.[] | select(.cause == "interception")] | map([.detail, .reports, .chains, .hosts, .primary])')" \
	    "$(jq -c '(.tables["interception-table"] // []) | map([.[0], (.[1]|tonumber), (.[2]|tonumber), (.[3]|tonumber), (.[4]|tonumber)])' got.json)" \
	    "interception products ($sel)"
	# shellcheck disable=SC2086
	ok "$CS" trend --db db --json --no-roots --by cause $sel
	assert_eq "$(jc 'map([(.day // "-"), .cause, .reports])')" \
	    "$(jq -c '.tables["trend-cause"] | map([.[0], .[1], (.[2]|tonumber)])' got.json)" \
	    "trend --by cause ($sel)"
	ok "$CS" stats --db db --json
	assert_eq "$(jc 'del(.seconds) | to_entries | map([.key, .value])')" \
	    "$(jq -c '.tables.counters | map([.[0], (.[1]|tonumber)])' got.json)" \
	    "counters"
done
# The bundle behind the data: link is missing --pem's certificates.
ok "$CS" report --db db --no-roots -o page.html
sed -n 's/.*href="data:application\/x-pem-file;base64,\([^"]*\)".*/\1/p' page.html |
    base64 -d | grep -v '^#' >bundle.pem
ok "$CS" missing --db db --no-roots --pem
grep -v '^#' _out >want.pem
assert_file_eq want.pem bundle.pem "the PEM bundle is missing --pem's"
assert_match '^<a class="sha" rel="noreferrer" href="https://crt.sh/\?sha256=[0-9a-f]{64}"' \
    "$(grep -o '<a class="sha"[^>]*>' page.html | head -n 1)" "crt.sh links"
size=$(wc -c <page.html)
[ "$size" -lt 1000000 ] || fail "the sample's page weighs $size bytes"
# No request: nothing to fetch, and a policy that forbids it.
assert_eq "" "$(grep -Eio '(src|href)="(https?:)?//[^"]*"' page.html | grep -v 'crt.sh\|href="http' | head -n 3)" \
    "no external resource"
grep -q "Content-Security-Policy\" content=\"default-src 'none'" page.html ||
    fail "no Content-Security-Policy"

# --hosts none: the page says no hostname is kept.
ingest --db none --hosts none "$CORPUS/sample"
ok "$CS" report --db none --no-roots
assert_match "keeps no hostnames" "$(<_out)" "hosts none"
# An upgraded schema 4 store says which reports have no day.
report a.example "$T_OCT1" -8179 "$LEAF" "$INT" >a.jsonl
report b.example "$T_OCT2" -8179 "$LEAF" "$INT" >b.jsonl
ingest --db old a.jsonl
mdb_dump -a old | awk '/^database=(aiaurl|aiacert|day|chainday|chainhostday|certcode|hostcode)$/ { skip = 1 }
	/^VERSION=/ { skip = 0 } !skip' |
    sed '/^ 736368656d61$/{n;s/.*/ 04000000/}' >old.dump
mkdir old4 && mdb_load -f old.dump old4 2>/dev/null || die "mdb_load failed"
ok "$CS" report --db old4 --no-roots
assert_match "keeps no days yet" "$(<_out)" "schema 4: no days"
ingest --db old4 b.jsonl
ok "$CS" report --db old4 --no-roots
assert_match "the 1 reports ingested before have no day" "$(<_out)" \
    "upgraded: the reports before"
run "$CS" report --db db -n 0
assert_status 2 "-n 0"
run "$CS" report --db db extra
assert_status 2 "an operand"
run "$CS" report --db nowhere
assert_status 1 "no store"
