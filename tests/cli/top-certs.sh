# top certs: export objects ranked by count, leaf_count or hosts; ties by
# sha256 ascending; -n; --error rewrites the figures.
. "$CLI_DIR/lib.sh"

{
	report a.example $T_OCT1 -8179 "$LEAF" "$INT" "$ROOT"
	report b.example $T_OCT1 -8179 "$LEAF" "$INT"
	report c.example $T_OCT2 -8179 "$LEAF2"
	report c.example $T_OCT2 -12276 "$LEAF2"
	report d.example $T_OCT3 -8181 "$CIO" "$RAPID"
	report a.example $T_OCT3 -8179 "$INT"
} >r.jsonl
ingest --db db r.jsonl
export_jsonl --db db
L=$(sha "$LEAF") I=$(sha "$INT") R=$(sha "$ROOT") L2=$(sha "$LEAF2")
C=$(sha "$CIO") P=$(sha "$RAPID")

# sorted SHA...: the arguments in ascending order, one line
sorted() {
	printf '%s\n' "$@" | sort | tr '\n' ' ' | sed 's/ $//'
}

# count: INT 3; LEAF, LEAF2 2; ROOT, CIO, RAPID 1
ok "$CS" top --db db --json certs
assert_eq "$I $(sorted $L $L2) $(sorted $R $C $P)" \
    "$(j '.[].sha256' | tr '\n' ' ' | sed 's/ $//')" "--by count (default)"
# the rows are export's objects
assert_eq "$(jq -S -c . exp.jsonl | sort)" "$(jq -S -c '.[]' _out | sort)" \
    "rows as in export"
ok "$CS" top --db db --json --by count certs
assert_eq "$I $(sorted $L $L2) $(sorted $R $C $P)" \
    "$(j '.[].sha256' | tr '\n' ' ' | sed 's/ $//')" "--by count"
# leaf_count: LEAF, LEAF2 2; INT, CIO 1; ROOT, RAPID 0
ok "$CS" top --db db --json --by leaf_count certs
assert_eq "$(sorted $L $L2) $(sorted $I $C) $(sorted $R $P)" \
    "$(j '.[].sha256' | tr '\n' ' ' | sed 's/ $//')" "--by leaf_count"
# hosts: LEAF, INT 2; the rest 1
ok "$CS" top --db db --json --by hosts certs
assert_eq "$(sorted $L $I) $(sorted $L2 $R $C $P)" \
    "$(j '.[].sha256' | tr '\n' ' ' | sed 's/ $//')" "--by hosts"
ok "$CS" top --db db --json --by hosts -n 3 certs
assert_eq "$(sorted $L $I) $(sorted $L2 $R $C $P | cut -d' ' -f1)" \
    "$(j '.[].sha256' | tr '\n' ' ' | sed 's/ $//')" "-n 3"
ok "$CS" top --db db --json -n 0 certs
assert_eq 6 "$(j length)" "-n 0"

# --error -8179: CIO and RAPID drop out; LEAF2 keeps one report
ok "$CS" top --db db --json --error -8179 certs
assert_eq "$I $L $(sorted $R $L2)" "$(j '.[].sha256' | tr '\n' ' ' | sed 's/ $//')" \
    "--error order"
assert_eq '[3,1,2,{"-8179":3}]' \
    "$(jc ".[] | select(.sha256 == \"$I\") | [.count, .leaf_count, .hosts, .errors]")" \
    "--error INT"
assert_eq '[1,1,1,{"-8179":1}]' \
    "$(jc ".[] | select(.sha256 == \"$L2\") | [.count, .leaf_count, .hosts, .errors]")" \
    "--error LEAF2"
ok "$CS" top --db db --json --error -12276 certs
assert_eq "[[\"$L2\",1,1,1]]" "$(jc 'map([.sha256, .count, .leaf_count, .hosts])')" \
    "--error -12276"

# CSV columns as in export --format csv
ok "$CS" top --db db --csv -n 2 certs
assert_eq "sha256,count,leaf_count,hosts,subject,issuer,not_before,not_after,is_ca,self_signed" \
    "$(head -n 1 _out | tr -d '\r')" "csv header"
assert_eq 3 "$(wc -l <_out)" "csv lines"
assert_match "^$I,3,1,2," "$(sed -n 2p _out)" "csv first row"

# bad --by and bad ranking: usage errors
run "$CS" top --db db --by reports certs
assert_status 2 "--by reports certs"
assert_stderr_prefixed "--by reports certs"
run "$CS" top --db db frobs
assert_status 2 "top frobs"
run "$CS" top --db db
assert_status 2 "top alone"
run "$CS" top --db db -n x certs
assert_status 2 "-n x"

# the table (golden output)
"$CS" top --db db -n 4 certs
