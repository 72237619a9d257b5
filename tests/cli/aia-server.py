#!/usr/bin/python3
"""The caIssuers server of the aia tests, and the PKI it serves.

usage: aia-server.py DIR

Listens on 127.0.0.1 at a free port, makes a PKI whose leaves name that
port in their caIssuers URLs (python3-cryptography, EC P-256), and writes:

  DIR/root.pem            the root, to pass with --roots
  DIR/<name>.pem          each certificate (below)
  DIR/www/                what the server serves
  DIR/reports.jsonl       one report per leaf of CASES, its issuer not sent
  DIR/private.jsonl       one report per leaf of PRIVATE
  DIR/proxy.jsonl         one report per leaf whose URL names ca.example,
                          for --proxy (this server is the proxy too)
  DIR/dns.jsonl           one report whose URL names a host under .invalid
  DIR/port                the port, last: the test waits for it

and then serves DIR/www, logging each request's path to DIR/requests (one
line each, flushed). Paths of its own:

  /loop        302 to itself: a redirect loop
  /to/NAME     302 to /NAME (a redirect that ends well)
  /slow        answers after 20 seconds (a timeout)
  /big         300 KiB of zeros (more than --max-bytes by default)
  /garbage     bytes that are no certificate
  /redirect-private  302 to http://127.0.0.1:PORT/der.cer
  /redirect-mapped   302 to http://[::ffff:127.0.0.1]:PORT/der.cer
  /redirect-ftp      302 to ftp://ftp.example/der.cer
  /redirect-localhost  302 to http://localhost:PORT/der.cer (a name that
                     resolves to a loopback address)

A request for an absolute URL (a proxy's) is answered as for its path.

Any other path without a file is a 404. Exits by itself after 120 seconds,
so a test that dies leaves nothing running.
"""

import base64
import datetime
import http.server
import json
import os
import sys
import threading
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

NOW = datetime.datetime(2026, 1, 1)
T_OCT1 = 1790812800


def name(cn, org=True):
    attrs = []
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME,
                                        "Certsift Test"))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


class PKI:
    def __init__(self, top):
        self.top = top
        self.serial = 0

    def cert(self, fname, subject, issuer=None, ca=True, aia=None, ski=True,
             key=None):
        """Makes fname.pem; issuer is (cert, key) or None (self-signed)."""
        key = key or ec.generate_private_key(ec.SECP256R1())
        self.serial += 1
        ik = issuer[1] if issuer else key
        b = (x509.CertificateBuilder()
             .subject_name(subject)
             .issuer_name(issuer[0].subject if issuer else subject)
             .public_key(key.public_key())
             .serial_number(self.serial)
             .not_valid_before(NOW)
             .not_valid_after(NOW + datetime.timedelta(days=3650))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None),
                            critical=ca))
        if ca:
            b = b.add_extension(x509.KeyUsage(
                digital_signature=False, content_commitment=False,
                key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False), critical=True)
        if ski:
            b = b.add_extension(x509.SubjectKeyIdentifier.from_public_key(
                key.public_key()), critical=False)
            b = b.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    ik.public_key()), critical=False)
        if aia:
            b = b.add_extension(x509.AuthorityInformationAccess([
                x509.AccessDescription(
                    AuthorityInformationAccessOID.CA_ISSUERS,
                    x509.UniformResourceIdentifier(aia))]), critical=False)
        c = b.sign(ik, hashes.SHA256())
        with open(os.path.join(self.top, fname + ".pem"), "wb") as f:
            f.write(c.public_bytes(serialization.Encoding.PEM))
        return (c, key)

    def serve(self, fname, data):
        with open(os.path.join(self.top, "www", fname), "wb") as f:
            f.write(data)


def der(c):
    return c[0].public_bytes(serialization.Encoding.DER)


def report(host, leaf):
    return json.dumps({
        "hostname": host, "port": 443, "timestamp": T_OCT1,
        "errorCode": -8179,
        "failedCertChain": [base64.b64encode(der(leaf)).decode()]},
        separators=(",", ":")) + "\n"


def make(top, port):
    url = "http://127.0.0.1:%d" % port
    p = PKI(top)
    root = p.cert("root", name("AIA Root"))
    cases = []

    def case(n, aia, served=None):
        ca = p.cert("ca-" + n, name("CA " + n), root)
        leaf = p.cert("leaf-" + n, name(n + ".example", False), ca,
                      ca=False, aia=aia)
        if served:
            p.serve(served, served_as(ca, served))
        cases.append((n, leaf))
        return ca

    def served_as(ca, fname):
        if fname.endswith(".crt"):
            return ca[0].public_bytes(serialization.Encoding.PEM)
        if fname.endswith(".p7c"):
            return pkcs7.serialize_certificates([ca[0]],
                                                serialization.Encoding.DER)
        if fname.endswith(".p7b"):
            return pkcs7.serialize_certificates([ca[0]],
                                                serialization.Encoding.PEM)
        return der(ca)

    case("der", url + "/der.cer", "der.cer")
    case("pem", url + "/pem.crt", "pem.crt")
    case("p7c", url + "/p7c.p7c", "p7c.p7c")
    case("p7pem", url + "/p7pem.p7b", "p7pem.p7b")
    # Two levels: the leaf's issuer names its own issuer, also served.
    upper = p.cert("upper", name("CA upper"), root)
    lower = p.cert("lower", name("CA lower"), upper, aia=url + "/upper.der")
    p.serve("upper.der", der(upper))
    p.serve("lower.cer", der(lower))
    cases.append(("two", p.cert("leaf-two", name("two.example", False),
                                lower, ca=False,
                                aia=url + "/to/lower.cer")))
    # The issuer's name, another key, no key identifiers: a candidate
    # whose signature does not verify.
    case("wrong", url + "/wrong.der")
    p.serve("wrong.der", der(p.cert("impostor", name("CA wrong"), root,
                                    ski=False)))
    case("notfound", url + "/notfound.der")
    case("loop", url + "/loop")
    case("slow", url + "/slow")
    case("big", url + "/big")
    case("garbage", url + "/garbage")
    case("connect", "http://127.0.0.1:1/connect.der")
    case("tls", "https://127.0.0.1:%d/der.cer" % port)
    case("ldap", "ldap://ldap.example/ca")
    with open(os.path.join(top, "reports.jsonl"), "w") as f:
        for n, leaf in cases:
            f.write(report(n + ".example", leaf))
    # Loopback written every way: a name, numbers, IPv6 forms.
    private = []
    for i, host in enumerate(["localhost", "2130706433", "0x7f.1",
                              "127.1", "[::ffff:127.0.0.1]", "[::1]",
                              "[::ffff:7f00:1]"]):
        leaf = p.cert("private-%d" % i, name("p%d.example" % i, False),
                      p.cert("ca-private-%d" % i, name("CA private %d" % i),
                             root), ca=False,
                      aia="http://%s:%d/der.cer" % (host, port))
        private.append(report("p%d.example" % i, leaf))
    with open(os.path.join(top, "private.jsonl"), "w") as f:
        f.writelines(private)
    # Through --proxy: a name the proxy resolves, and redirects from it
    # that certsift must check as it checks a first URL.
    proxied = []
    for n in ("proxy-ok", "redirect-private", "redirect-mapped",
              "redirect-ftp", "redirect-localhost"):
        ca = p.cert("ca-" + n, name("CA " + n), root)
        leaf = p.cert("leaf-" + n, name(n + ".example", False), ca,
                      ca=False, aia="http://ca.example/" + n)
        if n == "proxy-ok":
            p.serve(n, der(ca))
        proxied.append(report(n + ".example", leaf))
    with open(os.path.join(top, "proxy.jsonl"), "w") as f:
        f.writelines(proxied)
    # A name no resolver knows (RFC 6761 reserves .invalid): a DNS failure.
    ca = p.cert("ca-dns", name("CA dns"), root)
    leaf = p.cert("leaf-dns", name("dns.example", False), ca, ca=False,
                  aia="http://no-such-host.invalid/dns.der")
    with open(os.path.join(top, "dns.jsonl"), "w") as f:
        f.write(report("dns.example", leaf))


def main():
    top = sys.argv[1]
    os.makedirs(os.path.join(top, "www"), exist_ok=True)
    log = open(os.path.join(top, "requests"), "a")
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send(self, code, body=b"", headers=()):
            self.send_response(code)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            with lock:
                log.write(self.path + "\n")
                log.flush()
            path = self.path
            port = self.server.server_address[1]
            if path.startswith("http://"):      # asked as a proxy
                path = "/" + path.split("/", 3)[-1]
            if path == "/redirect-private":
                self.send(302, headers=[("Location",
                          "http://127.0.0.1:%d/der.cer" % port)])
            elif path == "/redirect-mapped":
                self.send(302, headers=[("Location",
                          "http://[::ffff:127.0.0.1]:%d/der.cer" % port)])
            elif path == "/redirect-localhost":
                self.send(302, headers=[("Location",
                          "http://localhost:%d/der.cer" % port)])
            elif path == "/redirect-ftp":
                self.send(302, headers=[("Location",
                          "ftp://ftp.example/der.cer")])
            elif path == "/loop":
                self.send(302, headers=[("Location", "/loop")])
            elif path.startswith("/to/"):
                self.send(302, headers=[("Location", "/" + path[4:])])
            elif path == "/slow":
                time.sleep(20)
                self.send(200, b"late")
            elif path == "/big":
                self.send(200, b"\0" * (300 << 10))
            elif path == "/garbage":
                self.send(200, b"\x30\x82\x01\x00 this is not DER" * 8)
            else:
                f = os.path.join(top, "www", os.path.basename(path))
                if os.path.basename(path) and os.path.isfile(f):
                    with open(f, "rb") as fh:
                        self.send(200, fh.read(), [("Content-Type",
                                  "application/pkix-cert")])
                else:
                    self.send(404, b"not found")

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):
            pass    # clients that hang up (timeouts, too large)

    srv = Server(("127.0.0.1", 0), Handler)
    make(top, srv.server_address[1])
    tmp = os.path.join(top, "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, os.path.join(top, "port"))
    threading.Timer(120, lambda: os._exit(0)).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
