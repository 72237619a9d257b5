#!/usr/bin/python3
"""Generate certsift's sample corpus (corpus/certs/ and corpus/sample/).

Usage: /usr/bin/python3 tools/gen-corpus.py [--check] [--refresh-real]

Everything is deterministic: one fixed random seed, fixed validity dates, RSA
keys built from seeded primes, EC and Ed25519 keys derived from seeded bytes.
Only RSA (PKCS#1 v1.5) and Ed25519 keys *sign*, because both give the same
signature every time (ECDSA would not), so a rerun writes byte-identical files.
EC-P-256 keys appear as subject keys of leaves signed by RSA CAs, and
ecdsa-with-SHA256 signatures come from the real certificates that are used.

Real certificates (Debian's Mozilla roots, cryptography_vectors' test and
real-world certificates, PKITS) are copied once into corpus/certs/real/ and
read from there afterwards, so a later change of those system packages does
not change the corpus (--refresh-real copies them again).

After writing corpus/sample/, the script reads it back with an independent,
spec-following reader (reference_ingest below) and writes
corpus/sample/EXPECTED.json (ingest totals for the whole directory, including
EXPECTED.json itself, which is one malformed report) and
corpus/expected-certs.jsonl (per-certificate figures, in export order).
--check regenerates into a temporary directory and compares with the checked-in
files (exit 1 on any difference).
"""

import base64
import datetime
import gzip
import hashlib
import io
import ipaddress
import json
import math
import os
import random
import shutil
import sys
import tempfile
import warnings

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SEED = 20261001

# The SHA-1 certificate of build_more() is deliberate.
warnings.filterwarnings("ignore", message=".*SHA1 signatures are deprecated")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VECTORS = "/usr/lib/python3/dist-packages/cryptography_vectors/x509"
MOZILLA = "/usr/share/ca-certificates/mozilla"

# Real certificates used, copied into corpus/certs/real/<name>.
REAL = {
    "cryptography.io.pem": VECTORS + "/cryptography.io.pem",
    "rapidssl_sha256_ca_g3.pem": VECTORS + "/rapidssl_sha256_ca_g3.pem",
    "scotthelme.co.uk.pem": VECTORS + "/tls-feature-ocsp-staple.pem",
    "letsencryptx3.pem": VECTORS + "/letsencryptx3.pem",
    "wildcard_san.pem": VECTORS + "/wildcard_san.pem",
    "utf8-dnsname.pem": VECTORS + "/utf8-dnsname.pem",
    "badssl-sct.pem": VECTORS + "/badssl-sct.pem",
    "ecdsa_root.pem": VECTORS + "/ecdsa_root.pem",
    "server-ed25519-cert.pem": VECTORS + "/ed25519/server-ed25519-cert.pem",
    "root-ed25519.pem": VECTORS + "/ed25519/root-ed25519.pem",
    "aia_ca_issuers.pem": VECTORS + "/custom/aia_ca_issuers.pem",
    "pkits-TrustAnchorRootCertificate.crt":
        VECTORS + "/PKITS_data/certs/TrustAnchorRootCertificate.crt",
    "pkits-GoodCACert.crt": VECTORS + "/PKITS_data/certs/GoodCACert.crt",
    "pkits-ValidCertificatePathTest1EE.crt":
        VECTORS + "/PKITS_data/certs/ValidCertificatePathTest1EE.crt",
    "ISRG_Root_X1.crt": MOZILLA + "/ISRG_Root_X1.crt",
    "ISRG_Root_X2.crt": MOZILLA + "/ISRG_Root_X2.crt",
    "DigiCert_Global_Root_G2.crt": MOZILLA + "/DigiCert_Global_Root_G2.crt",
    "GTS_Root_R1.crt": MOZILLA + "/GTS_Root_R1.crt",
    "USERTrust_ECC_Certification_Authority.crt":
        MOZILLA + "/USERTrust_ECC_Certification_Authority.crt",
}

UA = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) "
      "Gecko/20100101 Firefox/131.0")
UAS = [
    (UA, "131.0", "20260922150505", "release"),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0",
     "131.0", "20260922150505", "release"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:132.0) "
     "Gecko/20100101 Firefox/132.0", "132.0b4", "20261003091203", "beta"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) "
     "Gecko/20100101 Firefox/128.0", "128.3.1esr", "20260915120000", "esr"),
]

UNKNOWN_ISSUER = -8179
UNTRUSTED_ISSUER = -8172
EXPIRED = -8181
BAD_DOMAIN = -12276
PINNING = -16384
CA_INVALID = -8156
SELF_SIGNED = -16370

T0 = int(datetime.datetime(2026, 10, 1, tzinfo=datetime.timezone.utc)
         .timestamp())
T1 = int(datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc)
         .timestamp())


def utc(y, m, d):
    return datetime.datetime(y, m, d, 0, 0, 0)


# ---------------------------------------------------------------- keys

SMALL_PRIMES = [p for p in range(3, 2000)
                if all(p % q for q in range(2, int(p ** 0.5) + 1))]


def is_probable_prime(n, rng):
    for p in SMALL_PRIMES:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(24):
        a = rng.randrange(2, n - 2)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def gen_prime(rng, bits):
    while True:
        c = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if is_probable_prime(c, rng):
            return c


def rsa_key(rng, bits=2048):
    e = 65537
    while True:
        p = gen_prime(rng, bits // 2)
        q = gen_prime(rng, bits // 2)
        if p == q or math.gcd(e, (p - 1) * (q - 1)) != 1:
            continue
        if p < q:
            p, q = q, p
        n = p * q
        if n.bit_length() != bits:
            continue
        lam = (p - 1) * (q - 1) // math.gcd(p - 1, q - 1)
        d = pow(e, -1, lam)
        nums = rsa.RSAPrivateNumbers(
            p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p),
            rsa.RSAPublicNumbers(e, n))
        return nums.private_key()


def ec_key(rng):
    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    return ec.derive_private_key(rng.randrange(1, order), ec.SECP256R1())


def ed_key(rng):
    return ed25519.Ed25519PrivateKey.from_private_bytes(
        bytes(rng.getrandbits(8) for _ in range(32)))


# ---------------------------------------------------------------- certs

def name(*parts):
    oids = {"C": NameOID.COUNTRY_NAME, "ST": NameOID.STATE_OR_PROVINCE_NAME,
            "L": NameOID.LOCALITY_NAME, "O": NameOID.ORGANIZATION_NAME,
            "OU": NameOID.ORGANIZATIONAL_UNIT_NAME, "CN": NameOID.COMMON_NAME}
    return x509.Name([x509.NameAttribute(oids[k], v) for k, v in parts])


class Gen:
    def __init__(self, rng):
        self.rng = rng
        self.certs = {}      # id -> DER
        self.order = []      # ids in creation order

    def add(self, cid, der):
        assert cid not in self.certs, cid
        self.certs[cid] = der
        self.order.append(cid)

    def make(self, cid, subject, key, issuer_name, issuer_key,
             not_before, not_after, ca=False, pathlen=None, san=(),
             aia=None, bc=True, issuer_cert_key=None, eku=True,
             digest=None):
        pub = key.public_key()
        b = (x509.CertificateBuilder()
             .subject_name(subject)
             .issuer_name(issuer_name)
             .public_key(pub)
             .serial_number(self.rng.getrandbits(127) | (1 << 120))
             .not_valid_before(not_before)
             .not_valid_after(not_after))
        if bc:
            b = b.add_extension(x509.BasicConstraints(
                ca=ca, path_length=pathlen if ca else None), critical=True)
        if ca:
            ku = x509.KeyUsage(False, False, False, False, False, True, True,
                               False, False)
        elif isinstance(pub, rsa.RSAPublicKey):
            ku = x509.KeyUsage(True, False, True, False, False, False, False,
                               False, False)
        else:
            ku = x509.KeyUsage(True, False, False, False, False, False, False,
                               False, False)
        b = b.add_extension(ku, critical=True)
        if not ca and eku:
            b = b.add_extension(x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        b = b.add_extension(x509.SubjectKeyIdentifier.from_public_key(pub),
                            critical=False)
        ak = issuer_cert_key if issuer_cert_key is not None else issuer_key
        if ak is not key:
            b = b.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    ak.public_key()), critical=False)
        if san:
            names = []
            for s in san:
                try:
                    names.append(x509.IPAddress(ipaddress.ip_address(s)))
                except ValueError:
                    names.append(x509.DNSName(s))
            b = b.add_extension(x509.SubjectAlternativeName(names),
                                critical=False)
        if aia:
            b = b.add_extension(x509.AuthorityInformationAccess([
                x509.AccessDescription(
                    x509.oid.AuthorityInformationAccessOID.CA_ISSUERS,
                    x509.UniformResourceIdentifier(aia))]), critical=False)
        if isinstance(issuer_key, ed25519.Ed25519PrivateKey):
            cert = b.sign(issuer_key, None)
        else:
            assert isinstance(issuer_key, rsa.RSAPrivateKey)
            cert = b.sign(issuer_key, digest or hashes.SHA256())
        self.add(cid, cert.public_bytes(serialization.Encoding.DER))
        return cert


def build_certs(rng, real):
    """Create every generated certificate; return (Gen, servers).

    A server is (weight, hostname, [cert ids as sent], error code).
    """
    g = Gen(rng)
    for k, der in real.items():
        g.add("real:" + k, der)

    R0, R1 = utc(2024, 1, 1), utc(2044, 1, 1)
    I1 = utc(2034, 1, 1)
    L0, L1 = utc(2026, 9, 1), utc(2026, 11, 30)

    # Private PKI: root, three intermediates.
    root_k = rsa_key(rng)
    root_n = name(("C", "US"), ("O", "Certsift Sample PKI"),
                  ("CN", "Certsift Sample Root CA"))
    g.make("sample-root", root_n, root_k, root_n, root_k, R0, R1,
           ca=True)
    ints = {}
    for cid, cn, url in [
            ("sample-int1", "Certsift Sample Issuing CA 1",
             "http://pki.certsift.example/int1.crt"),
            ("sample-int2", "Certsift Sample Web CA 2",
             "http://pki.certsift.example/int2.crt"),
            ("sample-int3", "Certsift Sample Hidden CA 3",
             "http://pki.certsift.example/int3.crt")]:
        k = rsa_key(rng)
        n = name(("C", "US"), ("O", "Certsift Sample PKI"), ("CN", cn))
        g.make(cid, n, k, root_n, root_k, R0, I1, ca=True, pathlen=0,
               aia="http://pki.certsift.example/root.crt")
        ints[cid] = (n, k, url)
    g.ints = ints

    servers = []

    def leaf(cid, host, issuer, key=None, sans=None, nb=L0, na=L1,
             org=None):
        n_i, k_i, url = ints[issuer]
        parts = [("CN", host)]
        if org:
            parts = [("C", "FR"), ("O", org), ("CN", host)]
        g.make(cid, name(*parts), key or ec_key(rng), n_i, k_i, nb, na,
               san=sans or [host], aia=url)

    # (1) complete chains: leaf, intermediate 1, root (and sometimes no root)
    hosts1 = ["portal.example.com", "mail.example.com", "vpn.example.org",
              "intranet.example.com", "git.example.org"]
    for i, h in enumerate(hosts1):
        leaf("int1-leaf-%d" % i, h, "sample-int1",
             sans=[h, "www." + h] if i == 0 else None)
        servers.append((12, h, ["int1-leaf-%d" % i, "sample-int1",
                                "sample-root"], UNKNOWN_ISSUER))
        servers.append((4, h, ["int1-leaf-%d" % i, "sample-int1"],
                        UNKNOWN_ISSUER))
    # a cert used on the wrong host: domain mismatch
    servers.append((5, "webmail.example.com",
                    ["int1-leaf-1", "sample-int1", "sample-root"],
                    BAD_DOMAIN))
    # duplicated intermediate, and a reordered chain (root before int)
    servers.append((3, "git.example.org",
                    ["int1-leaf-4", "sample-int1", "sample-int1"],
                    UNKNOWN_ISSUER))
    servers.append((3, "vpn.example.org",
                    ["int1-leaf-2", "sample-root", "sample-int1"],
                    UNKNOWN_ISSUER))
    # leaf sent twice, then its issuer
    servers.append((2, "intranet.example.com",
                    ["int1-leaf-3", "int1-leaf-3", "sample-int1"],
                    UNKNOWN_ISSUER))
    # an expired leaf
    leaf("int1-expired", "old.example.com", "sample-int1",
         key=rsa_key(rng), nb=utc(2026, 6, 1), na=utc(2026, 8, 30))
    servers.append((8, "old.example.com", ["int1-expired", "sample-int1"],
                    EXPIRED))
    # UTF-8 organisation name
    leaf("int1-utf8", "boutique.example.fr", "sample-int1",
         org="Café Société Générale d'Exemple")
    servers.append((4, "boutique.example.fr",
                    ["int1-utf8", "sample-int1", "sample-root"],
                    UNKNOWN_ISSUER))

    # (2) intermediate 2: omitted by most servers (leaf only), sent by one,
    # so the corpus itself can fill the gap.
    hosts2 = ["shop.example.net", "api.example.net", "cdn.example.net",
              "status.example.net", "www.example.net"]
    for i, h in enumerate(hosts2):
        leaf("int2-leaf-%d" % i, h, "sample-int2")
        if h == "www.example.net":
            servers.append((10, h, ["int2-leaf-%d" % i, "sample-int2"],
                            UNKNOWN_ISSUER))
        else:
            servers.append((14, h, ["int2-leaf-%d" % i], UNKNOWN_ISSUER))
    # the leaf of www.example.net is also seen alone (a load balancer node)
    servers.append((3, "www.example.net", ["int2-leaf-4"], UNKNOWN_ISSUER))

    # (3) intermediate 3: never sent by anyone.
    hosts3 = ["legacy.example.org", "files.example.org", "hr.example.org"]
    for i, h in enumerate(hosts3):
        leaf("int3-leaf-%d" % i, h, "sample-int3")
        servers.append((12, h, ["int3-leaf-%d" % i], UNKNOWN_ISSUER))

    # (4) interception: avast root signs leaves for popular hosts, one
    # shared leaf key, chain [leaf, root].
    popular = ["www.google.com", "www.youtube.com", "www.facebook.com",
               "en.wikipedia.org", "github.com", "www.mozilla.org",
               "addons.mozilla.org", "www.amazon.com", "twitter.com",
               "www.reddit.com", "outlook.live.com", "www.bing.com",
               "news.ycombinator.com", "stackoverflow.com",
               "www.netflix.com", "accounts.firefox.com",
               "www.paypal.com", "login.microsoftonline.com",
               "docs.python.org", "www.bbc.co.uk"]
    pinned = {"www.google.com", "www.youtube.com", "addons.mozilla.org",
              "accounts.firefox.com", "twitter.com"}
    av_k = rsa_key(rng)
    av_n = name(("C", "CZ"), ("L", "Prague"),
                ("O", "avast! Web/Mail Shield"),
                ("OU", "generated by avast! antivirus for SSL/TLS scanning"),
                ("CN", "avast! Web/Mail Shield Root"))
    g.make("avast-root", av_n, av_k, av_n, av_k, utc(2024, 3, 11),
           utc(2034, 3, 9), ca=True)
    av_leaf_k = rsa_key(rng)
    for i, h in enumerate(popular):
        n = name(("C", "CZ"), ("L", "Prague"),
                 ("O", "avast! Web/Mail Shield"),
                 ("OU", "generated by avast! antivirus for SSL/TLS scanning"),
                 ("CN", h))
        g.make("avast-leaf-%d" % i, n, av_leaf_k, av_n, av_k,
               utc(2026, 9, 15), utc(2027, 9, 15), san=[h])
        servers.append((6, h, ["avast-leaf-%d" % i, "avast-root"],
                        PINNING if h in pinned else UNKNOWN_ISSUER))

    # FortiGate: self-signed "FortiGate CA" signs leaves directly; the
    # appliance usually sends the leaf only.
    fg_k = rsa_key(rng)
    fg_n = name(("C", "US"), ("ST", "California"), ("L", "Sunnyvale"),
                ("O", "Fortinet"), ("OU", "Certificate Authority"),
                ("CN", "FortiGate CA"))
    g.make("fortigate-ca", fg_n, fg_k, fg_n, fg_k, utc(2024, 2, 1),
           utc(2034, 2, 1), ca=True)
    fg_leaf_k = ec_key(rng)
    for i, h in enumerate(popular[:12]):
        g.make("fortigate-leaf-%d" % i, name(("CN", h)), fg_leaf_k, fg_n,
               fg_k, utc(2026, 9, 20), utc(2027, 9, 20), san=[h],
               issuer_cert_key=fg_k)
        servers.append((4, h, ["fortigate-leaf-%d" % i],
                        PINNING if h in pinned else UNKNOWN_ISSUER))
        if i % 3 == 0:
            servers.append((2, h, ["fortigate-leaf-%d" % i, "fortigate-ca"],
                            PINNING if h in pinned else UNKNOWN_ISSUER))

    # Corporate TLS inspection: root, proxy CA, leaves for many hosts.
    corp_k = rsa_key(rng)
    corp_n = name(("C", "GB"), ("O", "Contoso Ltd"),
                  ("OU", "IT Security"),
                  ("CN", "Contoso TLS Inspection Root CA"))
    g.make("contoso-root", corp_n, corp_k, corp_n, corp_k, R0, R1, ca=True)
    proxy_k = rsa_key(rng)
    proxy_n = name(("C", "GB"), ("O", "Contoso Ltd"), ("OU", "IT Security"),
                   ("CN", "Contoso Web Proxy CA 01"))
    g.make("contoso-proxy", proxy_n, proxy_k, corp_n, corp_k, R0, I1,
           ca=True, pathlen=0)
    ints["contoso-proxy"] = (proxy_n, proxy_k, None)
    corp_hosts = popular[2:] + ["slack.com", "zoom.us", "www.salesforce.com",
                                "drive.google.com"]
    proxy_leaf_k = ec_key(rng)
    for i, h in enumerate(corp_hosts):
        g.make("contoso-leaf-%d" % i, name(("O", "Contoso Ltd"), ("CN", h)),
               proxy_leaf_k, proxy_n, proxy_k, utc(2026, 9, 28),
               utc(2026, 12, 27), san=[h])
        err = PINNING if h in pinned else UNKNOWN_ISSUER
        servers.append((4, h, ["contoso-leaf-%d" % i, "contoso-proxy"], err))
        if i % 4 == 1:
            servers.append((2, h, ["contoso-leaf-%d" % i, "contoso-proxy",
                                   "contoso-root"], err))

    # (5) self-signed servers (home routers, NAS, printers).
    rk = rsa_key(rng)
    rn = name(("O", "NETGEAR"), ("CN", "192.168.1.1"))
    g.make("router-selfsigned", rn, rk, rn, rk, utc(2024, 1, 1),
           utc(2044, 1, 1), ca=True, san=["192.168.1.1", "routerlogin.net"])
    servers.append((10, "192.168.1.1", ["router-selfsigned"], CA_INVALID))
    servers.append((6, "routerlogin.net", ["router-selfsigned"], CA_INVALID))
    nk = ed_key(rng)
    nn = name(("O", "Synology Inc."), ("CN", "nas.home.arpa"))
    g.make("nas-selfsigned", nn, nk, nn, nk, utc(2024, 1, 1),
           utc(2034, 1, 1), bc=False, san=["nas.home.arpa", "10.0.0.5"])
    servers.append((8, "nas.home.arpa", ["nas-selfsigned"], SELF_SIGNED))
    servers.append((3, "10.0.0.5", ["nas-selfsigned"], SELF_SIGNED))
    pk = rsa_key(rng)
    pn = name(("O", "Printer Company"), ("CN", "printer.lan"))
    g.make("printer-selfsigned", pn, pk, pn, pk, utc(2024, 1, 1),
           utc(2026, 9, 1), bc=False, eku=False)
    servers.append((5, "printer.lan", ["printer-selfsigned"], EXPIRED))
    servers.append((3, "localhost", ["printer-selfsigned"], SELF_SIGNED))

    # (6) real certificates.
    servers.append((6, "www.cryptography.io",
                    ["real:cryptography.io.pem",
                     "real:rapidssl_sha256_ca_g3.pem"], EXPIRED))
    servers.append((2, "cryptography.io",
                    ["real:cryptography.io.pem"], BAD_DOMAIN))
    servers.append((4, "scotthelme.co.uk",
                    ["real:scotthelme.co.uk.pem", "real:letsencryptx3.pem"],
                    EXPIRED))
    servers.append((3, "langui.sh", ["real:wildcard_san.pem"], BAD_DOMAIN))
    servers.append((3, "blog.langui.sh", ["real:wildcard_san.pem"], EXPIRED))
    servers.append((2, "partner.biztositas.hu", ["real:utf8-dnsname.pem"],
                    EXPIRED))
    servers.append((2, "invalid-expected-sct.badssl.com",
                    ["real:badssl-sct.pem"], EXPIRED))
    servers.append((3, "ed25519.example.com",
                    ["real:server-ed25519-cert.pem", "real:root-ed25519.pem"],
                    UNKNOWN_ISSUER))
    servers.append((2, "cryptography.io",
                    ["real:aia_ca_issuers.pem"], EXPIRED))
    servers.append((3, "pkits.test",
                    ["real:pkits-ValidCertificatePathTest1EE.crt",
                     "real:pkits-GoodCACert.crt",
                     "real:pkits-TrustAnchorRootCertificate.crt"],
                    UNKNOWN_ISSUER))
    # leaf sent after its CA (reordered): leaf_count goes to the CA
    servers.append((1, "pkits.test",
                    ["real:pkits-GoodCACert.crt",
                     "real:pkits-ValidCertificatePathTest1EE.crt"],
                    UNKNOWN_ISSUER))
    # misconfigured servers sending unrelated Mozilla roots after the leaf
    servers.append((3, "shop.example.net",
                    ["int2-leaf-0", "real:ISRG_Root_X1.crt"], UNKNOWN_ISSUER))
    servers.append((2, "status.example.net",
                    ["int2-leaf-3", "real:DigiCert_Global_Root_G2.crt",
                     "real:GTS_Root_R1.crt"], UNKNOWN_ISSUER))
    servers.append((2, "cdn.example.net",
                    ["int2-leaf-2", "real:ISRG_Root_X2.crt"], UNKNOWN_ISSUER))
    servers.append((1, "files.example.org",
                    ["int3-leaf-1", "real:USERTrust_ECC_Certification_Authority.crt",
                     "real:ecdsa_root.pem"], UNKNOWN_ISSUER))
    return g, servers


# ---------------------------------------------------------------- more

# Checked-in real chains (leaf first) that no system package ships: copied
# by hand from the session's reference data, sources in corpus/README.md.
CHAINS = {
    "captive": "corpus/certs/causes/badssl-subdomain-captive-portal.pem",
    "amazon": "corpus/certs/real/limbo-amazon.com.pem",
}

OCSP_OLD_RESPONSE = -8060
CA_CERT_INVALID = -8156
CERT_SIG_ALG_DISABLED = -8016
NOT_YET_VALID = -16379
INADEQUATE_KEY_SIZE = -16382


def load_chain(path):
    """The DER certificates of a PEM file, in order."""
    with open(path, "rb") as f:
        data = f.read()
    out = []
    for blk in data.split(b"-----BEGIN CERTIFICATE-----")[1:]:
        pem = b"-----BEGIN CERTIFICATE-----" + blk.split(
            b"-----END CERTIFICATE-----")[0] + b"-----END CERTIFICATE-----\n"
        out.append(x509.load_pem_x509_certificate(pem).public_bytes(
            serialization.Encoding.DER))
    return out


def build_more(rng, g, root):
    """The servers of causes-2026-10.jsonl: the diagnoses of `certsift
    causes` that the first four weeks lack (a captive portal, a leaf not
    yet valid, a SHA-1 signature, a 1024-bit key, a leaf used as a CA, and
    a valid chain to a Mozilla root that fails for another reason). Made
    with their own random generator after everything else, so that the
    older files do not change.

    A server is (weight, hostname, [cert ids], error code[, (t_lo, t_hi)]).
    """
    g.rng = rng             # serial numbers too; build_certs() is done
    for tag, rel in sorted(CHAINS.items()):
        for i, der in enumerate(load_chain(os.path.join(root, rel))):
            g.add("real:%s-%d" % (tag, i), der)
    n1, k1, url1 = g.ints["sample-int1"]
    L0, L1 = utc(2026, 9, 1), utc(2026, 11, 30)
    servers = []

    # A hotel's captive portal answers every HTTPS request with its own
    # (expired) certificate, whose key Chromium's list knows.
    cp = ["real:captive-0", "real:captive-1"]
    servers.append((4, "login.captive-portal.badssl.com", cp, EXPIRED))
    servers.append((3, "www.theguardian.com", cp, BAD_DOMAIN))

    # A certificate deployed before its notBefore: valid from 10-20, seen
    # by clients whose reports come before that.
    g.make("int1-notyet", name(("CN", "news.example.org")), ec_key(rng), n1,
           k1, utc(2026, 10, 20), utc(2027, 1, 18), san=["news.example.org"],
           aia=url1)
    servers.append((6, "news.example.org", ["int1-notyet", "sample-int1"],
                    NOT_YET_VALID, (T0, T0 + 19 * 86400)))

    # An old scanner's certificate, signed with SHA-1.
    g.make("int1-sha1", name(("CN", "scanner.example.com")), ec_key(rng),
           n1, k1, L0, L1, san=["scanner.example.com"], aia=url1,
           digest=hashes.SHA1())
    servers.append((5, "scanner.example.com", ["int1-sha1", "sample-int1"],
                    CERT_SIG_ALG_DISABLED))

    # An IP camera with a 1024-bit RSA key.
    g.make("int1-rsa1024", name(("CN", "camera.example.com")),
           rsa_key(rng, 1024), n1, k1, L0, L1, san=["camera.example.com"],
           aia=url1)
    servers.append((5, "camera.example.com", ["int1-rsa1024", "sample-int1"],
                    INADEQUATE_KEY_SIZE))

    # A developer's server certificate (CA:FALSE) used to sign another.
    dev_k = rsa_key(rng)
    dev_n = name(("CN", "dev.example.com"))
    g.make("int1-dev", dev_n, dev_k, n1, k1, L0, L1, san=["dev.example.com"],
           aia=url1)
    g.make("dev-leaf", name(("CN", "test.dev.example.com")), ec_key(rng),
           dev_n, dev_k, L0, L1, san=["test.dev.example.com"])
    servers.append((5, "test.dev.example.com",
                    ["dev-leaf", "int1-dev", "sample-int1"], CA_CERT_INVALID))

    # A valid chain to a Mozilla root (DigiCert Global Root G2): the stale
    # OCSP response stapled is not the certificates' fault.
    servers.append((6, "www.amazon.com", ["real:amazon-0", "real:amazon-1"],
                    OCSP_OLD_RESPONSE))
    return servers


def write_more(outdir, w, n=80):
    """causes-2026-10.jsonl: n flat reports over the month, every server at
    least once."""
    reps = [w.report(T0, T1) for _ in range(n)]
    seen = {(r["hostname"].lower().rstrip("."), len(r["failedCertChain"]))
            for r in reps}
    for s in w.servers:
        assert (s[1], len(s[2])) in seen, s[1]
    with open(os.path.join(outdir, "causes-2026-10.jsonl"), "wb") as f:
        f.write(("\n".join(dumps(r) for r in reps) + "\n").encode())


# ---------------------------------------------------------------- reports

class Writer:
    def __init__(self, rng, g, servers):
        self.rng = rng
        self.g = g
        self.servers = servers
        self.total = sum(w for w, *_ in servers)

    def pick(self):
        x = self.rng.randrange(self.total)
        for s in self.servers:
            x -= s[0]
            if x < 0:
                return s
        raise AssertionError

    def b64(self, cid):
        return base64.b64encode(self.g.certs[cid]).decode()

    def report(self, t_lo=T0, t_hi=T1):
        rng = self.rng
        s = self.pick()
        host, chain, err = s[1:4]
        if len(s) > 4:      # the server's own time window
            t_lo, t_hi = max(t_lo, s[4][0]), min(t_hi, s[4][1])
        ua, ver, build, chan = UAS[rng.randrange(len(UAS))]
        h = host
        r = rng.random()
        if r < 0.02:
            h = host.upper()
        elif r < 0.04:
            h = host + "."
        elif r < 0.05:
            h = host[:1].upper() + host[1:] + "."
        code = err
        if rng.random() < 0.02:
            code = float(err)
        ts = rng.randrange(t_lo, t_hi)
        rep = {
            "hostname": h,
            "port": 8443 if rng.random() < 0.05 else 443,
            "timestamp": ts,
            "errorCode": code,
            "failedCertChain": [self.b64(c) for c in chain],
            "userAgent": ua,
            "version": ver,
            "build": build,
            "product": "Firefox",
            "channel": chan,
        }
        return rep


def dumps(obj, **kw):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), **kw)


def write_gzip(path, data):
    with open(path, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0,
                           compresslevel=9) as z:
            z.write(data)


def write_sample(outdir, w, g):
    rng = w.rng
    day = 86400
    files = {}

    # flat JSON Lines, first week
    lines = [dumps(w.report(T0, T0 + 7 * day)) for _ in range(600)]
    files["flat-2026-10-w1.jsonl"] = ("\n".join(lines) + "\n").encode()

    # telemetry (meta) form, gzip, in a nested directory, second week
    lines = []
    for i in range(1100):
        rep = w.report(T0 + 7 * day, T0 + 14 * day)
        doc = {"type": "tls-error-report", "meta": rep,
               "id": "%08x-0000-4000-8000-%012x" % (i, rng.getrandbits(48))}
        lines.append(dumps(doc))
    write_gzip_data = ("\n".join(lines) + "\n").encode()
    files["telemetry/2026-10-w2.jsonl.gz"] = ("gz", write_gzip_data)

    # JSON array file, pretty printed, third week
    arr = [w.report(T0 + 14 * day, T0 + 21 * day) for _ in range(350)]
    files["array-2026-10-w3.json"] = (
        json.dumps(arr, indent=2, ensure_ascii=False) + "\n").encode()

    # Windows-style export: UTF-8 BOM, CRLF, blank lines, fourth week; a
    # JSONL line may also hold an array of reports (a batch).
    lines = []
    for i in range(150):
        if i % 25 == 7:
            batch = [w.report(T0 + 21 * day, T1) for _ in range(3)]
            lines.append(dumps(batch))
        else:
            lines.append(dumps(w.report(T0 + 21 * day, T1)))
        if i % 40 == 39:
            lines.append("")
    files["windows-2026-10-w4.jsonl"] = (
        "\ufeff" + "\r\n".join(lines) + "\r\n").encode()

    # one pretty-printed report, with PEM and unpadded/wrapped base64 entries
    rep = w.report(T0 + 20 * day, T0 + 21 * day)
    rep["hostname"] = "Portal.Example.COM."
    leafb = w.b64("int1-leaf-0")
    intb = w.b64("sample-int1")
    rootder = g.certs["sample-root"]
    pem = ("-----BEGIN CERTIFICATE-----\n"
           + "\n".join(intb[i:i + 64] for i in range(0, len(intb), 64))
           + "\n-----END CERTIFICATE-----\n")
    rootb = base64.b64encode(rootder).decode().rstrip("=")
    rep["failedCertChain"] = [
        "\n".join(leafb[i:i + 76] for i in range(0, len(leafb), 76)),
        pem, rootb]
    rep["errorCode"] = UNKNOWN_ISSUER
    files["single-report.json"] = (
        json.dumps(rep, indent=4) + "\n").encode()

    # malformed and odd records mixed with good ones
    good = lambda: w.report(T0 + 10 * day, T0 + 11 * day)
    leafder = g.certs["int2-leaf-1"]
    lines = [
        dumps(good()),
        '{"hostname": "broken.example", "timestamp": 1791000000, '
        '"failedCertChain": ["MIIB',                       # truncated JSON
        dumps({"hostname": "nochain.example", "timestamp": T0 + 86400,
               "errorCode": UNKNOWN_ISSUER}),               # no chain
        dumps({"hostname": "stringchain.example",
               "failedCertChain": w.b64("int3-leaf-0")}),   # not an array
        "42",                                               # not an object
        '"a string"',
        dumps(good()),
    ]
    r = good()
    r["failedCertChain"] = ["!!!! not base64 ****"] + r["failedCertChain"]
    lines.append(dumps(r))                                  # invalid base64
    r = good()
    r["failedCertChain"].append(
        base64.b64encode(b"hello, this is not a certificate").decode())
    lines.append(dumps(r))                                  # garbage DER
    r = good()
    r["failedCertChain"] = [base64.b64encode(leafder[:len(leafder) // 2])
                            .decode()]
    lines.append(dumps(r))                                  # truncated DER
    r = good()
    r["failedCertChain"] = [base64.b64encode(leafder + b"\x00\x00").decode(),
                            w.b64("sample-int2")]
    lines.append(dumps(r))                                  # trailing bytes
    r = good()
    r["failedCertChain"] = [12345, None, w.b64("int2-leaf-1")]
    lines.append(dumps(r))                                  # non-string
    r = good()
    r["hostname"] = 1234
    r["timestamp"] = "2026-10-11T00:00:00Z"
    r["errorCode"] = "SEC_ERROR_UNKNOWN_ISSUER"
    lines.append(dumps(r))                                  # wrong types
    r = good()
    r["failedCertChain"] = []
    lines.append(dumps(r))                                  # empty chain
    r = good()
    r["timestamp"] = r["timestamp"] + 0.75
    lines.append(dumps(r))                                  # float timestamp
    lines.append(dumps({"meta": good(), "type": "tls-error-report"}))
    lines.append(dumps([good(), "not a report", good()]))   # array line
    data = ("\n".join(lines) + "\n").encode()
    # invalid UTF-8 inside a string makes the document invalid JSON
    bad = dumps({"hostname": "XX", "timestamp": T0 + 11 * day,
                 "failedCertChain": [w.b64("int2-leaf-1")]}).encode()
    bad = bad.replace(b"XX", b"caf\xe9.example")
    data += bad + b"\n" + dumps(good()).encode() + b"\n"
    files["malformed-mixed.jsonl"] = data

    for rel, data in files.items():
        path = os.path.join(outdir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if isinstance(data, tuple):
            write_gzip(path, data[1])
        else:
            with open(path, "wb") as f:
                f.write(data)


# ---------------------------------------------------------------- reference

WS = b" \t\n\r\f\v"
B64 = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


def der_length_ok(der):
    """True if der is exactly one DER TLV (no trailing bytes)."""
    if len(der) < 2:
        return False
    n = der[1]
    if n < 0x80:
        return 2 + n == len(der)
    k = n & 0x7F
    if k == 0 or k > 4 or len(der) < 2 + k:
        return False
    return 2 + k + int.from_bytes(der[2:2 + k], "big") == len(der)


def decode_entry(e):
    """Return DER bytes of a valid certificate, or None."""
    if not isinstance(e, str):
        return None
    try:
        s = e.encode("ascii")
    except UnicodeEncodeError:
        return None
    if b"-----BEGIN CERTIFICATE-----" in s:
        body = s.split(b"-----BEGIN CERTIFICATE-----", 1)[1]
        if b"-----END CERTIFICATE-----" not in body:
            return None
        s = body.split(b"-----END CERTIFICATE-----", 1)[0]
    s = bytes(c for c in s if c not in WS)
    t = s.rstrip(b"=")
    if len(s) - len(t) > 2 or any(c not in B64 for c in t) or len(t) % 4 == 1:
        return None
    try:
        der = base64.b64decode(t + b"=" * (-len(t) % 4), validate=True)
    except Exception:
        return None
    if not der_length_ok(der):
        return None
    try:
        x509.load_der_x509_certificate(der)
    except Exception:
        return None
    return der


def num(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    if isinstance(v, float):
        if not math.isfinite(v):
            return None
        return int(v)       # truncates toward zero
    return v


def documents(data):
    """Yield report candidates of one file: objects, or None if invalid."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        whole = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        whole = None
        single = False
    else:
        single = True
    if single:
        if isinstance(whole, list):
            yield from whole
        else:
            yield whole
        return
    for line in data.split(b"\n"):
        if line.endswith(b"\r"):
            line = line[:-1]
        if not line.strip(WS):
            continue
        try:
            doc = json.loads(line.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            yield None
            continue
        if isinstance(doc, list):
            yield from doc
        else:
            yield doc


def reference_ingest(sample_dir):
    tot = dict(files=0, reports_read=0, reports_accepted=0,
               reports_filtered=0, reports_malformed=0, certs_seen=0,
               certs_invalid=0, certs_new=0)
    certs = {}
    chains = set()
    hosts = set()
    paths = []
    for dirpath, dirnames, filenames in os.walk(sample_dir):
        for fn in filenames:
            p = os.path.join(dirpath, fn)
            if os.path.isfile(p) and not os.path.islink(p):
                paths.append(p)
    paths.sort()
    for p in paths:
        tot["files"] += 1
        with open(p, "rb") as f:
            data = f.read()
        for doc in documents(data):
            tot["reports_read"] += 1
            if not isinstance(doc, dict):
                tot["reports_malformed"] += 1
                continue
            fields = doc["meta"] if isinstance(doc.get("meta"), dict) else doc
            chain = fields.get("failedCertChain")
            if not isinstance(chain, list):
                tot["reports_malformed"] += 1
                continue
            tot["reports_accepted"] += 1
            host = fields.get("hostname")
            if isinstance(host, str):
                host = "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c
                               for c in host)
                if host.endswith("."):
                    host = host[:-1]
                hosts.add(host)
            else:
                host = None
            ts = num(fields.get("timestamp"))
            code = num(fields.get("errorCode"))
            seq = []
            for e in chain:
                der = decode_entry(e)
                if der is None:
                    tot["certs_invalid"] += 1
                    continue
                tot["certs_seen"] += 1
                seq.append(hashlib.sha256(der).hexdigest())
            if seq:
                chains.add(tuple(seq))
            for i, h in enumerate(dict.fromkeys(seq)):
                c = certs.setdefault(h, dict(
                    sha256=h, count=0, leaf_count=0, hosts=set(),
                    first_seen=None, last_seen=None, errors={}))
                c["count"] += 1
                if i == 0:
                    c["leaf_count"] += 1
                if host is not None:
                    c["hosts"].add(host)
                if ts is not None:
                    c["first_seen"] = ts if c["first_seen"] is None else \
                        min(c["first_seen"], ts)
                    c["last_seen"] = ts if c["last_seen"] is None else \
                        max(c["last_seen"], ts)
                if code is not None:
                    k = str(code)
                    c["errors"][k] = c["errors"].get(k, 0) + 1
    tot["certs_new"] = len(certs)
    tot["unique_certs"] = len(certs)
    tot["unique_chains"] = len(chains)
    tot["unique_hosts"] = len(hosts)
    rows = sorted(certs.values(), key=lambda c: (-c["count"], c["sha256"]))
    for c in rows:
        c["hosts"] = len(c["hosts"])
        c["errors"] = dict(sorted(c["errors"].items()))
    return tot, rows


# ---------------------------------------------------------------- main

def load_real(realdir, refresh):
    os.makedirs(realdir, exist_ok=True)
    out = {}
    for k, src in REAL.items():
        dst = os.path.join(realdir, k)
        if refresh or not os.path.exists(dst):
            shutil.copyfile(src, dst)
        with open(dst, "rb") as f:
            data = f.read()
        if b"-----BEGIN" in data:
            der = x509.load_pem_x509_certificate(data).public_bytes(
                serialization.Encoding.DER)
        else:
            der = data
        x509.load_der_x509_certificate(der)
        out[k] = der
    return out


def generate(root, refresh=False):
    certdir = os.path.join(root, "corpus", "certs")
    sample = os.path.join(root, "corpus", "sample")
    real = load_real(os.path.join(certdir, "real"), refresh)
    rng = random.Random(SEED)
    g, servers = build_certs(rng, real)
    rng2 = random.Random(SEED + 15)
    more = build_more(rng2, g, ROOT)
    g.rng = rng

    gendir = os.path.join(certdir, "gen")
    if os.path.isdir(gendir):
        shutil.rmtree(gendir)
    os.makedirs(gendir)
    for cid in g.order:
        if cid.startswith("real:"):
            continue
        with open(os.path.join(gendir, cid + ".pem"), "wb") as f:
            f.write(x509.load_der_x509_certificate(g.certs[cid]).public_bytes(
                serialization.Encoding.PEM))

    if os.path.isdir(sample):
        shutil.rmtree(sample)
    os.makedirs(sample)
    w = Writer(rng, g, servers)
    write_sample(sample, w, g)
    write_more(sample, Writer(rng2, g, more))

    # EXPECTED.json is inside the directory it describes: it is one report
    # read, malformed (no failedCertChain), whatever its numbers are.
    exp_path = os.path.join(sample, "EXPECTED.json")
    with open(exp_path, "w") as f:
        f.write("{}\n")
    tot, rows = reference_ingest(sample)
    with open(exp_path, "w") as f:
        json.dump(tot, f, indent=2)
        f.write("\n")
    assert reference_ingest(sample)[0] == tot
    with open(os.path.join(root, "corpus", "expected-certs.jsonl"), "w") as f:
        for c in rows:
            f.write(json.dumps(c, separators=(",", ":")) + "\n")
    return tot


def main(argv):
    refresh = "--refresh-real" in argv
    if "--check" in argv:
        with tempfile.TemporaryDirectory() as tmp:
            os.makedirs(os.path.join(tmp, "corpus", "certs"))
            for d in ("real", "causes"):    # inputs, not generated
                shutil.copytree(os.path.join(ROOT, "corpus", "certs", d),
                                os.path.join(tmp, "corpus", "certs", d))
            generate(tmp)
            rc = 0
            for rel in ("certs/gen", "sample", "expected-certs.jsonl"):
                rc |= os.system("diff -r '%s' '%s' >/dev/null" % (
                    os.path.join(ROOT, "corpus", rel),
                    os.path.join(tmp, "corpus", rel)))
            print("corpus is %s" % ("up to date" if rc == 0 else "STALE"))
            return 0 if rc == 0 else 1
    tot = generate(ROOT, refresh)
    print(json.dumps(tot))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
