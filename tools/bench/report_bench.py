#!/usr/bin/python3
"""certsift report and days benchmark (make bench runs it after the ingest
rows).

usage: report_bench.py [--reports N] [--big N] [--runs N] [--only ROWS]
                       [--callgrind N] [--bench-dir DIR]

Rows:
  report  a store of --big certificates (tools/bench/mkstore: --big
          reports over 30 days, each with its own leaf and hostname; made
          once and kept in BENCH_DIR/report, made again for a new store
          schema), `certsift report` of it:
          wall seconds (median of --runs), peak RssAnon and the page's
          bytes. Targets: under 5 s and under 5 MB.
  days    what keeping days costs ingest (issue 16: at most 10% of its
          time and 20% of the store's bytes): the bench corpus (--reports,
          as bench.py makes it) ingested by certsift and by the same source
          built with -DCS_BENCH_NODAYS (no day tables, no hosts' days),
          alternating, --runs each: median wall and user CPU seconds, and
          the stores' bytes (LMDB pages used). On a shared machine the wall
          figures are noisy: --callgrind N also counts the instructions of
          an ingest of the first N reports with --jobs 1 under callgrind.
Environment: CERTSIFT (default <repo>/build/certsift), BENCH_DIR.
"""

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (its corpus and its measuring)
from merge_bench import CS, REPO, rm, run, timed  # noqa: E402


def pages_bytes(db):
    """The bytes of the LMDB pages a store uses (its file is sparse)."""
    out = subprocess.run(["mdb_stat", "-e", db], check=True,
                         capture_output=True, text=True).stdout
    used = psize = 0
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("Number of pages used:"):
            used = int(line.rsplit(":", 1)[1])
        elif line.startswith("Page size:"):
            psize = int(line.rsplit(":", 1)[1])
    return used * psize


def schema():
    """The store schema of this source (include/certsift/store.h)."""
    with open(os.path.join(REPO, "include", "certsift", "store.h")) as f:
        for line in f:
            if line.startswith("#define CS_SCHEMA"):
                return line.split()[2]
    sys.exit("report_bench: no CS_SCHEMA in store.h")


def big_store(args, d):
    """The store, made again when an older schema made it (a store is read
    as it is, not upgraded, by the report: its figures would be an older
    version's)."""
    s = os.path.join(d, "s%d" % args.big)
    done = os.path.join(d, "s%d.done" % args.big)
    if os.path.exists(done):
        with open(done) as f:
            if f.read().strip() == schema():
                return s
    mk = os.path.join(d, "mkstore")
    run(["cc", "-O2", "-o", mk, os.path.join(HERE, "mkstore.c"), "-lcrypto"])
    gen = os.path.join(REPO, "corpus", "certs", "gen")
    issuers = [os.path.join(gen, f) for f in ("sample-int1.pem",
               "sample-int2.pem", "sample-root.pem")]
    rep = os.path.join(d, "big.jsonl")
    with open(rep, "wb") as f:
        subprocess.run([mk, str(args.big), os.path.join(gen,
                        "int1-leaf-0.pem")] + issuers, check=True, stdout=f)
    rm(s)
    run([CS, "ingest", "--db", s, rep])
    os.unlink(rep)
    with open(done, "w") as f:
        f.write(schema() + "\n")
    return s


def report(args, d):
    s = big_store(args, d)
    page = os.path.join(d, "page.html")
    rs = [timed([CS, "report", "--db", s, "--no-roots", "-o", page],
                "report") for _ in range(args.runs)]
    size = os.path.getsize(page)
    print("| report of a store of %d certificates (%d chains, 30 days) | "
          "%.2f s wall (median of %d; %.2f s user), RssAnon %.0f MiB, "
          "page %.2f MB | < 5 s, < 5 MB |" % (
              args.big, args.big, bench.med([r["seconds"] for r in rs]),
              len(rs), bench.med([r["user"] or 0 for r in rs]),
              bench.med([r["rss_anon_kb"] or 0 for r in rs]) / 1024,
              size / 1e6))


def nodays_binary(d):
    b = os.path.join(d, "build-nodays")
    run(["make", "-C", REPO, "-j2", "BUILD=" + b,
         "CFLAGS=-O2 -g -DCS_BENCH_NODAYS", b + "/certsift"],
        stderr=subprocess.DEVNULL)
    return os.path.join(b, "certsift")


def days(args, d):
    bargs = bench.parse_args(["--reports", str(args.reports),
                              "--bench-dir", args.bench_dir])
    src = bench.corpus(bargs, args.reports)
    bins = {"days": CS, "nodays": nodays_binary(d)}
    res = {k: [] for k in bins}
    size = {}
    for _ in range(args.runs):		# alternating
        for k, b in bins.items():
            s = os.path.join(d, "ing-" + k)
            rm(s)
            res[k].append(timed([b, "ingest", "--db", s, src], "ingest"))
            size[k] = pages_bytes(s)
            rm(s)
    w = {k: bench.med([r["seconds"] for r in res[k]]) for k in bins}
    u = {k: bench.med([r["user"] or 0 for r in res[k]]) for k in bins}
    print("| ingest of %d reports without the days (-DCS_BENCH_NODAYS) | "
          "%.2f s wall, %.2f s user (medians of %d) | – |"
          % (args.reports, w["nodays"], u["nodays"], args.runs))
    print("| ingest with the days (day, chainday, chainhostday) | %.2f s "
          "wall (%+.1f%%), %.2f s user (%+.1f%%) | ≤ +10%% |"
          % (w["days"], 100 * (w["days"] / w["nodays"] - 1), u["days"],
             100 * (u["days"] / u["nodays"] - 1)))
    print("| the store's bytes without / with the days | %.1f / %.1f MB "
          "(%+.1f%%) | ≤ +20%% |" % (size["nodays"] / 1e6, size["days"] / 1e6,
                                     100 * (size["days"] / size["nodays"] - 1)))
    if args.callgrind:
        part = os.path.join(d, "part.jsonl")
        with open(src, "rb") as f, open(part, "wb") as o:
            for i, line in enumerate(f):
                if i >= args.callgrind:
                    break
                o.write(line)
        ir = {}
        for k, b in bins.items():
            s = os.path.join(d, "cg-" + k)
            rm(s)
            out = os.path.join(d, "cg-%s.out" % k)
            r = subprocess.run(["valgrind", "--tool=callgrind",
                                "--callgrind-out-file=" + out, b, "ingest",
                                "--jobs", "1", "--db", s, part],
                               capture_output=True, text=True)
            ir[k] = None
            for line in r.stderr.splitlines():
                if "Collected :" in line:
                    ir[k] = int(line.rsplit(":", 1)[1])
            rm(s)
        os.unlink(part)
        if ir["days"] and ir["nodays"]:
            print("| instructions of an ingest of %d reports, --jobs 1 "
                  "(callgrind), without / with the days | %.3g / %.3g "
                  "(%+.1f%%) | ≤ +10%% |" % (args.callgrind, ir["nodays"],
                                             ir["days"], 100 * (ir["days"] /
                                             ir["nodays"] - 1)))


def main():
    ap = argparse.ArgumentParser(prog="report_bench.py")
    ap.add_argument("--reports", type=int, default=200_000)  # as bench.py
    ap.add_argument("--big", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--callgrind", type=int, default=20_000)
    ap.add_argument("--only", choices=("report", "days"))
    ap.add_argument("--bench-dir", default=os.environ.get(
        "BENCH_DIR", "/var/tmp/certsift-bench"))
    args = ap.parse_args()
    d = os.path.join(args.bench_dir, "report")
    os.makedirs(d, exist_ok=True)
    print("| row | measured | target |")
    print("| --- | --- | --- |")
    if args.only in (None, "days"):
        days(args, d)
    if args.only in (None, "report"):
        report(args, d)


if __name__ == "__main__":
    main()
