# The signature verdicts the walk keeps in the store (table "verdict"):
# the first run of missing, causes, trend and report checks every
# (certificate, issuer key) pair and keeps the verdicts; a second run checks
# none and prints the same bytes. A store without write permission, or one
# whose ingest lock is held, answers the same and is left as it was. A
# malformed verdict is ignored (checked again, then written right) and
# verify names it; a forged one is believed (the store is trusted).
. "$CLI_DIR/lib.sh"

ingest --db fresh "$CORPUS/sample"
W="--no-roots --roots $ROOT --verbose"

# "checked answered new" from the --verbose line.
counts() {
	sed -n 's/^certsift: [a-z]*: signatures: \([0-9]*\) checked, \([0-9]*\) answered by the store.s verdicts, \([0-9]*\) new verdicts$/\1 \2 \3/p' _err
}

cp -r fresh probe
run "$CS" missing --db probe $W
assert_status 0 "missing"
set -- $(counts)
[ $# = 3 ] || die "no --verbose line: $(<_err)"
n=$1
[ "$n" -gt 10 ] || fail "the sample's walk checks only $n signatures"
assert_eq "$n 0 $n" "$*" "first run: every pair checked"

i=0
for q in "missing" "missing --json" "missing --csv" "causes" "causes --json" \
    "trend --by cause" "trend --by outcome --csv" "report -o -"; do
	i=$((i + 1))
	rm -rf s$i && cp -r fresh s$i
	run "$CS" $q --db s$i $W
	assert_status 0 "$q, first run"
	assert_eq "$n 0 $n" "$(counts)" "$q, first run"
	mv _out first.$i
	run "$CS" $q --db s$i $W
	assert_status 0 "$q, second run"
	assert_eq "0 $n 0" "$(counts)" "$q, second run: nothing checked"
	assert_file_eq first.$i _out "$q: the second run's output"
done
assert_eq "$n" "$(/usr/bin/python3 "$CLI_DIR/storefault.py" count s1 verdict)" \
    "verdicts kept"
run "$CS" verify --db s1
assert_status 0 "verify of a store with verdicts"

# Without write permission (even for root: the mode bits), nothing is kept.
cp -r fresh ro
chmod -R a-w ro
trap 'rc=$?; chmod -R u+w ro; [ "$_cs_failed" = 0 ] || rc=1; exit $rc' EXIT
sum=$(cat ro/data.mdb | md5sum)
for k in 1 2; do
	run "$CS" missing --db ro $W
	assert_status 0 "missing on a read-only store, run $k"
	assert_file_eq first.1 _out "missing on a read-only store, run $k"
	assert_eq "$n 0 $n" "$(counts)" "a read-only store keeps nothing, run $k"
done
assert_eq "$sum" "$(cat ro/data.mdb | md5sum)" "read-only data.mdb"
assert_eq "data.mdb ingest.lock lock.mdb" "$(ls ro | tr '\n' ' ' | sed 's/ $//')" \
    "read-only store's files"

# An ingest (here: flock) holds the lock: the walk does not wait for it,
# answers the same and keeps nothing; once it is free, the next run keeps.
cp -r fresh busy
flock -o busy/ingest.lock sh -c 'touch held; while [ ! -e release ]; do
    sleep 0.05; done' &
holder=$!
for k in $(seq 1 200); do [ -e held ] && break; sleep 0.05; done
[ -e held ] || die "flock did not take the lock"
sum=$(cat busy/data.mdb | md5sum)
run timeout 60 "$CS" causes --db busy $W
assert_status 0 "causes while the store's lock is held"
assert_file_eq first.4 _out "causes while the store's lock is held"
assert_eq "$n 0 $n" "$(counts)" "causes while the lock is held"
assert_eq "$sum" "$(cat busy/data.mdb | md5sum)" "data.mdb while the lock is held"
touch release
wait $holder
run "$CS" causes --db busy $W
assert_eq "$n 0 $n" "$(counts)" "causes after the lock is free"
run "$CS" causes --db busy $W
assert_eq "0 $n 0" "$(counts)" "causes once the verdicts are kept"

# A malformed record: a key of another length, a value that is not 0 or 1.
# The walk ignores both (that pair is checked again and its verdict
# written right); verify names them.
cp -r s1 bad
set -- $(/usr/bin/python3 "$CLI_DIR/storefault.py" get bad verdict 3)
key=$1 val=$2
/usr/bin/python3 "$CLI_DIR/storefault.py" put bad verdict "$key" 07
/usr/bin/python3 "$CLI_DIR/storefault.py" put bad verdict 0011223344 01
run "$CS" verify --db bad
assert_status 1 "verify of malformed verdicts"
assert_eq 2 "$(grep -c 'signature verdict record is malformed' _out)" \
    "verify names both malformed verdicts"
run "$CS" missing --db bad $W
assert_status 0 "missing with malformed verdicts"
assert_file_eq first.1 _out "missing with malformed verdicts"
assert_eq "1 $((n - 1)) 1" "$(counts)" "the malformed verdict checked again"
assert_eq "$key $val" \
    "$(/usr/bin/python3 "$CLI_DIR/storefault.py" get bad verdict 4)" \
    "the malformed verdict written right (the short key sorts first)"
run "$CS" verify --db bad
assert_eq 1 "$(grep -c 'signature verdict record is malformed' _out)" \
    "verify: the short key is left"

# A forged verdict (every pair said not to verify) is believed: the chains
# find no issuer, and nothing fails.
cp -r s1 forged
mdb_dump -s verdict forged | grep -v '^db_pagesize' |
    awk '/^ / && n++ % 2 == 1 { print " 00"; next } { print }' >forged.txt
mdb_load -s verdict -f forged.txt forged || die "cannot forge the verdicts"
run "$CS" missing --db forged $W
assert_status 0 "missing with forged verdicts"
assert_eq "0 $n 0" "$(counts)" "forged verdicts are answers"
grep -q '^complete ' _out && fail "forged verdicts: a chain still complete"
run "$CS" verify --db forged
assert_status 0 "verify cannot tell a forged verdict"
