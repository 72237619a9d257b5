# Helpers for the merge tests (sourced after lib.sh): every answer of a
# store, to compare two stores byte for byte.

# dump_all DB DIR: stats (less seconds), export in every format, top,
# missing, causes (with the validity counts), and show and hosts of every certificate, as files in DIR.
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
	for w in issuers certs hosts; do
		"$CS" top --db "$db" --json -n 0 --error -8179 $w \
		    >"$d/top-err.$w" || fail "top --error $w $db"
	done
	"$CS" export --db "$db" --format jsonl --error -8179 \
	    --error -12276 >"$d/export-err.jsonl" || fail "export --error $db"
	"$CS" missing --db "$db" --json >"$d/missing" 2>&1 ||
	    fail "missing $db"
	"$CS" trend --db "$db" --json >"$d/trend" 2>&1 || fail "trend $db"
	for w in error issuer cause; do
		"$CS" trend --db "$db" --json --by $w >"$d/trend.$w" 2>&1 ||
		    fail "trend --by $w $db"
	done
	"$CS" trend --db "$db" --json --leaf --error -8179 \
	    >"$d/trend-sel" 2>&1 || fail "trend --leaf $db"
	"$CS" causes --db "$db" --json -n 0 --examples 5 >"$d/causes" 2>&1 ||
	    fail "causes $db"
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

# gen_corpus DIR: many small files cut from the sample's reports, their
# hostnames spread over many names with skewed counts (more than ten per
# certificate: the kept top ten must be recomputed, not summed).
gen_corpus() {
	mkdir -p "$1"
	cat "$CORPUS"/sample/*.jsonl | awk '
		{ n++; h = (n * n) % 53 % (n % 7 + 2)
		  sub(/"hostname":"/, "&h" h ".") ; print }' |
	    split -l 15 -d -a 3 --additional-suffix=.jsonl - "$1/part-"
}

# merge_randomly CS TAG STORE...: merges the stores in a random grouping (some
# merges into a store that exists) until one is left; prints its name.
merge_randomly() {
	local cs=$1 tag=$2 n=0 k i pick out
	shift 2
	local left=("$@")
	while [ ${#left[@]} -gt 1 ]; do
		k=$(( 2 + RANDOM % ${#left[@]} ))
		[ $k -gt ${#left[@]} ] && k=${#left[@]}
		# Shuffle, then take the first k.
		for ((i = ${#left[@]} - 1; i > 0; i--)); do
			pick=$(( RANDOM % (i + 1) ))
			out=${left[i]}; left[i]=${left[pick]}; left[pick]=$out
		done
		n=$((n + 1))
		if [ $((RANDOM % 2)) = 0 ]; then
			out=g.$tag.$n
			"$cs" merge --db "$out" "${left[@]:0:k}" >/dev/null ||
			    echo "FAIL: merge into $out" >&2
			left=("$out" "${left[@]:k}")
		else
			out=${left[0]}
			"$cs" merge --db "$out" "${left[@]:1:k-1}" >/dev/null ||
			    echo "FAIL: merge into $out" >&2
			left=("$out" "${left[@]:k}")
		fi
	done
	echo "${left[0]}"
}

# dump_some DB DIR: the answers that change with every part of a merge
# (cheaper than dump_all, for many trials).
dump_some() {
	local db=$1 d=$2 w
	rm -rf "$d"
	mkdir -p "$d"
	"$CS" stats --db "$db" --json | jq -c 'del(.seconds)' >"$d/stats" ||
	    fail "stats $db"
	"$CS" export --db "$db" --format jsonl >"$d/export.jsonl" ||
	    fail "export $db"
	for w in issuers certs hosts errors; do
		"$CS" top --db "$db" --json -n 0 $w >"$d/top.$w" ||
		    fail "top $w $db"
	done
	jq -r .sha256 "$d/export.jsonl" | head -n 8 | while read -r c; do
		"$CS" show --db "$db" --json "$c" || fail "show $c $db"
	done >"$d/show"
}

# three_stores: stores base, s1, s2 of a generated corpus cut in three (s1
# with the sample too), all of one ingest of everything, and its answers
# (dump_some) in want.
three_stores() {
	local files n
	gen_corpus gen
	files=(gen/*)
	n=${#files[@]}
	"$CS" ingest --db base "${files[@]:0:n/4}" >/dev/null 2>&1 ||
	    die "ingest"
	"$CS" ingest --db s1 "${files[@]:n/4:n/4}" "$CORPUS/sample" \
	    >/dev/null 2>&1 || die "ingest s1"
	"$CS" ingest --db s2 "${files[@]:n/2}" >/dev/null 2>&1 ||
	    die "ingest s2"
	"$CS" ingest --db all "${files[@]}" "$CORPUS/sample" >/dev/null 2>&1 ||
	    die "ingest all"
	dump_some all want
}
