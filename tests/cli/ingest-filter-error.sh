# --error CODE: by number or by name, repeatable; malformed stay malformed.
. "$CLI_DIR/lib.sh"

{
	report a.example $T_OCT1 -8179 "$LEAF"
	report b.example $T_OCT1 -8172 "$INT"
	report c.example $T_OCT1 -8181 "$ROOT"
	report d.example $T_OCT1 -8179.0 "$CIO"
	report e.example $T_OCT1 - "$AVLEAF"
	report f.example $T_OCT1 -16384 "$AVROOT"
	echo '{"hostname": "broken.example", "failedCertChain": ['
} >r.jsonl

check() {	# db accepted "sha..." -- args
	local db=$1 acc=$2 want=$3
	shift 4
	ingest --db "$db" "$@" r.jsonl
	expect_json sum.json reports_read=7 reports_accepted=$acc \
	    reports_filtered=$((6 - acc)) reports_malformed=1
	export_jsonl --db "$db"
	assert_eq "$want" "$(jq -r .sha256 exp.jsonl | sort | tr '\n' ' ')" "certs kept with $*"
}
sorted() { for f in "$@"; do sha "$f"; done | sort | tr '\n' ' '; }

check n1 2 "$(sorted "$LEAF" "$CIO")" -- --error -8179
check n2 2 "$(sorted "$LEAF" "$CIO")" -- --error SEC_ERROR_UNKNOWN_ISSUER
check n3 2 "$(sorted "$INT" "$ROOT")" -- --error SEC_ERROR_UNTRUSTED_ISSUER --error -8181
check n4 3 "$(sorted "$INT" "$ROOT" "$AVROOT")" -- --error -8172 \
    --error SEC_ERROR_EXPIRED_CERTIFICATE --error MOZILLA_PKIX_ERROR_KEY_PINNING_FAILURE
check n5 0 "" -- --error SSL_ERROR_BAD_CERT_DOMAIN

stats --db n3
expect_json stats.json reports_filtered=4 unique_hosts=2 unique_certs=2
