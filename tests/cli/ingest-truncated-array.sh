# A JSON array cut short keeps its complete elements, on one line or many;
# the cut element is one malformed report.
. "$CLI_DIR/lib.sh"

r1=$(report a.example $T_OCT1 -8179 "$LEAF")
r2=$(report b.example $T_OCT2 -8179 "$LEAF" "$INT")
printf '[%s,%s' "$r1" "$r2" | head -c -40 >one-line.json
printf '[\n%s,\n%s' "$r1" "$r2" | head -c -40 >lines.json
printf '[%s,' "$r1" >after-comma.json

ingest --db d1 one-line.json
expect_json sum.json reports_read=2 reports_accepted=1 reports_malformed=1 certs_seen=1
ingest --db d2 lines.json
expect_json sum.json reports_read=2 reports_accepted=1 reports_malformed=1 certs_seen=1
ingest --db d3 after-comma.json
expect_json sum.json reports_read=1 reports_accepted=1 reports_malformed=0 certs_seen=1
