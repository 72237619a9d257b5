# Telemetry form: fields under "meta"; flat and meta reports are equivalent.
. "$CLI_DIR/lib.sh"

report a.example $T_OCT1 -8179 "$LEAF" "$INT" >r1
report B.Example. $T_OCT2 -8172 "$LEAF" >r2
cat r1 r2 >flat.jsonl
jq -c '{type: "tls-error-report", id: "x", meta: .}' r1 r2 >meta.jsonl
ingest --db flat flat.jsonl
ingest --db meta meta.jsonl
expect_json sum.json reports_read=2 reports_accepted=2 reports_malformed=0 \
    certs_seen=3 certs_new=2
export_jsonl --db flat
mv exp.jsonl flat.exp
export_jsonl --db meta
assert_file_eq flat.exp exp.jsonl "meta vs flat export"
assert_eq "2 2 2 $T_OCT1 $T_OCT2 {\"-8172\":1,\"-8179\":1}" \
    "$(figures $(sha "$LEAF"))" "leaf via meta"

# with a meta object the fields come from it, not from the top level
jq -c '{hostname: "top.example", timestamp: 5, errorCode: -1,
    failedCertChain: [], meta: .}' r1 >both.jsonl
ingest --db both both.jsonl
expect_json sum.json reports_accepted=1 certs_seen=2
export_jsonl --db both
assert_eq "1 1 1 $T_OCT1 $T_OCT1 {\"-8179\":1}" "$(figures $(sha "$LEAF"))" "meta wins"

# meta without failedCertChain is malformed, even if the top level has one
jq -c '{meta: {hostname: "m.example"}, failedCertChain: .failedCertChain}' r1 >nochain.jsonl
ingest --db nochain nochain.jsonl
expect_json sum.json reports_read=1 reports_accepted=0 reports_malformed=1 certs_seen=0

# meta that is not an object: fields come from the top level
jq -c '. + {meta: "not an object"}' r1 >strmeta.jsonl
ingest --db strmeta strmeta.jsonl
expect_json sum.json reports_read=1 reports_accepted=1 certs_seen=2
