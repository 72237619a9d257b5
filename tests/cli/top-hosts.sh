# top hosts: reports and distinct valid certificates per hostname; ties by
# hostname; --by; the selection; --min-host-reports.
. "$CLI_DIR/lib.sh"

{
	report a.example $T_OCT1 -8179 "$LEAF" "$INT"
	report a.example $T_OCT1 -8179 "$LEAF"
	report b.example $T_OCT2 -8179 "$LEAF2"
	report b.example $T_OCT2 -12276 "$CIO" "$RAPID"
	report c.example $T_OCT2 -8179 raw:bm90IGEgY2VydGlmaWNhdGU=
	report - $T_OCT3 -8179 "$LEAF"
	report d.example $T_OCT3 - "$LEAF"
} >r.jsonl
ingest --db db r.jsonl
expect_json sum.json reports_accepted=7

rows() {
	jc 'map([.host, .reports, .certs])'
}

# a: 2 reports, LEAF and INT; b: 2 reports, LEAF2, CIO, RAPID; c: 1 report
# without a valid certificate; d: 1 report without a code.
ok "$CS" top --db db --json hosts
assert_eq '[["a.example",2,2],["b.example",2,3],["c.example",1,0],["d.example",1,1]]' \
    "$(rows)" "hosts"
assert_eq '["host","reports","certs"]' "$(jc '.[0] | keys_unsorted')" "keys"
ok "$CS" top --db db --json --by certs hosts
assert_eq '["b.example","a.example","d.example","c.example"]' \
    "$(jc 'map(.host)')" "--by certs"
ok "$CS" top --db db --json -n 1 hosts
assert_eq '[["a.example",2,2]]' "$(rows)" "-n 1"

# --error: every report with that code, those without a valid certificate
# too (c.example's); certs are the valid ones in them
ok "$CS" top --db db --json --error -8179 hosts
assert_eq '[["a.example",2,2],["b.example",1,1],["c.example",1,0]]' "$(rows)" "--error -8179"
ok "$CS" top --db db --json --error SSL_ERROR_BAD_CERT_DOMAIN hosts
assert_eq '[["b.example",1,2]]' "$(rows)" "--error -12276"
# a certificate filter: reports whose leaf is selected (LEAF's issuer)
ok "$CS" top --db db --json --issuer 'SAMPLE ISSUING CA 1' hosts
assert_eq '[["a.example",2,2],["d.example",1,1]]' "$(rows)" "--issuer"
# --host: hostnames matching the glob, any case
ok "$CS" top --db db --json --host 'B*' hosts
assert_eq '[["b.example",2,3]]' "$(rows)" "--host"

# privacy: hostnames seen in fewer than K reports are not listed
ok "$CS" top --db db --json --min-host-reports 2 hosts
assert_eq '[["a.example",2,2],["b.example",2,3]]' "$(rows)" \
    "--min-host-reports 2"
ok "$CS" top --db db --json --min-host-reports 3 hosts
assert_eq '[]' "$(rows)" "--min-host-reports 3"
# the threshold is on all of a hostname's reports, not the selected ones
ok "$CS" top --db db --json --min-host-reports 2 --error -12276 hosts
assert_eq '[["b.example",1,2]]' "$(rows)" "--min-host-reports with --error"

ok "$CS" top --db db --csv hosts
assert_eq 'host,reports,certs|a.example,2,2|b.example,2,3|c.example,1,0|d.example,1,1' \
    "$(tr -d '\r' <_out | tr '\n' '|' | sed 's/|$//')" "csv"

"$CS" top --db db hosts
"$CS" top --db db --by certs --min-host-reports 2 hosts
