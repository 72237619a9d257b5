#!/bin/sh
# make demo: ingest the sample corpus into a fresh store and show what it
# holds.
set -eu
certsift=$1
corpus=$2
db=build/demo.lmdb
rm -rf "$db"
mkdir -p build
echo "== certsift ingest --db $db $corpus"
"$certsift" ingest --db "$db" --errors-log build/demo-errors.log "$corpus" 2>/dev/null
echo
echo "== certsift stats --db $db"
"$certsift" stats --db "$db"
echo
echo "== certsift top certs -n 10 (the most frequent certificates)"
"$certsift" top certs --db "$db" -n 10
echo
echo "== certsift top issuers --error SEC_ERROR_UNKNOWN_ISSUER -n 5"
"$certsift" top issuers --db "$db" --error SEC_ERROR_UNKNOWN_ISSUER -n 5
echo
echo "== certsift missing --error SEC_ERROR_UNKNOWN_ISSUER -n 5"
"$certsift" missing --db "$db" --error SEC_ERROR_UNKNOWN_ISSUER -n 5
echo
echo "== certsift causes --error SEC_ERROR_UNKNOWN_ISSUER (why they failed)"
"$certsift" causes --db "$db" --error SEC_ERROR_UNKNOWN_ISSUER -n 10
"$certsift" export --db "$db" --format pem -o build/demo.pem
echo
echo "PEM bundle of every certificate: build/demo.pem"
echo "bad records (malformed reports, invalid certificates): build/demo-errors.log"
"$certsift" report --db "$db" -o build/demo-report.html 2>/dev/null
echo "the report (one HTML page, opens offline): build/demo-report.html"
