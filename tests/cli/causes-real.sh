# causes on real certificates: Firefox's test certificates (hostnames and
# expected errors from its tests), real interception roots and badssl's.
# Each case is selected by its hostname (its leaf is linked to it alone).
. "$CLI_DIR/lib.sh"

R=$CORPUS/certs/causes
F=$R/firefox
TS=1733011200		# 2024-12-01: Test Intermediate valid, Test CA not

# One line per case: hostname, chain (files of $F), expected rows as
# cause|detail|primary, sorted, ";"-separated.
cases() {
	cat <<'END'
expired.example.com	expired-ee	expired|-|1
notyetvalid.example.com	notYetValid	not-yet-valid|-|1
selfsigned.example.com	selfsigned	self-signed-leaf|-|1
unknownissuer.example.com	unknownissuer	unknown-issuer|CN=Test Intermediate to delete|1
mitm.example.com	mitm	unknown-issuer|CN=Test MITM Root|1
md5signature.example.com	md5signature	weak-signature|md5WithRSAEncryption|1
mismatch.example.com	mismatch	name-mismatch|-|1
mismatch-CN.example.com	mismatchCN	name-mismatch|-|1
noValidNames.example.com	noValidNames	name-mismatch|-|1
end-entity-issued-by-v1-cert.example.com	eeIssuedByV1Cert v1Cert	not-a-ca|v1|1
end-entity-issued-by-non-CA.example.com	eeIssuedByNonCA default-ee	not-a-ca|no cA|1
inadequate-key-size-ee.example.com	inadequateKeySizeEE test-int	weak-key|RSA-1016|1
expiredissuer.example.com	expiredissuer expiredINT	expired|-|1
mismatch-untrusted.example.com	mismatch-untrusted	name-mismatch|-|0;unknown-issuer|CN=Other test CA|1
END
}

while IFS='	' read -r host chain want; do
	set -- $chain
	report "$host" $TS -8179 $(for c in "$@"; do echo "$F/$c.pem"; done)
done < <(cases) >ff.jsonl
ingest --db ff ff.jsonl
assert_eq 14 "$(jq .reports_accepted sum.json)" "Firefox reports accepted"

rows() {
	jq -r '[.[] | [.cause, (.detail // "-"), .primary] | join("|")] |
	    sort | join(";")' _out
}
while IFS='	' read -r host chain want; do
	# Test CA is the root; "Other test CA" is known but signs none of them.
	run "$CS" causes --db ff --roots "$F/test-ca.pem" \
	    --known "$F/other-test-ca.pem" --json -n 0 --host "$host"
	assert_status 0 "causes --host $host"
	assert_eq "$want" "$(rows)" "$host"
done < <(cases)

# Every Firefox case above is one of expected-errors.tsv's hostnames with
# its certificate.
while IFS='	' read -r host chain want; do
	set -- $chain
	grep -q "^$host	$1.pem	" "$F/expected-errors.tsv" ||
	    fail "$host $1 not in expected-errors.tsv"
done < <(cases)

# Interception roots: the list's products by issuer name; those it lacks
# (Superfish, eDellRoot, DSDTestProvider) end untrusted-root.
B=$R
{
	report superfish.badssl.com 1600000000 -8179 "$B/badssl-subdomain-superfish.pem" "$B/badssl-ca-superfish.pem"
	report edellroot.badssl.com 1600000000 -8179 "$B/badssl-subdomain-edellroot.pem" "$B/badssl-ca-edellroot.pem"
	report dsdtestprovider.badssl.com 1600000000 -8179 "$B/badssl-subdomain-dsdtestprovider.pem" "$B/badssl-ca-dsdtestprovider.pem"
	report mitm-software.badssl.com 1510000000 -8179 "$B/badssl-ca-mitm-software.pem"
	report zscaler.example 1600000000 -8179 "$B/zscaler-root-ca.pem"
	report fortigate.example 1600000000 -8179 "$B/fortinet-ca-ssl.pem"
	report login.captive-portal.badssl.com 1600000000 -8179 "$B/badssl-subdomain-captive-portal.pem"
} >mitm.jsonl
ingest --db mitm mitm.jsonl
primary() {	# host: the rows that are its primary cause
	run "$CS" causes --db mitm --no-roots --json -n 0 --host "$1"
	assert_status 0 "causes --host $1"
	jq -r '[.[] | select(.primary > 0) | .cause + "|" + (.detail // "-")] |
	    join(";")' _out
}
assert_match '^untrusted-root\|CN=Superfish' "$(primary superfish.badssl.com)" "superfish"
assert_eq 'untrusted-root|CN=eDellRoot' "$(primary edellroot.badssl.com)" "eDellRoot"
assert_match '^untrusted-root\|CN=DSDTestProvider' "$(primary dsdtestprovider.badssl.com)" "DSDTestProvider"
assert_eq 'interception|BadSSL Antivirus' "$(primary mitm-software.badssl.com)" "badssl mitm"
assert_eq 'interception|Zscaler' "$(primary zscaler.example)" "Zscaler"
assert_eq 'interception|Fortinet' "$(primary fortigate.example)" "FortiGate"
assert_eq 'captive-portal|captive-portal.badssl.com (test)' \
    "$(primary login.captive-portal.badssl.com)" "captive portal"
