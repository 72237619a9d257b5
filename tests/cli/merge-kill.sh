# kill -9 at random moments of a merge, into a store that exists and into
# a new one: the output is as it was (a new one absent), or holds the
# merge's record (ingest then refuses it, queries still answer), and the
# same command run again gives exactly the answers of an uninterrupted
# merge. The stores merged are left as they were.
. "$CLI_DIR/lib.sh"
. "$CLI_DIR/mergelib.sh"

three_stores
dump_some base base.ans
cp s1/data.mdb s1.before
seed=${MERGE_SEED:-$(( $(date +%s) % 100000 ))}
echo "seed $seed (MERGE_SEED=$seed repeats it)" >&2
RANDOM=$seed

killed=0 resumed=0
for t in 1 2 3 4; do
	rm -rf out out.merging
	# Odd trials: into a copy of base; even ones: base too, into a new
	# store.
	if [ $((t % 2)) = 1 ]; then
		cp -r base out
		set -- s1 s2
	else
		set -- base s1 s2
	fi
	# One record per transaction: a merge of a few seconds.
	"$CS" merge --db out --commit-every 1 "$@" >/dev/null 2>merge.err &
	pid=$!
	# A merge into a new store is faster (its commits do not wait).
	if [ $((t % 2)) = 1 ]; then
		sleep "0.$(( RANDOM % 10 ))$(( RANDOM % 10 ))"
	else
		sleep "0.0$(( RANDOM % 10 ))"
	fi
	kill -9 $pid 2>/dev/null && killed=$((killed + 1))
	wait $pid 2>/dev/null
	if [ ! -d out ]; then
		[ $((t % 2)) = 0 ] || fail "$t: the output went away"
		[ -d out.merging ] && resumed=$((resumed + 1))
	elif [ $((t % 2)) = 1 ]; then
		if ! mdb_dump -p -s meta out | grep -q '^ merge$'; then
			# Not begun (the store as it was), or done.
			dump_some out got
			diff -r base.ans got >/dev/null ||
			    same_answers want got "$t: killed, no merge record"
		else
			run "$CS" ingest --db out "$CORPUS/sample/single-report.json"
			assert_status 1 "$t: ingest into a half-merged store"
			grep -q 'unfinished merge' _err ||
			    fail "$t: ingest into a half-merged store: $(<_err)"
			resumed=$((resumed + 1))
			ok "$CS" stats --db out
		fi
	fi
	run "$CS" merge --db out "$@"
	assert_status 0 "$t: the merge again"
	dump_some out got
	same_answers want got "$t: killed, then merged again"
done
# And one killed surely in the middle: once the merge's record is there.
rm -rf out
cp -r base out
"$CS" merge --db out --commit-every 1 s1 s2 >/dev/null 2>&1 &
pid=$!
for i in $(seq 1 500); do
	mdb_dump -p -s meta out 2>/dev/null | grep -q '^ merge$' && break
	sleep 0.01
done
kill -9 $pid 2>/dev/null || fail "the merge ended before it could be killed"
wait $pid 2>/dev/null
run "$CS" ingest --db out "$CORPUS/sample/single-report.json"
assert_status 1 "ingest into a half-merged store"
assert_match "in use by an unfinished merge" "$(<_err)" "its message"
run "$CS" merge --db out s2
assert_status 2 "another merge into a half-merged store"
assert_match "unfinished merge of other stores" "$(<_err)" "its message"
ok "$CS" merge --db out s2 s1
dump_some out got
same_answers want got "killed in the middle, then merged again"
[ $killed -ge 2 ] || fail "only $killed merges were killed (too fast?)"
echo "killed $killed, $resumed in the middle" >&2
cmp -s s1.before s1/data.mdb || fail "a merge changed a store it read"
dump_all out got.all
dump_all all want.all
same_answers want.all got.all "the last merge, every answer"
