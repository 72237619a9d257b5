# A store on read-only media, with and without its lock file: every query
# gives what it gives on the store itself; an ingest fails with a message.
# Read-only is a read-only bind mount where one can be made (root), else a
# directory without write permission (which binds only other users).
. "$CLI_DIR/lib.sh"

ingest --db s "$CORPUS/sample"
leaf=$(sha "$LEAF")
QUERIES=("stats --json" "top issuers" "top certs --json" "top hosts -n 0"
    "top errors --csv" "export --format jsonl" "export --format csv"
    "export --format pem" "missing --no-roots" "show $leaf" "hosts $leaf"
    "verify --json")
for q in "${QUERIES[@]}"; do
	run "$CS" $q --db s
	assert_status 0 "$q"
	cp _out "ref.$(echo "$q" | tr -c 'a-z0-9\n' _)"
done

mkdir -p ro/with ro/without
cp s/data.mdb s/lock.mdb ro/with/
cp s/data.mdb ro/without/
mode=
if [ "$(id -u)" = 0 ]; then
	mkdir mnt
	if mount --bind ro mnt 2>/dev/null; then
		if mount -o remount,bind,ro mnt 2>/dev/null; then
			mode=mount
		else
			umount mnt
		fi
	fi
fi
if [ -z "$mode" ]; then
	chmod -R a-w ro
	rmdir mnt 2>/dev/null
	ln -s ro mnt
	mode=chmod
fi
trap 'rc=$?; [ $mode = mount ] && umount mnt; chmod -R u+w ro;
    [ "$_cs_failed" = 0 ] || rc=1; exit $rc' EXIT
echo "read-only: $mode" >&2
if touch mnt/with/probe 2>/dev/null; then
	rm -f mnt/with/probe
	echo "cannot make a read-only directory here (root without mount):" \
	    "only the lock file's absence is tested" >&2
fi

for d in with without; do
	for q in "${QUERIES[@]}"; do
		run "$CS" $q --db mnt/$d
		assert_status 0 "$q on a read-only store $d its lock file"
		assert_file_eq "ref.$(echo "$q" | tr -c 'a-z0-9\n' _)" _out \
		    "$q on a read-only store $d its lock file"
	done
	if [ $mode = mount ] || [ "$(id -u)" != 0 ]; then
		run "$CS" ingest --db mnt/$d "$CORPUS/sample/flat-2026-10-w1.jsonl"
		assert_status 1 "ingest into a read-only store $d its lock file"
		assert_match "^certsift: ingest: cannot write store 'mnt/$d': (Read-only file system|Permission denied)$" \
		    "$(<_err)" "ingest's message ($d)"
	fi
done
assert_eq "data.mdb" "$(ls ro/without)" "files of the store without a lock file"
