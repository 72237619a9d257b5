# verify on a sound store: exit 0, what it checked, text and JSON agree;
# a missing store is exit 1 with a message, a usage error exit 2.
. "$CLI_DIR/lib.sh"

ingest --db s "$CORPUS/sample"
stats --db s
run "$CS" verify --db s
assert_status 0 "verify"
assert_eq "store 's' is sound" "$(tail -n 1 _out)" "last line"
assert_eq "" "$(<_err)" "stderr"
assert_match "^checked certificates +$(jq .unique_certs stats.json)\$" \
    "$(grep '^checked certificates' _out)" "certificates checked"
assert_match "^checked chains +$(jq .unique_chains stats.json)\$" \
    "$(grep '^checked chains' _out)" "chains checked"
assert_match "^checked hosts +$(jq .unique_hosts stats.json)\$" \
    "$(grep '^checked hosts' _out)" "hosts checked"
grep -q '^problem' _out && fail "problems on a sound store: $(<_out)"

run "$CS" verify --db s --json
assert_status 0 "verify --json"
assert_eq "true 0 0" "$(j '"\(.sound) \(.problems_total) \(.problems | length)"')" \
    "json verdict"
assert_eq "$(jq .unique_certs stats.json)" "$(j .checked.certificates)" "json certificates"
# Every record of every table counted once, LMDB's own two included.
mdb_stat -a -f s >mdb_stat.out || die "mdb_stat"
assert_eq "$(grep -c -E '^(Status of|Freelist)' mdb_stat.out)" \
    "$(j .checked.tables)" "json tables"
assert_eq "$(awk '/Entries:/ { n += $2 } END { print n }' mdb_stat.out)" \
    "$(j .checked.records)" "records checked"

# A second ingest into it (new hostnames, same certificates): still sound.
jq -c '.hostname = "again-" + (.hostname // "x")' \
    "$CORPUS/sample/flat-2026-10-w1.jsonl" >again.jsonl
ingest --db s --commit-every 7 again.jsonl
run "$CS" verify --db s
assert_status 0 "verify after a second ingest"

run "$CS" verify --db nowhere
assert_status 1 "verify of no store"
assert_stderr_prefixed
run "$CS" verify --db s extra
assert_status 2 "verify with an operand"
