# export --format chains --dir DIR: each unique chain as DIR/<chain id>.pem,
# certificates in the order sent, "# " header lines with reports, hosts and
# errors; openssl reads every file; atomic, idempotent re-runs.
. "$CLI_DIR/lib.sh"

{
	report a.example $T_OCT1 -8179 "$LEAF" "$INT" "$ROOT"
	report b.example $T_OCT1 -8179 "$LEAF" "$INT" "$ROOT"
	report b.example $T_OCT2 -12276 "$LEAF" "$INT" "$ROOT"
	report - $T_OCT2 -8179 "$LEAF" "$INT" "$ROOT"
	report c.example $T_OCT2 -8181 "$CIO" "$RAPID"
	report d.example $T_OCT3 -8179 "$LEAF" "$LEAF"
	report e.example $T_OCT3 - "$AVLEAF" "$AVROOT"
} >r.jsonl
ingest --db db r.jsonl

# chain_id FILE...: SHA-256 of the concatenated SHA-256 digests
chain_id() {
	local f
	for f in "$@"; do sha "$f"; done | /usr/bin/python3 -c '
import hashlib, sys
print(hashlib.sha256(b"".join(bytes.fromhex(l) for l in sys.stdin.read().split())).hexdigest())'
}
X1=$(chain_id "$LEAF" "$INT" "$ROOT")
X2=$(chain_id "$CIO" "$RAPID")
X3=$(chain_id "$LEAF" "$LEAF")
X4=$(chain_id "$AVLEAF" "$AVROOT")

run "$CS" export --db db --format chains --dir out
assert_status 0 "export chains"
assert_eq "certsift: export: wrote 4 chains (9 certificates) to 'out'" \
    "$(<_err)" "message"
assert_eq "$(printf '%s.pem\n' $X1 $X2 $X3 $X4 | sort)" "$(ls out | sort)" \
    "file names are the chain ids"

# openssl finds as many certificates as certsift says it wrote, in order
total=0
for f in out/*.pem; do
	run openssl storeutl -certs "$f"
	assert_status 0 "storeutl $f"
	n=$(grep -Ec '^[0-9]+: Certificate' _out)
	total=$((total + n))
	# each block's DER in file order
	awk '/-----BEGIN/{n++; f = "blk" n ".pem"} f{print > f} /-----END/{f = ""}' "$f"
	got=$(for b in $(ls blk*.pem | sort -V); do openssl x509 -in "$b" -outform DER | sha256sum | cut -d' ' -f1; done | tr '\n' ' ')
	rm -f blk*.pem
	assert_eq "$n" "$(grep -c -- '-----BEGIN CERTIFICATE-----' "$f")" "$f blocks"
	# every line is a comment or part of a PEM block
	assert_eq "" "$(grep -Ev '^(# .*|-----(BEGIN|END) CERTIFICATE-----|[A-Za-z0-9+/=]+)$' "$f" | head -3)" \
	    "$f stray lines"
	case $(basename "$f" .pem) in
	$X1) want="$(sha "$LEAF") $(sha "$INT") $(sha "$ROOT") " ;;
	$X2) want="$(sha "$CIO") $(sha "$RAPID") " ;;
	$X3) want="$(sha "$LEAF") $(sha "$LEAF") " ;;
	$X4) want="$(sha "$AVLEAF") $(sha "$AVROOT") " ;;
	esac
	assert_eq "$want" "$got" "$f order"
done
assert_eq 9 "$total" "certificates read by openssl"

# header: reports, distinct hostnames, code=count by code
hdr() {	# FILE KEY
	sed -n "s/^# $2: //p" "$1" | head -n 1
}
assert_eq "4|2|-12276=1 -8179=3" \
    "$(hdr out/$X1.pem reports)|$(hdr out/$X1.pem hosts)|$(hdr out/$X1.pem errors)" "X1 header"
assert_eq "1|1|-8181=1" \
    "$(hdr out/$X2.pem reports)|$(hdr out/$X2.pem hosts)|$(hdr out/$X2.pem errors)" "X2 header"
assert_eq "1|1|-8179=1" \
    "$(hdr out/$X3.pem reports)|$(hdr out/$X3.pem hosts)|$(hdr out/$X3.pem errors)" "X3 header"
assert_eq "1|1|" \
    "$(hdr out/$X4.pem reports)|$(hdr out/$X4.pem hosts)|$(hdr out/$X4.pem errors)" "X4 header"
assert_eq "$X1" "$(hdr out/$X1.pem chain)" "chain line"

# a re-run changes nothing: same files, same inodes, nothing left over
ls -i out | sort >inodes1
ok "$CS" export --db db --format chains --dir out
ls -i out | sort >inodes2
assert_file_eq inodes1 inodes2 "re-run keeps unchanged files"
# new reports: the changed chain is replaced (a new file renamed over it)
report f.example $T_OCT4 -8179 "$LEAF" "$INT" "$ROOT" >r2.jsonl
ingest --db db r2.jsonl
cp out/$X2.pem x2.before
ok "$CS" export --db db --format chains --dir out
ls -i out | sort >inodes3
assert_eq "$(grep -v $X1 inodes1)" "$(grep -v $X1 inodes3)" "others untouched"
assert_eq 1 "$(diff inodes1 inodes3 | grep -c '^>')" "one file replaced"
assert_eq "5|3" "$(hdr out/$X1.pem reports)|$(hdr out/$X1.pem hosts)" "X1 updated"
assert_file_eq x2.before out/$X2.pem "X2 unchanged"
assert_eq 4 "$(ls out | wc -l)" "no temporary files"

# what an export killed mid-write left is removed; other files stay
head -c 100 out/$X2.pem >out/$X2.pem.tmp.2147483646
echo mine >out/notes.txt
ok "$CS" export --db db --format chains --dir out
assert_eq "$(printf '%s.pem\n' $X1 $X2 $X3 $X4 | sort; echo notes.txt)" \
    "$(ls out | sort)" \
    "stale temporary file removed"

# the selection: chains whose leaf is selected, counting matching reports
ok "$CS" export --db db --format chains --dir e8179 --error -8179
assert_eq "$(printf '%s.pem\n' $X1 $X3 | sort)" "$(ls e8179 | sort)" "--error"
assert_eq "4|3|-8179=4" \
    "$(hdr e8179/$X1.pem reports)|$(hdr e8179/$X1.pem hosts)|$(hdr e8179/$X1.pem errors)" \
    "--error X1 header"
ok "$CS" export --db db --format chains --dir av --issuer avast
assert_eq "$X4.pem" "$(ls av)" "--issuer"
ok "$CS" export --db db --format chains --dir none --subject no-such-name
assert_eq "" "$(ls none)" "nothing selected"
assert_eq "certsift: export: wrote 0 chains (0 certificates) to 'none'" \
    "$(<_err)" "nothing selected message"

# usage errors
run "$CS" export --db db --format chains
assert_status 2 "chains without --dir"
run "$CS" export --db db --format chains --dir x -o y
assert_status 2 "chains with -o"
