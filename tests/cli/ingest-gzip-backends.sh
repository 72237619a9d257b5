# gzip through ISA-L and through zlib (the build without ISA-L, which
# tools/check.sh makes and passes as $CERTSIFT_ZLIB) gives the same store,
# counts and messages, on whole, multi-member and damaged input; and so do
# the threaded (decompression ahead of parsing) and the --jobs 1 reads.
. "$CLI_DIR/lib.sh"

S=$CORPUS/sample
cp "$S/flat-2026-10-w1.jsonl" flat.jsonl
head -n 200 flat.jsonl >a
tail -n +201 flat.jsonl >b
{ gzip -1 -c a; gzip -9 -c b; } >multi.gz
gzip -c "$S/array-2026-10-w3.json" >array.gz
gzip -c "$S/malformed-mixed.jsonl" >mixed.gz
size=$(wc -c <multi.gz)
head -c $((size * 3 / 4)) multi.gz >cut.gz
head -c $((size - 4)) multi.gz >notrailer.gz
python3 -c '
d = bytearray(open("multi.gz", "rb").read())
c = bytearray(d); c[-6] ^= 0xff; open("crc.gz", "wb").write(c)
c = bytearray(d); n = len(d) // 2; c[n:n + 64] = b"\xff" * 64
open("corrupt.gz", "wb").write(c)
open("tail.gz", "wb").write(d + b"trailing bytes\n")'

# one store of everything, and each file's summary and messages
run_all() {	# BINARY TAG [OPTIONS]
	local cs=$1 tag=$2 f
	shift 2
	for f in multi.gz array.gz mixed.gz cut.gz notrailer.gz crc.gz \
	    corrupt.gz tail.gz; do
		"$cs" ingest --json "$@" --db "db.$tag" "$f" 2>&1 >>"sum.$tag" |
		    sed -E 's/(corrupt gzip data at byte) [0-9]+$/\1 N/' \
		    >>"err.$tag"
	done
	sed -i -E 's/"seconds":[0-9.]+/"seconds":S/' "sum.$tag"
	"$cs" export --format jsonl --db "db.$tag" >"exp.$tag"
	"$cs" stats --json --db "db.$tag" | jq -c 'del(.seconds, .bytes_on_disk,
	    .store_bytes, .map_bytes)' >"stats.$tag"
}

run_all "$CS" threaded
assert_eq 5 "$(grep -c '"files_damaged":1' sum.threaded)" "damaged files"
grep -q 'multi.gz' err.threaded && fail "multi.gz: $(grep multi.gz err.threaded)"
[ -s exp.threaded ] || fail "empty export"
run_all "$CS" jobs1 --jobs 1
for k in sum err exp stats; do
	assert_file_eq "$k.threaded" "$k.jobs1" "$k: threaded against --jobs 1"
done

if [ -n "${CERTSIFT_ZLIB:-}" ]; then
	# which library inflates: ISA-L is linked into one build only
	ldd "$CS" | grep -q libisal || fail "\$CERTSIFT is not linked with ISA-L"
	ldd "$CERTSIFT_ZLIB" | grep -q libisal &&
	    fail "\$CERTSIFT_ZLIB is linked with ISA-L"
	run_all "$CERTSIFT_ZLIB" zlib
	for k in sum err exp stats; do
		assert_file_eq "$k.threaded" "$k.zlib" "$k: ISA-L against zlib"
	done
else
	echo "note: CERTSIFT_ZLIB unset: ISA-L against zlib not compared" >&2
fi
