# Random partitions of the sample and of a corpus of many files into 2 to
# 6 stores, merged in random groupings and orders: every answer of every
# command equals that of one ingest of all the files (with 128-bit keys,
# and with 4-bit keys and a tiny map: collisions, and the map growing).
. "$CLI_DIR/lib.sh"
. "$CLI_DIR/mergelib.sh"

gen_corpus gen
files=("$CORPUS"/sample/*.json* "$CORPUS"/sample/telemetry/* gen/*)
[ ${#files[@]} -gt 40 ] || die "the generated corpus has too few files"
seed=${MERGE_SEED:-$(( $(date +%s) % 100000 ))}
echo "seed $seed (MERGE_SEED=$seed repeats it)" >&2
RANDOM=$seed

trial() {	# CS label
	local cs=$1 t=$2 k i s stores=()
	"$cs" ingest --db all.$t "${files[@]}" >/dev/null 2>&1 ||
	    fail "$t: single ingest"
	CS=$cs dump_all all.$t want.$t
	k=$(( 2 + RANDOM % 5 ))
	for ((i = 0; i < k; i++)); do
		mkdir -p part.$t.$i
	done
	for f in "${files[@]}"; do
		s=$(( RANDOM % k ))
		cp "$f" part.$t.$s/
	done
	for ((i = 0; i < k; i++)); do
		# An empty part makes an empty store: merged all the same.
		"$cs" ingest --db s.$t.$i --jobs $(( 1 + RANDOM % 2 )) \
		    part.$t.$i >/dev/null 2>&1
		stores+=(s.$t.$i)
	done
	echo "$t: $k stores" >&2
	last=$(merge_randomly "$cs" $t "${stores[@]}" 2>merge.err)
	grep FAIL merge.err >&2 && fail "$t: a merge failed"
	"$cs" verify --db "$last" >verify.out 2>&1 ||
	    fail "$t: verify of the merged store: $(<verify.out)"
	CS=$cs dump_all "$last" got.$t
	same_answers want.$t got.$t "$t: $k stores merged"
}

trial "$CS" a

# One store into a new one: a copy of it, with no record of a merge left,
# which a second store then merges into.
ok "$CS" merge --db one s.a.0
if mdb_dump -p -s meta one | grep -q '^ merge'; then
	fail "a copy holds a merge record"
fi
dump_some s.a.0 want.one
dump_some one got.one
same_answers want.one got.one "one store merged into a new one"

# (Not under a sanitizer: the 4-bit build is not built with one, and the
# plain run has done this.)
if [ -n "${CERTSIFT_SHORTKEY:-}" ] && [ -x "$CERTSIFT_SHORTKEY" ] &&
    [ -z "${CHECK_SANITIZER:-}" ]; then
	trial "$CERTSIFT_SHORTKEY" k4
	c=$(jq .hash_collisions want.k4/stats)
	[ "$c" -gt 0 ] || fail "4-bit keys gave no collisions"
fi
[ "$(jq .unique_certs want.a/stats)" -gt 50 ] || fail "too few certificates"
