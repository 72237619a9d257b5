# top -n K picks its K rows without sorting the others: they must be the
# first K rows of the whole ranking (-n 0), ties and all, for every
# ranking, order and K, with and without a selection.
. "$CLI_DIR/lib.sh"

# The rows of a --json array, as certsift wrote them (an object a line),
# one a line: the brackets and the commas between rows off. (Not jq: it
# would write the same JSON its own way, and takes ~27 ms to start.)
json_rows() {
	sed -e '1d' -e '$d' -e 's/,$//' _out
}

ingest --db db "$CORPUS/sample"
for sel in "" "--error -8179" "--since 2026-10-05 --until 2026-10-20"; do
	for what in "issuers reports" "issuers certs" "issuers hosts" \
	    "certs count" "certs leaf_count" "certs hosts" "hosts reports" \
	    "hosts certs" "errors reports" "errors certs"; do
		set -- $what
		# one code selects one row of errors
		[ "$1 $sel" = "errors --error -8179" ] && continue
		ok "$CS" top $1 --by $2 -n 0 --json --db db $sel
		jq -e 'type == "array"' _out >/dev/null ||
		    fail "top $1 --by $2 $sel: not a JSON array"
		json_rows >all
		rows=$(wc -l <all)
		[ "$rows" -gt 3 ] || fail "top $1 $sel: only $rows rows"
		for k in 1 2 3 7 $((rows - 1)) $rows $((rows + 5)); do
			ok "$CS" top $1 --by $2 -n $k --json --db db $sel
			json_rows >some
			head -n $k all >want
			assert_file_eq want some "top $1 --by $2 -n $k $sel"
		done
	done
done
exit 0
