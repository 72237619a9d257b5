# File forms: CRLF + BOM + blank lines, JSON array file, single pretty-printed
# object, an array on a JSONL line; all give the same store.
. "$CLI_DIR/lib.sh"

report a.example $T_OCT1 -8179 "$LEAF" "$INT" >r1
report b.example $T_OCT2 -8172 "$AVLEAF" "$AVROOT" >r2
report c.example $T_OCT3 -8181 "$CIO" >r3

# reference: plain JSON Lines
cat r1 r2 r3 >plain.jsonl
ingest --db ref plain.jsonl
expect_json sum.json reports_read=3 reports_accepted=3 certs_seen=5 certs_new=5
export_jsonl --db ref
mv exp.jsonl ref.jsonl

check_form() {	# name file
	ingest --db "db.$1" "$2"
	expect_json sum.json files=1 reports_read=3 reports_accepted=3 \
	    reports_malformed=0 certs_seen=5 certs_invalid=0 certs_new=5
	export_jsonl --db "db.$1"
	assert_file_eq ref.jsonl exp.jsonl "export after $1"
}

# UTF-8 BOM, CRLF line ends, blank (and whitespace-only) lines
{
	printf '\357\273\277'
	printf '\r\n'
	sed 's/$/\r/' r1
	printf '\r\n  \t \r\n'
	sed 's/$/\r/' r2
	sed 's/$/\r/' r3
	printf '\r\n'
} >crlf.jsonl
check_form crlf crlf.jsonl

# last line without a newline
{ cat r1 r2; tr -d '\n' <r3; } >nonl.jsonl
check_form nonl nonl.jsonl

# one JSON array of reports, pretty printed
jq -s . r1 r2 r3 >array.json
assert_eq 3 "$(jq length array.json)" "array fixture"
check_form array array.json

# array in one line
jq -s -c . r1 r2 r3 >array1.jsonl
check_form arrayline array1.jsonl

# array on one JSONL line among others
{ cat r1; jq -s -c . r2 r3; } >mixed.jsonl
check_form mixedline mixed.jsonl

# a single pretty-printed object (one report), and the same with a BOM
jq . r1 >single.json
assert_match '^  "hostname"' "$(sed -n 2p single.json)" "fixture is pretty"
ingest --db single single.json
expect_json sum.json files=1 reports_read=1 reports_accepted=1 certs_seen=2 certs_new=2
{ printf '\357\273\277'; jq . r2 | sed 's/$/\r/'; } >single-bom.json
ingest --db single single-bom.json
expect_json sum.json files=1 reports_read=1 reports_accepted=1 certs_seen=2 certs_new=2
