# --sample F --seed N: deterministic, independent of input order and split,
# keeps roughly F.
. "$CLI_DIR/lib.sh"

B=$(b64 "$LEAF")
# 1000 distinct reports, all with the same cert, one host each
for i in $(seq 1 1000); do
	printf '{"hostname":"h%04d.example","timestamp":%d,"errorCode":-8179,"failedCertChain":["%s"]}\n' \
	    "$i" $((T_OCT1 + i * 60)) "$B"
done >all.jsonl
tac all.jsonl >rev.jsonl
head -n 400 all.jsonl >part1.jsonl
tail -n 600 all.jsonl >part2.jsonl
S=$(sha "$LEAF")

kept() {	# db -> sorted kept hostnames in ./hosts.<db>
	run "$CS" hosts --db "$1" "$S" --json
	assert_status 0 "hosts $1"
	jq -r '.[].host' _out | sort >"hosts.$1"
}

ingest --db a --sample 0.3 --seed 42 all.jsonl
acc=$(j .reports_accepted sum.json)
expect_json sum.json reports_read=1000 reports_accepted=$acc \
    reports_filtered=$((1000 - acc)) reports_malformed=0 certs_seen=$acc
[ "$acc" -ge 220 ] && [ "$acc" -le 380 ] || fail "kept $acc of 1000 with F=0.3"
kept a
assert_eq "$acc" "$(wc -l <hosts.a)" "kept hosts"

ingest --db b --sample 0.3 --seed 42 rev.jsonl
kept b
assert_file_eq hosts.a hosts.b "reversed input"

ingest --db c --sample 0.3 --seed 42 part2.jsonl part1.jsonl
expect_json sum.json files=2 reports_accepted=$acc
kept c
assert_file_eq hosts.a hosts.c "split input"

ingest --db d --sample 0.3 --seed 42 - <rev.jsonl
kept d
assert_file_eq hosts.a hosts.d "stdin"

# thread count does not matter (--jobs)
for jobs in 1 2 4; do
	ingest --db "j$jobs" --jobs $jobs --sample 0.3 --seed 42 part2.jsonl rev.jsonl
	expect_json sum.json reports_read=1600 reports_accepted=$((acc + $(grep -cFf hosts.a part2.jsonl)))
	kept "j$jobs"
	assert_file_eq hosts.a "hosts.j$jobs" "--jobs $jobs"
done

ingest --db e --sample 0.3 --seed 7 all.jsonl
kept e
if cmp -s hosts.a hosts.e; then
	fail "seed 7 keeps the same reports as seed 42"
fi

ingest --db f --sample 0.05 --seed 42 all.jsonl
acc=$(j .reports_accepted sum.json)
[ "$acc" -ge 20 ] && [ "$acc" -le 90 ] || fail "kept $acc of 1000 with F=0.05"

ingest --db g --sample 1 --seed 42 all.jsonl
expect_json sum.json reports_accepted=1000 reports_filtered=0
