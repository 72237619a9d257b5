#!/usr/bin/python3
"""Reports for timing `certsift missing` on a store of N unique chains.

Not a test run.sh runs (it is no *-*.sh). Usage, in an empty directory:

    /usr/bin/python3 tests/cli/missing-speed.py [N [reports.jsonl]]
    certsift ingest --db db reports.jsonl
    time certsift missing --db db --no-roots --roots roots.pem

N defaults to 100,000. Each chain has its own leaf (an EC key from a pool
of 64), so every chain costs one signature check or more: 80% of leaves
are signed by 48 issuing CAs (40 RSA-2048, 8 EC P-256) under 3 roots
(written to roots.pem), sent as [leaf] (45%), [leaf, CA] (35%) or
[leaf, CA, root] (10%); 5% by 6 CAs never sent; 10% by 5 interception
roots ([leaf, root] or [leaf]); 5% are self-signed. One chain in 7 and
one in 31 get a second and third report. It takes a few minutes.
"""
import base64, datetime, json, random, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID, AuthorityInformationAccessOID

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
out = sys.argv[2] if len(sys.argv) > 2 else "reports.jsonl"
rng = random.Random(1)
NB = datetime.datetime(2025, 1, 1)
NA = datetime.datetime(2035, 1, 1)
DER = serialization.Encoding.DER

def name(cn, o="Speed Test"):
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, o),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])

serial = [0]
def cert(subj, pub, iss, isskey, isspub, ca, aia=None, san=None):
    serial[0] += 1
    b = (x509.CertificateBuilder().subject_name(subj).issuer_name(iss)
         .public_key(pub).serial_number(serial[0] * 7919 + 1)
         .not_valid_before(NB).not_valid_after(NA)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), False)
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(isspub), False))
    if aia:
        b = b.add_extension(x509.AuthorityInformationAccess([
            x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS,
                                   x509.UniformResourceIdentifier(aia))]), False)
    if san:
        b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), False)
    return b.sign(isskey, hashes.SHA256()).public_bytes(DER)

def rsakey():
    return rsa.generate_private_key(65537, 2048)

roots = []
for i in range(3):
    k = rsakey()
    n = name("Speed Root %d" % i)
    roots.append((n, k, cert(n, k.public_key(), n, k, k.public_key(), True)))
ints = []
for i in range(48):
    k = rsakey() if i < 40 else ec.generate_private_key(ec.SECP256R1())
    rn, rk, _ = roots[i % 3]
    n = name("Speed Issuing CA %d" % i)
    ints.append((n, k, cert(n, k.public_key(), rn, rk, rk.public_key(), True)))
hidden = []
for i in range(6):
    k = rsakey()
    hidden.append((name("Hidden CA %d" % i), k))
avs = []
for i in range(5):
    k = rsakey()
    n = name("Interception Root %d" % i, "AV %d" % i)
    avs.append((n, k, cert(n, k.public_key(), n, k, k.public_key(), True)))
leafkeys = [ec.generate_private_key(ec.SECP256R1()) for _ in range(64)]
with open("roots.pem", "w") as f:
    for n, k, d in roots:
        f.write("-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n"
                % base64.encodebytes(d).decode().strip())

b64 = lambda d: base64.b64encode(d).decode()
T0 = 1790812800
with open(out, "w") as f:
    for i in range(N):
        host = "h%d.example" % i
        r = rng.random()
        lk = leafkeys[i % 64]
        if r < 0.80:
            n, k, d = ints[rng.randrange(48)]
            leaf = cert(name(host, "Site %d" % i), lk.public_key(), n, k,
                        k.public_key(), False, "http://pki.test/%d.crt" % (i % 48), host)
            if r < 0.35:
                chain = [leaf, d]
            elif r < 0.45:
                chain = [leaf, d, roots[ints.index((n, k, d)) % 3][2]]
            else:
                chain = [leaf]
        elif r < 0.85:
            n, k = hidden[rng.randrange(6)]
            chain = [cert(name(host), lk.public_key(), n, k, k.public_key(),
                          False, None, host)]
        elif r < 0.95:
            n, k, d = avs[rng.randrange(5)]
            leaf = cert(name(host), lk.public_key(), n, k, k.public_key(),
                        False, None, host)
            chain = [leaf, d] if r < 0.92 else [leaf]
        else:
            n = name(host, "Router %d" % i)
            chain = [cert(n, lk.public_key(), n, lk, lk.public_key(), True)]
        for j in range(1 + (i % 7 == 0) + (i % 31 == 0)):
            f.write(json.dumps({"hostname": host, "port": 443,
                                "timestamp": T0 + i + j, "errorCode": -8179,
                                "failedCertChain": [b64(c) for c in chain]}) + "\n")
