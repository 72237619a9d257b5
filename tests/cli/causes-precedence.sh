# causes: a report's primary cause is the first in the documented order;
# the walk goes on past an issuer found in the store (an interception root
# two found intermediates up); validity counts only the certificates on
# the walked path; the same figures with any number of ingest threads.
. "$CLI_DIR/lib.sh"
. "$CLI_DIR/missing-pki.sh"

now=$(date +%s)
T=$((now + 86400))
TEXP=$((now + 200 * 86400))	# leaves (90 days) expired, the rest valid

pki_root root "Root"
pki_ca int "Issuing CA" root
pki_cert fg fg "/O=Fortinet/CN=FortiGate CA" - 3650
pki_ca int2 "Plain CA 2" fg
pki_ca int1 "Plain CA 1" int2
pki_leaf x x.example int1
pki_leaf y y.example int1
pki_root priv "Private Root"
pki_ca pint "Private CA" priv
pki_leaf z2 z2.example pint
pki_leaf z z.example pint
openssl genrsa -out k.key 1024 2>/dev/null || die "cannot make k.key"
pki_leaf k k.example int
pki_cert e e "/CN=e.example" - 90 leaf-noaki
pki_cert a a "/CN=a.example" int 1000 leaf
pki_leaf stray stray.example int

{
	report x.example $T -8179 x.pem int1.pem int2.pem fg.pem
	report y.example $T -8179 y.pem
	report z2.example $T -8179 z2.pem pint.pem priv.pem
	report z.example $T -8179 z.pem
	report z.example $T -8179 z.pem
	report wrong.example $TEXP -8181 k.pem int.pem
	report wrong.example $T -12276 k.pem int.pem
	report k.example $T -16382 k.pem int.pem
	report e.example $TEXP -16370 e.pem
	# stray is expired then, but not on a.example's path
	report a.example $TEXP -8179 a.pem int.pem stray.pem
} >r.jsonl
ingest --db db --jobs 1 r.jsonl

rows() {
	jq -r '.[] | [.cause, (.detail // "-"), .reports, .chains, .hosts,
	    .share, .primary] | join("|")' _out | sort
}
want=$(sort <<'END'
interception|Fortigate|2|2|2|20|2
untrusted-root|CN=FortiGate CA,O=Fortinet|2|2|2|20|0
missing-intermediate|CN=Plain CA 1,O=Certsift Test (corpus)|1|1|1|10|0
untrusted-root|CN=Private Root,O=Certsift Test|3|2|2|30|1
missing-intermediate|CN=Private CA,O=Certsift Test (corpus)|2|1|1|20|2
expired|-|2|2|2|20|1
name-mismatch|-|2|1|1|20|1
weak-key|RSA-1024|3|1|2|30|1
self-signed-leaf|-|1|1|1|10|1
other|-|1|1|1|10|1
END
)
run "$CS" causes --db db --roots root.pem --json -n 0
assert_status 0 "causes"
assert_eq "$want" "$(rows)" "precedence"
assert_eq "certsift: causes: reports 10; primary: interception 20.00%, missing-intermediate 20.00%, untrusted-root 10.00%, self-signed-leaf 10.00%, expired 10.00%, name-mismatch 10.00%, weak-key 10.00%, other 10.00%" \
    "$(<_err)" "summary"

# missing still reports the first gap of y.example's chain.
run "$CS" missing --db db --roots root.pem --json -n 0
assert_status 0 "missing"
assert_eq '"missing-intermediate"' \
    "$(jc '[.[] | select(.issuer == "CN=Plain CA 1,O=Certsift Test")][0].outcome')" \
    "missing's outcome for y.example"

# Any number of threads, in one go or a file per report (--force: two
# reports are the same bytes): the same.
ingest --db db3 --jobs 3 r.jsonl
run "$CS" causes --db db3 --roots root.pem --json -n 0
assert_eq "$want" "$(rows)" "--jobs 3"
i=0
while read -r line; do
	i=$((i + 1))
	printf '%s\n' "$line" >part$i.jsonl
	ingest --db dbp --force part$i.jsonl
done <r.jsonl
run "$CS" causes --db dbp --roots root.pem --json -n 0
assert_eq "$want" "$(rows)" "a file per report"
