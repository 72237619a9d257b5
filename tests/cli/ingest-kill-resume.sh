# kill -9 at random moments: the store opens cleanly, and re-running the same
# command ends with the same results as an uninterrupted run.
. "$CLI_DIR/lib.sh"

SRC=$CORPUS/sample/flat-2026-10-w1.jsonl
COPIES=${KILL_COPIES:-24}
KILLS=${KILL_TIMES:-5}
mkdir in
for k in $(seq 1 "$COPIES"); do
	jq -c --argjson k "$k" '.hostname = "c\($k)-" + .hostname | .timestamp += $k * 3600' \
	    "$SRC" >"in/part$k.jsonl" || die "jq"
done
gzip "in/part2.jsonl"
# two zstd frames, resumed like gzip at an offset of the uncompressed bytes
{ head -n 300 in/part3.jsonl | zstd -q -c; tail -n +301 in/part3.jsonl |
    zstd -q -c; } >in/part3.jsonl.zst && rm in/part3.jsonl
size=$(du -sm in | cut -f1)
[ "$size" -ge 20 ] || die "input only ${size} MB"
reports=$(( $(wc -l <"$SRC") * COPIES ))

t0=$(date +%s%N)
ingest --db ref --commit-every 50 in
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
echo "uninterrupted run: ${ms} ms for ${size} MB" >&2
expect_json sum.json files=$COPIES reports_read=$reports reports_accepted=$reports
export_jsonl --db ref
mv exp.jsonl ref.jsonl
stats --db ref
mv stats.json ref-stats.json

killed=0
for n in $(seq 1 "$KILLS"); do
	# a delay between 3% and 50% of the uninterrupted run
	d=$(( ms * (3 + RANDOM % 48) / 100 ))
	"$CS" ingest --db db --commit-every 50 in >/dev/null 2>kill$n.err &
	pid=$!
	sleep "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))"
	if kill -9 "$pid" 2>/dev/null; then
		killed=$((killed + 1))
	fi
	wait "$pid" 2>/dev/null
	echo "run $n: killed after ${d} ms (status $?)" >&2
	run "$CS" stats --db db --json
	if [ "$status" != 0 ] && [ -e db ]; then
		fail "stats after kill $n: exit $status: $(<_err)"
	fi
done
[ $killed -ge 1 ] || fail "no run was killed"

ingest --db db --commit-every 50 in
export_jsonl --db db
assert_file_eq ref.jsonl exp.jsonl "export after kills"
stats --db db
sel='{files_ingested, unique_certs, unique_chains, unique_hosts, reports_read, reports_accepted, reports_malformed, certs_seen, certs_invalid, certs_new}'
assert_eq "$(jq -c "$sel" ref-stats.json)" "$(jq -c "$sel" stats.json)" "stats after kills"

# and once more: a no-op
ingest --db db --commit-every 50 in
expect_json sum.json reports_read=0 certs_new=0
