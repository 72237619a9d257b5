# A store of schema 6, whose summaries are of version 1 (without the facts
# the diagnoses read from the DER: x509.h), is read as it is: causes,
# missing, trend --by cause and the report read those certificates' DER
# instead and answer as the store made by this version does, the captive
# portal's key, the hostnames' SANs and the weak signature included. Its
# summaries and schema stay as they are (the walks keep their verdicts, a
# cache), and verify finds it sound. The next writer upgrades
# it to schema 7 in place: the certificates it adds have summaries of
# version 2, the others keep theirs, and every answer is that of a store
# made afresh from the same reports.
. "$CLI_DIR/lib.sh"

SF="/usr/bin/python3 $CLI_DIR/storefault.py"
ingest --db new "$CORPUS/sample"
n=$($SF count new cert)
assert_eq "2 $n" "$($SF versions new)" "this version's summaries: version 2"
cp -r new old
$SF v1 old || die "cannot make the summaries version 1"
assert_eq "1 $n" "$($SF versions old)" "the old store's: version 1"
mdb_dump -s meta old | grep -q '^ 06000000$' || die "schema record not 6"

# Outputs of both stores, the report's in a directory each (the page
# names its store).
answers() {	# store tag
	for c in "causes --json" "causes --error SEC_ERROR_UNKNOWN_ISSUER" \
	    "causes --cause name-mismatch --json" "missing --json" \
	    "trend --by cause --json"; do
		ok "$CS" $c --no-roots --db "$1"
		cp _out "$2.$(echo "$c" | tr -c 'a-z\n' _)"
	done
	mkdir -p "page.$2"
	cp -r "$1" "page.$2/s"
	(cd "page.$2" && ok "$CS" report --no-roots --db s -o page.html)
}
answers new want
answers old got
assert_match "captive-portal" "$(<want.causes___json)" "the sample has a captive portal"
assert_match "name-mismatch" "$(<want.causes___json)" "and names that do not match"
for f in want.*; do
	assert_file_eq "$f" "got.${f#want.}" "version 1: $f"
done
assert_file_eq page.want/page.html page.got/page.html "version 1: the report"
assert_eq "1 $n" "$($SF versions old)" "the queries left the summaries"
mdb_dump -s meta old | grep -q '^ 06000000$' || fail "a query changed the schema"
ok "$CS" verify --db old
assert_match "is sound" "$(<_out)" "verify: version 1 summaries are sound"

# The next ingest upgrades it; the new certificate's summary is version 2.
report "v2.example" $T_OCT2 -8179 "$CORPUS/certs/causes/badssl-ca-edellroot.pem" >b.jsonl
ingest --db old b.jsonl
mdb_dump -s meta old | grep -q '^ 07000000$' || fail "schema not 7 after ingest"
m=$($SF count old cert)
[ "$m" -gt "$n" ] || die "no certificate added"
assert_eq "1 $n
2 $((m - n))" "$($SF versions old)" "added certificates: version 2"
ingest --db new b.jsonl
answers new want2
answers old got2
for f in want2.*; do
	assert_file_eq "$f" "got2.${f#want2.}" "upgraded: $f"
done
assert_file_eq page.want2/page.html page.got2/page.html "upgraded: the report"
ok "$CS" verify --db old
assert_match "is sound" "$(<_out)" "verify: both versions"
