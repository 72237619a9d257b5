# export --format csv: a header line, then one RFC 4180 row per certificate
# with the columns sha256, count, leaf_count, hosts, subject, issuer,
# not_before, not_after, is_ca, self_signed; the same values as jsonl.
. "$CLI_DIR/lib.sh"

# a certificate whose names need quoting: commas, quotes, a newline
/usr/bin/python3 - <<'PY' || die "cannot make certificates"
import datetime as dt
from cryptography import x509
from cryptography.x509.oid import NameOID as O
from cryptography.hazmat.primitives import serialization as S
from cryptography.hazmat.primitives.asymmetric import ed25519
K = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
n = x509.Name([x509.NameAttribute(O.COMMON_NAME, 'say "hi", then\nleave'),
    x509.NameAttribute(O.ORGANIZATION_NAME, "A, B & C")])
c = (x509.CertificateBuilder().subject_name(n).issuer_name(n)
    .public_key(K.public_key()).serial_number(7)
    .not_valid_before(dt.datetime(2026, 1, 1))
    .not_valid_after(dt.datetime(2027, 1, 1)).sign(K, None))
open("odd.der", "wb").write(c.public_bytes(S.Encoding.DER))
PY

{
	report a.example $T_OCT1 -8179 "$LEAF" "$INT" "$ROOT"
	report b.example $T_OCT2 -8179 "$LEAF" "$INT"
	report c.example $T_OCT3 -8181 "$CIO" "$RAPID"
	report d.example $T_OCT3 -16370 odd.der
} >r.jsonl
ingest --db db r.jsonl
export_jsonl --db db

ok "$CS" export --db db --format csv
cp _out all.csv
assert_eq "sha256,count,leaf_count,hosts,subject,issuer,not_before,not_after,is_ca,self_signed" \
    "$(head -n 1 all.csv | tr -d '\r')" "header"
/usr/bin/python3 - <<'PY' || fail "csv rows differ from jsonl"
import csv, json
raw = open("all.csv", "rb").read()
# RFC 4180: every record ends in CRLF; a bare LF only inside quotes
assert raw.endswith(b"\r\n")
rows = list(csv.reader(open("all.csv", newline="")))
head, rows = rows[0], rows[1:]
want = [json.loads(l) for l in open("exp.jsonl")]
assert len(rows) == len(want) == 6, (len(rows), len(want))
for r, w in zip(rows, want):
    assert len(r) == 10, r
    got = dict(zip(head, r))
    for k in head:
        v = w[k]
        if isinstance(v, bool):
            v = "true" if v else "false"
        assert got[k] == str(v), (k, got[k], v)
odd = [r for r in rows if 'say' in r[4]]
assert len(odd) == 1 and '"' in odd[0][4] and ',' in odd[0][4], odd
PY
# same order as jsonl: by count, then sha256
assert_eq "$(j .sha256 exp.jsonl)" "$(tail -n +2 all.csv | grep -Eo '^[0-9a-f]{64}')" \
    "order"

# the selection applies
ok "$CS" export --db db --format csv --ca --min-count 2
assert_eq "$(sha "$INT")" "$(tail -n +2 _out | cut -d, -f1)" "csv --ca --min-count 2"
ok "$CS" export --db db --format csv --error -8181
assert_eq "$(printf '%s\n' "$(sha "$CIO")" "$(sha "$RAPID")" | sort)" \
    "$(tail -n +2 _out | cut -d, -f1 | sort)" "csv --error"
ok "$CS" export --db db --format csv --subject nothing-matches
assert_eq 1 "$(wc -l <_out)" "header only when nothing matches"

# -o FILE: the same bytes, and a message with the count
run "$CS" export --db db --format csv -o out.csv
assert_status 0 "csv -o"
assert_file_eq all.csv out.csv "csv -o"
assert_eq "certsift: export: wrote 6 certificates to 'out.csv'" "$(<_err)" \
    "csv -o message"
assert_eq "out.csv" "$(ls out.csv*)" "no temporary file left"
