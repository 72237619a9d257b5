#!/bin/sh
# make check: the unit tests and the byte-for-byte CLI tests of the plain
# build, then the unit tests and every CLI test built with AddressSanitizer
# and UndefinedBehaviorSanitizer, and a build whose keys are 4 bits (hash
# collisions every day); the tests that run several threads, built with
# ThreadSanitizer. Ends with one line "N passed, N failed"; exits 1 on any
# failure.
set -u
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
jobs=$(nproc 2>/dev/null || echo 2)
# A CLI test's time limit only stops a hung test; under the sanitizers,
# two at a time, the merge and Dask tests need more than run.sh's 90 s.
export TIMEOUT="${TIMEOUT:-300}"

suite() {	# build-dir label [make args...]; $CLI_TESTS: run.sh's patterns
	b=$1; label=$2; shift 2
	log=build/logs/$(echo "$b" | tr / _).log
	echo "== $label"
	mkdir -p build/logs
	if ! make --no-print-directory -j"$jobs" BUILD="$b" \
	    CFLAGS="-O1 -g -Werror" "$@" all unit-bins >"$log" 2>&1; then
		cat "$log"
		echo "$label build: 0 passed, 1 failed"
		return
	fi
	# The unit tests (one process at a time, with LeakSanitizer wherever
	# ASan is) beside the CLI tests, their output after them.
	unit_asan=$(echo "${ASAN_OPTIONS:-}" | sed 's/detect_leaks=0/detect_leaks=1/')
	for t in "$b"/tests/test_*; do
		[ -x "$t" ] && ASAN_OPTIONS=$unit_asan CORPUS="$PWD/corpus" "$t"
	done >"$log.unit" 2>&1 &
	unit=$!
	CERTSIFT="$PWD/$b/certsift" CERTSIFT_SHORTKEY="$PWD/build/k4/certsift" \
	    CERTSIFT_ZLIB="$PWD/build/zlib/certsift" \
	    CORPUS="$PWD/corpus" sh tests/cli/run.sh ${CLI_TESTS:-}
	wait $unit
	cat "$log.unit"
	elapsed
}

# "   (N s so far)": where make check's time goes.
start=$(date +%s)
elapsed() {
	echo "   ($(( $(date +%s) - start )) s so far)"
}

{
	mkdir -p build/logs
	# 4-bit keys (collisions every day), a 64 KiB first map (it
	# grows, and the batch is written again, many times), a 16 KiB
	# certificate cache (emptied every few certificates) and missing's
	# hostnames of every row counted in one pass.
	make --no-print-directory -j"$jobs" BUILD=build/k4 KEYBITS=4 MAPSTART=65536 \
	    CACHELIMIT=16384 HOSTSALL=0 CFLAGS="-O1 -g -Werror" all \
	    >build/logs/k4.log 2>&1 ||
	    echo "4-bit key build: 0 passed, 1 failed"
	# gzip through zlib, as where ISA-L is missing: a test compares it
	# with the ISA-L build
	make --no-print-directory -j"$jobs" BUILD=build/zlib ISAL=0 \
	    CFLAGS="-O1 -g -Werror" all >build/logs/zlib.log 2>&1 ||
	    echo "zlib build: 0 passed, 1 failed"
	# The CLI tests run once each, under ASan+UBSan below (the same
	# checks, and memory errors found); here, with the build users run,
	# those whose output is the contract byte for byte (golden-*), the
	# Dask and Chromium tests, the merge soaks (merge-partition, also
	# run under ASan, with the 4-bit build only here), and the huge
	# pages' re-execution (the sanitizers' builds do not re-execute).
	CLI_TESTS="golden- corpus-sample dask-driver report-browser
	    ingest-gzip-backends merge-partition merge-kill merge-build-kill
	    hugepages-reexec"
	suite build "plain build"
	CLI_TESTS=
	# (All but the tests of the Dask driver and of the page in Chromium:
	# Python and a browser drive there what other tests run here; the
	# merge kill soaks: merge-restart kills and resumes merges here;
	# golden-bench: golden-sample runs the same commands here;
	# hugepages-reexec: these builds never execute certsift again.)
	# LeakSanitizer's check at a process's exit costs ~50 ms here (it
	# faults in memory nothing touched): on for the unit tests and for
	# CLI tests that run every command and its error paths, off for the
	# rest (ASan and UBSan stay on everywhere).
	export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	export LEAKS="top-issuers top-certs golden-usage golden-trend ingest-bad-input
	    ingest-sample ingest-gzip ingest-zstd ingest-kill-resume
	    ingest-errors-log hostile-strings faults-damaged-store
	    faults-full-disk merge-restart merge-refuse aia-fetch aia-import
	    causes-real report-figures missing-walk missing-pem verify-bitflips
	    trend-days show-cert export-der export-pem sel-period-bounds
	    privacy-hosts-modes faults-lost-record" CHECK_SANITIZER=address
	export EXCLUDE="dask-driver report-browser merge-kill merge-build-kill
	    golden-bench hugepages-reexec"
	# Not position-independent: ASan's descriptors of the globals made
	# 64,000 relocations, whose pages each process wrote at start-up
	# (`certsift show` 41 -> 33 ms, 1,571 -> 1,132 page faults).
	suite build/asan "ASan+UBSan build" SANITIZE=address,undefined \
	    CFLAGS="-O1 -g -Werror -fno-pie" LDFLAGS=-no-pie
	unset ASAN_OPTIONS UBSAN_OPTIONS LEAKS CHECK_SANITIZER EXCLUDE
	# The fuzz harnesses' seeds replayed (ASan+UBSan) beside the
	# ThreadSanitizer run, their output after it.
	sh tools/fuzz.sh --replay >build/logs/fuzz-replay.log 2>&1 &
	fuzz=$!
	# (merge-restart: a merge of three stores into a new one, its
	# writer thread and two lanes, killed and resumed)
	echo "== ThreadSanitizer build: the multi-threaded ingests, report and merge"
	echo "   (with a 16 KiB certificate cache: emptied while workers run)"
	if make --no-print-directory -j"$jobs" BUILD=build/tsan \
	    SANITIZE=thread CACHELIMIT=16384 CFLAGS="-O1 -g -Werror" all \
	    >build/logs/tsan.log 2>&1; then
		TSAN_OPTIONS=halt_on_error=1:exitcode=66:suppressions=$PWD/tests/tsan.supp \
		CHECK_SANITIZER=thread \
		CERTSIFT="$PWD/build/tsan/certsift" \
		CERTSIFT_SHORTKEY="$PWD/build/k4/certsift" \
		CORPUS="$PWD/corpus" sh tests/cli/run.sh corpus-sample \
		    ingest-order-invariance ingest-sample ingest-concurrent \
		    ingest-query-while-writing show-cert ingest-zstd \
		    ingest-gzip-backends ingest-compressed-dir verify-sample \
		    report-figures causes-sample trend-causes merge-restart \
		    merge-refuse faults-lost-record
		# The ring between the walk and the facts' thread, its waits
		# made to happen (a ring of one item, of eight, ...).
		if make --no-print-directory BUILD=build/tsan SANITIZE=thread \
		    CACHELIMIT=16384 CFLAGS="-O1 -g -Werror" \
		    build/tsan/tests/test_ring \
		    >>build/logs/tsan.log 2>&1; then
			TSAN_OPTIONS=halt_on_error=1:exitcode=66 \
			    build/tsan/tests/test_ring ||
			    echo "test_ring (ThreadSanitizer): 0 passed, 1 failed"
		else
			echo "test_ring (ThreadSanitizer build): 0 passed, 1 failed"
		fi
	else
		cat build/logs/tsan.log
		echo "ThreadSanitizer build: 0 passed, 1 failed"
	fi
	elapsed
	echo "== fuzz harnesses, replaying their seeds (ASan+UBSan)"
	wait $fuzz
	cat build/logs/fuzz-replay.log
	make --no-print-directory check-headers >/dev/null 2>&1 &&
	    echo "headers: 1 passed, 0 failed" ||
	    echo "headers: 0 passed, 1 failed"
} 2>&1 | tee "$out"

# Sum every runner's closing line.
awk '
/[0-9]+ passed, [0-9]+ failed/ {
	for (i = 1; i <= NF; i++) {
		if ($(i) ~ /^passed,?$/) p += $(i - 1)
		if ($(i) ~ /^failed,?$/) f += $(i - 1)
	}
}
END { printf "%d passed, %d failed\n", p, f; exit(f > 0 || p == 0) }
' "$out"
