# A second ingest into a store in use fails (exit 1, "in use"); stats and
# export work meanwhile; the store is intact afterwards.
. "$CLI_DIR/lib.sh"

for i in $(seq 1 200); do
	report "h$i.example" $((T_OCT1 + i)) -8179 "$LEAF" "$INT"
done >r.jsonl
report other.example $T_OCT2 -8179 "$CIO" >other.jsonl

# the first ingest reads stdin from a FIFO that this test holds open
mkfifo fifo
"$CS" ingest --json --db db --commit-every 10 - <fifo >bg.out 2>bg.err &
bg=$!
exec 3>fifo
cat r.jsonl >&3
seen=0
end=$(( $(date +%s) + 20 ))
while [ "$(date +%s)" -lt $end ]; do
	# the store exists and can be queried: the first ingest has it open
	if "$CS" stats --db db --json >st.json 2>/dev/null; then
		seen=1
		break
	fi
	kill -0 $bg 2>/dev/null || break
	sleep 0.1
done
[ $seen = 1 ] || fail "stats never worked while the first ingest ran"
kill -0 $bg 2>/dev/null || fail "the first ingest ended early: $(<bg.err)"

run "$CS" ingest --db db other.jsonl
assert_status 1 "second ingest"
assert_stderr_prefixed "second ingest"
grep -q 'in use' _err || fail "second ingest: no 'in use' in: $(<_err)"
run "$CS" ingest --db db - <other.jsonl
assert_status 1 "second ingest from stdin"

# queries work meanwhile and see a consistent state (with --commit-every 10,
# some multiple of 10 reports, all with both certs)
stats --db db
acc=$(j .reports_accepted stats.json)
assert_eq 0 "$((acc % 10))" "reports committed in steps of 10 ($acc)"
export_jsonl --db db
assert_eq "$(j .unique_certs stats.json)" "$(wc -l <exp.jsonl)" "export while ingest runs"
if [ "$acc" -gt 0 ]; then
	assert_eq "$acc $acc $acc" "$(figures $(sha "$LEAF") | cut -d' ' -f1-3)" "leaf while ingest runs"
	run "$CS" show --db db "$(sha "$LEAF")" --json
	assert_status 0 "show while ingest runs"
fi
run "$CS" stats --db db
assert_status 0 "human stats while ingest runs"

exec 3>&-
wait $bg
assert_eq 0 $? "first ingest exit"
expect_json bg.out reports_read=200 reports_accepted=200 certs_new=2

stats --db db
expect_json stats.json reports_accepted=200 unique_certs=2 unique_hosts=200
ingest --db db other.jsonl
expect_json sum.json reports_accepted=1 certs_new=1
