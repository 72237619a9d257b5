# --min-host-reports K: a hostname seen in fewer than K reports (in all, not
# only with one certificate) is not listed by top hosts, hosts or show; its
# reports still count in every figure.
. "$CLI_DIR/lib.sh"

{
	report common.example $T_OCT1 -8179 "$LEAF"
	report common.example $T_OCT1 -8179 "$LEAF"
	report common.example $T_OCT2 -8179 "$LEAF"
	report rare.example $T_OCT2 -8179 "$LEAF"
	report rare2.example $T_OCT3 -8179 "$INT"
	report mid.example $T_OCT3 -8179 "$LEAF"
	report mid.example $T_OCT3 -8179 "$INT"
} >r.jsonl
ingest --db db r.jsonl
L=$(sha "$LEAF")

ok "$CS" top --db db --json --min-host-reports 2 hosts
assert_eq '[["common.example",3],["mid.example",2]]' \
    "$(jc 'map([.host, .reports])')" "top hosts"
ok "$CS" top --db db --min-host-reports 2 hosts
grep -q rare _out && fail "top hosts table lists a rare hostname"
ok "$CS" top --db db --csv --min-host-reports 2 hosts
grep -q rare _out && fail "top hosts csv lists a rare hostname"
ok "$CS" top --db db --json --min-host-reports 0 hosts
assert_eq 4 "$(j length)" "K 0: all"

# hosts CERT: mid.example has one report with LEAF but two in all
ok "$CS" hosts --db db --json --min-host-reports 2 "$L"
assert_eq '["common.example","mid.example"]' "$(jc 'map(.host)')" "hosts K 2"
ok "$CS" hosts --db db --json --min-host-reports 3 "$L"
assert_eq '["common.example"]' "$(jc 'map(.host)')" "hosts K 3"
ok "$CS" hosts --db db --min-host-reports 2 "$L"
grep -q rare _out && fail "hosts text lists a rare hostname"
ok "$CS" hosts --db db --json "$L"
assert_eq 3 "$(j length)" "hosts without K"

# show: the top hosts drop, the figures do not
ok "$CS" show --db db --json --min-host-reports 2 "$L"
expect_json _out count=5 hosts=3
assert_eq '["common.example","mid.example"]' "$(jc '.top_hosts | map(.host)')" \
    "show top_hosts"
ok "$CS" show --db db --min-host-reports 2 "$L"
grep -q rare _out && fail "show text lists a rare hostname"
grep -q common.example _out || fail "show text lacks common.example"

# the rankings' figures still count rare hosts
ok "$CS" top --db db --json --min-host-reports 5 issuers
assert_eq '[5,3]' "$(jc 'map(select(.issuer | test("Issuing CA 1"))) | .[0] | [.reports, .hosts]')" \
    "issuers figures"

run "$CS" hosts --db db --min-host-reports x "$L"
assert_status 2 "bad K"
run "$CS" show --db db --min-host-reports -1 "$L"
assert_status 2 "bad K (show)"
run "$CS" top --db db --min-host-reports '' hosts
assert_status 2 "bad K (top)"
