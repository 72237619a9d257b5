# Damaged compressed input: a truncated or corrupt stream, a wrong zstd
# checksum, bytes after the last gzip member or zstd frame, decompression
# bombs. Each is counted (files_damaged), named with its file and the
# compressed byte, keeps the complete reports before the damage and nothing
# after it, is recorded as ingested, and holds memory within bounds.
. "$CLI_DIR/lib.sh"

S=$CORPUS/sample
cp "$S/flat-2026-10-w1.jsonl" flat.jsonl
n=$(wc -l <flat.jsonl)			# 600 reports
head -n 300 flat.jsonl >a
tail -n +301 flat.jsonl >b

# peak RssAnon (KiB) of a command, sampled from /proc every 5 ms
peak_anon() {
	python3 - "$@" <<'EOF'
import subprocess, sys, time
p = subprocess.Popen(sys.argv[1:], stdout=open("_out", "wb"), stderr=open("_err", "wb"))
peak = 0
while p.poll() is None:
    try:
        for l in open("/proc/%d/status" % p.pid):
            if l.startswith("RssAnon:"):
                peak = max(peak, int(l.split()[1]))
    except OSError:
        pass
    time.sleep(0.005)
print(peak)
sys.exit(p.returncode)
EOF
}

# damaged NAME EXPECT_ACCEPTED MESSAGE_REGEX: ingest NAME, which must be
# counted damaged with a message naming NAME; EXPECT_ACCEPTED "N" exactly
# or "<N" fewer
damaged() {
	run "$CS" ingest --json --db "db.$1" "$1"
	assert_status 0 "ingest $1"
	cp _out sum.json
	expect_json sum.json files=1 files_damaged=1
	grep -Eq "^certsift: ingest: $1:[0-9]+: $3\$" _err ||
	    fail "$1: no message /$3/ in: $(<_err)"
	acc=$(j .reports_accepted sum.json)
	case $2 in
	"<"*) [ "$acc" -lt "${2#<}" ] || fail "$1: $acc reports accepted" ;;
	*) assert_eq "$2" "$acc" "$1: reports accepted" ;;
	esac
	# the store holds the reports before the damage, each whole, and
	# nothing else: as from a plain file of those lines
	stats --db "db.$1"
	expect_json stats.json reports_accepted=$acc files_ingested=1
	export_jsonl --db "db.$1"
	mv exp.jsonl got.jsonl
	head -n "$acc" flat.jsonl >first
	ingest --db "ref.$1" first
	export_jsonl --db "ref.$1"
	assert_file_eq exp.jsonl got.jsonl "$1: export against the first $acc lines"
	# recorded as ingested: a second run is a no-op
	ingest --db "db.$1" "$1"
	expect_json sum.json files_skipped=1 reports_read=0
}

zstd -q --check -c a >a.zst
zstd -q --check -c b >b.zst
cat a.zst b.zst >ab.zst
gzip -c a >a.gz
gzip -c b >b.gz
cat a.gz b.gz >ab.gz
size() { wc -c <"$1"; }

# cut in the second frame or member: all of the first stays
for f in ab.zst ab.gz; do
	head -c $(($(size a.${f#ab.}) + $(size b.${f#ab.}) / 2)) "$f" >cut.${f#ab.}
done
damaged cut.zst "<$n" "truncated zstd stream at byte $(size cut.zst)"
[ "$acc" -ge 300 ] || fail "cut.zst: first frame lost ($acc accepted)"
damaged cut.gz "<$n" "truncated gzip stream at byte $(size cut.gz)"
[ "$acc" -ge 300 ] || fail "cut.gz: first member lost ($acc accepted)"

# a wrong checksum in the second frame: found at its end, after its reports
# (zstd holds back its last block)
python3 -c '
d = bytearray(open("ab.zst", "rb").read()); d[-1] ^= 0xff
open("sum.zst", "wb").write(d)'
damaged sum.zst "<$n" "zstd checksum mismatch in the frame that begins at byte $(size a.zst)"
[ "$acc" -ge 300 ] || fail "sum.zst: first frame lost ($acc accepted)"
python3 -c '
d = bytearray(open("ab.gz", "rb").read()); d[-8] ^= 0xff
open("crc.gz", "wb").write(d)'
damaged crc.gz $n "gzip checksum mismatch in the member that begins at byte $(size a.gz)"

# corrupt data (a block header overwritten) in the second frame
python3 -c '
a = len(open("a.zst", "rb").read())
d = bytearray(open("ab.zst", "rb").read()); d[a + 6:a + 9] = b"\xff\xff\xff"
open("bad.zst", "wb").write(d)'
damaged bad.zst 300 "corrupt zstd data \\(.*\\) at byte [0-9]+"

# bytes after the last frame or member
for f in a.zst a.gz; do
	{ cat "$f"; echo 'not compressed'; } >tail.${f#a.}
done
damaged tail.zst 300 "corrupt zstd data \\(Unknown frame descriptor\\) at byte $(size a.zst)"
damaged tail.gz 300 "not gzip data after a gzip member at byte $(size a.gz)"

# bombs: 10 GiB of zeros in 80 zstd frames (338 KB), 1 GiB in 16 gzip
# members (1 MB): stopped at 1,000:1, quickly, in bounded memory
head -c 128M /dev/zero | zstd -q -c >z128.zst
for i in $(seq 80); do cat z128.zst; done >bomb.zst
head -c 64M /dev/zero | gzip -9 -c >z64.gz
for i in $(seq 16); do cat z64.gz; done >bomb.gz
for f in bomb.zst bomb.gz; do
	kb=$(peak_anon "$CS" ingest --json --db "db.$f" "$f")
	status=$?
	assert_status 0 "ingest $f"
	# (a sanitizer's shadow memory and quarantine do not count)
	if ! ldd "$CS" | grep -Eq 'lib(a|t)san'; then
		[ "${kb:-0}" -lt 262144 ] || fail "$f: peak RssAnon $kb KiB"
	fi
	cp _out sum.json
	expect_json sum.json files_damaged=1 reports_accepted=0
	grep -Eq "^certsift: ingest: $f:[0-9]+: decompression bomb \\(over 1000 bytes out per byte in\\) at byte [0-9]+$" _err ||
	    fail "$f: $(<_err)"
done

# the reports before a bomb are kept
{ cat a.zst; cat bomb.zst; } >a-bomb.zst
damaged a-bomb.zst 300 "decompression bomb \\(over 1000 bytes out per byte in\\) at byte [0-9]+"

# --strict stops at the damage, naming the file
run "$CS" ingest --json --strict --db strict cut.zst
assert_status 1 "--strict on cut.zst"
grep -q "^certsift: ingest: cut.zst:[0-9]*: " _err ||
    fail "--strict: $(<_err)"
