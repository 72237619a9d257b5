# A store that lost one certificate's record (its counters, its summary or
# its DER) while the others are whole: the commands that read every
# certificate's summary or DER beside the others (missing, causes, trend
# --by cause, report) exit 1 and say so, never by a signal, and never
# answer as if the certificate were not there. The passes that read only
# the summaries or only the DER count each table's entries against the
# counters' (store.c, cs_store_foreach_cert()).
. "$CLI_DIR/lib.sh"

SF="/usr/bin/python3 $CLI_DIR/storefault.py"
ingest --db s "$CORPUS/sample"
n=$($SF count s cert)
assert_eq "$n" "$($SF count s summ)" "summaries as many as certificates"
assert_eq "$n" "$($SF count s der)" "DER as many as certificates"
run "$CS" causes --db s --no-roots
assert_status 0 "causes of the whole store"

for t in cert summ der; do
	for i in 0 5 $((n - 1)); do
		rm -rf f
		cp -r s f
		$SF drop f "$t" "$i" || die "cannot drop $t $i"
		assert_eq $((n - 1)) "$($SF count f "$t")" "$t $i dropped"
		for c in "missing --no-roots" "causes --no-roots" \
		    "trend --by cause --no-roots" \
		    "report --no-roots -o f.html"; do
			run "$CS" $c --db f
			assert_status 1 "'$c' without $t record $i"
			assert_match "^certsift: .*certificate without its summary or DER" \
			    "$(<_err)" "'$c' without $t record $i: message"
		done
	done
done
