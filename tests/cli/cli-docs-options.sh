# The options of every command agree everywhere they are listed: its own
# usage (certsift CMD -h), the top-level help (certsift --help), the
# README's synopsis of the command and the man page's. Every command that
# `certsift --help` lists is checked, so a new command is covered as soon
# as it has a table row.
. "$CLI_DIR/lib.sh"

README=$CLI_DIR/../../README.md
MAN=$CLI_DIR/../../docs/certsift.1

# opts: the options named in stdin, one per line, sorted: --long and -x.
opts() {
	grep -oE -- '(^|[^A-Za-z0-9-])--?[A-Za-z][A-Za-z0-9-]*' |
	    sed -E 's/^[^-]*//' | sort -u
}

run "$CS" --help
assert_status 0 "--help"
cp _out help.txt
cmds=$(sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p' help.txt)
[ -n "$cmds" ] || die "no commands in certsift --help"

# The selection's options, as top -h lists them.
"$CS" top -h | sed -n '/--ca/,/--valid-at/p' | opts >sel.opts
[ -s sel.opts ] || die "no selection options in top -h"

for c in $cmds; do
	run "$CS" "$c" -h
	assert_status 0 "$c -h"
	opts <_out >own.opts
	# -h itself: every command takes it
	echo "-h" >>own.opts
	sort -u -o own.opts own.opts

	# certsift --help: the command's block, up to the next command
	awk -v c="$c" '$1 == c && /^  [a-z]/ { p = 1; next }
	    /^  [a-z]/ { p = 0 } p' help.txt | opts >help.opts
	echo "-h" >>help.opts
	sort -u -o help.opts help.opts
	if ! cmp -s own.opts help.opts; then fail "$c: certsift --help and $c -h: only in -h: $(comm -23 own.opts help.opts | tr "\n" " ")only in the other: $(comm -13 own.opts help.opts | tr "\n" " ")"; fi

	# README: the indented synopsis lines under "### c"
	awk -v c="$c" '/^### / { p = ($2 == c); next } p && /^    certsift / { s = 1 }
	    p && s && /^    / { print; next } s && p { exit }' "$README" >readme.txt
	[ -s readme.txt ] || fail "$c: no synopsis under '### $c' in README.md"
	{ opts <readme.txt; echo "-h"; echo "--db"
	  if grep -q '\[selection\]' readme.txt; then cat sel.opts; fi; } |
	    sort -u >readme.opts
	if ! cmp -s own.opts readme.opts; then fail "$c: README.md and $c -h: only in -h: $(comm -23 own.opts readme.opts | tr "\n" " ")only in the other: $(comm -13 own.opts readme.opts | tr "\n" " ")"; fi

	# man page: the ".It Cm c" line
	grep -E "^\.It Cm $c( |$)" "$MAN" | sed 's/Fl /-/g' >man.txt
	[ -s man.txt ] || fail "$c: no '.It Cm $c' in docs/certsift.1"
	{ opts <man.txt; echo "-h"; echo "--db"
	  if grep -q 'Ar selection' man.txt; then cat sel.opts; fi; } |
	    sort -u >man.opts
	if ! cmp -s own.opts man.opts; then fail "$c: docs/certsift.1 and $c -h: only in -h: $(comm -23 own.opts man.opts | tr "\n" " ")only in the other: $(comm -13 own.opts man.opts | tr "\n" " ")"; fi
done
