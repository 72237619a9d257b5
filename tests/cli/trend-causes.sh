# trend --by cause: per day, each report's primary cause, exact per day even
# where a chain's reports have different per-report causes on different
# days (the hostname, the validity at the report's time); each day's rows
# add up to that day's reports, and each cause's days to its primary count
# in causes. A store upgraded from schema 5 has no hosts' days for its
# older reports: their causes are laid over their chain's days (a guess,
# said on stderr).
. "$CLI_DIR/lib.sh"
. "$CLI_DIR/missing-pki.sh"

now=$(date +%s)
T1=$((now + 86400))		# leaves (90 days) valid
T2=$((now + 200 * 86400))	# leaves expired
D1=$(date -u -d "@$T1" +%F)
D2=$(date -u -d "@$T2" +%F)

pki_root root "Root"
pki_ca int "Issuing CA" root
pki_leaf v v.example int
pki_root priv "Private Root"
pki_ca pint "Private CA" priv
pki_leaf z z.example pint

{
	report v.example $T1 -8179 v.pem int.pem
	report v.example $T1 -8179 v.pem int.pem
	report wrong.example $T1 -8179 v.pem int.pem	# name-mismatch
	report z.example $T1 -8179 z.pem		# unknown-issuer (its CA is nowhere)
	report - - -8179 z.pem				# no day
} >a.jsonl
{
	report v.example $T2 -8179 v.pem int.pem	# expired
	report v.example $T2 -8179 v.pem int.pem
	report v.example $T2 -8179 v.pem int.pem
	report wrong.example $T2 -8179 v.pem int.pem	# expired first
	report z.example $T2 -8179 z.pem
	report z.example $T2 -8179 z.pem
} >b.jsonl
ingest --db db a.jsonl
ingest --db db b.jsonl

rows() {
	jq -r '.[] | [(.day // "-"), .cause, .reports] | join("|")' _out
}
want="-|unknown-issuer|1
$D1|unknown-issuer|1
$D1|other|2
$D1|name-mismatch|1
$D2|expired|4
$D2|unknown-issuer|2"
run "$CS" trend --db db --roots root.pem --by cause --json
assert_status 0 "trend --by cause"
assert_eq "$want" "$(rows)" "per day and cause"
assert_eq "" "$(<_err)" "exact: nothing to say"

# Each day's causes add up to its reports; each cause's days to causes'
# primary count.
run "$CS" trend --db db --roots root.pem --json
assert_eq "$(jc 'group_by(.day) | map([.[0].day, (map(.reports) | add)])')" \
    "$("$CS" trend --db db --roots root.pem --by cause --json |
    jq -c 'group_by(.day) | map([.[0].day, (map(.reports) | add)])')" \
    "per day: the reports"
run "$CS" causes --db db --roots root.pem --json -n 0
assert_eq "$(jc '[.[] | select(.primary > 0) | {(.cause): .primary}] |
    add | to_entries | sort_by(.key) | from_entries')" \
    "$("$CS" trend --db db --roots root.pem --by cause --json |
    jq -c 'group_by(.cause) | map({(.[0].cause): (map(.reports) | add)}) |
    add')" "per cause: causes' primary counts"

# The same for a selection, in CSV and as a table, and for a period.
run "$CS" trend --db db --roots root.pem --by cause --csv --since "$D2"
assert_eq "day,cause,reports
$D2,expired,4
$D2,unknown-issuer,2" "$(tr -d '\r' <_out)" "csv, --since"
run "$CS" trend --db db --roots root.pem --by cause --subject z.example
assert_eq "day         reports  cause
-                 1  unknown-issuer
$D1        1  unknown-issuer
$D2        2  unknown-issuer" "$(<_out)" "table, a selection"

# Two stores merged: the same as one.
ingest --db da a.jsonl
ingest --db dbb b.jsonl
ok "$CS" merge --db dm da dbb
run "$CS" trend --db dm --roots root.pem --by cause --json
assert_eq "$want" "$(rows)" "merged"

# Schema 5: no hosts' days. Read as it is, then upgraded by an ingest.
mdb_dump -a db | awk '
	/^database=chainhostday$/ { skip = 1 }
	/^VERSION=/ { skip = 0 }
	!skip' | sed '/^ 736368656d61$/{n;s/.*/ 05000000/}' >old.dump
mkdir old
mdb_load -f old.dump old 2>/dev/null || die "mdb_load failed"
run "$CS" trend --db old --roots root.pem --by cause --json
assert_status 0 "schema 5"
# v.example: other 2, name-mismatch 1, expired 4 over 3 reports on D1 and 4
# on D2: expired takes the last days.
assert_eq "$want" "$(rows)" "schema 5: laid over the chain's days"
assert_match "the days of 7 reports ingested before the store kept hosts' days" \
    "$(<_err)" "schema 5: says it guessed"
report v.example $T1 -8179 v.pem int.pem >c.jsonl
ingest --db old c.jsonl
mdb_dump -s meta old | grep -q '^ 07000000$' || fail "schema not 7 after ingest"
run "$CS" trend --db old --roots root.pem --by cause --json
assert_eq "$(printf '%s\n' "$want" | sed "s/^$D1|other|2/$D1|other|3/")" \
    "$(rows)" "upgraded: the new report on its day"
