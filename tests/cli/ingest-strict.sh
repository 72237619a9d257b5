# --strict: exit 1 at the first malformed report or invalid cert, naming file
# and line; what was committed stays consistent; a later run resumes.
. "$CLI_DIR/lib.sh"

{
	for i in 1 2 3 4 5; do report "h$i.example" $((T_OCT1 + i)) -8179 "$LEAF" "$INT"; done
	echo '{"hostname": "broken.example", "failedCertChain": ['      # line 6
	for i in 7 8 9 10; do report "h$i.example" $((T_OCT1 + i)) -8172 "$LEAF"; done
} >s.jsonl
{
	report x1.example $T_OCT2 -8179 "$CIO"
	report x2.example $T_OCT2 -8179 "$CIO" raw:QUJD                # line 2
	report x3.example $T_OCT2 -8179 "$RAPID"
} >t.jsonl

# reference: a plain run
ingest --db ref s.jsonl t.jsonl
expect_json sum.json reports_read=13 reports_accepted=12 reports_malformed=1 certs_invalid=1
export_jsonl --db ref
mv exp.jsonl ref.jsonl
stats --db ref
mv stats.json ref-stats.json

run "$CS" ingest --db db --strict --commit-every 2 s.jsonl t.jsonl
assert_status 1 "strict on s.jsonl"
assert_stderr_prefixed "strict"
grep -Eq 's\.jsonl(:| line |, line )6([^0-9]|$)|s\.jsonl.*line 6([^0-9]|$)' _err || \
    fail "stderr does not name s.jsonl line 6: $(<_err)"
stats --db db
r=$(j .reports_accepted stats.json)
[ "$r" -le 5 ] || fail "strict run accepted $r reports before line 6"
export_jsonl --db db
c=$(figures $(sha "$LEAF") | cut -d' ' -f1)
assert_eq "${c:-0}" "$r" "leaf count equals accepted reports after --strict"

# t.jsonl alone: stops at line 2
run "$CS" ingest --db db-t --strict t.jsonl
assert_status 1 "strict on t.jsonl"
grep -Eq 't\.jsonl(:| line |, line )2([^0-9]|$)|t\.jsonl.*line 2([^0-9]|$)' _err || \
    fail "stderr does not name t.jsonl line 2: $(<_err)"

# a later run without --strict resumes and ends as the plain run did
ingest --db db s.jsonl t.jsonl
export_jsonl --db db
assert_file_eq ref.jsonl exp.jsonl "export after resume"
stats --db db
assert_eq "$(jq -c '{files_ingested, unique_certs, unique_chains, unique_hosts}' ref-stats.json)" \
    "$(jq -c '{files_ingested, unique_certs, unique_chains, unique_hosts}' stats.json)" "stats after resume"

# a strict run on clean input succeeds
head -n 5 s.jsonl >clean.jsonl
ingest --db db-clean --strict clean.jsonl
expect_json sum.json reports_accepted=5 reports_malformed=0
