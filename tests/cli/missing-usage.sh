# missing: -h, usage errors (exit 2), a missing store (exit 1), an empty one.
. "$CLI_DIR/lib.sh"

ok "$CS" missing -h
assert_match '^usage: certsift missing ' "$(head -n 1 _out)" "-h"
assert_eq "" "$(<_err)" "-h: no stderr"

for args in "-n x" "--error NO_SUCH_ERROR" "extra" "-o f" "--pem --json" \
    "--pem --csv" "--bogus"; do
	run "$CS" missing $args
	assert_status 2 "missing $args"
	assert_stderr_prefixed "missing $args"
	grep -q '^usage: certsift missing' _err ||
	    fail "missing $args: no usage on stderr"
done

run "$CS" missing --db nosuch --no-roots
assert_status 1 "no store"
assert_stderr_prefixed "no store"

report a.example $T_OCT1 -8179 "$LEAF" >r.jsonl
ingest --db db r.jsonl
run "$CS" missing --db db --no-roots --error -8172 --json
assert_status 0 "nothing selected"
assert_eq "[]" "$(<_out)" "nothing selected: empty array"
run "$CS" missing --db db --no-roots --error -8172
assert_status 0 "nothing selected (table)"
assert_eq "reports: complete 0, missing-intermediate 0, untrusted-root 0, unknown-issuer 0" \
    "$(tail -n 1 _out)" "nothing selected: summary"
