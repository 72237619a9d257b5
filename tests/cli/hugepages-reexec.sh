# The commands that hold a store's certificates in memory (report,
# causes, missing, trend) execute certsift again, once, with glibc's
# malloc asking for transparent huge pages (src/cli/hugepages.c); the
# others do not, nor with CERTSIFT_HUGEPAGES=0 or a hugetlb tunable the
# user set; a user's other tunables are kept; the output is the same
# either way. The plain build's test (make check): the sanitizers'
# allocators read no tunable, and their builds never execute again.
. "$CLI_DIR/lib.sh"

if ! grep -q '\[madvise\]' /sys/kernel/mm/transparent_hugepage/enabled \
    2>/dev/null; then
	# Then there is nothing to ask for: certsift runs as it is.
	echo "the kernel's THP setting is not madvise: checking no re-execution"
	MADVISE=0
else
	MADVISE=1
fi
command -v strace >/dev/null || fail "strace is required (make check installs it)"

ingest --db db "$CORPUS/sample"

# traced WHAT CMD...: runs CMD under strace; ./tr has its execve calls
# (with their environments), ./_out and ./_err its output.
traced() {
	strace -f -qq -v -s 4096 -e trace=execve -o tr "$@" >_out 2>_err
	status=$?
	nexec=$(grep -c 'execve(' tr)
}

for cmd in "report -o page.html" "causes" "missing" "trend --by cause"; do
	traced "$CS" $cmd --db db --roots "$CORPUS/certs/gen/sample-root.pem"
	assert_status 0 "$cmd"
	assert_eq $((1 + MADVISE)) "$nexec" "$cmd: certsift executed"
	if [ "$MADVISE" = 1 ]; then
		grep 'execve("/proc/self/exe"' tr | grep -q \
		    '"GLIBC_TUNABLES=glibc.malloc.hugetlb=1"' ||
		    fail "$cmd: not executed again with the tunable: $(tail -n 1 tr | cut -c1-160)"
	fi
	cp _out with.out
	[ -f page.html ] && mv page.html with.html
	CERTSIFT_HUGEPAGES=0 traced "$CS" $cmd --db db \
	    --roots "$CORPUS/certs/gen/sample-root.pem"
	assert_status 0 "$cmd, CERTSIFT_HUGEPAGES=0"
	assert_eq 1 "$nexec" "$cmd, CERTSIFT_HUGEPAGES=0: certsift executed"
	assert_file_eq with.out _out "$cmd: the same output either way"
	[ -f page.html ] && assert_file_eq with.html page.html \
	    "$cmd: the same page either way"
done

# The other commands run as they are.
for cmd in "top certs" "stats" "show --help"; do
	traced "$CS" $cmd --db db
	assert_eq 1 "$nexec" "$cmd: certsift executed"
done

# A hugetlb tunable of the user's is left as it is; other tunables are
# kept beside the one added.
GLIBC_TUNABLES=glibc.malloc.hugetlb=0 traced "$CS" missing --db db
assert_status 0 "missing, hugetlb=0"
assert_eq 1 "$nexec" "missing, the user's hugetlb=0: certsift executed"
if [ "$MADVISE" = 1 ]; then
	GLIBC_TUNABLES=glibc.malloc.arena_max=2 traced "$CS" missing --db db
	assert_status 0 "missing, arena_max=2"
	assert_eq 2 "$nexec" "missing, arena_max=2: certsift executed"
	grep -q '"GLIBC_TUNABLES=glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1"' \
	    tr || fail "missing: the user's tunable not kept: $(tail -n 1 tr | cut -c1-160)"
fi
