#!/bin/bash
# Run certsift's CLI tests.
#
# usage: tests/cli/run.sh [PATTERN...]
#
# Environment:
#   CERTSIFT  absolute path to the binary (default: <repo>/build/certsift)
#   CORPUS    absolute path to corpus/ (default: <repo>/corpus)
#   TIMEOUT   per-test timeout in seconds (default 90)
#   KEEP=1    keep each test's temp dir (its path is printed)
#   JOBS      tests run at once (default: the number of cores)
#   UPDATE=1  rewrite a test's golden files (<name>.out, .err, .exit) that exist
#   EXCLUDE   names of tests not to run
#   LEAKS     names of tests run with LeakSanitizer on (ASAN_OPTIONS'
#             detect_leaks=1 in place of detect_leaks=0): its check at
#             each process's exit costs ~50 ms, so make check's ASan run
#             turns it on for a subset that runs every command
#
# Every tests/cli/<cmd>-<case>.sh runs (started in sorted order, JOBS at a
# time) with bash in a fresh temp dir (its cwd) with CERTSIFT, CORPUS and CLI_DIR exported and
# CERTSIFT_DB unset. A PATTERN selects tests whose name contains it. A test
# passes when it exits 0 and, where a golden file <name>.out / .err / .exit
# exists next to it, its stdout / stderr / exit status match it.
# Prints "PASS name" or "FAIL name" (with details, indented) per test and
# ends with one line "N passed, N failed"; exits 1 if any failed.

# "sh run.sh" works too: the job pool needs bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

set -u
export LC_ALL=C

CLI_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$CLI_DIR/../.." && pwd)
: "${CERTSIFT:=$REPO/build/certsift}"
: "${CORPUS:=$REPO/corpus}"
: "${TIMEOUT:=90}"
export CERTSIFT CORPUS CLI_DIR
unset CERTSIFT_DB

case $CERTSIFT in /*) ;; *) CERTSIFT=$PWD/$CERTSIFT ;; esac
case $CORPUS in /*) ;; *) CORPUS=$PWD/$CORPUS ;; esac

if [ ! -x "$CERTSIFT" ]; then
	echo "run.sh: CERTSIFT='$CERTSIFT' is not an executable" >&2
	exit 2
fi
if [ ! -d "$CORPUS/sample" ]; then
	echo "run.sh: CORPUS='$CORPUS' has no sample/" >&2
	exit 2
fi
for tool in jq openssl python3 timeout gzip sha256sum; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "run.sh: '$tool' is required" >&2
		exit 2
	fi
done

# (the lists' names one space apart)
EXCLUDE=$(echo ${EXCLUDE:-})
LEAKS=$(echo ${LEAKS:-})
export LEAKS

# lib.sh caches base64/sha256 of fixture certificates here
CLI_CACHE=$(mktemp -d "${TMPDIR:-/tmp}/certsift-cli-cache.XXXXXX")
export CLI_CACHE
trap 'rm -rf "$CLI_CACHE"' EXIT

# One test: run it in a fresh temp dir, compare its golden files, and
# write its verdict ("PASS name" or "FAIL name" and details) to $1.
run_one() {	# verdict-file test-path name
	local res=$1 t=$2 name=$3 dir log status why g gf actual t0 cs
	t0=$(date +%s%N)
	dir=$(mktemp -d "${TMPDIR:-/tmp}/certsift-cli.$name.XXXXXX")
	log=$dir.log
	mkdir -p "$log"
	(cd "$dir" &&
	    case " ${LEAKS:-} " in *" $name "*)
		export ASAN_OPTIONS=${ASAN_OPTIONS/detect_leaks=0/detect_leaks=1} ;;
	    esac &&
	    exec timeout -k 5 "$TIMEOUT" bash "$t") \
	    >"$log/stdout" 2>"$log/stderr" </dev/null
	status=$?
	why=
	if [ $status = 124 ] || [ $status = 137 ]; then
		why="timed out after ${TIMEOUT}s"
	elif [ -f "$CLI_DIR/$name.exit" ] || [ "${UPDATE:-}" = 1 ]; then
		:
	elif [ $status != 0 ]; then
		why="exit status $status"
	fi
	for g in out err exit; do
		gf=$CLI_DIR/$name.$g
		[ -f "$gf" ] || continue
		case $g in
		out) actual=$log/stdout ;;
		err) actual=$log/stderr ;;
		exit) echo "$status" >"$log/exit"; actual=$log/exit ;;
		esac
		if [ "${UPDATE:-}" = 1 ]; then
			cp "$actual" "$gf"
		elif ! cmp -s "$gf" "$actual"; then
			why="$why${why:+; }$g differs from $name.$g"
			diff -u "$gf" "$actual" | head -40 >>"$log/stderr"
		fi
	done
	{
		cs=$((($(date +%s%N) - t0) / 10000000))	# hundredths
		if [ -z "$why" ]; then
			printf 'PASS %s (%d.%02ds)\n' "$name" $((cs / 100)) $((cs % 100))
		else
			printf 'FAIL %s (%d.%02ds)\n' "$name" $((cs / 100)) $((cs % 100))
			echo "    $why"
			tail -n 40 "$log/stderr" | sed 's/^/    /'
		fi
		if [ "${KEEP:-}" = 1 ]; then
			echo "    kept $dir (output in $log)"
		fi
	} >"$res"
	[ "${KEEP:-}" = 1 ] || rm -rf "$dir" "$log"
}

# Tests run JOBS at a time (each in its own temp dir); a verdict is
# printed as its test ends.
: "${JOBS:=$(nproc 2>/dev/null || echo 2)}"
passed=0
failed=0
running=0
declare -A verdict_of
report() {	# pid
	local res=${verdict_of[$1]}
	cat "$res"
	case $(head -c 4 "$res") in
	PASS) passed=$((passed + 1)) ;;
	*) failed=$((failed + 1)) ;;
	esac
	unset "verdict_of[$1]"
	running=$((running - 1))
}
for t in "$CLI_DIR"/*-*.sh; do
	name=$(basename "$t" .sh)
	if [ $# -gt 0 ]; then
		sel=0
		for pat in "$@"; do
			case $name in *"$pat"*) sel=1 ;; esac
		done
		[ $sel = 1 ] || continue
	fi
	case " $EXCLUDE " in *" $name "*) continue ;; esac
	if [ "$running" -ge "$JOBS" ]; then
		wait -n -p done_pid
		report "$done_pid"
	fi
	run_one "$CLI_CACHE/verdict.$name" "$t" "$name" &
	verdict_of[$!]=$CLI_CACHE/verdict.$name
	running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
	wait -n -p done_pid
	report "$done_pid"
done

echo "$passed passed, $failed failed"
[ $failed = 0 ]
