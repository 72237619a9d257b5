# Gzip is recognised by magic bytes, not by the file name.
. "$CLI_DIR/lib.sh"

{
	report a.example $T_OCT1 -8179 "$LEAF" "$INT"
	report b.example $T_OCT2 -8179 "$CIO" "$RAPID"
	report c.example $T_OCT3 -8179 "$LEAF"
} >r.jsonl
gzip -c r.jsonl >reports.json            # gzip without .gz
cp r.jsonl plain.gz                       # plain text named .gz
jq -s . r.jsonl | gzip -c >array.dat      # gzipped JSON array
gzip -c r.jsonl >in.jsonl.gz

for f in reports.json plain.gz array.dat in.jsonl.gz; do
	ingest --db "db.$f" "$f"
	expect_json sum.json files=1 reports_read=3 reports_accepted=3 \
	    reports_malformed=0 certs_seen=5 certs_invalid=0 certs_new=4
done

