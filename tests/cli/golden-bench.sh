# Every command's output on a bench-style corpus (corpus/bench: made by
# tools/bench/gen_corpus.py), byte for byte (golden.sh).
. "$CLI_DIR/lib.sh"
. "$CLI_DIR/golden.sh"

g ingest --db db --jobs 2 "$CORPUS/bench/bench-3k.jsonl.gz"
NALL=40 ISSUER=aurora SUBJECT=web HOSTGLOB='*.com' AT=2026-03-01
golden_queries
