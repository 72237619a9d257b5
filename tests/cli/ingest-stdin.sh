# Reading stdin: "-" and no INPUT at all.
. "$CLI_DIR/lib.sh"

{
	report a.example $T_OCT1 -8179 "$LEAF" "$INT"
	report b.example $T_OCT2 -8179 "$LEAF"
} >r.jsonl

run "$CS" ingest --json --db db1 - <r.jsonl
assert_status 0 "ingest -"
cp _out sum.json
expect_json sum.json reports_read=2 reports_accepted=2 certs_seen=3 certs_new=2

run "$CS" ingest --json --db db2 <r.jsonl
assert_status 0 "ingest without input"
cp _out sum.json
expect_json sum.json reports_read=2 reports_accepted=2 certs_seen=3 certs_new=2

# stdin is counted as it comes: a second read of the same bytes counts again
run "$CS" ingest --json --db db2 - <r.jsonl
assert_status 0 "ingest - again"
cp _out sum.json
expect_json sum.json reports_read=2 reports_accepted=2 certs_new=0
export_jsonl --db db2
assert_eq "4 4 2" "$(figures $(sha "$LEAF") | cut -d' ' -f1-3)" "leaf after two stdin runs"

# gzip on stdin is recognised by its magic bytes
gzip -c r.jsonl | { run "$CS" ingest --json --db db3 -; cp _out sum.json; exit $status; }
assert_eq 0 $? "gzip stdin exit"
expect_json sum.json reports_read=2 reports_accepted=2 certs_seen=3
