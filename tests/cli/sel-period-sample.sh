# The sample corpus under a period against an ingest of only that period's
# reports: every report count is equal (top, export, missing, causes,
# trend), and every figure by hostname (from the hosts' days).
. "$CLI_DIR/lib.sh"

ingest --db all "$CORPUS/sample"
ingest --db win --since 2026-10-02 --until 2026-10-04 "$CORPUS/sample"
P="--since 2026-10-02 --until 2026-10-04"

# pair WHAT ARGS...: ./w (on win) and ./a (on all, in the period)
pair() {
	run "$CS" "$@" --db win
	assert_status 0 "$* on win"
	cp _out w
	run "$CS" "$@" --db all $P
	assert_status 0 "$* $P"
	cp _out a
}

pair top errors -n 0 --json
assert_file_eq w a "top errors"
pair trend --json --by issuer
assert_file_eq w a "trend --by issuer"

pair export --format jsonl
C='[.sha256, .count, .leaf_count, .errors]'
assert_eq "$(jq -c "$C" w)" "$(jq -c "$C" a)" "export: counts"
# Hosts: exact (the hosts' days), and nothing to say.
C='[.sha256, .hosts]'
assert_eq "$(jq -c "$C" w)" "$(jq -c "$C" a)" "export: hosts"
assert_eq "" "$(<_err)" "export: nothing to say"
# first_seen/last_seen: within the certificate's days in the period.
assert_eq "[]" "$(jq -c --arg lo "$T_OCT2" --arg hi "$T_OCT4" '
    select(.first_seen < ($lo | tonumber) or .last_seen >= ($hi | tonumber)
    or .first_seen > .last_seen) | .sha256' a | jq -s -c .)" \
    "first and last seen in the period"

pair missing --json --no-roots
C='map([.outcome, .issuer, .reports, .chains])'
assert_eq "$(jq -c "$C" w)" "$(jq -c "$C" a)" "missing: reports and chains"
pair causes --json --no-roots --examples 5
C='map([.cause, .detail, .reports, .chains, .hosts, .primary, .share, .examples])'
assert_eq "$(jq -c "$C" w)" "$(jq -c "$C" a)" "causes: every figure"
pair top issuers -n 0 --json
C='map([.issuer, .reports, .certs, .hosts])'
assert_eq "$(jq -c "$C" w)" "$(jq -c "$C" a)" "top issuers"
pair top hosts -n 0 --json
assert_file_eq w a "top hosts"

exit 0
