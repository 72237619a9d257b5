# A schema 4 store (no days) is read as it is: trend says it has no days
# yet. The next ingest upgrades it to schema 7 in place: from then on days
# are counted, and trend says how many reports came before (they have no
# day); every other answer is that of a store made afresh.
. "$CLI_DIR/lib.sh"

for d in 0 1 2; do
	report "a$d.example" $((T_OCT1 + d * 86400)) -8179 "$LEAF" "$INT"
done >a.jsonl
for d in 3 4; do
	report "b$d.example" $((T_OCT1 + d * 86400)) -8179 "$LEAF" "$INT"
	report "c$d.example" $((T_OCT1 + d * 86400)) -8181 "$LEAF2"
done >b.jsonl

ingest --db db a.jsonl
mdb_dump -a db | awk '
	/^database=(aiaurl|aiacert|day|chainday|chainhostday|certcode|hostcode)$/ { skip = 1 }
	/^VERSION=/ { skip = 0 }
	!skip' | sed '/^ 736368656d61$/{n;s/.*/ 04000000/}' >old.dump
grep -q '^ 04000000$' old.dump || die "schema record not found in the dump"
mkdir old
mdb_load -f old.dump old 2>/dev/null || die "mdb_load failed"
cp old/data.mdb before.mdb

ok "$CS" trend --db old --json
assert_eq "[]" "$(jc .)" "schema 4: no days"
assert_match "keeps no days yet" "$(<_err)" "schema 4: says so"
ok "$CS" top errors --db old --json
assert_eq "3" "$(j '.[0].reports')" "schema 4 read as it is"
cmp -s before.mdb old/data.mdb || fail "a query changed the schema 4 store"

ingest --db old b.jsonl
mdb_dump -s meta old | grep -q '^ 07000000$' || fail "schema not 7 after ingest"
ok "$CS" trend --db old --json
assert_eq '[["2026-10-04",-8181,1],["2026-10-04",-8179,1],["2026-10-05",-8181,1],["2026-10-05",-8179,1]]' \
    "$(jc 'map([.day, .code, .reports])')" "upgraded: the days since"
assert_match "keeps days since [0-9-]+T[0-9:]+Z \(upgraded then\): the 3 reports ingested before are not counted" \
    "$(<_err)" "upgraded: says which reports have no day"
ingest --db new a.jsonl
ingest --db new b.jsonl
for what in errors issuers certs hosts; do
	ok "$CS" top $what --db new --json
	cp _out want
	ok "$CS" top $what --db old --json
	assert_file_eq want _out "upgraded: top $what"
done
ok "$CS" trend --db new --json
assert_eq "7" "$(j 'map(.reports) | add')" "a fresh store has every day"
assert_eq "" "$(<_err)" "a fresh store: nothing to say"
