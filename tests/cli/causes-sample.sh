# causes on the sample corpus: every diagnosis occurs in it (README's table
# "Every diagnosis in the sample corpus"), with the figures of the reports
# in causes-2026-10.jsonl counted by hand from that file. The roots are
# the one Mozilla root the valid chain needs (DigiCert Global Root G2), so
# that the machine's trust store does not change the answer.
. "$CLI_DIR/lib.sh"

ingest --db db "$CORPUS/sample"
R="--roots $REAL/DigiCert_Global_Root_G2.crt"
ok "$CS" causes --db db $R -n 0 --json
jc '[.[].cause] | unique' >got.txt
assert_eq '["captive-portal","expired","interception","missing-intermediate","name-mismatch","not-a-ca","not-yet-valid","other","self-signed-leaf","unknown-issuer","untrusted-root","weak-key","weak-signature"]' \
    "$(<got.txt)" "every diagnosis occurs"

# cause|detail|reports|primary|chains|hosts
row() {
	j ".[] | select(.cause == \"$1\" and (.detail // \"-\") == \"$2\") |
	    \"\(.reports)|\(.primary)|\(.chains)|\(.hosts)\""
}
# login.captive-portal.badssl.com 9, www.theguardian.com 2: one chain
assert_eq "11|11|1|2" "$(row captive-portal 'captive-portal.badssl.com (test)')" \
    "captive-portal"
assert_eq "13|0|1|1" "$(row not-yet-valid -)" "not-yet-valid (news.example.org)"
assert_eq "14|0|1|1" "$(row weak-signature sha1WithRSAEncryption)" \
    "weak-signature (scanner.example.com)"
assert_eq "11|0|1|1" "$(row weak-key RSA-1024)" "weak-key (camera.example.com)"
assert_eq "17|0|1|1" "$(row not-a-ca 'no cA')" "not-a-ca (test.dev.example.com)"
assert_eq "14|14|1|1" "$(row other -)" "other (www.amazon.com)"
# 156 expired before, and the portal's leaf (expired 2022) in its 11
assert_eq "167|0|10|12" "$(row expired -)" "expired"
# 63 before, and the portal's certificate for www.theguardian.com
assert_eq "65|0|8|6" "$(row name-mismatch -)" "name-mismatch"
# 697 before, and news 13, scanner 14, camera 11, test.dev 17
assert_eq "752|489|29|18" \
    "$(row untrusted-root 'CN=Certsift Sample Root CA,O=Certsift Sample PKI,C=US')" \
    "untrusted-root of the sample root"

# With the sample's root trusted too, what untrusted-root hid is primary.
ok "$CS" causes --db db $R --roots "$GEN/sample-root.pem" -n 0 --json
assert_eq "13|13" "$(row not-yet-valid - | cut -d'|' -f1,2)" "not-yet-valid primary"
assert_eq "14|14" "$(row weak-signature sha1WithRSAEncryption | cut -d'|' -f1,2)" \
    "weak-signature primary"
assert_eq "11|11" "$(row weak-key RSA-1024 | cut -d'|' -f1,2)" "weak-key primary"
assert_eq "17|17" "$(row not-a-ca 'no cA' | cut -d'|' -f1,2)" "not-a-ca primary"
