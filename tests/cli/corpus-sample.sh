# The whole checked-in sample corpus against corpus/sample/EXPECTED.json and
# corpus/expected-certs.jsonl (computed by tools/gen-corpus.py on its own).
. "$CLI_DIR/lib.sh"

E=$CORPUS/sample/EXPECTED.json
ingest --db db "$CORPUS/sample"
for k in files reports_read reports_accepted reports_filtered \
    reports_malformed certs_seen certs_invalid certs_new; do
	assert_eq "$(jq ".$k" "$E")" "$(jq ".$k" sum.json)" "ingest summary .$k"
done
stats --db db
for k in reports_read reports_accepted reports_malformed certs_seen \
    certs_invalid certs_new unique_certs unique_chains unique_hosts; do
	assert_eq "$(jq ".$k" "$E")" "$(jq ".$k" stats.json)" "stats .$k"
done
assert_eq "$(jq .files "$E")" "$(jq .files_ingested stats.json)" "stats .files_ingested"

export_jsonl --db db
jq -S -c "{sha256, count, leaf_count, hosts: $NH, first_seen, last_seen, errors}" exp.jsonl >got.jsonl
jq -S -c . "$CORPUS/expected-certs.jsonl" >want.jsonl
assert_file_eq want.jsonl got.jsonl "per-certificate figures"

# PEM export: openssl reads as many certificates as there are unique certs
ok "$CS" export --db db --format pem -o all.pem
run openssl storeutl -certs all.pem
assert_eq "$(jq .unique_certs "$E")" "$(grep -Ec '^[0-9]+: Certificate' _out)" "PEM export count"

# the interception roots and a never-sent intermediate
av=$(cert "$(sha "$GEN/avast-root.pem")" "[.is_ca, .self_signed, $NH, .leaf_count]")
assert_eq "[true,true,20,0]" "$av" "avast root"
assert_eq "" "$(cert "$(sha "$GEN/sample-int3.pem")")" "sample-int3 is never sent"

# again: every file is a no-op
ingest --db db "$CORPUS/sample"
expect_json sum.json files=$(jq .files "$E") reports_read=0 certs_new=0

# small transactions and several threads give the same store
ingest --db db2 --commit-every 7 --jobs 2 "$CORPUS/sample"
export_jsonl --db db2
jq -S -c "{sha256, count, leaf_count, hosts: $NH, first_seen, last_seen, errors}" exp.jsonl >got2.jsonl
assert_file_eq want.jsonl got2.jsonl "per-certificate figures (--commit-every 7 --jobs 2)"

# the same with the build whose keys are 4 bits (hash collisions everywhere),
# when the caller provides it
if [ -n "${CERTSIFT_SHORTKEY:-}" ] && [ -x "$CERTSIFT_SHORTKEY" ]; then
	run "$CERTSIFT_SHORTKEY" ingest --json --db db4 "$CORPUS/sample"
	assert_status 0 "short-key ingest"
	cp _out sum.json
	for k in reports_accepted reports_malformed certs_seen certs_invalid certs_new; do
		assert_eq "$(jq ".$k" "$E")" "$(jq ".$k" sum.json)" "short-key summary .$k"
	done
	run "$CERTSIFT_SHORTKEY" stats --json --db db4
	cp _out stats.json
	for k in unique_certs unique_chains unique_hosts; do
		assert_eq "$(jq ".$k" "$E")" "$(jq ".$k" stats.json)" "short-key stats .$k"
	done
	# 98 certificates under 4-bit keys: collisions are certain, and
	# counted; the figures above and below show none merged.
	# Each certificate stored under a hash another has counts once: with
	# 16 hashes, at least 98 - 16.
	assert_eq true "$(jq '.hash_collisions >= 82 and .hash_collisions < 98' stats.json)" \
	    "short-key collisions counted ($(jq .hash_collisions stats.json))"
	c=$(jq .hash_collisions stats.json)
	cp -r db4 db4c
	run "$CERTSIFT_SHORTKEY" ingest --force --db db4c "$CORPUS/sample"
	assert_status 0 "short-key re-ingest"
	run "$CERTSIFT_SHORTKEY" stats --json --db db4c
	assert_eq "$c" "$(jq .hash_collisions _out)" "a re-ingest counts no collision again"
	run "$CERTSIFT_SHORTKEY" ingest --commit-every 7 --db db4b "$CORPUS/sample"
	run "$CERTSIFT_SHORTKEY" stats --json --db db4b
	assert_eq "$c" "$(jq .hash_collisions _out)" "collisions do not depend on batches"
	run "$CERTSIFT_SHORTKEY" export --format jsonl --db db4
	jq -S -c "{sha256, count, leaf_count, hosts: $NH, first_seen, last_seen, errors}" _out >got4.jsonl
	assert_file_eq want.jsonl got4.jsonl "per-certificate figures (short keys)"
	# make check builds it with a tiny certificate cache too: with
	# threads, the cache and the workers' own copies of its texts are
	# emptied again and again while units are in flight.
	run "$CERTSIFT_SHORTKEY" ingest --jobs 3 --db db4j "$CORPUS/sample"
	assert_status 0 "short-key ingest, 3 threads"
	run "$CERTSIFT_SHORTKEY" export --format jsonl --db db4j
	jq -S -c "{sha256, count, leaf_count, hosts: $NH, first_seen, last_seen, errors}" _out >got4j.jsonl
	assert_file_eq want.jsonl got4j.jsonl "per-certificate figures (short keys, 3 threads)"
fi
