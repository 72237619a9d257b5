# A full disk: ingest into a small filesystem at several fill levels, aia
# --import and export into a full one. Each run finishes or fails with exit 1 and a
# message, never by a signal; the store is then sound (verify) with what
# was committed, and once space is freed the same command finishes the
# job with exactly the results of a run that never lacked space.
# The disk is a tmpfs where it can be mounted (root), else a directory
# made to look full by the LD_PRELOAD shim fullfs.c (FULLFS=shim forces
# it); the first line on stderr says which.
. "$CLI_DIR/lib.sh"

SRC=$CORPUS/sample/flat-2026-10-w1.jsonl
mkdir in mnt
for k in 1 2 3 4 5 6 7 8; do
	jq -c --argjson k "$k" '.hostname = "c\($k)-" + .hostname |
	    .timestamp += $k * 3600' "$SRC" >"in/part$k.jsonl" || die "jq"
done
ingest --db ref --commit-every 300 in
export_jsonl --db ref
mv exp.jsonl ref.jsonl
# 4 MiB: the complete store takes 2 to 3 MiB of map (schema 6's tables put it
# past 2 MiB), reserved whole, beside its lock file.
SIZE=4194304

mode=shim
if [ "${FULLFS:-}" != shim ] && [ "$(id -u)" = 0 ] &&
    mount -t tmpfs -o size=$SIZE tmpfs mnt 2>/dev/null; then
	mode=tmpfs
	trap 'rc=$?; umount mnt; [ "$_cs_failed" = 0 ] || rc=1; exit $rc' EXIT
fi
echo "full disk: $mode" >&2
if [ $mode = shim ]; then
	cc -shared -fPIC -o fullfs.so "$CLI_DIR/fullfs.c" -ldl ||
	    die "cannot build the shim"
	# ASan wants to come first; here it may come second.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
fi

# full CMD...: runs certsift on the full disk: stdout _out, stderr _err.
full() {
	if [ $mode = shim ]; then
		LD_PRELOAD=$PWD/fullfs.so FULLFS_DIR=$PWD/mnt \
		    FULLFS_BYTES=$SIZE run "$@"
	else
		run "$@"
	fi
}

# leave KB: fills the disk but for about KB kilobytes.
leave() {
	local avail
	rm -rf mnt/*
	if [ $mode = tmpfs ]; then
		avail=$(df -k --output=avail mnt | tail -n 1)
	else
		avail=$((SIZE / 1024))
	fi
	[ "$avail" -gt "$1" ] && head -c $(((avail - $1) * 1024)) /dev/zero >mnt/fill
	return 0
}

for cs in "$CS" ${CERTSIFT_SHORTKEY:+"$CERTSIFT_SHORTKEY"}; do
	[ -x "$cs" ] || continue
	for kb in 0 300 900 1300 2900; do
		leave $kb
		full "$cs" ingest --db mnt/s --commit-every 300 in
		what="ingest with ${kb} KB free ($(basename "$(dirname "$cs")"))"
		first=$status
		if [ "$status" = 1 ]; then
			assert_match "^certsift: ingest: store 'mnt/s': no space left on device \([0-9]+ MB needed\)$" \
			    "$(grep -v "ingest: in/" _err)" "$what"
		elif [ "$status" != 0 ]; then
			fail "$what: exit $status"
		fi
		if [ -e mnt/s/data.mdb ]; then
			full "$cs" verify --db mnt/s
			assert_status 0 "verify after $what"
			full "$cs" stats --json --db mnt/s
			assert_status 0 "stats after $what"
			echo "$what: exit $first, $(jq -c '[.files_ingested, .reports_read]' _out) committed" >&2
		fi
		# Space again: the same command finishes the job exactly.
		rm -f mnt/fill
		run "$cs" ingest --db mnt/s --commit-every 300 in
		assert_status 0 "ingest again after $what"
		run "$cs" export --format jsonl --db mnt/s
		assert_file_eq ref.jsonl _out "export after $what"
	done
done

# aia --import into a full disk: where the tiny-map build's map has no room
# to hide a few hundred certificates in (under 512 KiB free), it must stop
# with exit 1. (Since the hosts' days of schema 6 the sample's store has
# outgrown a map of 1 MiB, and one of 2 MiB has 0.96 MiB free: both exits
# are right, and what follows checks the store either way. The store holds
# one file of the sample, not all of it, so that its map stays tight and the
# exit 1 is tested: the sample grows.)
mkdir imp
i=0
for f in $(find /usr/lib/python3/dist-packages/cryptography_vectors/x509 \
    -name '*.pem' -o -name '*.crt' -o -name '*.der' | sort | head -600); do
	cp "$f" imp/c$i
	i=$((i + 1))
done
for cs in ${CERTSIFT_SHORTKEY:+"$CERTSIFT_SHORTKEY"} "$CS"; do
	[ -x "$cs" ] || continue
	what="aia --import into a full disk ($(basename "$(dirname "$cs")"))"
	rm -rf aref
	run "$cs" ingest --db aref "$SRC"
	run "$cs" aia --db aref --no-roots --import imp
	assert_status 0 "aia --import, reference"
	run "$cs" export --format jsonl --db aref
	cp _out aref.jsonl
	leave 2900
	run "$cs" ingest --db mnt/a "$SRC"
	assert_status 0 "ingest before $what"
	head -c $((4 << 20)) /dev/zero >mnt/fill2 2>/dev/null
	room=$(mdb_stat -e mnt/a | awk '/Map size:/ { m = $3 }
	    /Page size:/ { p = $3 } /Number of pages used:/ { u = $5 }
	    END { print m - u * p }')
	full "$cs" aia --db mnt/a --no-roots --import imp
	if [ "$status" = 1 ]; then
		assert_match "no space left on device \([0-9]+ MB needed\)" \
		    "$(grep -v 'no certificates in' _err)" "$what"
	elif [ "$status" != 0 ] || { [ "$cs" = "${CERTSIFT_SHORTKEY:-}" ] &&
	    [ "$room" -lt $((512 << 10)) ]; }; then
		fail "$what: exit $status ($room bytes free in the map)"
	fi
	full "$cs" verify --db mnt/a
	assert_status 0 "verify after $what"
	rm -f mnt/fill mnt/fill2
	run "$cs" aia --db mnt/a --no-roots --import imp
	assert_status 0 "aia --import again after $what"
	run "$cs" export --format jsonl --db mnt/a
	assert_file_eq aref.jsonl _out "export after $what"
done

# Exports into a full disk: exit 1, a message, nothing left behind. (The
# shim cannot see stdio's writes: there a file size limit stands in.)
leave 0
for f in "jsonl -o mnt/out.jsonl" "pem -o mnt/out.pem" "der --dir mnt/der" \
    "chains --dir mnt/chains"; do
	if [ $mode = shim ]; then
		# Its messages go through a pipe, which has no size.
		(ulimit -f 0; exec "$CS" export --db ref --format $f) \
		    2>&1 >/dev/null | cat >_err
		status=${PIPESTATUS[0]}
	else
		run "$CS" export --db ref --format $f
	fi
	assert_status 1 "export --format $f into a full disk"
	assert_stderr_prefixed "export --format $f"
done
assert_eq "fill" "$(ls mnt | grep -v -E '^(der|chains)$')" "files left in mnt"
assert_eq "" "$(find mnt/der mnt/chains -type f 2>/dev/null)" \
    "files left in the dirs"
