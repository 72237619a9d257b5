# Under --error every figure is that of the matching reports: a
# certificate seen under two codes at different times shows each code's
# first and last seen, and a hostname whose reports under a code have no
# valid certificate (bad base64, bad DER) counts them. The figures of
# top, export and report under --error A equal those of a store that
# ingested only the A reports (ingest --error A); a merge keeps them.
. "$CLI_DIR/lib.sh"

A=-8179		# SEC_ERROR_UNKNOWN_ISSUER
B=-12276	# SSL_ERROR_BAD_CERT_DOMAIN
{
	report a.example $T_OCT2 $A "$LEAF" "$INT"
	report a.example $T_OCT3 $A "$LEAF" "$INT"
	report b.example $T_OCT1 $B "$LEAF" "$INT"
	report b.example $T_OCT5 $B "$LEAF" "$INT"
	report b.example $T_OCT4 $A "$INT"
	report bad.example $T_OCT4 $A "raw:!!not-base64"
	report bad.example $T_OCT5 $A "raw:AAAA"
	report bad.example $T_OCT5 $B "$LEAF2"
	report - $T_OCT2 $A "$LEAF2"
	report nocode.example $T_OCT1 - "$LEAF"
} >one.jsonl
{
	report c.example $T_OCT1 $A "$CIO" "$RAPID"
	report c.example $T_OCT3 $B "$CIO" "$RAPID"
	report bad.example $T_OCT1 $A "raw:@@@"
} >two.jsonl
L=$(sha "$LEAF")
I=$(sha "$INT")

ingest --db all one.jsonl two.jsonl
ingest --db onlyA --error $A one.jsonl two.jsonl

# A's dates, not the all-codes ones (OCT1..OCT5)
ok "$CS" top --db all --json --error $A -n 0 certs
assert_eq "[$T_OCT2,$T_OCT3,2]" "$(jc ".[] | select(.sha256 == \"$L\") |
    [.first_seen, .last_seen, .count]")" "top certs --error A: LEAF"
assert_eq "[$T_OCT2,$T_OCT4,3]" "$(jc ".[] | select(.sha256 == \"$I\") |
    [.first_seen, .last_seen, .count]")" "top certs --error A: INT"
ok "$CS" top --db all --json --error $B -n 0 certs
assert_eq "[$T_OCT1,$T_OCT5]" "$(jc ".[] | select(.sha256 == \"$L\") |
    [.first_seen, .last_seen]")" "top certs --error B: LEAF"
ok "$CS" top --db all --json -n 0 certs
assert_eq "[$T_OCT1,$T_OCT5]" "$(jc ".[] | select(.sha256 == \"$L\") |
    [.first_seen, .last_seen]")" "top certs: LEAF, all codes"
ok "$CS" export --db all --format jsonl --error $A
assert_eq "[$T_OCT2,$T_OCT3,2,2,1]" "$(jc "select(.sha256 == \"$L\") |
    [.first_seen, .last_seen, .count, .leaf_count, .hosts]")" \
    "export jsonl --error A: LEAF"

# bad.example: two A reports without a valid certificate, one B with
ok "$CS" top --db all --json --error $A hosts
assert_eq '{"host":"bad.example","reports":3,"certs":0}' \
    "$(jc '.[] | select(.host == "bad.example")')" "top hosts --error A"
ok "$CS" top --db all --json --error $B hosts
assert_eq '{"host":"bad.example","reports":1,"certs":1}' \
    "$(jc '.[] | select(.host == "bad.example")')" "top hosts --error B"
ok "$CS" top --db all --json --error $A --error $B hosts
assert_eq '{"host":"bad.example","reports":4,"certs":1}' \
    "$(jc '.[] | select(.host == "bad.example")')" "top hosts, both codes"

# figures SEL DB OUT: what --error A shows of DB (SEL the selection)
figures_of() {
	local db=$1 out=$2 w f
	shift 2
	: >"$out"
	for w in issuers certs hosts errors; do
		"$CS" top --db "$db" --json -n 0 "$@" $w >>"$out" ||
		    fail "top $w $db"
	done
	for f in jsonl csv pem; do
		"$CS" export --db "$db" --format $f "$@" >>"$out" ||
		    fail "export $f $db"
	done
	"$CS" trend --db "$db" --json "$@" >>"$out" || fail "trend $db"
	"$CS" missing --db "$db" --json "$@" >>"$out" || fail "missing $db"
	"$CS" causes --db "$db" --json -n 0 "$@" >>"$out" || fail "causes $db"
}
figures_of onlyA want --error $A
figures_of all got --error $A
assert_file_eq want got "--error A equals an ingest of the A reports"

# Merged from two stores: the same figures, every code.
ingest --db p1 one.jsonl
ingest --db p2 two.jsonl
ok "$CS" merge --db merged p1 p2
ok "$CS" verify --db merged
for c in $A $B; do
	figures_of all want.$c --error $c
	figures_of merged got.$c --error $c
	assert_file_eq want.$c got.$c "merged, --error $c"
done
ok "$CS" verify --db all
