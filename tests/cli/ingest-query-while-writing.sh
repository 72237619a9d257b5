# Queries read the store while an ingest writes it (and grows its map):
# each sees a consistent snapshot, none fails, none waits for the writer.
. "$CLI_DIR/lib.sh"

src="$CORPUS/sample/flat-2026-10-w1.jsonl"
for i in $(seq 1 40); do
	sed "s/\"hostname\": *\"/&r$i./" "$src"
done >big.jsonl
lines=$(grep -c . big.jsonl)

# One thread, lowest priority: the queries below get their turns even on a
# busy machine, however fast ingest becomes.
nice -n 19 "$CS" ingest --db db --jobs 1 --commit-every 300 --json big.jsonl \
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
	# (a query every 50 ms or so: the niced ingest gets the CPU a
	# sanitizer's build and a busy machine leave, not none)
	sleep 0.05
done
wait $pid
assert_eq 0 $? "ingest exit"
assert_eq 0 "$bad" "failed queries"
assert_eq 1 "$mono" "reports_read never goes back"
[ "$n" -ge 3 ] || fail "only $n queries ran during the ingest"
expect_json sum.json reports_read=$lines
stats --db db
expect_json stats.json reports_read=$lines files_ingested=1
