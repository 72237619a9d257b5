# trend --cause with a diagnosis that holds for some of a chain's reports
# (by the report's hostname or time): each day counts exactly its reports
# that have it, from the hosts' days (hand-computed here), as causes over
# that day does. A store of schema 5 has no hosts' days for the reports
# it held then: for those a day counts only the reports that must have
# the cause (a lower bound).
. "$CLI_DIR/lib.sh"

H=3600
{
	# LEAF is portal.example.com's: a name mismatch on Oct 2 only
	report portal.example.com $((T_OCT1 + H)) -8179 "$LEAF" "$INT"
	report other.example $((T_OCT2 + H)) -8179 "$LEAF" "$INT"
	report portal.example.com $((T_OCT3 + H)) -8179 "$LEAF" "$INT"
	report portal.example.com $((T_OCT3 + 2 * H)) -8181 "$LEAF" "$INT"
	report other.example $((T_OCT3 + 3 * H)) -8181 "$LEAF" "$INT"
} >r.jsonl
ingest --db db r.jsonl

want='[["2026-10-02",-8179,1],["2026-10-03",-8181,1]]'
ok "$CS" trend --db db --cause name-mismatch --no-roots --json
assert_eq "$want" "$(jc 'map([.day, .code, .reports])')" \
    "trend --cause name-mismatch: the mismatched reports' days"
ok "$CS" trend --db db --cause name-mismatch --no-roots --json \
    --since 2026-10-02 --until 2026-10-03
assert_eq '[["2026-10-02",-8179,1]]' "$(jc 'map([.day, .code, .reports])')" \
    "the same in a period"
for d in 1 2 3; do
	ok "$CS" causes --db db --no-roots --json --since 2026-10-0$d \
	    --until 2026-10-0$((d + 1))
	n=$(j 'map(select(.cause == "name-mismatch") | .reports) | add // 0')
	ok "$CS" trend --db db --cause name-mismatch --no-roots --json \
	    --since 2026-10-0$d --until 2026-10-0$((d + 1))
	assert_eq "$n" "$(j 'map(.reports) | add // 0')" \
	    "Oct $d: trend --cause agrees with causes"
done
ok "$CS" trend --db db --cause unknown-issuer --no-roots --json
assert_eq '[["2026-10-01",-8179,1],["2026-10-02",-8179,1],["2026-10-03",-8179,1],["2026-10-03",-8181,2]]' \
    "$(jc 'map([.day, .code, .reports])')" "a chain-wide cause: every report"

# Schema 5, upgraded by a later report: the old reports have no hosts'
# days, so of the -8179 pair (1 mismatch in 3, on 3 days) no day must have
# one; the -8181 pair's two reports are on one day, so it has 1 of 2; the
# later report has its day.
as_schema db five 5 chainhostday certcode hostcode
report later.example $((T_OCT5 + H)) -8156 "$LEAF" "$INT" >later.jsonl
ingest --db five later.jsonl
ok "$CS" trend --db five --cause name-mismatch --no-roots --json
assert_eq '[["2026-10-03",-8181,1],["2026-10-05",-8156,1]]' "$(jc 'map([.day, .code, .reports])')" \
    "schema 5: a lower bound"
exit 0
