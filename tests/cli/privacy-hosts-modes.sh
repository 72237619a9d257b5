# ingest --hosts none|clear|keyed:FILE: what the store keeps of hostnames.
. "$CLI_DIR/lib.sh"

{
	report A.example. $T_OCT1 -8179 "$LEAF" "$INT"
	report a.example $T_OCT2 -8179 "$LEAF"
	report b.example $T_OCT3 -8179 "$LEAF"
} >r.jsonl

# none: no hostname kept; host figures are zero, nothing lists hosts.
ingest --db none --hosts none r.jsonl
expect_json sum.json reports_accepted=3 certs_seen=4
stats --db none
expect_json stats.json unique_hosts=0 unique_certs=2
export_jsonl --db none
assert_eq "3 3 0" "$(figures $(sha "$LEAF") | cut -d' ' -f1-3)" "leaf, no hosts"
run "$CS" hosts --db none "$(sha "$LEAF")" --json
assert_status 0 "hosts none"
assert_eq '[]' "$(<_out)" "no hosts listed"

# keyed: HMAC-SHA256 of the normalised hostname under all the key file's
# bytes, in hex; counts stay exact.
printf 'k3y\n' >key
ingest --db keyed --hosts keyed:key r.jsonl
stats --db keyed
expect_json stats.json unique_hosts=2
ma=$(printf 'a.example' | openssl dgst -sha256 -mac HMAC -macopt hexkey:6b33790a | sed 's/.*= //')
mb=$(printf 'b.example' | openssl dgst -sha256 -mac HMAC -macopt hexkey:6b33790a | sed 's/.*= //')
run "$CS" hosts --db keyed "$(sha "$LEAF")" --json
assert_status 0 "hosts keyed"
assert_eq "[{\"host\":\"$ma\",\"count\":2},{\"host\":\"$mb\",\"count\":1}]" \
    "$(jc '[.[] | {host, count}]')" "keyed hosts"
grep -q 'a.example' keyed/data.mdb && fail "clear hostname in a keyed store"

# the default keeps them clear.
ingest --db clear r.jsonl
run "$CS" hosts --db clear "$(sha "$LEAF")" --json
assert_eq '[{"host":"a.example","count":2},{"host":"b.example","count":1}]' \
    "$(jc '[.[] | {host, count}]')" "clear hosts"

# a bad mode or a missing key file
run "$CS" ingest --db x --hosts hashed r.jsonl
assert_status 2 "bad --hosts"
run "$CS" ingest --db x --hosts keyed:nokey r.jsonl
assert_status 1 "missing key file"
