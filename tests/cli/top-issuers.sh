# top issuers: names compared as X.509 names (string type, case and spacing
# folded: one row; attributes in another order: another row), each figure
# and its ties checked against hand-computed answers.
. "$CLI_DIR/lib.sh"

# Ed25519 signatures are deterministic: the same certificates every run.
/usr/bin/python3 - <<'PY' || die "cannot make certificates"
import datetime as dt
from cryptography import x509
from cryptography.x509.oid import NameOID as O
from cryptography.x509.name import _ASN1Type as T
from cryptography.hazmat.primitives import serialization as S
from cryptography.hazmat.primitives.asymmetric import ed25519
K = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
def N(*a):
    return x509.Name([x509.NameAttribute(t[0], t[1], *t[2:]) for t in a])
def C(path, subj, iss, ca=False, serial=1):
    b = (x509.CertificateBuilder().subject_name(subj).issuer_name(iss)
        .public_key(K.public_key()).serial_number(serial)
        .not_valid_before(dt.datetime(2026, 1, 1))
        .not_valid_after(dt.datetime(2027, 1, 1)))
    if ca:
        b = b.add_extension(x509.BasicConstraints(ca=True,
            path_length=None), critical=True)
    open(path, "wb").write(b.sign(K, None).public_bytes(S.Encoding.DER))
# A1 and A2 differ in string type, case and spacing only: one name.
A1 = N((O.COMMON_NAME, "Acme Issuing CA"), (O.ORGANIZATION_NAME, "Acme"))
A2 = N((O.COMMON_NAME, "ACME  issuing ca", T.PrintableString),
    (O.ORGANIZATION_NAME, "acme", T.PrintableString))
# B has A1's attributes in the other order: another name.
B = N((O.ORGANIZATION_NAME, "Acme"), (O.COMMON_NAME, "Acme Issuing CA"))
Z = N((O.COMMON_NAME, "Zeta CA"))
C("caA1.der", A1, Z, ca=True, serial=1)
C("caA2.der", A2, Z, ca=True, serial=2)
C("caB.der", B, B, ca=True, serial=3)
C("caZ.der", Z, Z, ca=True, serial=4)
for i, iss in ((1, A1), (2, A2), (3, B), (4, Z)):
    C("l%d.der" % i, N((O.COMMON_NAME, "l%d.example" % i)), iss,
        serial=10 + i)
PY

{
	report h1.example $T_OCT1 -8179 l1.der caA1.der caZ.der
	report h1.example $T_OCT1 -8179 l1.der caA1.der
	report h2.example $T_OCT2 -12276 l2.der caA2.der
	report h3.example $T_OCT2 -8179 l3.der caB.der
	report h3.example $T_OCT3 -8179 l3.der
	report h4.example $T_OCT3 -8179 l4.der
	report h5.example $T_OCT3 -8181 l4.der caZ.der
	report - $T_OCT4 -8179 l2.der
	report h6.example $T_OCT4 -8179 caB.der
} >r.jsonl
ingest --db db r.jsonl
expect_json sum.json reports_accepted=9

# The rows' text: the issuer of the group's first certificate by sha256.
# l2 (issued by A2) sorts before l1 here; the test checks that too.
[ "$(sha l2.der)" \< "$(sha l1.der)" ] || die "fixture: expected l2 < l1"
A='O=acme,CN=ACME  issuing ca'
B='CN=Acme Issuing CA,O=Acme'
Z='CN=Zeta CA'

# A: l1, l2 issued; leaves of reports 1, 2, 3, 8; hosts h1, h2.
# B: l3, caB issued; leaves of reports 4, 5, 9; hosts h3, h6.
# Z: caA1, caA2, caZ, l4 issued; leaves of reports 6, 7; hosts h4, h5.
ok "$CS" top --db db --json issuers
assert_eq "[[\"$A\",4,2,2],[\"$B\",3,2,2],[\"$Z\",2,4,2]]" \
    "$(jc 'map([.issuer, .reports, .certs, .hosts])')" "issuers"
assert_eq '["issuer","reports","certs","hosts"]' "$(jc '.[0] | keys_unsorted')" \
    "keys"

# --by certs: Z, then A and B tied at 2, by issuer text ascending.
ok "$CS" top --db db --json --by certs issuers
assert_eq "[\"$Z\",\"$B\",\"$A\"]" "$(jc 'map(.issuer)')" "--by certs"
# --by hosts: all tied at 2.
ok "$CS" top --db db --json --by hosts issuers
assert_eq "[\"$B\",\"$Z\",\"$A\"]" "$(jc 'map(.issuer)')" "--by hosts"
ok "$CS" top --db db --json --by reports -n 1 issuers
assert_eq "[\"$A\"]" "$(jc 'map(.issuer)')" "-n 1"
ok "$CS" top --db db --json -n 0 issuers
assert_eq 3 "$(j length)" "-n 0"

# --error -8179: only those reports, only certificates with one of them.
# A: reports 1, 2, 8 (no host); certs l1, l2; host h1.
# B: reports 4, 5, 9; certs l3, caB; hosts h3, h6.
# Z: report 6; certs caA1, caZ, l4 (caA2 only in a -12276 report); h4.
ok "$CS" top --db db --json --error SEC_ERROR_UNKNOWN_ISSUER issuers
assert_eq "[[\"$B\",3,2,2],[\"$A\",3,2,1],[\"$Z\",1,3,1]]" \
    "$(jc 'map([.issuer, .reports, .certs, .hosts])')" "--error"
# two codes
ok "$CS" top --db db --json --error -8179 --error -12276 issuers
assert_eq "[[\"$A\",4,2,2],[\"$B\",3,2,2],[\"$Z\",1,4,1]]" \
    "$(jc 'map([.issuer, .reports, .certs, .hosts])')" "--error twice"

# --ca: CA certificates only; reports whose leaf is one (report 9).
ok "$CS" top --db db --json --ca issuers
assert_eq "[[\"$B\",1,1,1],[\"$Z\",0,3,0]]" \
    "$(jc 'map([.issuer, .reports, .certs, .hosts])')" "--ca"
ok "$CS" top --db db --json --issuer zeta issuers
assert_eq "[[\"$Z\",2,4,2]]" \
    "$(jc 'map([.issuer, .reports, .certs, .hosts])')" "--issuer"

# CSV: a header, then RFC 4180 rows (CRLF)
ok "$CS" top --db db --csv issuers
cp _out issuers.csv
/usr/bin/python3 - <<'PY' || fail "csv"
import csv, json
rows = list(csv.reader(open("issuers.csv", newline="")))
assert rows[0] == ["issuer", "reports", "certs", "hosts"], rows[0]
assert rows[1:] == [["O=acme,CN=ACME  issuing ca", "4", "2", "2"],
    ["CN=Acme Issuing CA,O=Acme", "3", "2", "2"],
    ["CN=Zeta CA", "2", "4", "2"]], rows
assert open("issuers.csv", "rb").read().count(b"\r\n") == 4
PY

# the table, as people read it (golden output)
"$CS" top --db db issuers
"$CS" top --db db --error -8179 --by certs issuers
"$CS" top --db db --issuer nothing-like-this issuers
"$CS" top --db db --json --issuer nothing-like-this issuers
