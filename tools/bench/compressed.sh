#!/bin/sh
# Issue 12's rows alone: certsift ingest of the plain corpus and of its gzip,
# zstd and 8-gzip-file copies, beside igzip -dc, zstd -dc, zcat, and ref.py on
# the plain file and through Python's gzip; alternating rounds, medians, CPU
# time. Rewrites only the "compressed" results in docs/BENCHMARKS.md.
# Usage: tools/bench/compressed.sh [--runs N] [--reports N] [run.sh options]
# (defaults: 7 rounds, 100,000 reports, as in docs/BENCHMARKS.md).
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
exec sh "$here/run.sh" --reports 100000 --runs 7 \
    --only certsift,certsift-gz,certsift-gz8,certsift-zst,igzip,zstd-dc,zcat,python,python-gz \
    --no-reingest --section compressed "$@"
