# --db PATH, else $CERTSIFT_DB, else ./certsift.lmdb; every command takes --db.
. "$CLI_DIR/lib.sh"

report a.example $T_OCT1 -8179 "$LEAF" "$INT" >r1.jsonl
report b.example $T_OCT2 -8179 "$CIO" >r2.jsonl

ingest r1.jsonl
[ -e certsift.lmdb ] || fail "no ./certsift.lmdb after ingest without --db"
stats
expect_json stats.json unique_certs=2

CERTSIFT_DB=$PWD/env.lmdb
export CERTSIFT_DB
ingest r2.jsonl
[ -e env.lmdb ] || fail "CERTSIFT_DB not used"
stats
expect_json stats.json unique_certs=1
stats --db certsift.lmdb
expect_json stats.json unique_certs=2
export_jsonl
assert_eq "$(sha "$CIO")" "$(jq -r .sha256 exp.jsonl)" "export uses CERTSIFT_DB"
ok "$CS" show "$(sha "$CIO")" --json
ok "$CS" hosts "$(sha "$CIO")" --json
ok "$CS" show --db certsift.lmdb "$(sha "$LEAF")" --json
ok "$CS" hosts --db certsift.lmdb "$(sha "$LEAF")" --json
ok "$CS" export --db certsift.lmdb --format pem
assert_eq 2 "$(grep -c 'BEGIN CERTIFICATE' _out)" "export --db"
unset CERTSIFT_DB
stats
expect_json stats.json unique_certs=2
