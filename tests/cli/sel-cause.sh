# --cause NAME (repeatable: a union) selects the reports whose diagnoses
# include NAME, on the sample corpus: causes shows the selected cause on
# all its reports, and top, missing and trend count the same reports, for
# a chain-wide cause and a per-report one; several are a union.
# (sel-cause-certs.sh: the certificates, hostnames, unknown names.) Walks
# use the system's roots (top and export take no --roots).
. "$CLI_DIR/lib.sh"

. "$CLI_DIR/causelib.sh"

all=$(total)
# A chain-wide cause and a per-report one.
for c in interception expired; do
	want=$(rows "$c")
	[ "$want" -gt 0 ] || continue
	assert_eq "$want" "$(total --cause "$c")" "--cause $c: its reports"
	assert_eq "$want" "$(rows "$c" --cause "$c")" "--cause $c: 100% of them"
	ok "$CS" top issuers $R -n 0 --json --cause "$c"
	assert_eq "$want" "$(j 'map(.reports) | add')" "top issuers --cause $c"
	ok "$CS" trend $R --json --cause "$c"
	coded=$(j 'map(select(.code != null) | .reports) | add // 0')
	ok "$CS" top errors $R --json --cause "$c"
	assert_eq "$coded" "$(j 'map(.reports) | add // 0')" \
	    "top errors --cause $c: its reports with a code"
	ok "$CS" missing $R --json -n 0 --cause "$c"
	assert_eq "$want" "$(j 'map(.reports) | add')" "missing --cause $c"
	ok "$CS" trend $R --json --cause "$c"
	assert_eq "$want" "$(j 'map(.reports) | add')" "trend --cause $c"
done
assert_eq "$all" "$(total)" "without --cause: every report"

# A union: I + E - (the expired among interception's).
i=$(rows interception)
e=$(rows expired)
ie=$(rows expired --cause interception)
assert_eq "$((i + e - ie))" "$(total --cause interception --cause expired)" \
    "--cause interception --cause expired: the union"
assert_eq "$e" "$(rows expired --cause interception --cause expired)" \
    "the union keeps every expired report"

exit 0
