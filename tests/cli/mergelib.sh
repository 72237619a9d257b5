# Helpers for the merge tests (sourced after lib.sh): every answer of a
# store, to compare two stores byte for byte.

# dump_all DB DIR: stats (less seconds), export in every format, top,
# missing, and show and hosts of every certificate, as files in DIR.
dump_all() {
	local db=$1 d=$2 f w
	rm -rf "$d"
	mkdir -p "$d/der" "$d/chains"
	"$CS" stats --db "$db" --json | jq -c 'del(.seconds)' >"$d/stats" ||
	    fail "stats $db"
	for f in jsonl csv pem; do
		"$CS" export --db "$db" --format $f >"$d/export.$f" ||
		    fail "export $f $db"
	done
	"$CS" export --db "$db" --format der --dir "$d/der" >/dev/null ||
	    fail "export der $db"
	"$CS" export --db "$db" --format chains --dir "$d/chains" \
	    >/dev/null 2>&1 || fail "export chains $db"
	for w in issuers certs hosts errors; do
		"$CS" top --db "$db" --json -n 0 $w >"$d/top.$w" ||
		    fail "top $w $db"
		"$CS" top --db "$db" --csv -n 5 --leaf $w >"$d/top-leaf.$w" ||
		    fail "top --leaf $w $db"
	done
	"$CS" top --db "$db" --json -n 0 --error -8179 issuers \
	    >"$d/top-err.issuers" || fail "top --error $db"
	"$CS" missing --db "$db" --json >"$d/missing" 2>&1 ||
	    fail "missing $db"
	jq -r .sha256 "$d/export.jsonl" | while read -r c; do
		"$CS" show --db "$db" --json "$c" || fail "show $c $db"
		"$CS" hosts --db "$db" --json -n 0 "$c" || fail "hosts $c $db"
	done >"$d/show"
}

# same_answers DIR1 DIR2 WHAT
same_answers() {
	if ! diff -r "$1" "$2" >_diff; then
		fail "$3: answers differ"
		head -20 _diff >&2
	fi
}
