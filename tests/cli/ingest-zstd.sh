# zstd is recognised by magic bytes (as gzip is), frames one after another
# and skippable frames included, from files and from standard input; the
# store ends as it does from the plain files, with any number of threads.
. "$CLI_DIR/lib.sh"

S=$CORPUS/sample
cp "$S/flat-2026-10-w1.jsonl" flat.jsonl
cp "$S/array-2026-10-w3.json" array.json
reports=$(($(wc -l <flat.jsonl) + $(jq length array.json)))

ingest --db ref flat.jsonl array.json
export_jsonl --db ref
mv exp.jsonl ref.jsonl
expect_json sum.json reports_read=$reports reports_malformed=0

zstd -q -c flat.jsonl >flat.data                # zstd without .zst
zstd -q -19 --check -c array.json >array.zst    # a JSON array, checksummed
# two frames, and a skippable frame (magic 0x184D2A50, 4 bytes) first
head -n 250 flat.jsonl >a
tail -n +251 flat.jsonl >b
{ printf '\120\052\115\030\004\000\000\000abcd'; zstd -q -c a; zstd -q -c b; } \
    >frames.zst
for args in "flat.data array.zst" "frames.zst array.zst" \
    "--jobs 1 frames.zst array.zst" "--jobs 3 flat.data array.zst"; do
	d=db.$(echo "$args" | tr -c 'a-z0-9\n' _)
	# shellcheck disable=SC2086
	ingest --db "$d" $args
	expect_json sum.json files=2 reports_read=$reports reports_malformed=0
	export_jsonl --db "$d"
	assert_file_eq ref.jsonl exp.jsonl "export after ingest $args"
done

# standard input, compressed either way
for z in "zstd -q -c" "gzip -c"; do
	$z flat.jsonl >in.z
	run "$CS" ingest --json --db "stdin.${z%% *}" <in.z
	assert_status 0 "$z on stdin"
	cp _out sum.json
	expect_json sum.json reports_read=$(wc -l <flat.jsonl) reports_malformed=0
done

# the same bytes again: a no-op; other bytes of the same reports: new
ingest --db db.flat_data_array_zst flat.data array.zst
expect_json sum.json files=2 files_skipped=2 reports_read=0
ingest --db db.flat_data_array_zst frames.zst
expect_json sum.json files=1 files_skipped=0 reports_read=$(wc -l <flat.jsonl)

# a strict run that stops inside a zstd file resumes there: exactly once
{ head -n 400 flat.jsonl; echo '{"hostname": "cut.example", "failedCertChain": [';
  tail -n +401 flat.jsonl; } | zstd -q -c >bad.zst
ingest --db plain-bad bad.zst
export_jsonl --db plain-bad
mv exp.jsonl plain-bad.jsonl
run "$CS" ingest --db strict --strict --jobs 1 --commit-every 100 bad.zst
assert_status 1 "strict stop in a zstd file"
grep -q 'bad\.zst:401:' _err || fail "stderr does not name bad.zst:401: $(<_err)"
stats --db strict
r=$(j .reports_accepted stats.json)
assert_eq 400 "$r" "reports kept by the strict run (batches of 100)"
ingest --db strict bad.zst
expect_json sum.json reports_read=$(($(wc -l <flat.jsonl) + 1 - r)) reports_malformed=1
export_jsonl --db strict
assert_file_eq plain-bad.jsonl exp.jsonl "export after resuming a zstd file"
