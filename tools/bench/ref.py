#!/usr/bin/python3
"""Reference implementation of certsift's ingest, as an analyst would write it.

Reads Firefox TLS error reports (one JSON object per line, fields either at the
top level or under "meta"), keeps the reports whose errorCode equals the
requested NSS code (default -8179, SEC_ERROR_UNKNOWN_ISSUER; an int or a float
such as -8179.0), base64-decodes every certificate of failedCertChain, hashes
the DER with SHA-256 and keeps, per certificate, how often it was seen and the
set of hostnames it was seen for. Prints a summary at the end.

Plain single-process Python (json, base64, hashlib): the benchmark's baseline.
"""

import argparse
import base64
import gzip
import hashlib
import json
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--error", type=int, default=-8179)
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    a = ap.parse_args()

    want = a.error
    certs = {}          # sha256 digest -> [count, set of hostnames]
    n_lines = n_bad = n_accepted = n_other = n_occ = 0
    hostnames = set()
    b64decode = base64.b64decode
    sha256 = hashlib.sha256
    loads = json.loads

    for path in a.files:
        with open(path, "rb") as f:
            gzipped = f.read(2) == b"\x1f\x8b"
        # gzip files through Python's gzip module
        with (gzip.open if gzipped else open)(path, "rb") as f:
            for line in f:
                if not line.strip():
                    continue
                n_lines += 1
                try:
                    rep = loads(line)
                    if "failedCertChain" not in rep and isinstance(rep.get("meta"), dict):
                        rep = rep["meta"]
                    code = rep.get("errorCode")
                    if code != want:
                        n_other += 1
                        continue
                    host = rep.get("hostname")
                    chain = rep["failedCertChain"]
                    digests = [sha256(b64decode(c)).digest() for c in chain]
                except (ValueError, KeyError, TypeError, AttributeError):
                    n_bad += 1
                    continue
                n_accepted += 1
                hostnames.add(host)
                for d in digests:
                    n_occ += 1
                    e = certs.get(d)
                    if e is None:
                        certs[d] = [1, {host}]
                    else:
                        e[0] += 1
                        e[1].add(host)

    top = sorted(certs.items(), key=lambda kv: kv[1][0], reverse=True)[:5]
    summary = {
        "reports_read": n_lines,
        "reports_accepted": n_accepted,
        "reports_other_error": n_other,
        "reports_invalid": n_bad,
        "cert_occurrences": n_occ,
        "unique_certs": len(certs),
        "unique_hostnames": len(hostnames),
        "top_certs": [{"sha256": d.hex(), "count": e[0], "hostnames": len(e[1])}
                      for d, e in top],
    }
    if a.json:
        json.dump(summary, sys.stdout)
        sys.stdout.write("\n")
    else:
        for k, v in summary.items():
            if k != "top_certs":
                print("%-20s %d" % (k, v))
        print("top certificates:")
        for t in summary["top_certs"]:
            print("  %s  %8d reports  %6d hostnames" % (t["sha256"], t["count"], t["hostnames"]))


if __name__ == "__main__":
    main()
