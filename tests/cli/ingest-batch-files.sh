# Several files in one run share a batch (one commit per batch, not per file):
# as many transactions as for one file; a file given twice is ingested once;
# the last path unreadable or a read error in a later file keeps the files
# before it; a --strict stop in a later file and a later run end as a clean
# run does.
. "$CLI_DIR/lib.sh"

mkdir in
for k in 1 2 3 4; do
	for i in 1 2 3; do
		report "h$k$i.example" $((T_OCT1 + k * 10 + i)) -8179 "$LEAF" "$INT"
	done >in/f$k.jsonl
done
cat in/f1.jsonl in/f2.jsonl in/f3.jsonl in/f4.jsonl >all.jsonl

txn() {
	mdb_stat -e "$1" | sed -n 's/^ *Last transaction ID: //p' | head -n 1
}

ingest --db ref in
expect_json sum.json files=4 reports_read=12 reports_accepted=12
export_jsonl --db ref
mv exp.jsonl ref.jsonl
ingest --db one all.jsonl
assert_eq "$(txn one)" "$(txn ref)" "transactions for 4 files and for 1 file"
[ -n "$(txn ref)" ] || fail "mdb_stat gave no transaction ID"
# a batch of 5 reports: commits inside files and across them, same store
ingest --db small --commit-every 5 in
export_jsonl --db small
assert_file_eq ref.jsonl exp.jsonl "export, batches across files"

# the same file twice in one run, before its batch is committed: once
ingest --db twice in/f1.jsonl in/f2.jsonl in/f1.jsonl in/f3.jsonl in/f4.jsonl
expect_json sum.json files=5 files_skipped=1 reports_read=12
export_jsonl --db twice
assert_file_eq ref.jsonl exp.jsonl "export, a file given twice"

# the last path missing: the files before it are committed all the same
run "$CS" ingest --json --db last in/f1.jsonl in/f2.jsonl does-not-exist.jsonl
assert_status 1 "a missing last path"
grep -q 'does-not-exist' _err || fail "missing path not named: $(<_err)"
ingest --db last in
expect_json sum.json files=4 files_skipped=2 reports_read=6
export_jsonl --db last
assert_file_eq ref.jsonl exp.jsonl "export after a missing last path"

# a read error (EIO: /proc/self/mem at 0) after two files: they stay
run "$CS" ingest --json --db eio in/f1.jsonl in/f2.jsonl /proc/self/mem in/f3.jsonl
assert_status 1 "a read error"
grep -q 'Input/output error' _err || fail "read error not told: $(<_err)"
expect_json _out files=3 reports_read=9
ingest --db eio in
expect_json sum.json files=4 files_skipped=3 reports_read=3
export_jsonl --db eio
assert_file_eq ref.jsonl exp.jsonl "export after a read error"

# --strict stops in the third file; what was committed is consistent, and a
# later run ends as a clean run of the same files
cp -r in bad
echo '{"hostname": "broken.example", "failedCertChain": [' >>bad/f3.jsonl
ingest --db badref bad
export_jsonl --db badref
mv exp.jsonl badref.jsonl
run "$CS" ingest --db strict --strict bad
assert_status 1 "strict stop in the third file"
grep -q 'f3\.jsonl:4' _err || fail "strict stop not at f3.jsonl:4: $(<_err)"
stats --db strict
r=$(j .reports_accepted stats.json)
[ "$r" -le 6 ] || fail "strict run kept $r reports (at most f1 and f2: 6)"
ingest --db strict bad
export_jsonl --db strict
assert_file_eq badref.jsonl exp.jsonl "export after a strict stop and a resume"
