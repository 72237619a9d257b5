# Queries read the store while an ingest writes it (and grows its map):
# each sees a consistent snapshot, none fails, none waits for the writer.
. "$CLI_DIR/lib.sh"

src="$CORPUS/sample/flat-2026-10-w1.jsonl"
for i in $(seq 1 40); do
	sed "s/\"hostname\": *\"/&r$i./" "$src"
done >big.jsonl
lines=$(grep -c . big.jsonl)

# One thread, and the queries below paced (a 10 ms pause after each): they get
# their turns however fast ingest becomes, and the ingest gets the CPU on a
# busy machine (at nice 19 beside make check's other work it waited 20 s).
"$CS" ingest --db db --jobs 1 --commit-every 300 --json big.jsonl \
    >sum.json 2>err.txt &
pid=$!
n=0 bad=0 last=0 mono=1
while kill -0 $pid 2>/dev/null; do
	if "$CS" stats --db db --json >s.json 2>serr.txt; then
		cur=$(jq .reports_read s.json)
		[ "$cur" -ge "$last" ] || mono=0
		last=$cur
		n=$((n + 1))
	elif ! grep -q "no store" serr.txt; then
		bad=$((bad + 1))
		cat serr.txt >&2
	fi
	sleep 0.01
done
wait $pid
assert_eq 0 $? "ingest exit"
assert_eq 0 "$bad" "failed queries"
assert_eq 1 "$mono" "reports_read never goes back"
[ "$n" -ge 3 ] || fail "only $n queries ran during the ingest"
echo "$n queries during the ingest" >&2
expect_json sum.json reports_read=$lines
stats --db db
expect_json stats.json reports_read=$lines files_ingested=1
