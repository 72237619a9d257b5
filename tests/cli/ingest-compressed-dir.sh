# A directory of compressed files, several decompressed at once (up to
# --jobs, ahead of their turn): the files are still ingested in path order,
# with the same store, counts and messages for every --jobs; a file seen
# before is skipped, a damaged one counted; the store is the one the plain
# files make.
. "$CLI_DIR/lib.sh"

S=$CORPUS/sample
mkdir in plain
split -n l/4 -d "$S/flat-2026-10-w1.jsonl" plain/p
gzip -c plain/p00 >in/a.gz
zstd -q -c plain/p01 >in/b.zst
cp plain/p02 in/c.jsonl
cp in/a.gz in/d-again.gz			# same bytes as a.gz: skipped
zstd -q -c plain/p03 >in/e.zst
gzip -c "$S/array-2026-10-w3.json" >in/f.gz
cp "$S/array-2026-10-w3.json" plain/p04
zstd -q -c "$S/windows-2026-10-w4.jsonl" | head -c 20000 >in/g-cut.zst

for j in 1 2 3 8; do
	run "$CS" ingest --json --jobs $j --db "db$j" in
	assert_status 0 "--jobs $j"
	cp _out "raw$j"
	sed -E 's/"seconds":[0-9.]+//' _out >"sum$j"
	cp _err "err$j"
	export_jsonl --db "db$j"
	mv exp.jsonl "exp$j"
	[ $j = 1 ] && continue
	for k in sum err exp; do
		assert_file_eq "${k}1" "$k$j" "$k: --jobs 1 against --jobs $j"
	done
done
expect_json raw1 files=7 files_skipped=1 files_damaged=1
grep -q "^certsift: ingest: in/g-cut.zst:[0-9]*: truncated zstd stream at byte 20000$" err1 ||
    fail "no message for g-cut.zst: $(<err1)"
grep -q "'in/d-again.gz' was ingested already" err1 || fail "d-again.gz: $(<err1)"

# the same reports from plain files, in the same order, make the same store
# (the cut file's reports are the first of windows-2026-10-w4.jsonl)
ingest --db dbg in/g-cut.zst
head -n "$(j .reports_read sum.json)" "$S/windows-2026-10-w4.jsonl" >plain/p05
ingest --db dbp plain
export_jsonl --db dbp
assert_file_eq exp1 exp.jsonl "export against the plain files"

# again: every file is skipped, none decompressed for nothing
ingest --db db2 in
expect_json sum.json files=7 files_skipped=7 reports_read=0
