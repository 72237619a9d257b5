#!/bin/sh
# certsift ingest benchmark. Usage: tools/bench/run.sh [--runs N] [--reports N]
#   [--only ROWS] [--scale] [--no-reingest] [--no-doc] [--bench-dir DIR] ...
# Environment: CERTSIFT (default <repo>/build/certsift), BENCH_DIR (default
# /var/tmp/certsift-bench: corpus cache, yardstick binaries, scratch stores).
# See docs/BENCHMARKS.md and `tools/bench/run.sh --help`. POSIX sh (make runs
# it with `sh`).
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
repo=$(CDPATH= cd -- "$here/../.." && pwd)
CERTSIFT=${CERTSIFT:-$repo/build/certsift}
BENCH_DIR=${BENCH_DIR:-/var/tmp/certsift-bench}
export CERTSIFT BENCH_DIR
# Debian's python3 (it has python3-cryptography), not a pyenv/venv one on PATH
exec /usr/bin/python3 "$here/bench.py" "$@"
