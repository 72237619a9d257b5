# trend's and report's outputs on the sample corpus, byte for byte
# (golden.sh): every grouping in every format, under a selection and a
# period, and their usage errors; the report page as its sha256.
. "$CLI_DIR/lib.sh"
. "$CLI_DIR/golden.sh"

"$CS" ingest --db db "$CORPUS/sample" >/dev/null 2>&1
for by in error issuer outcome cause; do
	for fmt in "" --json --csv; do
		# shellcheck disable=SC2086
		g trend --db db --no-roots --by $by $fmt
		# shellcheck disable=SC2086
		g trend --db db --no-roots --by $by $fmt --error -8179 \
		    --since 2026-10-10 --until 2026-10-20
	done
done
g trend --db db --no-roots --leaf --json
g trend --db db --by nothing
g trend --db db --json --csv
g trend --db db extra
g trend --db db --roots /nonexistent
for a in "--no-roots" "--no-roots -n 3 --min-host-reports 2" \
    "--no-roots --error=-8179 --leaf --host *.example.*" \
    "--no-roots --since 2026-10-10 --cause unknown-issuer"; do
	# shellcheck disable=SC2086
	gsum report --db db $a
done
g report --db db --no-roots -o page.html
sha256sum page.html
g report --db db -n 0
g report --db db --json
g report --db db extra
