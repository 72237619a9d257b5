# Directories: every regular file below, nested; symlinks inside not followed.
. "$CLI_DIR/lib.sh"

mkdir -p in/a/deep in/b outside
report h1.example $T_OCT1 -8179 "$LEAF" >in/a/one.jsonl
report h2.example $T_OCT2 -8179 "$INT" | gzip -c >in/a/deep/two.gz
{ report h3.example $T_OCT3 -8179 "$ROOT"; report h4.example $T_OCT3 -8179 "$ROOT"; } \
    | jq -s . >in/b/three.json
report h5.example $T_OCT4 -8179 "$LEAF" "$INT" >in/top.jsonl
# not followed: a symlink to a file and one to a directory, both outside in/
report x.example $T_OCT5 -8179 "$CIO" >outside/x.jsonl
ln -s ../outside/x.jsonl in/b/link.jsonl
ln -s ../outside in/a/linkdir

ingest --db db in
expect_json sum.json files=4 reports_read=5 reports_accepted=5 \
    reports_malformed=0 certs_seen=6 certs_new=3
stats --db db
expect_json stats.json files_ingested=4 unique_certs=3 unique_hosts=5
export_jsonl --db db
assert_eq "" "$(cert $(sha "$CIO"))" "cert behind a symlink"

# a trailing slash and the directory given twice change nothing
ingest --db db in/ in
expect_json sum.json reports_accepted=0 certs_new=0
stats --db db
expect_json stats.json files_ingested=4 reports_accepted=5

# an explicit file and a directory together
ingest --db db2 outside/x.jsonl in
expect_json sum.json files=5 reports_read=6 reports_accepted=6 certs_new=4

# an empty directory is fine
mkdir empty
ingest --db db3 empty
expect_json sum.json files=0 reports_read=0 reports_accepted=0

# a missing input is a failure, not a usage error
run "$CS" ingest --db db4 does-not-exist.jsonl
assert_status 1 "missing input"
assert_stderr_prefixed "missing input"
