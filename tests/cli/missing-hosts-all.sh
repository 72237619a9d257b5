# missing counts a row's distinct hostnames chain by chain, or, for rows of
# more than 4,096 chains, in one pass over every chain's hostnames for all
# rows at once. The 4-bit-key build of make check (CERTSIFT_SHORTKEY,
# built with HOSTSALL=0) takes the one pass for every row: on the sample
# corpus, under selections, both must give the same answers.
. "$CLI_DIR/lib.sh"

K4=${CERTSIFT_SHORTKEY:-}
if [ -z "$K4" ] || [ ! -x "$K4" ]; then
	echo "skipped: CERTSIFT_SHORTKEY (make check's 4-bit-key build) not set" >&2
	exit 0
fi
ingest --db a "$CORPUS/sample"
run "$K4" ingest --db b "$CORPUS/sample"
assert_status 0 "ingest by the 4-bit-key build"

for sel in "" "--error -8179" "--since 2026-10-02 --until 2026-10-04" \
    "--cause interception" "--host shop.example.net"; do
	for fmt in --json --csv ""; do
		ok "$CS" missing --db a -n 0 --no-roots $fmt $sel
		cp _out want
		ok "$K4" missing --db b -n 0 --no-roots $fmt $sel
		assert_file_eq want _out "missing $fmt $sel"
	done
	ok "$CS" missing --db a -n 0 --json $sel
	cp _out want
	ok "$K4" missing --db b -n 0 --json $sel
	assert_file_eq want _out "missing --json $sel, the system's roots"
done
ok "$CS" missing --db a -n 0 --no-roots --json
[ "$(jq '[.[] | select(.hosts > 1)] | length' _out)" -gt 3 ] ||
	fail "too few rows with several hostnames to tell"
exit 0
