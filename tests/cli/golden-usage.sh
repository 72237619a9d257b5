# The help and usage errors of every command, byte for byte: stdout, stderr
# and exit status of each (golden.sh).
. "$CLI_DIR/lib.sh"
. "$CLI_DIR/golden.sh"

g
g -h
g --help
g help
g --version
g help top
g help frobnicate
g help top extra
g frobnicate
for c in aia causes export hosts ingest missing report show stats top verify; do
	g "$c" -h
	g "$c" --help
	g "$c" --bogus
	g "$c" -Z
done
g top
g top frobs
g top --by nothing issuers
g top -n x certs
g top -n
g top certs extra
g top --error NOT_A_CODE certs
g top --valid-at soon certs
g top --min-count -1 certs
g top --min-host-reports x hosts
g top --json --csv issuers
g export --format xml
g export --format der
g export --format jsonl --dir x
g export extra
g ingest --db db --error NOT_AN_ERROR_NAME
g ingest --since not-a-date
g ingest --commit-every
g ingest --jobs x
g ingest --hosts sometimes
g ingest --sample 2
g ingest --reader fast
g missing -o x
g missing --json --pem
g missing extra
g show
g show a b
g hosts
g hosts -n x abc
g stats extra
g verify extra
g aia --list --fetch
g aia --refresh
g aia --jobs 0
g aia --timeout x
g aia extra
