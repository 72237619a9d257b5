#!/bin/sh
# Builds the libFuzzer harnesses tests/fuzz/fuzz_*.c against the library
# compiled with ASan and UBSan, and runs them.
#
#   sh tools/fuzz.sh [SECONDS]    run each harness for SECONDS (default 60)
#                                 on a work corpus under build/fuzz/corpus/
#   sh tools/fuzz.sh --replay     run each harness once over its seed corpus
#                                 tests/fuzz/seeds/<target>/ (make check)
#
# FUZZ_CC (default clang) and FUZZ_CFLAGS (added to every compile) are taken
# from the environment; FUZZ_TARGETS="report x509" runs only those.
#
# Prints one line per harness, "fuzz_<name>: N passed, N failed". Crashes
# are saved as build/fuzz/artifacts/<target>/crash-*. Installs clang and
# libclang-rt-14-dev with apt-get when they are missing. Exits 1 when a
# harness fails, 2 on a usage error.
set -u
cd "$(dirname "$0")/.."

FUZZ=build/fuzz
CC=${FUZZ_CC:-clang}
PKGS="openssl lmdb libxxhash jansson zlib libcurl libzstd"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
CFLAGS="-g -O1 -fno-omit-frame-pointer -std=c11 -D_GNU_SOURCE -Iinclude \
-Isrc/lib -Ibuild/gen -Itests/unit ${FUZZ_CFLAGS:-}"

die() {
	echo "fuzz.sh: $*" >&2
	echo "fuzz: 0 passed, 1 failed"
	exit 1
}

replay=0
case ${1:-60} in
--replay)	replay=1 ;;
*[!0-9]*|'')	echo "usage: sh tools/fuzz.sh [--replay | seconds]" >&2
		exit 2 ;;
*)		seconds=${1:-60} ;;
esac

# Whether $CC can build and link a libFuzzer binary.
have_libfuzzer() {
	mkdir -p "$FUZZ" || return 1
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
	    '{ (void)d; (void)n; return 0; }' >"$FUZZ/probe.c" &&
	    "$CC" -fsanitize=fuzzer,address,undefined -o "$FUZZ/probe" \
	    "$FUZZ/probe.c" >"$FUZZ/probe.log" 2>&1
}

if ! have_libfuzzer; then
	echo "fuzz.sh: $CC cannot build libFuzzer binaries; installing" \
	    "clang libclang-rt-14-dev" >&2
	SUDO=
	[ "$(id -u)" -ne 0 ] && SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq >/dev/null 2>&1
	$SUDO apt-get install -y -qq clang libclang-rt-14-dev >/dev/null ||
	    die "cannot install clang libclang-rt-14-dev"
	have_libfuzzer || {
		cat "$FUZZ/probe.log" >&2
		die "$CC still cannot build libFuzzer binaries"
	}
fi

# The library, built with the harnesses' flags (the NSS table comes from
# make). An object is rebuilt when its source or any header is newer.
make --no-print-directory build/gen/nss_table.inc >/dev/null ||
    die "cannot generate build/gen/nss_table.inc"
PKG_CFLAGS=$(pkg-config --cflags $PKGS 2>/dev/null)
# (libcurl is loaded by the library when it needs it: curl_dl.c)
LIBS="$(pkg-config --libs $(echo "$PKGS" | sed 's/libcurl//') 2>/dev/null ||
    echo -lcrypto -llmdb -lxxhash -ljansson -lz -lzstd) -lpthread -lm -ldl"
mkdir -p "$FUZZ/obj" || die "cannot create $FUZZ/obj"
# Other flags than last time: rebuild everything.
if [ "$(cat "$FUZZ/obj/flags" 2>/dev/null)" != "$CC $CFLAGS $SAN" ]; then
	rm -f "$FUZZ"/obj/*.o
	printf '%s\n' "$CC $CFLAGS $SAN" >"$FUZZ/obj/flags"
fi
newest_hdr=$(ls -t include/certsift/*.h src/lib/*.h tests/unit/rcollect.h \
    build/gen/nss_table.inc | head -1)
objs=
for src in src/lib/*.c; do
	obj=$FUZZ/obj/$(basename "$src" .c).o
	objs="$objs $obj"
	if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] ||
	    [ "$newest_hdr" -nt "$obj" ] || [ tools/fuzz.sh -nt "$obj" ]; then
		$CC $CFLAGS $PKG_CFLAGS $SAN -fsanitize=fuzzer-no-link \
		    -c -o "$obj" "$src" || die "cannot compile $src"
	fi
done

total_fail=0
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	target=${name#fuzz_}
	case " ${FUZZ_TARGETS:-$target} " in
	*" $target "*)	;;
	*)		continue ;;
	esac
	bin=$FUZZ/$name
	seeds=tests/fuzz/seeds/$target
	if ! $CC $CFLAGS $PKG_CFLAGS $SAN -fsanitize=fuzzer -o "$bin" "$src" \
	    $objs $LIBS; then
		echo "$name: 0 passed, 1 failed"
		total_fail=1
		continue
	fi
	mkdir -p "$FUZZ/artifacts/$target" "$FUZZ/corpus/$target"
	log=$FUZZ/$name.log
	if [ "$replay" = 1 ]; then
		# Every seed once, as individual files.
		if [ ! -d "$seeds" ] || [ -z "$(ls "$seeds")" ]; then
			echo "fuzz.sh: $name: no seeds in $seeds" >&2
			echo "$name: 0 passed, 1 failed"
			total_fail=1
			continue
		fi
		"./$bin" -runs=1 \
		    -artifact_prefix="$FUZZ/artifacts/$target/" \
		    "$seeds"/* >"$log" 2>&1
	else
		dict=
		[ -f "tests/fuzz/$target.dict" ] &&
		    dict=-dict=tests/fuzz/$target.dict
		"./$bin" -max_total_time="$seconds" -print_final_stats=1 \
		    -timeout=20 -rss_limit_mb=2048 $dict \
		    -artifact_prefix="$FUZZ/artifacts/$target/" \
		    "$FUZZ/corpus/$target" "$seeds" >"$log" 2>&1
	fi
	rc=$?
	if [ "$rc" = 0 ]; then
		if [ "$replay" = 0 ]; then
			execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
			    "$log")
			echo "fuzz.sh: $name: ${execs:-?} executions in" \
			    "${seconds}s, corpus $(ls "$FUZZ/corpus/$target" |
			    wc -l) inputs" >&2
		fi
		echo "$name: 1 passed, 0 failed"
	else
		grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz_|.*runtime error)' \
		    "$log" | head -20 >&2
		grep -E 'Test unit written to' "$log" >&2
		echo "fuzz.sh: $name failed (exit $rc); log in $log" >&2
		echo "$name: 0 passed, 1 failed"
		total_fail=1
	fi
done
exit "$total_fail"
