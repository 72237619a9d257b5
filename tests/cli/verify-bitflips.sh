# Bit flips in the values of certificate records (the DER, the summary, the
# counters, both indexes, the links, the top hostnames, the chains' rows),
# made through LMDB so that its page structure stays sound: verify finds
# every one (exit 1, a problem line), and no command dies by a signal.
. "$CLI_DIR/lib.sh"

ingest --db s "$CORPUS/sample"
run "$CS" verify --db s
assert_status 0 "verify before"
seed=${FLIP_SEED:-$RANDOM}
echo "seed $seed" >&2
i=0
for t in der der der summ summ cert cert cert cert sha deridx certhost \
    certhost tophost tophost chainhost chainhost; do
	i=$((i + 1))
	rm -rf f
	cp -r s f
	key=$(/usr/bin/python3 "$CLI_DIR/storefault.py" flip f "$t" \
	    $((seed * 31 + i * 7)) $((seed + i)) 2>flip.err) ||
	    die "cannot flip a bit in $t: $(<flip.err)"
	run "$CS" verify --db f
	if [ "$status" != 1 ]; then
		fail "flip $i in '$t' (record $key, seed $seed): verify exit $status"
	elif ! grep -q '^problem: ' _out; then
		fail "flip $i in '$t': no problem listed"
	fi
	for c in "stats" "top certs" "top issuers" "top hosts" \
	    "export --format jsonl" "missing --no-roots"; do
		run "$CS" $c --db f
		[ "$status" -le 1 ] ||
		    fail "flip $i in '$t': '$c' exit $status (a signal)"
	done
done
