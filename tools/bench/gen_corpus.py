#!/usr/bin/python3
"""Generate a realistic, reproducible corpus of Firefox TLS error reports.

Run with Debian's /usr/bin/python3 (needs python3-cryptography).

Two stages, both cached in the output directory:

  1. the *pool*: a CA hierarchy (RSA roots and intermediates, plus a few
     TLS-interception roots), ~20,000 unique certificate chains of 1-4 real
     X.509 certificates (1-2 KB DER each, parseable by OpenSSL), and a
     hostname universe (~120,000 names) split among the chains;
  2. the *reports*: N JSON lines, one Firefox TLS error report each, whose chain
     is drawn from the pool with a Zipf distribution over the chains and whose
     hostname is drawn from that chain's hostnames.

Everything is derived from --seed: RSA keys are generated from a seeded PRNG
(own Miller-Rabin), EC leaf keys are derived from seeded scalars, and all
signatures are RSA PKCS#1 v1.5 (deterministic), so the same seed gives the same
bytes on every machine with the same generator version.
"""

import argparse
import base64
import datetime
import ipaddress
import itertools
import json
import math
import os
import pickle
import random
import sys
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import (AuthorityInformationAccessOID,
                                   ExtendedKeyUsageOID, NameOID,
                                   ObjectIdentifier)

GEN_VERSION = 1  # bump when the output for a given seed changes

# ---------------------------------------------------------------- parameters
N_CHAINS = 20_000          # unique chains in the pool
ZIPF_S = 1.0               # Zipf exponent over chain ranks
BASE_REPORTS = 200_000     # host-list sizes are calibrated for this many
HOSTS_FACTOR = 0.6         # hosts of chain k ~ HOSTS_FACTOR * E[reports of k]
P_META = 0.05              # share of reports in the telemetry {"meta": {...}} form
P_UNKNOWN_ISSUER = 0.80    # share of errorCode -8179
P_FLOAT_CODE = 0.01        # share of errorCodes written as a JSON float (-8179.0)
OTHER_CODES = [(-8172, 5), (-8181, 4), (-12276, 4), (-8156, 2), (-16370, 2),
               (-8180, 1), (-16369, 1), (-8101, 1)]

SHA256 = hashes.SHA256()
DER = serialization.Encoding.DER
SCT_OID = ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2")
DV_POLICY = ObjectIdentifier("2.23.140.1.2.1")
OV_POLICY = ObjectIdentifier("2.23.140.1.2.2")
UTC0 = datetime.datetime(1970, 1, 1)


def ts(sec):
    return UTC0 + datetime.timedelta(seconds=sec)


# ------------------------------------------------- deterministic RSA keygen
_SMALL_PRIMES = [p for p in range(3, 3000)
                 if all(p % q for q in range(2, int(p ** 0.5) + 1))]


def _is_probable_prime(n, rng, rounds=24):
    for p in _SMALL_PRIMES:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(rounds):
        a = rng.randrange(2, n - 2)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(rng, bits):
    while True:
        c = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if _is_probable_prime(c, rng):
            return c


def det_rsa_key(rng, bits):
    e = 65537
    while True:
        p, q = _prime(rng, bits // 2), _prime(rng, bits // 2)
        if p == q or math.gcd(e, (p - 1) * (q - 1)) != 1:
            continue
        if (p * q).bit_length() != bits:
            continue
        if p < q:
            p, q = q, p
        d = pow(e, -1, (p - 1) * (q - 1))
        pub = rsa.RSAPublicNumbers(e, p * q)
        priv = rsa.RSAPrivateNumbers(p, q, d, rsa.rsa_crt_dmp1(d, p),
                                     rsa.rsa_crt_dmq1(d, q),
                                     rsa.rsa_crt_iqmp(p, q), pub)
        return priv.private_key()


# ------------------------------------------------------------- name helpers
_SYL = ("ka ra to mi na lo ve su pe ti do ba ne ri co la ma se fi gu ho "
        "zen tor mar vel lin dra kon pix net web sol cor lux nor tek bit "
        "dat hub ops max pro").split()
_TLDS = ([".com"] * 40 + [".net"] * 8 + [".org"] * 6 + [".de"] * 5 +
         [".co.uk"] * 3 + [".fr"] * 3 + [".ru"] * 3 + [".com.br"] * 2 +
         [".io"] * 3 + [".jp"] * 2 + [".nl"] * 2 + [".pl"] * 2 + [".it"] * 2 +
         [".info"] + [".edu"] + [".gov"] + [".cn"] + [".in"] + [".es"] +
         [".local"] + [".lan"] + [".internal"])
_SUBS = ["www", "mail", "api", "cdn", "m", "shop", "portal", "vpn", "intranet",
         "login", "static", "dev", "staging", "admin", "app", "remote", "owa"]


def _word(rng, lo=2, hi=4):
    return "".join(rng.choice(_SYL) for _ in range(rng.randint(lo, hi)))


class HostFactory:
    def __init__(self, rng):
        self.rng = rng
        self.seen = set()

    def _fresh(self):
        rng = self.rng
        while True:
            r = rng.random()
            if r < 0.02:
                h = str(ipaddress.IPv4Address(rng.choice(
                    [0xC0A80000, 0x0A000000, 0xAC100000, 0x5D000000]) +
                    rng.getrandbits(16)))
            else:
                base = _word(rng)
                if rng.random() < 0.3:
                    base += "-" + _word(rng, 1, 3)
                if rng.random() < 0.1:
                    base += str(rng.randint(1, 99))
                h = base + rng.choice(_TLDS)
                if rng.random() < 0.35:
                    h = rng.choice(_SUBS) + "." + h
            if h not in self.seen:
                self.seen.add(h)
                return h

    def hosts(self, n):
        """n unique hostnames, the first few variants of one site."""
        first = self._fresh()
        out = [first]
        if not first[0].isdigit():
            base = first.split(".", 1)[1] if first.split(".")[0] in _SUBS else first
            for s in ("www", "m", "api"):
                if len(out) >= min(n, 3):
                    break
                h = s + "." + base
                if h not in self.seen:
                    self.seen.add(h)
                    out.append(h)
        while len(out) < n:
            out.append(self._fresh())
        return out


def _name(cn, o=None, c=None, ou=None, l=None, st=None):
    attrs = []
    if c:
        attrs.append(x509.NameAttribute(NameOID.COUNTRY_NAME, c))
    if st:
        attrs.append(x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, st))
    if l:
        attrs.append(x509.NameAttribute(NameOID.LOCALITY_NAME, l))
    if o:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, o))
    for u in ([ou] if isinstance(ou, str) else ou or []):
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, u))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def _sct_ext(rng, n):
    """A well-formed SignedCertificateTimestampList with n fake SCTs."""
    scts = []
    for _ in range(n):
        sig = bytes([0x30, 0x45, 0x02, 0x20]) + rng.randbytes(32) + \
            bytes([0x02, 0x21, 0x00]) + rng.randbytes(32)
        body = (b"\x00" + rng.randbytes(32) +
                (1_700_000_000_000 + rng.getrandbits(36)).to_bytes(8, "big") +
                b"\x00\x00" + b"\x04\x03" + len(sig).to_bytes(2, "big") + sig)
        scts.append(len(body).to_bytes(2, "big") + body)
    lst = b"".join(scts)
    tls = len(lst).to_bytes(2, "big") + lst
    ln = len(tls)
    hdr = b"\x04" + (bytes([ln]) if ln < 128 else
                     (b"\x81" + bytes([ln]) if ln < 256 else
                      b"\x82" + ln.to_bytes(2, "big")))
    return x509.UnrecognizedExtension(SCT_OID, hdr + tls)


# --------------------------------------------------------------- CA section
class CA:
    def __init__(self, name, key, cert, parent, ski, url):
        self.name, self.key, self.cert, self.parent = name, key, cert, parent
        self.ski, self.url = ski, url
        self.der = cert.public_bytes(DER)


ROOT_ORGS = ["Aurora Trust Services", "Meridian Digital Certification",
             "Northwind PKI", "Castellan Global Trust", "Helios Secure",
             "Blue Fjord Certificates", "Tessera Trust Network",
             "Quill & Seal Authority"]
MITM_NAMES = [  # (CN, O) of TLS-interception / corporate roots
    ("avast! Web/Mail Shield Root", "avast! Web/Mail Shield"),
    ("Bitdefender Personal CA.Net-Defender", "Bitdefender"),
    ("Kaspersky Anti-Virus Personal Root Certificate", None),
    ("FortiGate CA", "Fortinet"),
    ("Cisco Umbrella Root CA", "Cisco"),
    ("Sophos SSL CA_XK2L9QZ7", "Sophos"),
    ("Zscaler Root CA", "Zscaler Inc."),
    ("Contoso Corp Inspection CA", "Contoso Corp"),
    ("Home Router Setup CA", None),
]


def make_ca(rng, name, key, parent, not_before, years, path_len):
    pub = key.public_key()
    ski = x509.SubjectKeyIdentifier.from_public_key(pub)
    slug = "".join(ch for ch in name.get_attributes_for_oid(
        NameOID.COMMON_NAME)[0].value.lower() if ch.isalnum())[:24]
    url = "http://pki.%s.example" % slug
    b = (x509.CertificateBuilder()
         .subject_name(name)
         .issuer_name(parent.cert.subject if parent else name)
         .public_key(pub)
         .serial_number(rng.getrandbits(127) | 1 << 126)
         .not_valid_before(ts(not_before))
         .not_valid_after(ts(not_before + years * 365 * 86400))
         .add_extension(x509.BasicConstraints(ca=True, path_length=path_len), True)
         .add_extension(x509.KeyUsage(True, False, False, False, False, True,
                                      True, False, False), True)
         .add_extension(ski, False))
    if parent:
        b = (b.add_extension(x509.AuthorityKeyIdentifier.
                             from_issuer_subject_key_identifier(parent.ski), False)
             .add_extension(x509.ExtendedKeyUsage(
                 [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), False)
             .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                 [x509.UniformResourceIdentifier(parent.url + "/root.crl")],
                 None, None, None)]), False)
             .add_extension(x509.AuthorityInformationAccess([
                 x509.AccessDescription(AuthorityInformationAccessOID.OCSP,
                                        x509.UniformResourceIdentifier(parent.url + "/ocsp")),
                 x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS,
                                        x509.UniformResourceIdentifier(parent.url + "/root.der"))]),
                 False)
             .add_extension(x509.CertificatePolicies([
                 x509.PolicyInformation(x509.oid.CertificatePoliciesOID.ANY_POLICY, [
                     url + "/cps"]), x509.PolicyInformation(DV_POLICY, None),
                 x509.PolicyInformation(OV_POLICY, None)]), False))
    else:
        b = b.add_extension(x509.CertificatePolicies([x509.PolicyInformation(
            x509.oid.CertificatePoliciesOID.ANY_POLICY, [url + "/cps", x509.UserNotice(
                None, "Use of this certificate constitutes acceptance of the "
                "relying party agreement at " + url + "/rpa")])]), False)
    cert = b.sign(parent.key if parent else key, SHA256)
    return CA(name, key, cert, parent, ski, url)


def build_hierarchy(seed, log):
    krng = random.Random("%s-keys" % seed)
    rng = random.Random("%s-cas" % seed)
    t0 = time.time()
    roots = []
    for i, org in enumerate(ROOT_ORGS):
        bits = 4096 if i == 0 else 2048
        key = det_rsa_key(krng, bits)
        yr = 2005 + rng.randint(0, 15)
        nm = _name("%s Root CA %s" % (org.split()[0], ["R1", "G2", "X1", "2019"][i % 4]),
                   org, rng.choice(["US", "GB", "DE", "NL", "CH", "JP"]),
                   ["Certification Services Division",
                    "(c) %d %s - For authorized use only" % (yr, org)])
        roots.append(make_ca(rng, nm, key, None, 1_400_000_000 + rng.getrandbits(27), 25, None))
    log("  %d roots (%.1fs)" % (len(roots), time.time() - t0))
    inter_keys = [det_rsa_key(krng, 2048) for _ in range(6)]
    inters = []
    for i in range(32):
        root = roots[i % len(roots)]
        org = root.name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
        nm = _name("%s %s CA %d" % (org.split()[0], rng.choice(
            ["TLS", "RSA DV", "RSA OV", "Server", "Secure Site", "Domain Validation"]),
            rng.randint(1, 12)), org, root.name.get_attributes_for_oid(
                NameOID.COUNTRY_NAME)[0].value)
        inters.append(make_ca(rng, nm, inter_keys[i % len(inter_keys)], root,
                              1_550_000_000 + rng.getrandbits(27), 10, 0 if i % 4 else None))
    # second-level intermediates below the intermediates that allow it
    subs = []
    for i in range(10):
        par = [c for c in inters if c.cert.extensions.get_extension_for_class(
            x509.BasicConstraints).value.path_length is None][i % 8]
        org = par.name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
        nm = _name("%s Issuing CA %02d" % (org.split()[0], i + 1), org, "US",
                   "Hosting Services", "Salt Lake City", "Utah")
        subs.append(make_ca(rng, nm, inter_keys[(i + 5) % len(inter_keys)], par,
                            1_600_000_000 + rng.getrandbits(26), 6, 0))
    mitm = []
    mitm_keys = [det_rsa_key(krng, 2048) for _ in range(4)]
    for i, (cn, o) in enumerate(MITM_NAMES):
        key = mitm_keys[i % len(mitm_keys)]
        mitm.append(make_ca(rng, _name(cn, o, None, "Generated by the local proxy"), key, None,
                            1_600_000_000 + rng.getrandbits(27), 10, None))
    log("  %d intermediates, %d sub-CAs, %d interception roots (%.1fs)"
        % (len(inters), len(subs), len(mitm), time.time() - t0))
    return roots, inters, subs, mitm, krng


# ------------------------------------------------------------------- leaves
def build_pool(seed, log, n_chains=N_CHAINS):
    t0 = time.time()
    roots, inters, subs, mitm, krng = build_hierarchy(seed, log)
    rng = random.Random("%s-pool" % seed)
    leaf_rsa = [det_rsa_key(krng, 2048) for _ in range(6)]
    leaf_ec = [ec.derive_private_key(krng.getrandbits(250) + 1, ec.SECP256R1())
               for _ in range(3)]
    leaf_keys = [(k, x509.SubjectKeyIdentifier.from_public_key(k.public_key()))
                 for k in leaf_rsa + leaf_ec]
    log("  leaf keys ready (%.1fs)" % (time.time() - t0))

    hf = HostFactory(random.Random("%s-hosts" % seed))
    hsum = sum(1.0 / (i ** ZIPF_S) for i in range(1, n_chains + 1))

    # popularity of issuers among CA-issued leaves: skewed (a few big CAs)
    issuers = inters + subs
    iss_w = [1.0 / (i + 1) ** 0.8 for i in range(len(issuers))]
    rng.shuffle(iss_w)
    mitm_w = [1.0 / (i + 1) for i in range(len(mitm))]

    certs = []        # DER bytes
    index = {}        # DER -> cert id
    def add(der):
        i = index.get(der)
        if i is None:
            i = index[der] = len(certs)
            certs.append(der)
        return i

    chains, hosts_of, kinds = [], [], []
    seen_chains = set()
    leaf_reusable = []  # (leaf id, issuer CA) of CA-issued leaves
    sizes = []
    leaf_nb = {}
    while len(chains) < n_chains:
        exp = BASE_REPORTS / (hsum * ((len(chains) + 1) ** ZIPF_S))
        nh = max(1, int(round(HOSTS_FACTOR * exp * rng.uniform(0.7, 1.3))))
        r = rng.random()
        if r < 0.04 and len(leaf_reusable) > 50:
            # the same leaf served with a different chain tail
            lid, iss = rng.choice(leaf_reusable)
            path = []
            c = iss
            while c:
                path.append(c)
                c = c.parent
            variants = [[lid], [lid] + [add(c.der) for c in path],
                        [lid] + [add(c.der) for c in path[:-1]],
                        [lid] + [add(c.der) for c in reversed(path)]]
            ch = tuple(rng.choice(variants))
            if ch in seen_chains:
                continue
            kind = "reused"
            hosts = hf.hosts(nh)
        else:
            if r < 0.12:
                kind, iss = "selfsigned", None
            elif r < 0.20:
                kind, iss = "mitm", rng.choices(mitm, mitm_w)[0]
            elif r < 0.30:
                kind, iss = "missing-intermediate", rng.choices(issuers, iss_w)[0]
            else:
                kind, iss = "ca", rng.choices(issuers, iss_w)[0]
            hosts = hf.hosts(nh)
            der, nb = make_leaf(rng, iss, leaf_keys, hosts, hf)
            leaf_nb[der] = nb
            sizes.append(len(der))
            lid = add(der)
            if kind == "ca":
                path = [iss]
                while path[-1].parent:
                    path.append(path[-1].parent)
                if rng.random() > 0.3:
                    path = path[:-1]  # root usually not sent
                ch = tuple([lid] + [add(c.der) for c in path])
                leaf_reusable.append((lid, iss))
            elif kind == "mitm":
                ch = (lid, add(iss.der))
            else:
                ch = (lid,)
        seen_chains.add(ch)
        chains.append(ch)
        hosts_of.append(hosts)
        kinds.append(kind)
        if len(chains) % 5000 == 0:
            log("  %d chains (%.1fs)" % (len(chains), time.time() - t0))
    for c in roots + inters + subs + mitm:
        sizes.append(len(c.der))
        if not 1024 <= len(c.der) <= 2048:
            log("  warning: CA %s is %d bytes" % (c.name.rfc4514_string(), len(c.der)))
    log("  pool: %d chains, %d unique certs (DER %d..%d bytes, mean %.0f), "
        "%d hostnames (%.1fs)" % (len(chains), len(certs), min(sizes), max(sizes),
                                  sum(sizes) / len(sizes),
                                  sum(len(h) for h in hosts_of), time.time() - t0))
    return {"version": GEN_VERSION, "seed": seed, "certs": certs,
            "chains": chains, "hosts": hosts_of, "kinds": kinds,
            "roots": [c.der for c in roots], "leaf_not_before": leaf_nb}


def make_leaf(rng, iss, leaf_keys, hosts, hf):
    key, ski = rng.choice(leaf_keys) if iss else rng.choice(leaf_keys[:6])
    pub = key.public_key()
    dns = [h for h in hosts[:rng.randint(1, 6)]]
    cn = dns[0]
    ov = iss is not None and rng.random() < 0.3
    if ov:
        subj = _name(cn, _word(rng).title() + " " + rng.choice(
            ["GmbH", "Inc.", "Ltd", "S.A.", "B.V.", "LLC"]),
            rng.choice(["US", "DE", "FR", "GB", "BR", "NL", "PL"]),
            l=_word(rng).title())
    else:
        subj = _name(cn)
    nb = 1_760_000_000 + rng.getrandbits(25)
    life = rng.choice([90, 90, 90, 365, 397, 825]) if iss else rng.choice([365, 3650, 7300])
    target = rng.randint(1100, 1950)
    filler = []
    for attempt in range(4):
        names = dns + filler
        san = []
        for n in names:
            if n[0].isdigit():
                san.append(x509.IPAddress(ipaddress.ip_address(n)))
            else:
                san.append(x509.DNSName(n))
        if not names[0][0].isdigit() and rng.random() < 0.3:
            san.append(x509.DNSName("*." + names[0].split(".", 1)[-1]))
        serial = rng.getrandbits(128) | 1 << 120
        b = (x509.CertificateBuilder().subject_name(subj)
             .issuer_name(iss.cert.subject if iss else subj)
             .public_key(pub).serial_number(serial)
             .not_valid_before(ts(nb)).not_valid_after(ts(nb + life * 86400))
             .add_extension(x509.SubjectAlternativeName(san), False)
             .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
             .add_extension(x509.KeyUsage(True, isinstance(key, rsa.RSAPrivateKey),
                                          False, False, False, False, False, False,
                                          False), True)
             .add_extension(x509.ExtendedKeyUsage(
                 [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
                 False)
             .add_extension(ski, False))
        if iss:
            b = (b.add_extension(x509.AuthorityKeyIdentifier.
                                 from_issuer_subject_key_identifier(iss.ski), False)
                 .add_extension(x509.AuthorityInformationAccess([
                     x509.AccessDescription(AuthorityInformationAccessOID.OCSP,
                                            x509.UniformResourceIdentifier(iss.url + "/ocsp")),
                     x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS,
                                            x509.UniformResourceIdentifier(iss.url + "/ca.der"))]),
                     False)
                 .add_extension(x509.CertificatePolicies([x509.PolicyInformation(
                     OV_POLICY if ov else DV_POLICY, None)]), False))
            if iss.parent is not None and iss.parent.parent is None and rng.random() < 0.5:
                b = b.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                    [x509.UniformResourceIdentifier(iss.url + "/crl/%d.crl" % rng.randint(1, 99))],
                    None, None, None)]), False)
            if iss.parent is not None:
                b = b.add_extension(_sct_ext(rng, rng.choice([2, 2, 3])), False)
        der = b.sign(iss.key if iss else key, SHA256).public_bytes(DER)
        size = len(der)
        if 1024 <= size <= 2048 and (abs(size - target) < 120 or attempt >= 2):
            return der, nb
        if size < target:
            need = target - size
            while need > 0:
                h = hf._fresh() if rng.random() < 0.5 else \
                    rng.choice(_SUBS) + str(rng.randint(1, 999)) + "." + dns[0].split(".", 1)[-1]
                if h[0].isdigit():
                    continue
                filler.append(h)
                need -= len(h) + 2
        else:
            drop = size - target
            while drop > 0 and filler:
                drop -= len(filler.pop()) + 2
            if drop > 0:
                dns = dns[:1]
    if not 1024 <= size <= 2048:
        raise RuntimeError("leaf size %d out of range" % size)
    return der, nb


def pem(der):
    b = base64.b64encode(der).decode()
    return ("-----BEGIN CERTIFICATE-----\n" +
            "\n".join(b[i:i + 64] for i in range(0, len(b), 64)) +
            "\n-----END CERTIFICATE-----\n")


def verify_with_openssl(pool, workdir, log, samples=40):
    """Every certificate must parse with OpenSSL; sample chains must verify."""
    import subprocess
    t0 = time.time()
    allp = os.path.join(workdir, "all.pem")
    with open(allp, "w") as f:
        for d in pool["certs"]:
            f.write(pem(d))
    p7 = subprocess.run(["openssl", "crl2pkcs7", "-nocrl", "-certfile", allp],
                        capture_output=True, check=True).stdout
    out = subprocess.run(["openssl", "pkcs7", "-print_certs", "-noout"], input=p7,
                         capture_output=True, check=True).stdout.decode()
    parsed = sum(1 for line in out.splitlines() if line.startswith("subject="))
    if parsed != len(pool["certs"]):
        raise RuntimeError("openssl parsed %d of %d certificates" % (parsed, len(pool["certs"])))
    rootp = os.path.join(workdir, "roots.pem")
    with open(rootp, "w") as f:
        for d in pool["roots"]:
            f.write(pem(d))
    rng = random.Random(1)
    cands = [ch for ch, k in zip(pool["chains"], pool["kinds"]) if k == "ca"]
    ok = 0
    for ch in rng.sample(cands, min(samples, len(cands))):
        leaf = pool["certs"][ch[0]]
        lp, up = os.path.join(workdir, "leaf.pem"), os.path.join(workdir, "untrusted.pem")
        with open(lp, "w") as f:
            f.write(pem(leaf))
        with open(up, "w") as f:
            for i in ch[1:]:
                f.write(pem(pool["certs"][i]))
        r = subprocess.run(["openssl", "verify", "-attime",
                            str(pool["leaf_not_before"][leaf] + 86400), "-CAfile", rootp,
                            "-untrusted", up, lp], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("openssl verify failed: " + r.stdout + r.stderr)
        ok += 1
    log("  openssl: parsed all %d certificates, verified %d sample chains (%.1fs)"
        % (parsed, ok, time.time() - t0))


# ------------------------------------------------------------------ reports
_UAS = []
for _os in ["Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 10.15",
            "X11; Linux x86_64", "X11; Ubuntu; Linux x86_64", "Android 14; Mobile",
            "Android 13; Mobile", "Windows NT 6.1; Win64; x64"]:
    for _v in ["128.0", "135.0", "140.0", "142.0", "143.0", "144.0"]:
        _UAS.append("Mozilla/5.0 (%s; rv:%s) Gecko/20100101 Firefox/%s" % (_os, _v, _v))
_BUILDS = ["2026%02d%02d%02d%02d%02d" % (m, d, h, mi, s) for m, d, h, mi, s in
           [(1, 5, 12, 0, 1), (2, 2, 9, 30, 0), (3, 9, 18, 11, 7), (4, 14, 7, 1, 2),
            (5, 20, 14, 44, 3), (6, 23, 1, 2, 3), (7, 28, 16, 0, 0), (8, 25, 10, 5, 9)]]
_CHANNELS = ["release"] * 85 + ["beta"] * 7 + ["nightly"] * 4 + ["esr"] * 4
_PORTS = [443] * 95 + [8443, 8443, 993, 8080, 4433]


def write_reports(pool, n, path, seed, log):
    t0 = time.time()
    rng = random.Random("%s-reports-%d" % (seed, n))
    b64 = [base64.b64encode(d).decode("ascii") for d in pool["certs"]]
    frag = ['[' + ','.join('"%s"' % b64[i] for i in ch) + ']' for ch in pool["chains"]]
    hosts_json = [[json.dumps(h) for h in hs] for hs in pool["hosts"]]
    nchains = len(frag)
    cum = list(itertools.accumulate(1.0 / (i ** ZIPF_S) for i in range(1, nchains + 1)))
    picks = rng.choices(range(nchains), cum_weights=cum, k=n)
    other_codes = [c for c, w in OTHER_CODES for _ in range(w)]
    uas = [json.dumps(u) for u in _UAS]
    tmp = path + ".tmp%d" % os.getpid()
    stats = {"reports": n, "accepted": 0, "meta": 0, "float_codes": 0,
             "unique_chains_in_pool": nchains, "unique_chains_used": len(set(picks))}
    used_hosts = set()
    rnd = rng.random
    with open(tmp, "w", buffering=1 << 22) as f:
        buf = []
        for i, k in enumerate(picks):
            hs = hosts_json[k]
            host = hs[int(rnd() * len(hs))]
            used_hosts.add(host)
            if rnd() < P_UNKNOWN_ISSUER:
                code = -8179
                stats["accepted"] += 1
            else:
                code = other_codes[int(rnd() * len(other_codes))]
            code_s = str(code)
            if rnd() < P_FLOAT_CODE:
                code_s += ".0"
                stats["float_codes"] += 1
            body = ('"hostname":%s,"port":%d,"timestamp":%d,"errorCode":%s,'
                    '"failedCertChain":%s,"userAgent":%s,"version":"1",'
                    '"build":"%s","product":"Firefox","channel":"%s"' % (
                        host, _PORTS[int(rnd() * 100)],
                        1_780_000_000 + int(rnd() * 10_000_000), code_s, frag[k],
                        uas[int(rnd() * len(uas))], _BUILDS[int(rnd() * len(_BUILDS))],
                        _CHANNELS[int(rnd() * 100)]))
            if rnd() < P_META:
                stats["meta"] += 1
                buf.append('{"meta":{' + body + '}}\n')
            else:
                buf.append('{' + body + '}\n')
            if len(buf) >= 2000:
                f.write("".join(buf))
                buf = []
        f.write("".join(buf))
    os.replace(tmp, path)
    stats["unique_hostnames_used"] = len(used_hosts)
    stats["bytes"] = os.path.getsize(path)
    log("  wrote %s: %d reports, %.1f MB (%.1fs)" % (
        path, n, stats["bytes"] / 1e6, time.time() - t0))
    return stats


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=BASE_REPORTS)
    ap.add_argument("--seed", default="certsift-bench-1")
    ap.add_argument("--chains", type=int, default=N_CHAINS,
                    help="unique chains in the pool (a small pool is quick "
                    "to make: the golden tests use one)")
    ap.add_argument("--dir", required=True, help="cache directory")
    ap.add_argument("--out", help="output file (default: DIR/reports-SEED-vV-N.jsonl)")
    ap.add_argument("--pem", help="also write all unique certificates as PEM here")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--no-verify", action="store_true",
                    help="skip the OpenSSL check of a newly generated pool")
    a = ap.parse_args()

    def log(msg):
        if not a.quiet:
            print(msg, file=sys.stderr, flush=True)

    os.makedirs(a.dir, exist_ok=True)
    tag = "" if a.chains == N_CHAINS else "-c%d" % a.chains
    pool_path = os.path.join(a.dir, "pool-%s%s-v%d.pickle" % (a.seed, tag, GEN_VERSION))
    pool = None
    if os.path.exists(pool_path):
        with open(pool_path, "rb") as f:
            pool = pickle.load(f)
        log("using cached pool %s" % pool_path)
    else:
        log("generating certificate pool (seed %r) ..." % a.seed)
        pool = build_pool(a.seed, log, a.chains)
        if not a.no_verify:
            import tempfile
            with tempfile.TemporaryDirectory(dir=a.dir) as td:
                verify_with_openssl(pool, td, log)
        tmp = pool_path + ".tmp%d" % os.getpid()
        with open(tmp, "wb") as f:
            pickle.dump(pool, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, pool_path)
    if a.pem:
        with open(a.pem, "w") as f:
            for d in pool["certs"]:
                f.write(pem(d))
    out = a.out or os.path.join(a.dir, "reports-%s-v%d-%d.jsonl" % (a.seed, GEN_VERSION, a.reports))
    log("writing %d reports ..." % a.reports)
    stats = write_reports(pool, a.reports, out, a.seed, log)
    stats["unique_certs_in_pool"] = len(pool["certs"])
    with open(out + ".stats.json", "w") as f:
        json.dump(stats, f, indent=1)
    print(out)


if __name__ == "__main__":
    main()
