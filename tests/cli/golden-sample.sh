# Every command's output on the sample corpus, byte for byte (golden.sh):
# what the refactoring into the library's query layer must not change.
. "$CLI_DIR/lib.sh"
. "$CLI_DIR/golden.sh"

g ingest --db db "$CORPUS/sample"
g ingest --db db "$CORPUS/sample"
g ingest --db db --json "$CORPUS/sample/single-report.json"
NALL=0 ISSUER=sample SUBJECT=example HOSTGLOB='*.example.*' AT=2026-10-15
golden_queries
