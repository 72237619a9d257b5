# Report content is forgeable: hostnames with terminal escape sequences,
# quotes, commas, newlines and other control characters, and certificate
# names with control characters. Table output escapes them, JSON and CSV
# carry them correctly, file names come from hashes. (Invalid UTF-8 cannot
# get in: the JSON reader rejects it in hostnames, OpenSSL in names.)
. "$CLI_DIR/lib.sh"

# a certificate whose issuer CN holds escape sequences
/usr/bin/python3 - <<'PY' || die "cannot make certificates"
import datetime as dt
from cryptography import x509
from cryptography.x509.oid import NameOID as O
from cryptography.hazmat.primitives import serialization as S
from cryptography.hazmat.primitives.asymmetric import ed25519
K = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
def N(cn):
    return x509.Name([x509.NameAttribute(O.COMMON_NAME, cn)])
def C(subj, iss, serial):
    return (x509.CertificateBuilder().subject_name(subj).issuer_name(iss)
        .public_key(K.public_key()).serial_number(serial)
        .not_valid_before(dt.datetime(2026, 1, 1))
        .not_valid_after(dt.datetime(2027, 1, 1)).sign(K, None)
        .public_bytes(S.Encoding.DER))
open("esc.der", "wb").write(C(N("leaf.example"),
    N("\x1b[31mEvil\x1b]0;pwned\x07 CA\x1b[0m"), 1))
open("esc2.der", "wb").write(C(N("\x1b[2Jwipe,\"q\"\nCA"),
    N("\x1b[2Jwipe,\"q\"\nCA"), 2))
PY

H1='esc\u001b[31mred\u001b[0m.example'
H2='osc\u001b]0;pwned\u0007.example'
H3='q\"uote.example'
H4='com,ma.example'
H5='new\nline.example'
H6='cr\rx.example'
H7='all\u001b[2j,\"x\"\n.example'
H8='c1\u0085del\u007f.example'
H9='back\\slash.example'
{
	for h in "$H1" "$H2" "$H3" "$H4" "$H5" "$H6" "$H7" "$H8" "$H9"; do
		report "$h" $T_OCT1 -8179 "$LEAF" "$INT"
	done
	report "$H3" $T_OCT2 -8179 esc.der
	report "$H4" $T_OCT2 -8179 esc2.der
} >r.jsonl
ingest --db db r.jsonl
expect_json sum.json reports_accepted=11

cat >check.py <<'PY'
import csv, io, json, sys, unicodedata
H = ["esc\x1b[31mred\x1b[0m.example", "osc\x1b]0;pwned\x07.example",
    'q"uote.example', "com,ma.example", "new\nline.example", "cr\rx.example",
    'all\x1b[2j,"x"\n.example', "c1\x85del\x7f.example",
    "back\\slash.example"]

def text(path):
    """Table output: valid UTF-8, no control character but newlines."""
    s = open(path, "rb").read().decode("utf-8")
    bad = [c for c in s if c != "\n" and unicodedata.category(c) == "Cc"]
    assert not bad, (path, bad[:5])
    return s

kind, path = sys.argv[1], sys.argv[2]
if kind == "text":
    text(path)
elif kind == "hosts-table":
    s = text(path)
    for h in H:
        # control bytes, C1 characters (both bytes) and backslash as \xNN
        b = h.encode()
        esc, i = "", 0
        while i < len(b):
            c = b[i]
            if c == 0xc2 and i + 1 < len(b) and b[i + 1] < 0xa0:
                esc += "\\x%02x\\x%02x" % (c, b[i + 1])
                i += 2
                continue
            if c < 0x20 or c == 0x7f or c == 0x5c:
                esc += "\\x%02x" % c
            else:
                esc += chr(c) if c < 0x80 else bytes([c]).decode("latin-1")
            i += 1
        assert "  " + esc + "\n" in s, (esc, s)
elif kind == "hosts-json":
    got = json.load(open(path))
    assert sorted(r["host"] for r in got) == sorted(H), got
    # two reports each, then the rest; ties by hostname
    assert [r["host"] for r in got][:3] == [H[3], H[2], H[6]], got
elif kind == "hosts-csv":
    raw = open(path, "rb").read().decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    assert rows[0] == ["host", "reports", "certs"], rows[0]
    assert len(rows) == 10 and all(len(r) == 3 for r in rows), rows
    hosts = [r[0] for r in rows[1:]]
    # what needs quoting comes back exactly
    for h in H:
        if any(c in h for c in ',"\r\n'):
            assert h in hosts, (h, hosts)
    assert rows[1] == [H[3], "2", "3"] and rows[2] == [H[2], "2", "3"], rows
elif kind == "json":
    json.load(open(path))
elif kind == "jsonl":
    for l in open(path):
        json.loads(l)
PY

ok "$CS" top --db db -n 0 hosts
cp _out hosts.txt
/usr/bin/python3 check.py hosts-table hosts.txt || fail "top hosts table"
ok "$CS" top --db db -n 0 --json hosts
cp _out hosts.json
/usr/bin/python3 check.py hosts-json hosts.json || fail "top hosts json"
ok "$CS" top --db db -n 0 --csv hosts
cp _out hosts.csv
/usr/bin/python3 check.py hosts-csv hosts.csv || fail "top hosts csv"

# every table and text output is safe for a terminal
i=0
for args in "top -n 0 issuers" "top -n 0 certs" "top -n 0 errors" \
    "top -n 0 --by certs hosts" "hosts $(sha "$LEAF")" "show $(sha "$LEAF")" \
    "show $(sha esc.der)" "show $(sha esc2.der)" "hosts $(sha esc2.der)" \
    "export --format pem" "stats"; do
	i=$((i + 1))
	ok "$CS" $args --db db
	cp _out text$i
	/usr/bin/python3 check.py text text$i || fail "$args: unsafe output"
done
# and JSON stays JSON
for args in "top -n 0 --json issuers" "top -n 0 --json certs" \
    "top -n 0 --json hosts" "hosts --json $(sha "$LEAF")" \
    "show --json $(sha esc2.der)"; do
	ok "$CS" $args --db db
	/usr/bin/python3 check.py json _out || fail "$args: bad JSON"
done
ok "$CS" export --db db --format jsonl
/usr/bin/python3 check.py jsonl _out || fail "export jsonl: bad JSON"
ok "$CS" top --db db --json issuers
assert_eq 4 "$(j length)" "issuers json"
jq -r '.[].issuer' _out | grep -q 'Evil' || fail "issuer with escapes lost"
ok "$CS" top --db db --csv issuers
/usr/bin/python3 -c '
import csv, sys
rows = list(csv.reader(open("_out", newline="", encoding="utf-8", errors="replace")))
assert len(rows) == 5 and all(len(r) == 4 for r in rows), rows
' || fail "issuers csv"

# file names never come from report content
ok "$CS" export --db db --format chains --dir chains
ok "$CS" export --db db --format der --dir der
assert_eq "" "$(ls chains der | grep -Ev '^([0-9a-f]{64}\.(pem|der)|chains:|der:|)$')" \
    "file names"
for f in chains/*.pem; do
	/usr/bin/python3 check.py text "$f" || fail "$f: unsafe comment lines"
	run openssl storeutl -certs "$f"
	assert_status 0 "openssl reads $f"
done
assert_eq "chains check.py db der esc.der esc2.der hosts.csv hosts.json hosts.txt r.jsonl sum.json" \
    "$(ls | grep -Ev '^(_out|_err|text[0-9]+|\.cache)$' | tr '\n' ' ' | sed 's/ $//')" \
    "no other files"
