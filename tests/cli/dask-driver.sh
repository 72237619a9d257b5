# certsift-dask on a local cluster of 2 worker processes, one of them
# killed (kill -9) while it ingests: the store is what one ingest of the
# files makes. Then the directory gains files and the driver runs again:
# only those are ingested, and the store is again what one ingest of all
# of them makes.
. "$CLI_DIR/lib.sh"
. "$CLI_DIR/mergelib.sh"

PY=/usr/bin/python3
if ! $PY -c 'import distributed' 2>/dev/null; then
	echo "SKIP: python3-distributed is not installed (tools/deps.sh installs it)" >&2
	exit 0
fi
DRIVER=$CLI_DIR/../../src/dask/certsift-dask
gen_corpus gen
files=(gen/*)
mkdir in
cp -r "$CORPUS/sample" in/
cp "${files[@]:0:30}" in/
"$CS" ingest --db want1 in >/dev/null 2>&1 || die "ingest"
cp "${files[@]:30}" in/
"$CS" ingest --db want2 in >/dev/null 2>&1 || die "ingest"
dump_some want2 want2.ans

# Each certsift a little slow, so that a worker dies in the middle.
printf '#!/bin/sh\nsleep 0.2\nexec "%s" "$@"\n' "$CS" >slowcs
chmod +x slowcs

rm -rf in2 && mkdir in2 && cp -r "$CORPUS/sample" in2/ && cp "${files[@]:0:30}" in2/
$PY "$DRIVER" --db out --workers 2 --certsift "$PWD/slowcs" --no-progress \
    --task-bytes 250000 in2 >drv.out 2>drv.err &
drv=$!
killed=
for i in $(seq 1 300); do
	# The workers are the driver's children that multiprocessing spawned;
	# one that runs certsift now.
	for w in $(pgrep -P $drv -f spawn_main); do
		if pgrep -P "$w" -f slowcs >/dev/null 2>&1; then
			kill -9 "$w" && killed=$w
			break 2
		fi
	done
	sleep 0.05
done
wait $drv
status=$?
[ -n "$killed" ] || fail "no worker was killed (none seen running certsift)"
assert_status 0 "the driver, a worker killed"
[ $status = 0 ] || sed 's/^/  driver: /' drv.err | tail -20 >&2
dump_some want1 want1.ans
dump_some out got1
same_answers want1.ans got1 "a worker killed"
[ -e out.dask ] && fail "the shards were left behind"

# The directory gains files: the driver again.
cp "${files[@]:30}" in2/
run $PY "$DRIVER" --db out --workers 2 --no-progress --certsift "$CS" in2
assert_status 0 "the driver again"
dump_some out got2
same_answers want2.ans got2 "the directory with more files"
ok "$CS" verify --db out
