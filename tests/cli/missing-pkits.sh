# missing on real certificates: the NIST PKITS hierarchy (RSA and DSA, names
# that match only case- and space-insensitively, PrintableString rolled over
# to UTF8String, bad signatures), with intermediates removed from some
# chains.
. "$CLI_DIR/lib.sh"
. "$CLI_DIR/missing-pki.sh"

P=$VEC/PKITS_data/certs
[ -d "$P" ] || die "no PKITS in $P (python3-cryptography-vectors)"
for c in TrustAnchorRootCertificate GoodCACert ValidCertificatePathTest1EE \
    ValidGeneralizedTimenotAfterDateTest8EE InvalidEESignatureTest3EE \
    ValidNameChainingWhitespaceTest3EE ValidNameChainingCapitalizationTest5EE \
    UTF8StringCaseInsensitiveMatchCACert \
    ValidUTF8StringCaseInsensitiveMatchTest11EE \
    RolloverfromPrintableStringtoUTF8StringCACert \
    ValidRolloverfromPrintableStringtoUTF8StringTest10EE \
    BadSignedCACert InvalidCASignatureTest2EE DSACACert \
    ValidDSASignaturesTest4EE pathLenConstraint6CACert \
    pathLenConstraint6subCA4Cert pathLenConstraint6subsubCA41Cert \
    pathLenConstraint6subsubsubCA41XCert ValidpathLenConstraintTest13EE; do
	openssl x509 -inform DER -in "$P/$c.crt" -out "$c.pem" ||
	    die "cannot read $c"
done
TA=TrustAnchorRootCertificate.pem
GOOD=GoodCACert.pem
L6=pathLenConstraint6
{
	# complete, the root sent or not: 6 reports, 5 chains, 5 hosts
	report p1.test $T_OCT1 -8179 ValidCertificatePathTest1EE.pem $GOOD $TA
	report p1.test $T_OCT2 -8179 ValidCertificatePathTest1EE.pem $GOOD $TA
	report p2.test $T_OCT1 -8179 ValidpathLenConstraintTest13EE.pem \
	    ${L6}subsubsubCA41XCert.pem ${L6}subsubCA41Cert.pem \
	    ${L6}subCA4Cert.pem ${L6}CACert.pem
	report p7.test $T_OCT1 -8179 ValidUTF8StringCaseInsensitiveMatchTest11EE.pem \
	    UTF8StringCaseInsensitiveMatchCACert.pem
	report p10.test $T_OCT1 -8179 ValidRolloverfromPrintableStringtoUTF8StringTest10EE.pem \
	    RolloverfromPrintableStringtoUTF8StringCACert.pem
	report p11.test $T_OCT1 -8179 ValidDSASignaturesTest4EE.pem DSACACert.pem $TA
	# two intermediates removed: 3 reports
	report p3.test $T_OCT1 -8179 ValidpathLenConstraintTest13EE.pem \
	    ${L6}subsubsubCA41XCert.pem ${L6}CACert.pem
	report p3.test $T_OCT2 -8179 ValidpathLenConstraintTest13EE.pem \
	    ${L6}subsubsubCA41XCert.pem ${L6}CACert.pem
	report p3b.test $T_OCT3 -8179 ValidpathLenConstraintTest13EE.pem \
	    ${L6}subsubsubCA41XCert.pem ${L6}CACert.pem
	# Good CA removed: found by name in any case and spacing
	report p4.test $T_OCT1 -8179 ValidGeneralizedTimenotAfterDateTest8EE.pem
	report p4.test $T_OCT2 -8179 ValidGeneralizedTimenotAfterDateTest8EE.pem
	report p5.test $T_OCT1 -8179 ValidNameChainingWhitespaceTest3EE.pem
	report p6.test $T_OCT1 -8179 ValidNameChainingCapitalizationTest5EE.pem
	report p8.test $T_OCT1 -8179 ValidUTF8StringCaseInsensitiveMatchTest11EE.pem
	report p12.test $T_OCT1 -8179 ValidDSASignaturesTest4EE.pem
	# bad signatures: the issuer sent does not sign
	report p9.test $T_OCT1 -8179 InvalidEESignatureTest3EE.pem $GOOD
	report p13.test $T_OCT1 -8179 InvalidCASignatureTest2EE.pem \
	    BadSignedCACert.pem $TA
} >r.jsonl
ingest --db db r.jsonl
expect_json sum.json reports_accepted=17 certs_invalid=0

missing --roots $TA -n 0
cp _out all.json
# complete: all six chains end at the trust anchor, named by its SKI
assert_eq "[6,5,5,\"$(ski $TA)\",null]" \
    "$(jc '.[] | select(.outcome == "complete") | [.reports, .chains, .hosts, .aki, .resolved_by]')" \
    "complete"
assert_eq "CN=Trust Anchor,O=Test Certificates 2011,C=US" \
    "$(j '.[] | select(.outcome == "complete") | .issuer')" "complete issuer"
# the missing intermediates, each resolved by the store's copy
assert_eq "$(sha ${L6}subsubCA41Cert.pem) 3 1 2 $(aki ${L6}subsubsubCA41XCert.pem)" \
    "$(j '.[] | select(.issuer == "CN=pathLenConstraint6 subsubCA41,O=Test Certificates 2011,C=US") | "\(.resolved_by) \(.reports) \(.chains) \(.hosts) \(.aki)"')" \
    "two intermediates removed"
# One row: the three spellings are one X.509 name (as top issuers groups).
assert_eq "$(sha $GOOD) missing-intermediate 4 1 corpus" \
    "$(j '[.[] | select(.resolved_by == "'"$(sha $GOOD)"'")] | "\(.[0].resolved_by) \(.[0].outcome) \(map(.reports) | add) \(length) \(.[0].source)"')" \
    "Good CA, under three spellings"
assert_eq "$(sha UTF8StringCaseInsensitiveMatchCACert.pem) 1" \
    "$(j '.[] | select(.outcome == "missing-intermediate" and (.issuer | test("(?i)utf8string case"))) | "\(.resolved_by) \(.reports)"')" \
    "UTF8String case-insensitive match"
assert_eq "$(sha DSACACert.pem) 1" \
    "$(j '.[] | select(.issuer == "CN=DSA CA,O=Test Certificates 2011,C=US") | "\(.resolved_by) \(.reports)"')" \
    "DSA"
# the bad signatures resolve nothing
assert_eq "unknown-issuer 1 $(aki InvalidEESignatureTest3EE.pem)" \
    "$(j '.[] | select(.issuer == "CN=Good CA,O=Test Certificates 2011,C=US" and .outcome != "missing-intermediate") | "\(.outcome) \(.reports) \(.aki)"')" \
    "bad EE signature"
assert_eq "unknown-issuer 1 $(ski $TA)" \
    "$(j '.[] | select(.outcome == "unknown-issuer" and (.issuer | startswith("CN=Trust Anchor"))) | "\(.outcome) \(.reports) \(.aki)"')" \
    "bad CA signature"
assert_eq '{"complete":6,"missing-intermediate":9,"unknown-issuer":2}' \
    "$(jc 'group_by(.outcome) | map({(.[0].outcome): (map(.reports) | add)}) | add')" \
    "reports by outcome"
assert_eq "certsift: missing: reports: complete 6, missing-intermediate 9, untrusted-root 0, unknown-issuer 2" \
    "$(<_err)" "summary"

# without the trust anchor it is an untrusted root, sent or seen
missing -n 0
assert_eq '{"missing-intermediate":9,"unknown-issuer":2,"untrusted-root":6}' \
    "$(jc 'group_by(.outcome) | map({(.[0].outcome): (map(.reports) | add)}) | add')" \
    "no roots"
