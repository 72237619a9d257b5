# A truncated gzip stream: exit 0, the complete records before the cut are
# ingested, the store stays consistent.
. "$CLI_DIR/lib.sh"

# each line carries 2 KB of hard-to-compress padding, so that the deflate
# stream holds the lines one after another
for i in $(seq 1 40); do
	pad=$(for k in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
		printf '%s' "$i.$k" | sha512sum | cut -c1-128; done | tr -d '\n')
	report "h$i.example" $((T_OCT1 + i)) -8179 "$LEAF" "$INT" |
	    sed "s/^{/{\"padding\":\"$pad\",/"
done >r.jsonl
gzip -9 -c r.jsonl >full.gz
size=$(wc -c <full.gz)

# (1) only the 8-byte trailer (CRC32, ISIZE) is missing: all data is there
head -c $((size - 8)) full.gz >notrailer.gz
ingest --db db1 notrailer.gz
expect_json sum.json files=1 reports_accepted=40 certs_seen=80 certs_new=2

# (2) cut in the middle of the deflate data
head -c $((size / 2)) full.gz >half.gz
ingest --db db2 half.gz
acc=$(j .reports_accepted sum.json)
mal=$(j .reports_malformed sum.json)
[ "$acc" -ge 1 ] && [ "$acc" -lt 40 ] || fail "half stream: $acc reports accepted"
[ $((acc + mal)) -le 40 ] || fail "half stream: $acc accepted + $mal malformed > 40"
expect_json sum.json certs_seen=$((2 * acc)) certs_invalid=0
stats --db db2
expect_json stats.json reports_accepted=$acc unique_certs=2 unique_hosts=$acc
export_jsonl --db db2
assert_eq "$acc $acc $acc" "$(figures $(sha "$LEAF") | cut -d' ' -f1-3)" leaf

# (3) only the gzip header
head -c 10 full.gz >header.gz
ingest --db db3 header.gz
expect_json sum.json reports_accepted=0 certs_seen=0

# the store still takes more
ingest --db db2 r.jsonl
expect_json sum.json reports_accepted=40
