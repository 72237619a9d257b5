# show CERT: by sha256, by prefix (>= 8 hex digits), by PEM/DER file path.
. "$CLI_DIR/lib.sh"

{
	report b.example $T_OCT1 -8179 "$LEAF" "$INT"
	report b.example $T_OCT2 -8179 "$LEAF" "$INT"
	report c.example $T_OCT3 -8172 "$LEAF"
	report a.example $T_OCT4 -12276 "$LEAF"
	report c.example $T_OCT5 -8179 "$LEAF"
	report b.example $T_OCT5 -8179 "$LEAF"
} >r.jsonl
ingest --db db r.jsonl
export_jsonl --db db
S=$(sha "$LEAF")
want=$(cert "$S" '. | del(.top_hosts)' | jq -S -c .)
[ -n "$want" ] || die "leaf not exported"

chk() {	# what args...
	local what=$1
	shift
	run "$CS" show --db db "$@" --json
	assert_status 0 "show $what"
	assert_eq "$want" "$(jq -S -c 'del(.top_hosts)' _out 2>&1)" "show $what: export object"
	assert_eq '[{"host":"b.example","count":3},{"host":"c.example","count":2},{"host":"a.example","count":1}]' \
	    "$(jc '[.top_hosts[] | {host, count}]')" "show $what: top_hosts"
}
chk sha256 "$S"
chk prefix8 "${S:0:8}"
chk prefix20 "${S:0:20}"
chk pem-file "$LEAF"
der "$LEAF" >leaf.der
chk der-file leaf.der
cp "$LEAF" ./leaf.pem
chk relative-pem leaf.pem

# human output mentions the subject
ok "$CS" show --db db "$S"
grep -q 'portal.example.com' _out || fail "show without --json lacks the subject"

# unknown certificate: exit 1
run "$CS" show --db db "$(sha "$ROOT")" --json
assert_status 1 "show unknown sha256"
assert_stderr_prefixed "show unknown"
run "$CS" show --db db "$ROOT"
assert_status 1 "show unknown file"
run "$CS" show --db db 0000000000000000000000000000000000000000000000000000000000000000
assert_status 1 "show zero sha256"
# a prefix shorter than 8 digits is not accepted
run "$CS" show --db db "${S:0:7}"
[ "$status" != 0 ] || fail "show with a 7-digit prefix succeeded"

# More hostnames than show lists, with ties: its ten are the first ten of
# `hosts` (which sorts them all), by count, then by name.
for i in $(seq 1 25); do
	n=$(( (i * 7) % 5 + 1 ))	# 1..5 reports: many ties
	for k in $(seq 1 $n); do
		report "h$(( (i * 11) % 25 )).many.example" $T_OCT1 -8179 "$INT"
	done
done >many.jsonl
ingest --db db2 many.jsonl
I=$(sha "$INT")
ok "$CS" hosts --db db2 --json "$I"
want=$(jq -c '.[:10]' _out)
[ "$(jq length _out)" = 25 ] || fail "hosts lists $(jq length _out) hostnames, not 25"
ok "$CS" show --db db2 --json "$I"
assert_eq "$want" "$(jq -c '[.top_hosts[] | {host, count}]' _out)" "show: top ten of many"
ok "$CS" show --db db2 "$I"
assert_eq "$(jq -r '.[] | "\(.count)  \(.host)"' <<<"$want")" \
    "$(sed -n '/^top hosts:/,$p' _out | tail -n +2 | sed 's/^ *//')" "show text: top ten"

# The same hostnames a report per batch, and in two files: each batch
# updates the kept top ten, which must still be the first ten of `hosts`.
ingest --db db3 --commit-every 1 many.jsonl
sed -n '1,40p' many.jsonl >m1.jsonl
sed -n '41,$p' many.jsonl >m2.jsonl
ingest --db db4 --commit-every 7 m1.jsonl
ingest --db db4 --commit-every 3 m2.jsonl
for d in db3 db4; do
	ok "$CS" show --db $d --json "$I"
	assert_eq "$want" "$(jq -c '[.top_hosts[] | {host, count}]' _out)" \
	    "show after small batches ($d)"
done

# Random hostnames with skewed counts over many batches, threads and
# files: the kept top ten is the first ten of `hosts` for both
# certificates.
python3 - "$(b64 "$LEAF")" "$(b64 "$INT")" >rand.jsonl <<'PY'
import json, random, sys
random.seed(7)
leaf, inter = sys.argv[1], sys.argv[2]
for n in range(1500):
    h = "r%d.rand.example" % (int(random.paretovariate(1.1)) % 300)
    chain = [leaf, inter] if random.random() < 0.6 else [inter]
    print(json.dumps({"hostname": h, "port": 443, "errorCode": -8179,
                      "timestamp": 1790000000 + n, "failedCertChain": chain}))
PY
split -l 400 rand.jsonl part.
n=0
for f in part.*; do
	n=$((n + 1))
	ingest --db db5 --commit-every $((n * 13)) --jobs $(( n % 3 + 1 )) "$f"
done
for c in "$(sha "$LEAF")" "$(sha "$INT")"; do
	ok "$CS" hosts --db db5 --json "$c"
	want=$(jq -c '.[:10]' _out)
	[ "$(jq length _out)" -gt 20 ] || fail "only $(jq length _out) hostnames"
	ok "$CS" show --db db5 --json "$c"
	assert_eq "$want" "$(jq -c '[.top_hosts[] | {host, count}]' _out)" \
	    "show after random batches: $c"
done
