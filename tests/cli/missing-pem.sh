# missing --pem: the bundle of the missing intermediates, in row order, with
# comments; -o writes it atomically. --known and --roots read PEM bundles,
# DER files, directories, CSV and JSON with PEM inside.
. "$CLI_DIR/lib.sh"
. "$CLI_DIR/missing-pki.sh"

pki_root root "Root"
for c in A B C D; do
	pki_ca "ca$c" "CA $c" root
done
pki_leaf la a.example caA
pki_leaf la2 a2.example caA
pki_leaf lb b.example caB
pki_leaf lc c.example caC
pki_leaf ld d.example caD
{
	report a2.example $T_OCT1 -8179 la2.pem caA.pem root.pem
	report a.example $T_OCT1 -8179 la.pem
	report a.example $T_OCT2 -8179 la.pem
	report a.example $T_OCT3 -8179 la.pem
	report b.example $T_OCT1 -8179 lb.pem
	report b1.example $T_OCT2 -8179 lb.pem
	report c.example $T_OCT1 -8179 lc.pem
	report d.example $T_OCT1 -8179 ld.pem
} >r.jsonl
ingest --db db r.jsonl

# caB in a CCADB-like CSV (the PEM in a quoted, multi-line field), caC in
# a JSON dump of records (PEM in a string with \n escapes), caD as DER in
# a directory with a file that holds no certificate.
{
	printf 'CA Owner,Certificate Name,PEM Info\r\n'
	printf '"Certsift Test","CA B","'
	cat caB.pem | tr -d '\r'
	printf '"\r\n'
} >known.csv
jq -n --rawfile pem caC.pem '{data: [{id: "x", subject: "CA C", pem: $pem}]}' \
    >known.json
assert_match '\\n' "$(<known.json)" "the JSON escapes its newlines"
mkdir kdir
openssl x509 -in caD.pem -outform DER -out kdir/caD.der
echo "no certificates here" >kdir/README
mkdir rdir
cp root.pem rdir/root.crt

run "$CS" missing --db db --no-roots --roots rdir --known known.csv \
    --known known.json --known kdir --pem
assert_status 0 "--pem to stdout"
assert_eq "certsift: missing: reports: complete 1, missing-intermediate 7, untrusted-root 0, unknown-issuer 0" \
    "$(<_err)" "summary on stderr with --pem"
cp _out bundle.pem
run openssl storeutl -certs -noout bundle.pem
assert_status 0 "openssl storeutl reads the bundle"
assert_match 'Total found: 4' "$(<_out)" "4 certificates"
# their order and comments
awk '/^-----BEGIN/ { n++; f = "b" n ".pem" } f { print > f }
    /^-----END/ { f = "" }' bundle.pem
assert_eq "$(sha caA.pem) $(sha caB.pem) $(sha caC.pem) $(sha caD.pem)" \
    "$(echo $(sha b1.pem) $(sha b2.pem) $(sha b3.pem) $(sha b4.pem))" \
    "bundle order"
assert_eq "# issuer: CN=CA A,O=Certsift Test
# reports: 3
# hosts: 1
# source: corpus" "$(grep '^#' bundle.pem | head -n 4)" "comments of caA"
assert_eq "# issuer: CN=CA B,O=Certsift Test
# reports: 2
# hosts: 2
# source: known" "$(grep '^#' bundle.pem | sed -n 5,8p)" "comments of caB"
assert_eq 16 "$(grep -c '^# ' bundle.pem)" "4 comment lines each"

# -n limits the bundle too
run "$CS" missing --db db --no-roots --roots rdir --known known.csv \
    --known known.json --known kdir --pem -n 2
assert_status 0 "--pem -n 2"
assert_eq 2 "$(grep -c BEGIN _out)" "--pem -n 2"

# -o: the rows on stdout, the bundle in the file
run "$CS" missing --db db --no-roots --roots rdir --known known.csv \
    --known known.json --known kdir --pem -o out.pem --json
assert_status 0 "--pem -o"
cmp -s out.pem bundle.pem || fail "-o writes the same bundle"
assert_eq 5 "$(j length)" "--json rows with -o"
assert_eq "certsift: missing: reports: complete 1, missing-intermediate 7, untrusted-root 0, unknown-issuer 0
certsift: missing: wrote 4 certificates to 'out.pem'" "$(<_err)" \
    "stderr with -o"
assert_eq "" "$(ls | grep 'out.pem.tmp' || true)" "no temporary file left"

# Without the known sets, only caA resolves.
run "$CS" missing --db db --no-roots --roots root.pem --pem
assert_status 0 "--pem without --known"
assert_eq 1 "$(grep -c BEGIN _out)" "only caA"

# Loading errors
run "$CS" missing --db db --no-roots --known nosuch.pem
assert_status 1 "missing --known file"
assert_eq "certsift: missing: cannot open 'nosuch.pem': No such file or directory" \
    "$(<_err)" "missing --known file"
run "$CS" missing --db db --no-roots --roots kdir/README
assert_status 1 "--roots file without certificates"
assert_eq "certsift: missing: no certificates in 'kdir/README'" "$(<_err)" \
    "--roots file without certificates"
printf -- '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' \
    >bad.pem
cat caB.pem >>bad.pem
run "$CS" missing --db db --no-roots --roots root.pem --known bad.pem --json
assert_status 0 "a bad block is skipped"
assert_eq "certsift: missing: 'bad.pem': skipped 1 PEM blocks that are not certificates" \
    "$(head -n 1 _err)" "bad block warning"
assert_eq known "$(j '.[] | select(.issuer == "CN=CA B,O=Certsift Test") | .source')" \
    "the good block of bad.pem"
