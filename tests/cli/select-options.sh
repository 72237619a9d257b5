# The selection (shared by top and export): each option, and some together,
# against hand-computed sets and figures.
. "$CLI_DIR/lib.sh"

{
	report a.example $T_OCT1 -8179 "$LEAF" "$INT" "$ROOT"
	report b.example $T_OCT1 -8179 "$LEAF" "$INT"
	report b.example $T_OCT2 -12276 "$LEAF"
	report c.example $T_OCT2 -8181 "$CIO" "$RAPID"
	report www.google.com $T_OCT3 -16384 "$AVLEAF" "$AVROOT"
	report mail.example.org $T_OCT3 -8179 "$AVROOT"
} >r.jsonl
ingest --db db r.jsonl
for f in LEAF INT ROOT CIO RAPID AVLEAF AVROOT; do
	eval "s=\$(sha \"\$$f\")"
	echo "$s $f"
done >names
# names: the fixture names of an export's certificates, sorted
names() {
	jq -r .sha256 "${1:-_out}" | while read -r s; do
		grep "^$s " names | cut -d' ' -f2
	done | sort | tr '\n' ' ' | sed 's/ $//'
}
# sel WANT ARGS...: export --format jsonl ARGS selects exactly WANT
sel() {
	local want=$1
	shift
	run "$CS" export --db db --format jsonl "$@"
	assert_status 0 "export $*"
	assert_eq "$want" "$(names)" "export $*"
}

sel "AVLEAF AVROOT CIO INT LEAF RAPID ROOT"
sel "AVROOT INT RAPID ROOT" --ca
sel "AVLEAF AVROOT CIO LEAF" --leaf
sel "AVROOT ROOT" --self-signed
sel "AVROOT INT LEAF" --min-count 2
sel "AVLEAF AVROOT CIO INT LEAF RAPID ROOT" --min-count 0
sel "AVROOT INT LEAF" --min-hosts 2
sel "" --min-hosts 3
sel "INT ROOT" --issuer 'sample ROOT'
sel "LEAF" --subject 'PORTAL.EXAMPLE.COM'
sel "CIO" --subject 'cn=www.cryptography'
sel "INT LEAF" --host 'b.*'
sel "CIO INT LEAF RAPID ROOT" --host '*.example'
sel "AVROOT" --host 'MAIL.example.*'
sel "" --host 'nowhere'
# valid at: not_before <= t <= not_after (LEAF: 2026-09-01 .. 2026-11-30)
sel "AVLEAF AVROOT INT LEAF ROOT" --valid-at 2026-10-01
sel "AVROOT INT LEAF ROOT" --valid-at 2026-09-01
sel "AVLEAF AVROOT INT LEAF ROOT" --valid-at 2026-11-30T00:00:00Z
sel "AVLEAF AVROOT INT ROOT" --valid-at 2026-11-30T00:00:01Z
sel "CIO RAPID" --valid-at 1420070400
sel "RAPID" --valid-at 2020-01-01
# expired at: not_after < t
sel "CIO RAPID" --expired-at 2026-10-01
sel "CIO RAPID" --expired-at 2026-11-30
sel "CIO LEAF RAPID" --expired-at 2026-11-30T00:00:01Z
# together: every option must hold
sel "AVROOT ROOT" --ca --self-signed
sel "RAPID" --ca --issuer geotrust
sel "AVROOT" --ca --leaf
sel "" --leaf --expired-at 2000-01-01

# --error: certificates with a matching report, their figures those of
# the matching reports only (figures: count leaf_count hosts ... errors)
sel "AVROOT INT LEAF ROOT" --error -8179
cp _out exp.jsonl
assert_eq '2 2 2 {"-8179":2}' "$(figures "$(sha "$LEAF")" | cut -d' ' -f1-3,6)" \
    "--error LEAF"
assert_eq '2 0 2 {"-8179":2}' "$(figures "$(sha "$INT")" | cut -d' ' -f1-3,6)" \
    "--error INT"
assert_eq '1 1 1 {"-8179":1}' "$(figures "$(sha "$AVROOT")" | cut -d' ' -f1-3,6)" \
    "--error AVROOT"
sel "AVROOT INT LEAF ROOT" --error SEC_ERROR_UNKNOWN_ISSUER
sel "AVROOT INT LEAF ROOT" --error sec_error_unknown_issuer --error -8179
sel "AVLEAF AVROOT INT LEAF ROOT" --error -8179 --error -16384
cp _out exp.jsonl
assert_eq '2 1 2 {"-16384":1,"-8179":1}' \
    "$(figures "$(sha "$AVROOT")" | cut -d' ' -f1-3,6)" "two codes AVROOT"
# the filters see the rewritten figures
sel "AVROOT LEAF" --error -8179 --leaf
sel "AVLEAF" --error -16384 --leaf
sel "INT LEAF" --error -8179 --min-count 2
sel "INT LEAF" --error -8179 --min-hosts 2
sel "LEAF" --error -12276
cp _out exp.jsonl
assert_eq '1 1 1 {"-12276":1}' "$(figures "$(sha "$LEAF")" | cut -d' ' -f1-3,6)" \
    "--error -12276 LEAF"
sel "" --error -8156

# the same selection in every format: pem (openssl reads it) and der
run "$CS" export --db db --format pem --ca -o ca.pem
assert_status 0 "pem --ca"
assert_eq "certsift: export: wrote 4 certificates to 'ca.pem'" "$(<_err)" \
    "pem --ca message"
run openssl storeutl -certs ca.pem
assert_eq 4 "$(grep -Ec '^[0-9]+: Certificate' _out)" "openssl reads pem --ca"
ok "$CS" export --db db --format der --dir der --error -16384
assert_eq "$(printf '%s.der\n' "$(sha "$AVLEAF")" "$(sha "$AVROOT")" | sort)" \
    "$(ls der | sort)" "der --error"

# usage errors: exit 2, nothing on stdout
for bad in "--error NOT_A_CODE" "--valid-at tomorrow" "--expired-at 2026-13-01" \
    "--min-count -1" "--min-hosts x"; do
	run "$CS" export --db db $bad
	assert_status 2 "export $bad"
	assert_stderr_prefixed "export $bad"
	[ ! -s _out ] || fail "export $bad: wrote to stdout"
	run "$CS" top --db db $bad certs
	assert_status 2 "top $bad"
done
