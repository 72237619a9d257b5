# verify checks the chain-validity table (chainvalid: per chain, code and
# hostname, the reports whose certificates were out of their validity, by
# position) against the chains, their report rows and their days: each
# damage below, written through LMDB, is found (exit 1, its problem), and
# causes, which reads the table, does not die of it.
. "$CLI_DIR/lib.sh"

SF="/usr/bin/python3 $CLI_DIR/storefault.py"
ingest --db s "$CORPUS/sample"
run "$CS" verify --db s
assert_status 0 "verify before"

# scotthelme.co.uk's chain [leaf, Let's Encrypt X3]: both expired in all
# its 13 reports, one row of days per report day.
host=$(printf scotthelme.co.uk | od -An -tx1 | tr -d ' \n')
rec=$(mdb_dump -s chainvalid s | awk -v h="$host" \
    'f { print k, substr($0, 2); exit } /^ / && $0 ~ h "$" { k = substr($0, 2); f = 1 }')
key=${rec% *}
assert_eq "030000000000000000000000000000000d00000000000000" "${rec#* }" \
    "the validity row of scotthelme.co.uk (expired 0b11, 13 reports)"
[ -n "$key" ] || die "no validity row of scotthelme.co.uk"
run "$CS" top hosts --db s -n 0 --json
assert_eq 13 "$(j '.[] | select(.host == "scotthelme.co.uk") | .reports')" \
    "its reports"

# An entry: expired mask, not-yet-valid mask, reports (u64, little-endian).
ent() {
	/usr/bin/python3 -c 'import struct, sys
print(struct.pack("<3Q", *map(int, sys.argv[1:])).hex())' "$@"
}

# damage WHAT PROBLEM-REGEX: verify of store f finds it, and only it;
# causes lives.
damage() {
	run "$CS" verify --db f
	assert_status 1 "verify after: $1"
	assert_match "^problem: chains: $2\$" "$(grep '^problem' _out)" "$1"
	assert_eq 1 "$(grep -c '^problem' _out)" "$1: problems"
	run "$CS" causes --db f --no-roots
	[ "$status" -le 1 ] || fail "$1: causes exit $status (a signal)"
}

# fresh VALUE: a copy of s whose row of scotthelme.co.uk holds VALUE.
fresh() {
	rm -rf f
	cp -r s f
	[ $# = 0 ] || $SF put f chainvalid "$key" "$1" || die "cannot write"
}

fresh "$(ent $((1 << 40)) 0 13)"
damage "a position past the chain's two" "chain [0-9a-f]{16}: a validity row is malformed"
fresh "$(ent 1 1 13)"
damage "one certificate both expired and not yet valid" "chain [0-9a-f]{16}: a validity row is malformed"
fresh "$(ent 0 0 13)"
damage "an entry of no position" "chain [0-9a-f]{16}: a validity row is malformed"
fresh "$(ent 3 0 0)"
damage "an entry of no reports" "chain [0-9a-f]{16}: a validity row is malformed"
fresh "$(ent 3 0 5)$(ent 1 0 8)"
damage "entries out of order" "chain [0-9a-f]{16}: a validity row is malformed"
fresh "$(ent 3 0 13)00"
damage "a value of 25 bytes" "a chain's validity row is malformed"
fresh "$(ent 3 0 1000000)"
damage "more reports than the report row" \
    "chain [0-9a-f]{16}: a validity row has more reports \(1000000\) than its report row \(13\)"
fresh "$(ent 3 0 1)"
damage "fewer reports than its days" \
    "chain [0-9a-f]{16}: its days hold 12 reports out of validity that its validity row lacks"
fresh "$(ent 1 0 13)"
damage "another position than its days" \
    "chain [0-9a-f]{16}: its days hold 13 reports out of validity that its validity row lacks"
fresh "$(ent 2 0 6)$(ent 3 0 7)"
damage "its days' reports split over another position" \
    "chain [0-9a-f]{16}: its days hold 6 reports out of validity that its validity row lacks"

# The row dropped: its days still have the reports.
fresh
i=$(mdb_dump -s chainvalid s | grep '^ ' | awk 'NR % 2 == 1' |
    grep -n -x " $key" | cut -d: -f1)
[ -n "$i" ] || die "cannot find the row's index"
$SF drop f chainvalid $((i - 1)) >/dev/null || die "cannot drop"
damage "the row dropped" \
    "chain [0-9a-f]{16}: its days hold reports out of validity but it has no validity row"

# A row of a chain the store does not have.
fresh
$SF put f chainvalid "ffffffffffffffffffffffffffffffff${key#????????????????????????????????}" \
    "$(ent 1 0 1)" || die "cannot write"
damage "a row of no chain" "chain ffffffffffffffff has a validity row but no record"

# The same row moved to a hostname without reports on that chain.
fresh
$SF put f chainvalid "${key%$host}$(printf nowhere.example | od -An -tx1 | tr -d ' \n')" \
    "$(ent 3 0 2)" || die "cannot write"
damage "a row of no report row" "chain [0-9a-f]{16}: a validity row has no report row"
