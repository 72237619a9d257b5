# A store of another schema version is refused with a clear message, by
# queries and by ingest, and is left as it was.
. "$CLI_DIR/lib.sh"

report a.example $T_OCT1 -8179 "$LEAF" >r.jsonl
ingest --db db r.jsonl
# The schema record ("schema" -> u32 1) rewritten as version 99.
mdb_dump -s meta db | sed '/^ 736368656d61$/{n;s/.*/ 63000000/}' >meta.dump
grep -q '^ 63000000$' meta.dump || die "schema record not found in the dump"
mdb_load -s meta -f meta.dump db || die "mdb_load failed"
cp db/data.mdb before.mdb

run "$CS" stats --db db
assert_status 1 "stats on another schema"
assert_match "^certsift: stats: store 'db' has schema version 99; this certsift reads version 7" "$(<_err)" "stats message"
run "$CS" ingest --db db r.jsonl
assert_status 1 "ingest on another schema"
assert_match "schema version 99" "$(<_err)" "ingest message"
cmp -s before.mdb db/data.mdb || fail "the store changed"
