# The same reports in another order, in one file or split in two, with one
# thread or several: the same store, to the byte of every export.
. "$CLI_DIR/lib.sh"

src="$CORPUS/sample/flat-2026-10-w1.jsonl"
cp "$src" a.jsonl
# A fixed shuffle: sort by a hash of each line.
awk '{ h = 0; for (i = 1; i <= length($0); i += 7) h = (h * 31 + i * length($0)) % 1000003; print h "\t" $0 }' "$src" |
    sort -n -k1,1 -s | cut -f2- >b.jsonl
head -n 250 b.jsonl >c1.jsonl
tail -n +251 b.jsonl >c2.jsonl
cmp -s a.jsonl b.jsonl && fail "the shuffle changed nothing"

ingest --db d1 a.jsonl
ingest --db d2 --jobs 1 b.jsonl
ingest --db d3 --jobs 2 --commit-every 37 c2.jsonl c1.jsonl
for d in d1 d2 d3; do
	run "$CS" export --db $d --format jsonl
	cp _out $d.jsonl
	run "$CS" top hosts --db $d -n 0 --json
	cp _out $d.hosts
	run "$CS" top issuers --db $d -n 0 --json
	cp _out $d.issuers
done
[ -s d1.jsonl ] || fail "empty export"
for d in d2 d3; do
	assert_file_eq d1.jsonl $d.jsonl "export of $d"
	assert_file_eq d1.hosts $d.hosts "top hosts of $d"
	assert_file_eq d1.issuers $d.issuers "top issuers of $d"
done
