# A merge of several stores into a new one is built phase by phase (each a
# table or a few, written once): kill -9 inside a phase chosen at random
# (the new store is not in place until the end), and the same command
# finishes the build from that phase (emptying the half-written tables)
# with exactly the answers of one ingest of everything.
. "$CLI_DIR/lib.sh"
. "$CLI_DIR/mergelib.sh"

three_stores
seed=${MERGE_SEED:-$(( $(date +%s) % 100000 ))}
echo "seed $seed (MERGE_SEED=$seed repeats it)" >&2
RANDOM=$seed

# The build's next phase in the job's record of DB ("csmergeB", then the
# job's store count, store and phase: u32s in host order), or nothing.
phase_of() {
	local v
	v=$(mdb_dump -s meta "$1" 2>/dev/null | awk '
		prev == " 6d65726765" { print substr($1, 1, 40); exit }
		{ prev = $0 }')
	case $v in
	63736d6572676542*) echo $(( 16#${v:38:2}${v:36:2}${v:34:2}${v:32:2} )) ;;
	esac
}

later=0
for t in 1 2 3 4 5 6; do
	target=$(( 1 + RANDOM % 10 ))
	for try in 1 2 3 4 5; do
		rm -rf out out.merging
		killed=
		# One record per transaction: every phase spans many.
		"$CS" merge --db out --commit-every 1 base s1 s2 >/dev/null \
		    2>&1 &
		pid=$!
		# (A merge that ended is a zombie until waited for.)
		while kill -0 $pid 2>/dev/null &&
		    ! ps -o stat= -p $pid | grep -q Z; do
			p=$(phase_of out.merging)
			if [ -n "$p" ] && [ "$p" -ge $target ]; then
				kill -9 $pid
				killed=$p
				break
			fi
			sleep 0.002
		done
		wait $pid 2>/dev/null
		# Killed after the build's last commit (renamed into place,
		# or not yet: then begun again), the job's record is gone.
		[ -n "$killed" ] && killed=$(phase_of out.merging)
		[ -d out ] && killed=
		[ -n "$killed" ] && break
		target=$(( (target + 1) / 2 ))	# it ran through: earlier
	done
	if [ -n "$killed" ]; then
		[ "$killed" -ge 1 ] && later=$((later + 1))
		run "$CS" merge --db out base s1 s2
		assert_status 0 "$t: the build finished"
		assert_match "finishing the interrupted merge" "$(<_err)" \
		    "$t: its message"
	elif [ ! -d out ]; then
		# Killed after its last commit, before the rename: begun
		# again.
		ok "$CS" merge --db out base s1 s2
	fi
	dump_some out got
	same_answers want got "$t: killed in phase ${killed:-none}, then finished"
	if mdb_dump -p -s meta out | grep -q '^ merge'; then
		fail "$t: a merge record left"
	fi
	"$CS" verify --db out >verify.out 2>&1 ||
	    fail "$t: verify: $(<verify.out)"
done
[ $later -ge 2 ] || fail "only $later builds were killed after a phase"
echo "killed $later builds after their first phase" >&2
dump_all out got.all
dump_all all want.all
same_answers want.all got.all "the last build, every answer"
