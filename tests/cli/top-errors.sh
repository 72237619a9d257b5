# top errors: reports and distinct certificates per error code, names from
# the NSS table (null when unknown), ties by code ascending.
. "$CLI_DIR/lib.sh"

{
	report a.example $T_OCT1 -8179 "$LEAF" "$INT"
	report b.example $T_OCT1 -8179 "$LEAF"
	report c.example $T_OCT1 -12276 "$LEAF2"
	report d.example $T_OCT2 -8181 "$CIO" "$RAPID"
	report e.example $T_OCT2 -8181 "$CIO"
	report f.example $T_OCT2 -8179 raw:bm90IGEgY2VydGlmaWNhdGU=
	report g.example $T_OCT3 - "$LEAF"
	report h.example $T_OCT3 -16384 "$AVLEAF" "$AVROOT"
	report h.example $T_OCT3 -16384 "$AVLEAF"
	report i.example $T_OCT3 12345 "$LEAF2"
} >r.jsonl
ingest --db db r.jsonl
expect_json sum.json reports_accepted=10

rows() {
	jc 'map([.code, .name, .reports, .certs])'
}

# -8179: reports 1, 2, 6 (6 has no valid certificate); LEAF and INT
ok "$CS" top --db db --json errors
assert_eq '[[-8179,"SEC_ERROR_UNKNOWN_ISSUER",3,2],[-16384,"MOZILLA_PKIX_ERROR_KEY_PINNING_FAILURE",2,2],[-8181,"SEC_ERROR_EXPIRED_CERTIFICATE",2,2],[-12276,"SSL_ERROR_BAD_CERT_DOMAIN",1,1],[12345,null,1,1]]' \
    "$(rows)" "errors"
assert_eq '["code","name","reports","certs"]' "$(jc '.[0] | keys_unsorted')" \
    "keys"
ok "$CS" top --db db --json --by certs errors
assert_eq '[-16384,-8181,-8179,-12276,12345]' "$(jc 'map(.code)')" "--by certs"
ok "$CS" top --db db --json -n 2 errors
assert_eq '[-8179,-16384]' "$(jc 'map(.code)')" "-n 2"

ok "$CS" top --db db --json --error -8181 --error sec_error_unknown_issuer errors
assert_eq '[[-8179,"SEC_ERROR_UNKNOWN_ISSUER",3,2],[-8181,"SEC_ERROR_EXPIRED_CERTIFICATE",2,2]]' \
    "$(rows)" "--error"
# a certificate filter: reports whose leaf is selected
ok "$CS" top --db db --json --issuer rapidssl errors
assert_eq '[[-8181,"SEC_ERROR_EXPIRED_CERTIFICATE",2,2]]' "$(rows)" "--issuer"
ok "$CS" top --db db --json --subject PORTAL.example errors
assert_eq '[[-8179,"SEC_ERROR_UNKNOWN_ISSUER",2,2]]' "$(rows)" "--subject"
ok "$CS" top --db db --json --ca errors
assert_eq '[]' "$(rows)" "--ca"

ok "$CS" top --db db --csv errors
assert_eq 'code,name,reports,certs|-8179,SEC_ERROR_UNKNOWN_ISSUER,3,2|-16384,MOZILLA_PKIX_ERROR_KEY_PINNING_FAILURE,2,2|-8181,SEC_ERROR_EXPIRED_CERTIFICATE,2,2|-12276,SSL_ERROR_BAD_CERT_DOMAIN,1,1|12345,,1,1' \
    "$(tr -d '\r' <_out | tr '\n' '|' | sed 's/|$//')" "csv"

"$CS" top --db db errors
