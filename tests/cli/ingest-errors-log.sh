# --errors-log FILE: one "FILE:LINE: reason" line per malformed report or
# invalid cert; the run still exits 0.
. "$CLI_DIR/lib.sh"

mkdir in
{
	report a.example $T_OCT1 -8179 "$LEAF"                         # 1
	echo '{"broken": '                                             # 2 malformed
	report b.example $T_OCT1 -8179 "$INT" raw:@@@@                 # 3 invalid cert
	echo                                                           # 4 blank
	echo '{"hostname": "nochain.example"}'                         # 5 malformed
	echo '[{"failedCertChain": ["@@@@", "AAAA"]}, 5]'              # 6 2 invalid + 1 malformed
	report c.example $T_OCT1 -8179 "$ROOT"                         # 7
} >in/e.jsonl
gzip -c in/e.jsonl >in/g.gz

ingest --db db --errors-log log.txt in/e.jsonl
expect_json sum.json reports_read=7 reports_accepted=4 reports_malformed=3 \
    certs_seen=3 certs_invalid=3
[ -f log.txt ] || die "no errors log"
assert_eq 6 "$(wc -l <log.txt)" "log lines"
assert_eq "in/e.jsonl:2 in/e.jsonl:3 in/e.jsonl:5 in/e.jsonl:6 in/e.jsonl:6 in/e.jsonl:6" \
    "$(cut -d: -f1,2 log.txt | sort | tr '\n' ' ' | sed 's/ $//')" "log locations"
assert_eq 0 "$(grep -Evc '^[^:]+:[0-9]+: [^ ].*$' log.txt)" "log line format"

# a directory: paths below it; gzip: lines of the decompressed text
ingest --db db2 --errors-log log2.txt in
expect_json sum.json files=2 reports_malformed=6 certs_invalid=6
assert_eq "in/e.jsonl:2 in/e.jsonl:3 in/e.jsonl:5 in/e.jsonl:6 in/e.jsonl:6 in/e.jsonl:6 in/g.gz:2 in/g.gz:3 in/g.gz:5 in/g.gz:6 in/g.gz:6 in/g.gz:6" \
    "$(cut -d: -f1,2 log2.txt | sort | tr '\n' ' ' | sed 's/ $//')" "log locations (dir)"

# CRLF and BOM do not shift line numbers
{ printf '\357\273\277'; sed 's/$/\r/' in/e.jsonl; } >crlf.jsonl
ingest --db db3 --errors-log log3.txt crlf.jsonl
assert_eq "crlf.jsonl:2 crlf.jsonl:3 crlf.jsonl:5 crlf.jsonl:6 crlf.jsonl:6 crlf.jsonl:6" \
    "$(cut -d: -f1,2 log3.txt | sort | tr '\n' ' ' | sed 's/ $//')" "log locations (crlf)"

# a clean run writes an empty log
report d.example $T_OCT1 -8179 "$LEAF" >clean.jsonl
ingest --db db4 --errors-log log4.txt clean.jsonl
[ -f log4.txt ] && [ ! -s log4.txt ] || fail "log of a clean run is missing or not empty"
