# missing groups its rows' issuer names as X.509 names, as top issuers does:
# string types, case and spacing folded make one row; attributes in another
# order make another.
. "$CLI_DIR/lib.sh"

/usr/bin/python3 - <<'PY' || die "cannot make certificates"
import datetime as dt
from cryptography import x509
from cryptography.x509.oid import NameOID as O
from cryptography.x509.name import _ASN1Type as T
from cryptography.hazmat.primitives import serialization as S
from cryptography.hazmat.primitives.asymmetric import ed25519
K = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
AKI = x509.AuthorityKeyIdentifier(b"\x01" * 20, None, None)
def N(*a):
    return x509.Name([x509.NameAttribute(t[0], t[1], *t[2:]) for t in a])
def C(path, subj, iss, serial):
    b = (x509.CertificateBuilder().subject_name(subj).issuer_name(iss)
        .public_key(K.public_key()).serial_number(serial)
        .not_valid_before(dt.datetime(2026, 1, 1))
        .not_valid_after(dt.datetime(2027, 1, 1))
        .add_extension(AKI, critical=False))
    open(path, "wb").write(b.sign(K, None).public_bytes(S.Encoding.DER))
A1 = N((O.COMMON_NAME, "Good CA"), (O.ORGANIZATION_NAME, "Good"))
A2 = N((O.COMMON_NAME, "GOOD  ca", T.PrintableString),
    (O.ORGANIZATION_NAME, "good", T.PrintableString))
B = N((O.ORGANIZATION_NAME, "Good"), (O.COMMON_NAME, "Good CA"))
C("l1.der", N((O.COMMON_NAME, "l1.example")), A1, 11)
C("l2.der", N((O.COMMON_NAME, "l2.example")), A2, 12)
C("l3.der", N((O.COMMON_NAME, "l3.example")), B, 13)
PY

{
	report h1.example $T_OCT1 -8179 l1.der
	report h2.example $T_OCT1 -8179 l1.der
	report h3.example $T_OCT2 -8179 l2.der
	report h4.example $T_OCT3 -8179 l3.der
} >r.jsonl
ingest --db db r.jsonl

# l1 and l2 name their issuer the same as X.509 names: one row of 3
# reports, 2 chains, 3 hosts; l3's issuer has its attributes the other way.
ok "$CS" missing --db db --no-roots --json
assert_eq '[["unknown-issuer",3,2,3,"0101010101010101010101010101010101010101"],["unknown-issuer",1,1,1,"0101010101010101010101010101010101010101"]]' \
    "$(jc 'map([.outcome, .reports, .chains, .hosts, .aki])')" "rows"
assert_eq '"CN=Good CA,O=Good"' "$(jc '.[1].issuer')" "the other order"
# The row's text is one of the names as a certificate wrote it.
assert_match '^"(O=Good,CN=Good CA|O=good,CN=GOOD  ca)"$' "$(jc '.[0].issuer')" \
    "the row's name"
ok "$CS" top --db db --json issuers
assert_eq '[3,1]' "$(jc 'map(.reports)')" "top issuers agrees"
