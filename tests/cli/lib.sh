# Helpers for certsift CLI tests; sourced by every tests/cli/<cmd>-<case>.sh.
#
# A test runs in its own temp dir (cwd), with $CERTSIFT, $CORPUS, $CLI_DIR set.
# Assertions do not stop the test: each failure is printed on stderr, and the
# test exits 1 at the end if any failed. Use `die` to stop at once.

set -u
export LC_ALL=C TZ=UTC
unset CERTSIFT_DB

CS=$CERTSIFT
VEC=/usr/lib/python3/dist-packages/cryptography_vectors/x509
GEN=$CORPUS/certs/gen
REAL=$CORPUS/certs/real

# Fixture certificates (checked in under corpus/certs/, see corpus/README.md).
LEAF=$GEN/int1-leaf-0.pem	# CN=portal.example.com, EC-P-256, by INT
INT=$GEN/sample-int1.pem	# Certsift Sample Issuing CA 1, RSA-2048, by ROOT
ROOT=$GEN/sample-root.pem	# Certsift Sample Root CA, self-signed
LEAF2=$GEN/int2-leaf-0.pem	# CN=shop.example.net, by sample-int2
AVROOT=$GEN/avast-root.pem	# avast! Web/Mail Shield Root
AVLEAF=$GEN/avast-leaf-0.pem	# CN=www.google.com, by AVROOT
CIO=$REAL/cryptography.io.pem	# real leaf, www.cryptography.io, RSA-2048
RAPID=$REAL/rapidssl_sha256_ca_g3.pem	# its issuer

_cs_failed=0
_cs_top=$PWD
_cs_exit() {
	local rc=$?
	if { [ "$_cs_failed" != 0 ] || [ -e "$_cs_top/_cs_nocmd" ]; } && [ "$rc" = 0 ]; then
		rc=1
	fi
	exit "$rc"
}
trap _cs_exit EXIT

# A command that does not exist (a misspelt assertion) fails the test, even
# in a subshell, instead of only printing "command not found".
command_not_found_handle() {
	echo "FAIL: no such command: $*" >&2
	: >>"$_cs_top/_cs_nocmd"
	return 127
}

fail() {
	echo "FAIL: $*" >&2
	_cs_failed=1
}

die() {
	echo "FATAL: $*" >&2
	_cs_failed=1
	exit 1
}

# assert_eq EXPECTED ACTUAL WHAT
assert_eq() {
	if [ "$1" != "$2" ]; then
		fail "$3: expected '$1', got '$2'"
	fi
}

# assert_match REGEX STRING WHAT (extended regex)
assert_match() {
	if ! printf '%s' "$2" | grep -Eq -- "$1"; then
		fail "$3: '$2' does not match /$1/"
	fi
}

# assert_file_eq EXPECTED_FILE ACTUAL_FILE WHAT
assert_file_eq() {
	if ! cmp -s "$1" "$2"; then
		fail "$3: $1 and $2 differ"
		diff -u "$1" "$2" | head -30 >&2
	fi
}

# run CMD ARGS...: run it, stdout in ./_out, stderr in ./_err, status in $status
run() {
	"$@" >_out 2>_err
	status=$?
}

# assert_status N WHAT: the last run exited with N
assert_status() {
	if [ "$status" != "$1" ]; then
		fail "${2:-exit status}: expected exit $1, got $status"
		sed 's/^/  stderr: /' _err | head -10 >&2
	fi
}

# assert_stderr_prefixed: the last run's stderr is non-empty and its first line
# begins with "certsift:"
assert_stderr_prefixed() {
	if [ ! -s _err ]; then
		fail "${1:-stderr}: empty stderr"
	elif ! head -n 1 _err | grep -q '^certsift:'; then
		fail "${1:-stderr}: does not begin with 'certsift:': $(head -n 1 _err)"
	fi
}

# ok CMD ARGS...: run, and it must exit 0
ok() {
	run "$@"
	assert_status 0 "$*"
}

# j FILTER [FILE]: jq -r on FILE (default ./_out), one value per line
j() {
	jq -r "$1" "${2:-_out}" 2>/dev/null || echo "<jq error: $1>"
}

# jc FILTER [FILE]: jq -c (compact) on FILE (default ./_out)
jc() {
	jq -c "$1" "${2:-_out}" 2>/dev/null || echo "<jq error: $1>"
}

# expect_json FILE key=value...: each key (jq path without the dot) has value
expect_json() {
	local f=$1 kv k v got
	shift
	if ! jq -e 'type == "object"' "$f" >/dev/null 2>&1; then
		fail "$f is not one JSON object: $(head -c 300 "$f")"
		return
	fi
	for kv in "$@"; do
		k=${kv%%=*}
		v=${kv#*=}
		got=$(jq -c ".$k" "$f")
		assert_eq "$v" "$got" "$f .$k"
	done
}

# ingest ARGS...: certsift ingest --json ARGS (exit 0 required); summary in ./sum.json
ingest() {
	run "$CS" ingest --json "$@"
	assert_status 0 "ingest $*"
	cp _out sum.json
}

# stats [--db DB]: certsift stats --json; result in ./stats.json
stats() {
	run "$CS" stats --json "$@"
	assert_status 0 "stats $*"
	cp _out stats.json
}

# export_jsonl [--db DB]: certsift export --format jsonl; result in ./exp.jsonl
export_jsonl() {
	run "$CS" export --format jsonl "$@"
	assert_status 0 "export $*"
	cp _out exp.jsonl
}

# cert SHA256 [FILTER]: the export object of SHA256 from ./exp.jsonl (compact)
cert() {
	jq -c --arg s "$1" "select(.sha256 == \$s) | ${2:-.}" exp.jsonl
}

# der FILE: DER bytes of a certificate file (PEM or DER) on stdout
der() {
	if grep -q -- '-----BEGIN' "$1" 2>/dev/null; then
		openssl x509 -in "$1" -outform DER
	else
		cat "$1"
	fi
}

# b64 and sha results are cached per file path (fixtures do not change during
# a run): in $CLI_CACHE if run.sh set it, else in the test's dir
_cs_cache=${CLI_CACHE:-$PWD/.cache}
mkdir -p "$_cs_cache"
_cs_key() {
	local k=${1//\//_}
	printf '%s' "${k// /_}"
}

# b64 FILE: one-line standard base64 of the DER
# (and in this shell's memory: a test's reports do not fork per certificate)
declare -A _cs_b64 _cs_sha
b64() {
	local k
	case $1 in /*) ;; *) der "$1" | base64 -w0; return ;; esac
	if [ -z "${_cs_b64[$1]:-}" ]; then
		k=$_cs_cache/$(_cs_key "$1").b64
		if [ ! -s "$k" ]; then
			der "$1" | base64 -w0 >"$k.$$" && mv "$k.$$" "$k"
		fi
		_cs_b64[$1]=$(<"$k")
	fi
	printf '%s' "${_cs_b64[$1]}"
}

# sha FILE: lowercase hex sha256 of the DER
sha() {
	local k
	case $1 in /*) ;; *) der "$1" | sha256sum | cut -d' ' -f1; return ;; esac
	if [ -z "${_cs_sha[$1]:-}" ]; then
		k=$_cs_cache/$(_cs_key "$1").sha
		if [ ! -s "$k" ]; then
			der "$1" | sha256sum | cut -d' ' -f1 >"$k.$$" &&
			    mv "$k.$$" "$k"
		fi
		_cs_sha[$1]=$(<"$k")
	fi
	printf '%s\n' "${_cs_sha[$1]}"
}

# report HOST TS CODE CERT...: one compact JSON report line. HOST, TS or CODE
# "-" leaves the field out; TS and CODE are written verbatim (JSON numbers).
# A CERT argument "raw:STRING" puts STRING itself in the chain.
report() {
	local host=$1 ts=$2 code=$3 sep= c
	shift 3
	printf '{'
	[ "$host" = - ] || printf '"hostname":"%s",' "$host"
	printf '"port":443,'
	[ "$ts" = - ] || printf '"timestamp":%s,' "$ts"
	[ "$code" = - ] || printf '"errorCode":%s,' "$code"
	printf '"failedCertChain":['
	for c in "$@"; do
		case $c in
		raw:*) printf '%s"%s"' "$sep" "${c#raw:}" ;;
		*) printf '%s"%s"' "$sep" "$(b64 "$c")" ;;
		esac
		sep=,
	done
	printf '],"userAgent":"Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0","version":"131.0","build":"20260922150505","product":"Firefox","channel":"release"}\n'
}

# epoch DATE: epoch seconds of a UTC date
epoch() {
	date -u -d "$1" +%s
}

# Timestamps used by tests: 2026-10-01T00:00:00Z and following days.
T_OCT1=1790812800
T_OCT2=1790899200
T_OCT3=1790985600
T_OCT4=1791072000
T_OCT5=1791158400

# sum_counts FILE: sum of .count over an export
sum_counts() {
	jq -s 'map(.count) | add // 0' "$1"
}

# jq expression: the number of hosts of an export object ("hosts" is the
# number of distinct hostnames; an array of them is accepted too)
NH='(.hosts | if type == "array" then length else . end)'

# figures SHA256: "count leaf_count hosts first_seen last_seen errors" of a cert
# in ./exp.jsonl, errors as compact JSON with sorted keys
figures() {
	jq -r --arg s "$1" "select(.sha256 == \$s) |
	    \"\\(.count) \\(.leaf_count) \\($NH) \\(.first_seen) \\(.last_seen) \\(.errors | to_entries | sort_by(.key) | from_entries | tojson)\"" exp.jsonl
}

# as_schema SRC DEST N TABLE...: makes store DEST, a copy of store SRC as
# a store of schema N (a single digit) holds it: without the named
# tables, its schema record set to N (DEST.dump keeps the dump)
as_schema() {
	_as_src=$1 _as_dst=$2 _as_n=$3
	shift 3
	mdb_dump -a "$_as_src" | awk -v re="^database=($(echo "$@" |
	    tr ' ' '|'))\$" '
		$0 ~ re { skip = 1 }
		/^VERSION=/ { skip = 0 }
		!skip' | sed "/^ 736368656d61\$/{n;s/.*/ 0${_as_n}000000/}" \
	    >"$_as_dst.dump"
	grep -q "^ 0${_as_n}000000\$" "$_as_dst.dump" ||
	    die "schema record not found in the dump of $_as_src"
	mkdir "$_as_dst"
	mdb_load -f "$_as_dst.dump" "$_as_dst" 2>/dev/null ||
	    die "mdb_load of $_as_dst failed"
}
