# Figures by hostname under a period, hand-computed: exact from the hosts'
# days (schema 6) for a (chain, code) with reports on both sides of the
# period and several hostnames. A store of schema 5 kept no hosts' days:
# for the reports it holds from then, such figures are lower bounds, with
# a line on stderr; report counts stay exact. A store of schema 4 has no
# days, an upgraded one none before its upgrade: a period says so.
. "$CLI_DIR/lib.sh"

H=3600
{
	# LEAF2 (-8181): p.example on Oct 1, q.example on Oct 2
	report p.example $((T_OCT1 + H)) -8181 "$LEAF2"
	report q.example $((T_OCT2 + H)) -8181 "$LEAF2"
	# AVLEAF (-8179): r.example Oct 1 and twice Oct 2, s.example Oct 1
	report r.example $((T_OCT1 + 2 * H)) -8179 "$AVLEAF" "$AVROOT"
	report r.example $((T_OCT2 + 2 * H)) -8179 "$AVLEAF" "$AVROOT"
	report r.example $((T_OCT2 + 3 * H)) -8179 "$AVLEAF" "$AVROOT"
	report s.example $((T_OCT1 + 3 * H)) -8179 "$AVLEAF" "$AVROOT"
	# LEAF (-8179): one hostname on both days: exact
	report portal.example.com $((T_OCT1 + 4 * H)) -8179 "$LEAF" "$INT"
	report portal.example.com $((T_OCT2 + 4 * H)) -8179 "$LEAF" "$INT"
} >r.jsonl
ingest --db all r.jsonl
P="--since 2026-10-02 --until 2026-10-03"

ok "$CS" top certs -n 0 --json --db all $P
assert_eq '[["CN=portal.example.com",1,1],["CN=shop.example.net",1,1],["CN=www.google.com",2,1]]' \
    "$(jc 'map(select(.leaf_count > 0) | [(.subject | sub(",.*";"")),
    .count, .hosts]) | sort')" "counts and hostnames exact (the hosts' days)"
assert_eq "" "$(<_err)" "nothing to say"

# r.example: 2 of AVLEAF's 4 reports are in the period, s.example's none.
ok "$CS" top hosts -n 0 --json --db all $P
assert_eq '[{"host":"r.example","reports":2,"certs":2},{"host":"portal.example.com","reports":1,"certs":2},{"host":"q.example","reports":1,"certs":1}]' \
    "$(jc .)" "top hosts: exact"
ok "$CS" top errors --json --db all $P
assert_eq '[[-8179,3],[-8181,1]]' "$(jc 'map([.code, .reports])')" \
    "top errors: exact"
assert_eq "" "$(<_err)" "top errors: no hostname figure, nothing to say"
ok "$CS" trend --json --db all $P
assert_eq "" "$(<_err)" "trend: nothing to say"

# causes: every report counted; name mismatches: q.example's one (LEAF2)
# and r.example's two (AVLEAF), on 2 hostnames.
ok "$CS" causes --json --no-roots --db all $P
assert_eq "4" "$(j 'map(select(.primary > 0) | .primary) | add')" \
    "causes: the period's 4 reports"
assert_eq '[3,2,2]' "$(jc 'map(select(.cause == "name-mismatch")) |
    .[0] | [.reports, .chains, .hosts]')" "name-mismatch: exact"
assert_eq "" "$(grep 'pairs have reports' _err)" "causes: nothing to say"

# The same reports in a store of schema 5 (no hosts' days), upgraded by
# an ingest of a later report: the hostnames of the pairs with reports on
# both sides are lower bounds (those that must be in the period), and the
# command says so.
as_schema all five 5 chainhostday certcode hostcode
report t.example $((T_OCT4 + H)) -8181 "$LEAF2" >later.jsonl
ingest --db five later.jsonl
ok "$CS" top certs -n 0 --json --db five $P
assert_eq '[["CN=portal.example.com",1,1],["CN=shop.example.net",1,0],["CN=www.google.com",2,1]]' \
    "$(jc 'map(select(.leaf_count > 0) | [(.subject | sub(",.*";"")),
    .count, .hosts]) | sort')" \
    "schema 5: counts exact, hosts at least those that must be in the period"
assert_eq "certsift: top: 2 (chain, error code) pairs have reports inside and outside the period and several hostnames: figures by hostname count, of their 3 reports in it, only those that must be there (lower bounds)" \
    "$(<_err)" "schema 5: says which figures are lower bounds"
# r.example: 3 reports of AVLEAF's 4, 1 outside the period: at least 2-1.
ok "$CS" top hosts -n 0 --json --db five $P
assert_eq '[{"host":"portal.example.com","reports":1,"certs":2},{"host":"r.example","reports":1,"certs":2}]' \
    "$(jc .)" "schema 5: top hosts exact for one hostname, a lower bound for two"
# causes: name mismatches: shop.example.net's one (whichever hostname:
# both are mismatches, but none must be in the period) and
# www.google.com's two (r.example's one that must be there, and one of r
# or s, both mismatches).
ok "$CS" causes --json --no-roots --db five $P
assert_eq '[3,2,1]' "$(jc 'map(select(.cause == "name-mismatch")) |
    .[0] | [.reports, .chains, .hosts]')" \
    "schema 5: name-mismatch exact reports, the hostnames that must be there"
assert_match "2 \(chain, error code\) pairs" "$(<_err)" "schema 5: causes says so"

# A period covering every day: exact, and the figures without one.
for what in certs hosts issuers; do
	ok "$CS" top $what -n 0 --json --db all
	jq -c 'walk(if type == "object" then del(.first_seen, .last_seen)
	    else . end)' _out >want
	ok "$CS" top $what -n 0 --json --db all --since 2026-10-01
	assert_eq "$(<want)" "$(jc 'walk(if type == "object" then
	    del(.first_seen, .last_seen) else . end)')" "top $what, every day"
	assert_eq "" "$(<_err)" "top $what, every day: nothing to say"
done

# Schema 4 (no days): a period selects nothing, and says why.
for d in 0 1 2; do
	report "a$d.example" $((T_OCT1 + d * 86400)) -8179 "$LEAF" "$INT"
done >a.jsonl
report b.example $((T_OCT4 + H)) -8181 "$LEAF2" >b.jsonl
ingest --db db a.jsonl
as_schema db old 4 aiaurl aiacert day chainday
ok "$CS" top certs --json --db old --since 2026-10-01
assert_eq "[]" "$(jc .)" "schema 4: no report in any period"
assert_eq "certsift: top: the store keeps no days yet (an older schema; the next ingest upgrades it): --since and --until select no report" \
    "$(<_err)" "schema 4: says so"
ingest --db old b.jsonl
ok "$CS" top errors --json --db old --since 2026-10-01
assert_eq '[[-8181,1]]' "$(jc 'map([.code, .reports])')" \
    "upgraded: only the days since"
assert_match "^certsift: top: the store keeps days since [0-9-]+T[0-9:]+Z \(upgraded then\): the 3 reports ingested before are in no period$" \
    "$(<_err)" "upgraded: says how many reports have no day"
exit 0
