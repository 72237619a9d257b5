# export --format der --dir DIR: DIR/<sha256>.der for every cert.
. "$CLI_DIR/lib.sh"

{
	report a.example $T_OCT1 -8179 "$LEAF" "$INT" "$ROOT"
	report b.example $T_OCT2 -8179 "$CIO" "$RAPID" "$LEAF"
} >r.jsonl
ingest --db db r.jsonl
ok "$CS" export --db db --format der --dir out
assert_eq 5 "$(ls out | wc -l)" "files in dir"
for f in out/*; do
	n=$(basename "$f")
	s=$(sha256sum <"$f" | cut -d' ' -f1)
	assert_eq "$s.der" "$n" "file name of $f"
	openssl x509 -inform DER -in "$f" -noout || fail "$f is not DER"
done
for c in "$LEAF" "$INT" "$ROOT" "$CIO" "$RAPID"; do
	[ -f "out/$(sha "$c").der" ] || fail "no out/$(sha "$c").der for $c"
	der "$c" | cmp -s - "out/$(sha "$c").der" || fail "content of $(sha "$c").der"
done
