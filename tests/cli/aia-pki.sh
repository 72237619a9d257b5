# Helpers for the `certsift aia` tests, sourced after lib.sh: the local
# caIssuers server on 127.0.0.1 and the PKI it makes and serves
# (aia-server.py: leaves whose caIssuers URLs name the server, their
# issuers never sent). Run as a test of its own, it checks that the server
# serves what the PKI put there and that the chains verify with OpenSSL.

# srv_start: starts the server in ./srv; sets SRV (its pid), PORT and URL,
# and stops it when the test exits.
srv_start() {
	local py=/usr/bin/python3 i
	[ -x "$py" ] || py=python3
	mkdir -p srv
	"$py" "$CLI_DIR/aia-server.py" srv 2>srv.log &
	SRV=$!
	trap 'rc=$?; kill "$SRV" 2>/dev/null; wait "$SRV" 2>/dev/null; (exit $rc); _cs_exit' EXIT
	for i in $(seq 1 400); do
		[ -s srv/port ] && break
		sleep 0.05
	done
	[ -s srv/port ] || die "the caIssuers server did not start"
	PORT=$(<srv/port)
	URL=http://127.0.0.1:$PORT
}

# requests: how many requests the server has had
requests() {
	if [ -f srv/requests ]; then
		wc -l <srv/requests | tr -d ' '
	else
		echo 0
	fi
}

# aia_missing DB: the rows of certsift missing --json on DB, one per line,
# "outcome source issuer", sorted
aia_missing() {
	run "$CS" missing --db "$1" --roots srv/root.pem --json -n 0
	assert_status 0 "missing --db $1"
	jq -r '.[] | "\(.outcome) \(.source) \(.issuer)"' _out | sort
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	. "$CLI_DIR/lib.sh"
	srv_start
	cd srv || die "no srv"
	run openssl verify -CAfile root.pem -untrusted ca-der.pem leaf-der.pem
	assert_status 0 "openssl verify leaf-der"
	run openssl verify -CAfile root.pem -untrusted upper.pem \
	    -untrusted lower.pem leaf-two.pem
	assert_status 0 "openssl verify leaf-two"
	run openssl verify -CAfile root.pem -untrusted impostor.pem \
	    leaf-wrong.pem
	assert_status 2 "the impostor does not verify leaf-wrong"
	assert_eq "$(openssl x509 -in ca-wrong.pem -noout -subject)" \
	    "$(openssl x509 -in impostor.pem -noout -subject)" \
	    "the impostor's name"
	assert_match "URI:$URL/der.cer" "$(openssl x509 -in leaf-der.pem \
	    -noout -ext authorityInfoAccess)" "leaf-der's caIssuers"
	assert_match "URI:$URL/upper.der" "$(openssl x509 -in lower.pem \
	    -noout -ext authorityInfoAccess)" "lower's caIssuers"
	assert_match "URI:http://\[::ffff:127.0.0.1\]:$PORT/der.cer" \
	    "$(openssl x509 -in private-4.pem -noout -ext \
	    authorityInfoAccess)" "a private URL"
	assert_eq "$(sha ca-p7c.pem)" "$(openssl pkcs7 -inform DER \
	    -in www/p7c.p7c -print_certs | openssl x509 -outform DER |
	    sha256sum | cut -d' ' -f1)" \
	    "the PKCS#7 holds ca-p7c"
	cd .. || die "no .."
	/usr/bin/python3 - "$URL" <<'EOF' >got || fail "fetching with Python"
import sys, urllib.request, urllib.error
for p in ("/der.cer", "/to/lower.cer", "/nothing"):
    try:
        r = urllib.request.urlopen(sys.argv[1] + p, timeout=5)
        print(p, r.status, len(r.read()))
    except urllib.error.HTTPError as e:
        print(p, e.code)
EOF
	assert_eq "/der.cer 200 $(wc -c <srv/www/der.cer | tr -d ' ')
/to/lower.cer 200 $(wc -c <srv/www/lower.cer | tr -d ' ')
/nothing 404" "$(<got)" "what the server serves"
	assert_eq 4 "$(requests)" "requests counted"
	assert_eq 14 "$(wc -l <srv/reports.jsonl | tr -d ' ')" "reports"
	assert_eq 7 "$(wc -l <srv/private.jsonl | tr -d ' ')" "private reports"
fi
