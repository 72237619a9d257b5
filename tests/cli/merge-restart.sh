# A new output is written without waiting for the disk (synced once,
# before it is renamed into place): after a restart of the system (here a
# boot id other than this one's in its half-done record), the merge begins
# again and gives exactly the answers of one ingest.
. "$CLI_DIR/lib.sh"
. "$CLI_DIR/mergelib.sh"

three_stores
# kill_half: a merge into a new store killed once its record is there. It
# is fast (no commit waits): stopped while its record is looked for.
kill_half() {
	local try pid found=0
	for try in 1 2 3 4 5; do
		rm -rf out out.merging
		"$CS" merge --db out --commit-every 1 base s1 s2 >/dev/null 2>&1 &
		pid=$!
		# (A merge that ended is a zombie until waited for: its
		# state is Z.)
		# mdb_dump is given 5 s: stopped while it opens out.merging
		# first, the merge holds the lock file's exclusive lock, and
		# mdb_dump would wait for it for ever.
		while kill -STOP $pid 2>/dev/null &&
		    ! ps -o stat= -p $pid | grep -q Z; do
			if timeout 5 mdb_dump -p -s meta out.merging 2>/dev/null |
			    grep -q '^ mergeboot$'; then
				found=1
				kill -9 $pid
				break
			fi
			kill -CONT $pid
			sleep 0.002
		done
		wait $pid 2>/dev/null
		[ $found = 1 ] && return 0
	done
	fail "the merge into a new store ended first, 5 times"
}

# The same boot: the merge is finished where it was.
kill_half
[ -d out ] && fail "a half-done new store is in place"
run "$CS" merge --db out base s1 s2
assert_status 0 "the merge finished"
assert_match "finishing the interrupted merge" "$(<_err)" "its message"
dump_some out got
same_answers want got "a new store killed half-done, then finished"

# Another boot: begun again.
kill_half
printf 'mergeboot\n00000000-0000-0000-0000-000000000000\n' |
    mdb_load -T -s meta out.merging || fail "mdb_load"
run "$CS" merge --db out base s1 s2
assert_status 0 "the merge after a restart"
assert_match "system restarted: begun again" "$(<_err)" "its message"
dump_some out got
same_answers want got "merged again after a restart"
if mdb_dump -p -s meta out | grep -q '^ merge'; then
	fail "a merge record left"
fi
