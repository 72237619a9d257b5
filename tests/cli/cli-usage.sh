# Exit status 2 on usage errors; messages on stderr begin with "certsift:".
. "$CLI_DIR/lib.sh"

report a.example $T_OCT1 -8179 "$LEAF" >r.jsonl

usage() {	# args...
	run "$CS" "$@"
	assert_status 2 "certsift $*"
	assert_stderr_prefixed "certsift $*"
	[ ! -s _out ] || fail "certsift $*: printed on stdout: $(head -c 200 _out)"
}
usage
usage frobnicate
usage ingest --bogus r.jsonl
usage ingest --db db --error NOT_AN_ERROR_NAME r.jsonl
usage ingest --db db --error SEC_ERROR_UNKNOWN_ISSUERX r.jsonl
usage ingest --db db --since not-a-date r.jsonl
usage ingest --db db --until 2026-13-45 r.jsonl
usage ingest --db db --commit-every
usage stats --bogus
usage export --db db --format xml
usage show --db db
usage hosts --db db
# nothing was written by the failed commands
[ ! -e db ] || [ -z "$(ls -A db 2>/dev/null)" ] || {
	stats --db db
	expect_json stats.json reports_read=0
}

# a failure that is not a usage error: exit 1, prefixed
run "$CS" ingest --db db missing.jsonl
assert_status 1 "missing input"
assert_stderr_prefixed "missing input"
run "$CS" ingest --db /proc/no/such/dir/db r.jsonl
assert_status 1 "unusable store"
assert_stderr_prefixed "unusable store"
