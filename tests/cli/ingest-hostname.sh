# Hostnames: ASCII letters lowercased, one trailing dot removed.
. "$CLI_DIR/lib.sh"

{
	report WWW.Example.COM. $T_OCT1 -8179 "$LEAF"
	report www.example.com $T_OCT2 -8179 "$LEAF"
	report www.example.com.. $T_OCT3 -8179 "$LEAF"
	report 'ÉCOLE.Example' $T_OCT4 -8179 "$LEAF"
	report 'école.example' $T_OCT5 -8179 "$LEAF"
	report MAIL.example.org. $T_OCT5 -8179 "$INT"
} >r.jsonl

ingest --db db r.jsonl
expect_json sum.json reports_accepted=6 certs_seen=6
stats --db db
expect_json stats.json unique_hosts=5
export_jsonl --db db
assert_eq "5 5 4" "$(figures $(sha "$LEAF") | cut -d' ' -f1-3)" "leaf figures"

run "$CS" hosts --db db "$(sha "$LEAF")" --json
assert_status 0 "hosts --json"
assert_eq '[{"host":"www.example.com","count":2},{"host":"www.example.com.","count":1},{"host":"École.example","count":1},{"host":"école.example","count":1}]' \
    "$(jc '[.[] | {host, count}]')" "hosts of leaf"
run "$CS" hosts --db db "$(sha "$INT")" --json
assert_status 0 "hosts --json int"
assert_eq '[{"host":"mail.example.org","count":1}]' "$(jc '[.[] | {host, count}]')" "hosts of int"
