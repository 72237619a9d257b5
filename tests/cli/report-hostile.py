#!/usr/bin/python3
"""Reports with hostile hostnames, as JSON Lines on stdout, whose chain is
the certificate c.pem (HTML in its names, a javascript: caIssuers URL)
with the bytes AAAA of its other URL made invalid UTF-8 (the signature no
longer verifies, which parsing does not check)."""
import base64, json, subprocess, sys

der = subprocess.run(["openssl", "x509", "-in", sys.argv[1], "-outform",
                      "DER"], check=True, capture_output=True).stdout
assert der.count(b"AAAA") == 1
der = der.replace(b"AAAA", b"\xff\xfe\xc0\x80")
b64 = base64.b64encode(der).decode()
hosts = ["<script>alert(4)</script>.example", "\"><img src=x onerror=alert(5)>",
         "javascript:alert(6)", "a'b\"c<d>&e.example", "x\u202eevil.example"]
for i, h in enumerate(hosts):
    for k in range(i + 1):
        print(json.dumps({"hostname": h, "timestamp": 1790812800 + 86400 * k,
                          "errorCode": -8179, "failedCertChain": [b64]}))
