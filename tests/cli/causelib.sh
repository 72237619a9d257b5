# Helpers of the --cause tests (sel-cause*.sh), sourced after lib.sh: a
# store of the sample corpus in ./s, and R, the options that name it.

ingest --db s "$CORPUS/sample"
R="--db s"

# total ARGS...: the reports causes selects (its summary line)
total() {
	run "$CS" causes $R --json "$@"
	assert_status 0 "causes $*"
	sed -n 's/.*: reports \([0-9]*\);.*/\1/p' _err
}
# rows CAUSE ARGS...: the reports of the rows of CAUSE
rows() {
	local c=$1
	shift
	run "$CS" causes $R --json -n 0 "$@"
	jq --arg c "$c" 'map(select(.cause == $c) | .reports) | add // 0' _out
}
