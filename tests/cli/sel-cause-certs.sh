# --cause on the sample corpus: top certs --cause interception gives the
# certificates of the chains causes lists for it, each with those chains'
# reports; export --cause interception --ca --format pem every
# interception CA; name-mismatch's hostnames are exactly those of top
# hosts; --error and a period intersect; unknown names are usage errors
# listing the valid ones. Walks use the system's roots.
. "$CLI_DIR/lib.sh"

. "$CLI_DIR/causelib.sh"

# top certs --cause interception: the certificates of the chains causes
# lists for it, each counted over those chains' reports.
ok "$CS" causes $R --json -n 0 --examples 1000 --cause interception
j '[.[] | select(.cause == "interception") | .examples[]] | unique | .[]' >ids
[ -s ids ] || fail "no interception chain in the sample"
ok "$CS" export $R --format chains --dir ch
: >want.tsv
while read -r id; do
	n=$(sed -n 's/^# reports: //p' "ch/$id.pem")
	sed -n 's/^# \[[0-9]*\] sha256: //p' "ch/$id.pem" | sort -u |
	    sed "s/\$/	$n/" >>want.tsv
done <ids
sort want.tsv | awk -F'\t' '{s[$1] += $2} END {for (k in s) print k "\t" s[k]}' |
    sort >want.sum
ok "$CS" top certs $R -n 0 --json --cause interception
j '.[] | "\(.sha256)\t\(.count)"' | sort >got.sum
assert_file_eq want.sum got.sum "top certs --cause interception: those chains' certificates"

# The example: every interception root or CA as PEM.
ok "$CS" export $R --cause interception --ca --format pem
grep '^# subject: ' _out | sort >cas
assert_match "avast! Web/Mail Shield Root" "$(<cas)" "the Avast root"
assert_match "FortiGate CA" "$(<cas)" "the FortiGate CA"
assert_eq "$(grep -c BEGIN _out)" "$(jq -s 'map(select(.is_ca)) | length' <(
    "$CS" export $R --cause interception --format jsonl))" "only CAs"

# Per report: name-mismatch's hostnames are exactly those of its rows.
ok "$CS" causes $R --json -n 0 --cause name-mismatch
h=$(j 'map(select(.cause == "name-mismatch") | .hosts) | add')
n=$(j 'map(select(.cause == "name-mismatch") | .reports) | add')
ok "$CS" top hosts $R --json -n 0 --cause name-mismatch
assert_eq "$h" "$(j length)" "top hosts --cause name-mismatch: its hostnames"
assert_eq "$n" "$(j 'map(.reports) | add')" "and its reports"

# With --error and a period: the intersection.
assert_eq "$(rows expired --error SEC_ERROR_EXPIRED_CERTIFICATE)" \
    "$(total --cause expired --error SEC_ERROR_EXPIRED_CERTIFICATE)" \
    "--cause expired --error -8181"
P="--since 2026-10-02 --until 2026-10-04"
assert_eq "$(rows interception $P)" "$(total --cause interception $P)" \
    "--cause interception with a period"

# Unknown names: a usage error in certsift's words, with the valid ones.
for cmd in "top certs" "export --format pem" missing causes trend \
    "report -o r.html"; do
	run "$CS" $cmd --db s --cause Interception
	assert_status 2 "$cmd --cause Interception"
	assert_eq "certsift: ${cmd%% *}: unknown cause 'Interception' (one of interception, captive-portal, missing-intermediate, untrusted-root, unknown-issuer, self-signed-leaf, expired, not-yet-valid, name-mismatch, weak-signature, weak-key, not-a-ca, other)" \
	    "$(head -n 1 _err)" "$cmd: says which names exist"
done
[ -e r.html ] && fail "report wrote a page after a usage error"
exit 0
