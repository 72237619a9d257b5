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
echo "== the ten most frequent certificates (count, hosts, subject)"
"$certsift" export --db "$db" --format jsonl |
    head -n 10 | jq -r '"\(.count)\t\(.hosts)\t\(.subject)"'
"$certsift" export --db "$db" --format pem -o build/demo.pem
echo
echo "PEM bundle of every certificate: build/demo.pem"
echo "bad records (malformed reports, invalid certificates): build/demo-errors.log"
