# hosts CERT: hostnames with counts, most first, ties by host ascending.
. "$CLI_DIR/lib.sh"

{
	report d.example $T_OCT1 -8179 "$LEAF"
	report b.example $T_OCT1 -8179 "$LEAF" "$INT"
	report c.example $T_OCT1 -8179 "$LEAF"
	report b.example $T_OCT2 -8179 "$LEAF"
	report c.example $T_OCT2 -8179 "$LEAF"
	report d.example $T_OCT2 -8179 "$LEAF"
	report b.example $T_OCT3 -8179 "$LEAF" "$LEAF"
	report c.example $T_OCT3 -8179 "$LEAF"
	report a.example $T_OCT3 -8179 "$LEAF"
	report - $T_OCT3 -8179 "$LEAF"
} >r.jsonl
ingest --db db r.jsonl
S=$(sha "$LEAF")

run "$CS" hosts --db db "$S" --json
assert_status 0 "hosts --json"
assert_eq '[{"host":"b.example","count":3},{"host":"c.example","count":3},{"host":"d.example","count":2},{"host":"a.example","count":1}]' \
    "$(jc '[.[] | {host, count}]')" "hosts --json"

run "$CS" hosts --db db "${S:0:10}" --json
assert_status 0 "hosts by prefix"
assert_eq 4 "$(j length)" "hosts by prefix"
run "$CS" hosts --db db "$LEAF" --json
assert_status 0 "hosts by file"
assert_eq 4 "$(j length)" "hosts by file"

# human output: one host per line in the same order
ok "$CS" hosts --db db "$S"
assert_eq "b.example c.example d.example a.example" \
    "$(grep -o '[abcd]\.example' _out | tr '\n' ' ' | sed 's/ $//')" "hosts order (text)"

run "$CS" hosts --db db "$(sha "$INT")" --json
assert_status 0 "hosts int"
assert_eq '[{"host":"b.example","count":1}]' "$(jc '[.[] | {host, count}]')" "hosts int"

run "$CS" hosts --db db "$(sha "$ROOT")" --json
assert_status 1 "hosts unknown cert"
assert_stderr_prefixed "hosts unknown cert"
