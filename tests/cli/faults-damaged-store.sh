# A damaged store: data.mdb cut at random offsets, zeros past random
# offsets, a data.mdb of another program (random bytes, text, another LMDB
# environment), an empty one. Every command exits 1 with a message, never
# by a signal; verify reports it; a query never reads past the end.
. "$CLI_DIR/lib.sh"

ingest --db s "$CORPUS/sample"
used=$(mdb_stat -e s | awk '/pages used/ { print $NF * 4096 }')
[ "$used" -gt 65536 ] || die "store of only $used bytes"
seed=${FAULT_SEED:-$RANDOM}
echo "seed $seed" >&2
RANDOM=$seed

# Runs every command on store $1; each must exit 0 or 1 (must: 1, when $2 is
# "fail"), and a failure must say why on stderr.
every_command() {
	local c
	for c in "stats" "top certs" "top issuers" "top hosts" "top errors" \
	    "export --format jsonl" "export --format pem" \
	    "export --format der --dir der.out" \
	    "missing --no-roots" "show 6bd7d11d592911c6" \
	    "hosts 6bd7d11d592911c6" "verify" "ingest $CORPUS/sample/flat-2026-10-w1.jsonl"; do
		run "$CS" $c --db "$1"
		if [ "$status" -gt 1 ]; then
			fail "$3: '$c' exit $status"
		elif [ "$2" = fail ] && [ "$status" != 1 ]; then
			fail "$3: '$c' exit $status, not 1"
		elif [ "$status" = 1 ] && ! grep -q '^certsift: ' _err; then
			fail "$3: '$c' exit 1 without a message"
		fi
	done
}

# Cut short: refused before LMDB maps it, by every command.
for n in 1 2 3 4 5; do
	off=$(( (RANDOM * 32768 + RANDOM) % used ))
	rm -rf t; cp -r s t
	truncate -s "$off" t/data.mdb
	every_command t fail "cut at $off"
	run "$CS" stats --db t
	assert_match "store 't' is (truncated|damaged)" "$(<_err)" \
	    "message for a cut at $off"
	run "$CS" verify --db t
	assert_match "^problem: store: " "$(<_out)" "verify of a cut at $off"
	# Nothing was written to it, nothing grown over the cut.
	assert_eq "$off" "$(stat -c %s t/data.mdb)" "size after a cut at $off"
done

# Zeros past an offset in the pages of the last commit.
for n in 1 2 3 4 5; do
	off=$(( 8192 + (RANDOM * 32768 + RANDOM) % (used - 8192) ))
	rm -rf z; cp -r s z
	/usr/bin/python3 -c "
import sys
f = open('z/data.mdb', 'r+b'); f.seek($off); f.write(bytes($used - $off))"
	# Zeros in pages no longer used change nothing: verify may pass
	# then, and only then, the store answers as before.
	run "$CS" verify --db z
	if [ "$status" = 0 ]; then
		for c in "stats --json" "export --format jsonl" "top hosts -n 0"; do
			run "$CS" $c --db z
			"$CS" $c --db s >ref.out 2>&1
			assert_file_eq ref.out _out "'$c' on zeros from $off that verify passed"
		done
	elif [ "$status" != 1 ] || ! grep -q '^problem: ' _out; then
		fail "verify of zeros from $off: exit $status, $(head -3 _out)"
	fi
	every_command z any "zeros from $off"
done

# Not a store.
mkdir rnd txt empty other
head -c 100000 /dev/urandom >rnd/data.mdb
echo "not a database" >txt/data.mdb
: >empty/data.mdb
printf 'VERSION=3\nformat=bytevalue\ntype=btree\nHEADER=END\n 6b6579\n 76616c\nDATA=END\n' |
    mdb_load -f /dev/stdin other || die "mdb_load"
for d in rnd txt empty other; do
	every_command $d fail "$d"
	run "$CS" verify --db $d
	assert_match "^problem: store: " "$(<_out)" "verify of $d"
done
# Another program's environment was left as it was.
assert_eq "1" "$(mdb_stat other | awk '/Entries:/ { print $2 }')" "other's records"
