# export --format pem: openssl reads it; each block's comment names its sha256.
. "$CLI_DIR/lib.sh"

{
	report a.example $T_OCT1 -8179 "$LEAF" "$INT" "$ROOT"
	report b.example $T_OCT2 -8179 "$CIO" "$RAPID"
	report c.example $T_OCT3 -8179 "$AVLEAF" "$AVROOT"
	report d.example $T_OCT3 -8179 "$LEAF"
} >r.jsonl
ingest --db db r.jsonl
stats --db db
expect_json stats.json unique_certs=7

run "$CS" export --db db --format pem
assert_status 0 "export pem"
cp _out exp.pem
assert_eq 7 "$(grep -c -- '-----BEGIN CERTIFICATE-----' exp.pem)" "PEM blocks"
run openssl storeutl -certs exp.pem
assert_status 0 "openssl storeutl"
assert_eq 7 "$(grep -Ec '^[0-9]+: Certificate' _out)" "certificates read by openssl"

# every line is a comment, part of a PEM block, or blank
assert_eq "" "$(grep -Ev '^(# .*|#|-----(BEGIN|END) CERTIFICATE-----|[A-Za-z0-9+/=]+|)$' exp.pem | head -3)" "stray lines"

# the comment lines before each block name that block's sha256, its count
# and hosts; check each block's DER against the sha256 in its comments
awk '/^# /{c = c $0 "\n"} /-----BEGIN/{n++; f = "blk" n; printf "%s", c > (f ".txt"); c = ""} f{print > (f ".pem")} /-----END/{f = ""}' exp.pem
assert_eq 7 "$(ls blk*.pem | wc -l)" "blocks split"
for p in blk*.pem; do
	s=$(openssl x509 -in "$p" -outform DER | sha256sum | cut -d' ' -f1)
	c=${p%.pem}.txt
	grep -q "$s" "$c" || fail "$p: comment does not name sha256 $s: $(<"$c")"
done
# the sha256s are those of the jsonl export
export_jsonl --db db
assert_eq "$(jq -r .sha256 exp.jsonl | sort)" "$(for p in blk*.pem; do openssl x509 -in "$p" -outform DER | sha256sum | cut -d' ' -f1; done | sort)" "sha256 set"
# LEAF has count 2: its comment says so
lc=$(grep -l "$(sha "$LEAF")" blk*.txt)
grep -Eiq 'count[^0-9]*2([^0-9]|$)' "$lc" || fail "leaf comment lacks its count: $(<"$lc")"

# -o FILE writes the same
ok "$CS" export --db db --format pem -o out.pem
assert_file_eq exp.pem out.pem "-o FILE"
ok "$CS" export --db db --format jsonl -o out.jsonl
assert_file_eq exp.jsonl out.jsonl "jsonl -o FILE"
