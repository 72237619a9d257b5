# A schema 5 store keeps no times or hostname reports per code. Read as it
# is, --error shows what schema 5 showed: a chain's first and last seen for
# each of its codes, and a hostname's reports with a valid certificate
# only. The next writer upgrades it to schema 7 in place, keeping those
# figures for the reports before (and saying so on stderr, once); reports
# after get exact figures. A merge of a schema 5 store reads it the same.
. "$CLI_DIR/lib.sh"

A=-8179
B=-12276
{
	report a.example $T_OCT2 $A "$LEAF" "$INT"
	report a.example $T_OCT3 $A "$LEAF" "$INT"
	report b.example $T_OCT1 $B "$LEAF" "$INT"
	report b.example $T_OCT5 $B "$LEAF" "$INT"
	report bad.example $T_OCT4 $A "raw:!!not-base64"
	report bad.example $T_OCT4 $A "$LEAF2"
} >old.jsonl
{
	report c.example $T_OCT2 $A "$CIO" "$RAPID"
	report c.example $T_OCT4 $B "$CIO" "$RAPID"
	report bad.example $T_OCT5 $A "raw:AAAA"
} >new.jsonl
L=$(sha "$LEAF")
C=$(sha "$CIO")

ingest --db six old.jsonl
as_schema six five 5 chainhostday certcode hostcode
cp -r five five.copy
cp five/data.mdb before.mdb

leaf_dates() {	# DB CODE: LEAF's [first, last] under CODE
	"$CS" top --db "$1" --json -n 0 --error "$2" certs |
	    jq -c ".[] | select(.sha256 == \"$L\") | [.first_seen, .last_seen]"
}
bad_reports() {	# DB CODE: bad.example's reports under CODE
	"$CS" top --db "$1" --json --error "$2" hosts |
	    jq -c '[.[] | select(.host == "bad.example") | .reports] | add'
}

# Read as it is: the chain's dates, valid-certificate reports only.
assert_eq "[$T_OCT1,$T_OCT5]" "$(leaf_dates five $A)" "schema 5: LEAF dates"
assert_eq 1 "$(bad_reports five $A)" "schema 5: bad.example"
assert_eq "[$T_OCT2,$T_OCT3]" "$(leaf_dates six $A)" "schema 6: LEAF dates"
assert_eq 2 "$(bad_reports six $A)" "schema 6: bad.example"
ok "$CS" top --db five --json -n 0 --error $A certs
cp _out five.certs
cmp -s before.mdb five/data.mdb || fail "a query changed the schema 5 store"

# The next ingest upgrades it, says so once, keeps those figures.
run "$CS" ingest --db five /dev/null
assert_status 0 "ingest of nothing"
assert_eq 1 "$(grep -c 'upgraded from schema 5 to 7' _err)" "one notice"
mdb_dump -s meta five | grep -q '^ 07000000$' || fail "schema not 7"
assert_eq "[$T_OCT1,$T_OCT5]" "$(leaf_dates five $A)" "upgraded: LEAF dates"
assert_eq 1 "$(bad_reports five $A)" "upgraded: bad.example"
ok "$CS" top --db five --json -n 0 --error $A certs
assert_file_eq five.certs _out "upgraded: top certs --error A"
ok "$CS" verify --db five

# Reports after it: exact.
run "$CS" ingest --db five new.jsonl
assert_status 0 "ingest after the upgrade"
grep -q 'upgraded' _err && fail "a second notice"
ok "$CS" top --db five --json -n 0 --error $A certs
assert_eq "[$T_OCT2,$T_OCT2]" "$(jc ".[] | select(.sha256 == \"$C\") |
    [.first_seen, .last_seen]")" "after the upgrade: CIO dates under A"
assert_eq 2 "$(bad_reports five $A)" "after the upgrade: bad.example"
ok "$CS" verify --db five

# A merge reads a schema 5 store as the upgrade does.
ingest --db newonly new.jsonl
ok "$CS" merge --db merged five.copy newonly
for w in certs hosts issuers errors; do
	ok "$CS" top --db five --json -n 0 --error $A $w
	cp _out want
	ok "$CS" top --db merged --json -n 0 --error $A $w
	assert_file_eq want _out "merged with a schema 5 store: top $w"
done
ok "$CS" verify --db merged
