# What merge refuses, leaving every store as it was: a file in two stores
# (unless --allow-overlap, which sums and says so), stores that keep
# hostnames differently (and ingest into a store of another mode), a store
# given twice or as the output, an output in use. A store merged already
# is skipped.
. "$CLI_DIR/lib.sh"

for i in 1 2 3; do
	report h$i.example $T_OCT1 -8179 "$LEAF" "$INT" >r$i.jsonl
	report x$i.example $T_OCT2 -8156 "$LEAF2" >>r$i.jsonl
done
ingest --db s1 r1.jsonl r2.jsonl
ingest --db s2 r2.jsonl r3.jsonl
ingest --db s3 r3.jsonl

run "$CS" merge --db out s1 s2
assert_status 2 "overlap"
assert_match "^certsift: merge: file 'r2.jsonl' is in both 's1' and 's2': its reports would count twice \(--allow-overlap sums them\)$" "$(<_err)" "overlap message"
[ -e out ] || [ -e out.merging ] && fail "a refused merge left a store"
cp -r s1 out
cp out/data.mdb before.mdb
run "$CS" merge --db out s2
assert_status 2 "overlap with the output"
assert_match "file 'r2.jsonl' is in both 'out' and 's2'" "$(<_err)" "its message"
cmp -s before.mdb out/data.mdb || fail "a refused merge changed the output"
ok "$CS" merge --db out s3
ok "$CS" merge --db out s3 --json
assert_eq '{"stores":0,"skipped":1,"certs_added":0,"overlapping_files":0,"resumed":false}' "$(<_out)" "merged again"
assert_match "store 's3' is merged into 'out' already: skipped" "$(<_err)" "skip message"
ok "$CS" merge --db sum --allow-overlap s1 s2
assert_match "1 files are in more than one store: their reports are summed" "$(<_err)" "--allow-overlap says so"
stats --db sum
expect_json stats.json reports_read=8 files=4 unique_certs=3

# Hosts modes: recorded by the first writer, then enforced.
printf 'one key' >k1
printf 'another key' >k2
ingest --db none --hosts none r1.jsonl
ingest --db ka --hosts keyed:k1 r1.jsonl
ingest --db ka2 --hosts keyed:k1 r2.jsonl
ingest --db kb --hosts keyed:k2 r3.jsonl
run "$CS" ingest --db none --hosts clear r2.jsonl
assert_status 2 "ingest of another mode"
assert_match "store 'none' keeps hostnames none, not clear" "$(<_err)" "its message"
run "$CS" ingest --db ka --hosts keyed:k2 r2.jsonl
assert_status 2 "ingest under another key"
assert_match "store 'ka' keeps hostnames keyed \(key fingerprint [0-9a-f]{16}\), not keyed \(key fingerprint [0-9a-f]{16}\)" "$(<_err)" "its message"
run "$CS" merge --db m1 s3 none
assert_status 2 "clear and none"
assert_match "stores keep hostnames differently: 's3' clear, 'none' none" "$(<_err)" "its message"
run "$CS" merge --db m1 ka kb
assert_status 2 "two keys"
assert_match "stores keep hostnames differently" "$(<_err)" "its message"
ok "$CS" merge --db m1 ka ka2
run "$CS" merge --db m1 s3
assert_status 2 "clear into keyed"
grep -aq 'one key' ka/data.mdb m1/data.mdb && fail "a key is in a store"
run "$CS" ingest --db m1 --hosts keyed:k1 r3.jsonl
assert_status 0 "ingest under the same key into the merged store"

# Stores given twice, or as the output; no store; an output in use.
run "$CS" merge --db m2 s1 ./s1
assert_status 2 "a store twice"
assert_match "store './s1' is given twice" "$(<_err)" "its message"
run "$CS" merge --db s1 s3 s1
assert_status 2 "the output as an input"
assert_match "store 's1' is both the output and an input" "$(<_err)" "its message"
run "$CS" merge --db m2
assert_status 2 "no store"
run "$CS" merge --db m2 nosuch
assert_status 1 "a store that is not there"
assert_match "cannot open store 'nosuch'" "$(<_err)" "its message"
mkfifo fifo
"$CS" ingest --db busy - <fifo >/dev/null 2>&1 &
pid=$!
exec 3>fifo
for i in $(seq 1 200); do
	[ -e busy/ingest.lock ] && break
	sleep 0.01
done
run "$CS" merge --db busy s3
assert_status 1 "an output in use"
assert_match "store 'busy' is in use by another ingest or merge" "$(<_err)" "its message"
exec 3>&-
wait $pid
ok "$CS" merge --db busy s3

# The AIA certificates of each store are unioned.
ok "$CS" aia --db s1 --import "$INT"
ok "$CS" aia --db s3 --import "$ROOT"
ok "$CS" merge --db aia s1 s3
assert_eq "$(mdb_stat -s aiacert aia | sed -n 's/^ *Entries: //p')" 2 "AIA certificates merged"

# A shard made with --skip-ingested-in merges into that store without
# overlap: the files the store has are neither ingested nor counted.
ingest --db shard --skip-ingested-in s1 r1.jsonl r3.jsonl
expect_json sum.json files=1 files_skipped=1 reports_read=2
ok "$CS" merge --db s1 shard
stats --db s1
expect_json stats.json files=3 reports_read=6
