# A store of schema 3 (the same, without the top hostnames of each
# certificate, AIA tables and days) is read as it is, unchanged, with the same answers; the
# next ingest upgrades it to schema 7 in place, and afterwards every
# answer is what a store made by this version gives.
. "$CLI_DIR/lib.sh"

# Hostnames with ties, more than show lists, for two certificates.
for i in $(seq 1 25); do
	for k in $(seq 1 $(( (i * 7) % 5 + 1 ))); do
		report "h$(( (i * 11) % 25 )).up.example" $T_OCT1 -8179 "$LEAF" "$INT"
	done
done >a.jsonl
for i in $(seq 1 12); do
	report "h$i.up.example" $T_OCT2 -8179 "$INT"
	report "new$i.up.example" $T_OCT2 -8179 "$LEAF" "$INT"
done >b.jsonl
L=$(sha "$LEAF")
I=$(sha "$INT")

ingest --db db a.jsonl
for c in $L $I; do
	ok "$CS" show --db db --json "$c"
	cp _out want3.$c
done

# Schema 3: the dump of every table but "tophost" and the schema 5 ones
# (AIA, days, validity), schema record 3.
mdb_dump -a db | awk '
	/^database=(tophost|aiaurl|aiacert|day|chainday|chainvalid|chainhostday|certcode|hostcode)$/ { skip = 1 }
	/^VERSION=/ { skip = 0 }
	!skip' | sed '/^ 736368656d61$/{n;s/.*/ 03000000/}' >old.dump
grep -q '^ 03000000$' old.dump || die "schema record not found in the dump"
mkdir old
mdb_load -f old.dump old || die "mdb_load failed"
mdb_stat -a old | grep -q 'Status of tophost' && die "tophost survived the dump"
cp old/data.mdb before.mdb

# Read as it is: the same answers, the store untouched.
for c in $L $I; do
	ok "$CS" show --db old --json "$c"
	assert_eq "$(<want3.$c)" "$(<_out)" "schema 3: show $c"
done
ok "$CS" stats --db old
cmp -s before.mdb old/data.mdb || fail "a query changed the schema 3 store"

# The next ingest upgrades it, then adds to it.
ingest --db old b.jsonl
mdb_dump -s meta old | grep -q '^ 07000000$' || fail "schema not 7 after ingest"
mdb_stat -s tophost old >/dev/null 2>&1 || fail "no tophost after ingest"
ingest --db new a.jsonl
ingest --db new b.jsonl
for c in $L $I; do
	ok "$CS" show --db new --json "$c"
	cp _out want4.$c
	ok "$CS" show --db old --json "$c"
	assert_eq "$(<want4.$c)" "$(<_out)" "upgraded: show $c"
	ok "$CS" hosts --db old --json "$c"
	assert_eq "$(jq -c '.[:10]' _out)" \
	    "$(jq -c '[.top_hosts[] | {host, count}]' want4.$c)" \
	    "upgraded: show $c lists the first ten of hosts"
done

# The upgrade of a store whose map is full (the sample corpus, loaded in
# the smallest map that holds it): the map grows, the upgrade is the same.
downgrade() {	# store dump
	mdb_dump -a "$1" | awk '
		/^database=(tophost|aiaurl|aiacert|day|chainday|chainvalid|chainhostday|certcode|hostcode)$/ { skip = 1 }
		/^VERSION=/ { skip = 0 }
		!skip' | sed '/^ 736368656d61$/{n;s/.*/ 03000000/}' >"$2"
}
ingest --db sample "$CORPUS/sample"
downgrade sample sample.dump
mkdir loose
mdb_load -f sample.dump loose 2>/dev/null || die "mdb_load failed"
used=$(mdb_stat -e loose | sed -n 's/^ *Number of pages used: //p')
psize=$(mdb_stat -e loose | sed -n 's/^ *Page size: //p')
[ -n "$used" ] && [ -n "$psize" ] || die "mdb_stat gave no page counts"
for p in $(seq "$used" $((used + 64))); do
	rm -rf tight
	mkdir tight
	sed "s/^mapsize=.*/mapsize=$((p * psize))/" sample.dump >tight.dump
	mdb_load -f tight.dump tight 2>/dev/null && break
done
mdb_stat -s cert tight >/dev/null 2>&1 || die "no tight store loaded"
ingest --db tight b.jsonl
ingest --db fresh "$CORPUS/sample"
ingest --db fresh b.jsonl
export_jsonl --db fresh
n=0
for c in $(jq -r .sha256 exp.jsonl); do
	ok "$CS" show --db fresh --json "$c"
	cp _out want
	ok "$CS" show --db tight --json "$c"
	assert_eq "$(<want)" "$(<_out)" "upgraded from a full map: show $c"
	n=$((n + 1))
done
[ "$n" -gt 50 ] || fail "only $n certificates compared"
