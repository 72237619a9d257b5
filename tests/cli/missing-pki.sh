# Helpers for the `certsift missing` tests, sourced after lib.sh: small PKIs
# made with the openssl CLI (EC P-256 keys) in the test's temp dir. Run as a
# test of its own, it checks that what it makes verifies with OpenSSL.

# pki_cert OUT KEY SUBJ ISSUER [DAYS] [EXT]: OUT.pem, a certificate for the
# key KEY.key (made when missing) with subject SUBJ, signed with the key of
# ISSUER.pem ("-": self-signed). EXT: extension lines (printf %b), default
# those of a CA; "ca-noski" without key identifiers; "leaf", "leaf-noaki"
# (no AKI) and "aia=URL" (with a caIssuers URL) for an end-entity one.
_pki_serial=0
pki_cert() {
	local out=$1 key=$2 subj=$3 iss=$4 days=${5:-3650} ext=${6:-ca}
	_pki_serial=$((_pki_serial + 1))
	[ -f "$key.key" ] || openssl ecparam -name prime256v1 -genkey -noout \
	    -out "$key.key" || die "cannot make $key.key"
	case $ext in
	ca) ext='basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always' ;;
	ca-noski) ext='basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=none\nauthorityKeyIdentifier=none' ;;
	leaf) ext='basicConstraints=CA:false\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always' ;;
	leaf-noaki) ext='basicConstraints=CA:false\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=none' ;;
	aia=*) ext="basicConstraints=CA:false\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\nauthorityInfoAccess=caIssuers;URI:${ext#aia=}" ;;
	esac
	printf '%b\n' "$ext" >"$out.ext"
	echo "$key" >"$out.kid"
	openssl req -new -key "$key.key" -subj "$subj" -out "$out.csr" \
	    2>/dev/null || die "cannot make $out.csr"
	if [ "$iss" = - ]; then
		openssl x509 -req -in "$out.csr" -signkey "$key.key" \
		    -days "$days" -set_serial "$_pki_serial" \
		    -extfile "$out.ext" -out "$out.pem" 2>/dev/null
	else
		openssl x509 -req -in "$out.csr" -CA "$iss.pem" \
		    -CAkey "$(<"$iss.kid").key" -days "$days" \
		    -set_serial "$_pki_serial" -extfile "$out.ext" \
		    -out "$out.pem" 2>/dev/null
	fi || die "cannot make $out.pem"
}

# pki_root NAME CN [DAYS]; pki_ca NAME CN ISSUER [DAYS]; pki_leaf NAME HOST
# ISSUER [EXT]: the usual three, each with its own key NAME.key.
pki_root() {
	pki_cert "$1" "$1" "/O=Certsift Test/CN=$2" - "${3:-3650}"
}
pki_ca() {
	pki_cert "$1" "$1" "/O=Certsift Test/CN=$2" "$3" "${4:-1825}" "${5:-ca}"
}
pki_leaf() {
	pki_cert "$1" "$1" "/CN=$2" "$3" 90 "${4:-leaf}"
}

# ski FILE / aki FILE: the key identifiers of a certificate, lowercase hex
ski() {
	openssl x509 -in "$1" -noout -ext subjectKeyIdentifier 2>/dev/null |
	    sed -n '2{s/[: ]//g;p}' | tr 'A-F' 'a-f'
}
aki() {
	openssl x509 -in "$1" -noout -ext authorityKeyIdentifier 2>/dev/null |
	    sed -n '2{s/[: ]//g;s/^keyid//;p}' | tr 'A-F' 'a-f'
}

# subj FILE: the subject in RFC 4514 (as certsift writes it)
subj() {
	openssl x509 -in "$1" -noout -subject -nameopt RFC2253 |
	    sed 's/^subject=//'
}

# mrow OUTCOME ISSUER AKI REPORTS CHAINS HOSTS RESOLVED SOURCE [AIA...]: one
# expected row as compact JSON; "-" for AKI, RESOLVED, SOURCE means null, and
# RESOLVED is a certificate file (its sha256 is used).
mrow() {
	local o=$1 i=$2 a=$3 r=$4 c=$5 h=$6 res=$7 src=$8
	shift 8
	[ "$res" = - ] || res=$(sha "$res")
	jq -nc --arg o "$o" --arg i "$i" --arg a "$a" --argjson r "$r" \
	    --argjson c "$c" --argjson h "$h" --arg res "$res" --arg src "$src" \
	    '{outcome: $o, issuer: $i, aki: (if $a == "-" then null else $a end),
	    reports: $r, chains: $c, hosts: $h,
	    resolved_by: (if $res == "-" then null else $res end),
	    source: (if $src == "-" then null else $src end),
	    aia_ca_issuers: $ARGS.positional}' --args "$@"
}

# expect_rows WHAT ROW...: ./_out (a --json run) holds exactly these rows,
# in this order
expect_rows() {
	local what=$1 want got
	shift
	want=$(printf '%s\n' "$@" | jq -sc .)
	got=$(jc .)
	if [ "$want" != "$got" ]; then
		fail "$what: rows differ"
		diff <(printf '%s\n' "$want" | jq .) <(printf '%s\n' "$got" |
		    jq .) | head -40 >&2
	fi
}

# missing ARGS...: certsift missing --db ${MDB:-db} --no-roots --json ARGS;
# exit 0
missing() {
	run "$CS" missing --db "${MDB:-db}" --no-roots --json "$@"
	assert_status 0 "missing $*"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	. "$CLI_DIR/lib.sh"
	pki_root root "Root"
	pki_ca int "Issuing CA" root
	pki_leaf leaf a.example int
	pki_leaf leaf2 b.example int leaf-noaki
	run openssl verify -CAfile root.pem -untrusted int.pem leaf.pem leaf2.pem
	assert_status 0 "openssl verify"
	assert_eq "$(ski root.pem)" "$(aki int.pem)" "int's aki"
	assert_eq "$(ski int.pem)" "$(aki leaf.pem)" "leaf's aki"
	assert_eq "" "$(aki leaf2.pem)" "leaf2 has no aki"
	assert_eq 40 "$(ski int.pem | wc -c | awk '{print $1 - 1}')" "ski hex"
	assert_eq "CN=Issuing CA,O=Certsift Test" "$(subj int.pem)" "subj"
	report a.example $T_OCT1 -8179 leaf.pem int.pem >r.jsonl
	ingest --db db r.jsonl
	missing --roots root.pem
	expect_rows "complete chain" "$(mrow complete "CN=Root,O=Certsift Test" \
	    "$(aki int.pem)" 1 1 1 - -)"
fi
