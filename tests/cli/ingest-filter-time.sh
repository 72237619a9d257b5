# --since (inclusive) / --until (exclusive) in every time format.
. "$CLI_DIR/lib.sh"

{
	report a.example $((T_OCT1 - 1)) -8179 "$LEAF"      # 2026-09-30T23:59:59Z
	report b.example $T_OCT1 -8179 "$INT"               # 2026-10-01T00:00:00Z
	report c.example $((T_OCT2 + 3600)) -8179 "$ROOT"   # 2026-10-02T01:00:00Z
	report d.example $T_OCT3 -8179 "$CIO"               # 2026-10-03T00:00:00Z
	report e.example $((T_OCT4 + 100)) -8179 "$AVLEAF"
	report f.example - -8179 "$AVROOT"                  # no timestamp
} >r.jsonl
sorted() { for f in "$@"; do sha "$f"; done | sort | tr '\n' ' '; }
n=0
check() {	# accepted "certs" args...
	local acc=$1 want=$2
	shift 2
	n=$((n + 1))
	ingest --db "db$n" "$@" r.jsonl
	expect_json sum.json reports_read=6 reports_accepted=$acc \
	    reports_filtered=$((6 - acc)) reports_malformed=0
	export_jsonl --db "db$n"
	assert_eq "$want" "$(jq -r .sha256 exp.jsonl | sort | tr '\n' ' ')" "kept with $*"
}

BC=$(sorted "$INT" "$ROOT")
for since in 2026-10-01 20261001 2026-10-01T00:00:00Z 2026-10-01T00:00:00 \
    2026-10-01T02:00:00+02:00 $T_OCT1; do
	check 2 "$BC" --since "$since" --until 2026-10-03
done
for until in 20261003 2026-10-03T00:00:00Z 2026-10-03T00:00:00 \
    2026-10-02T20:00:00-04:00 $T_OCT3; do
	check 2 "$BC" --since 2026-10-01 --until "$until"
done
check 1 "$(sorted "$LEAF")" --until 2026-10-01
check 2 "$(sorted "$CIO" "$AVLEAF")" --since 2026-10-03
check 0 "" --since 2026-10-02T00:00:00Z --until 2026-10-02T00:59:59Z
check 1 "$(sorted "$ROOT")" --since 2026-10-02T01:00:00Z --until 2026-10-02T01:00:01Z
check 5 "$(sorted "$LEAF" "$INT" "$ROOT" "$CIO" "$AVLEAF")" --since 0
