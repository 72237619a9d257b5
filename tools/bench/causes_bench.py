#!/usr/bin/python3
"""certsift causes benchmark (make bench runs it after the ingest rows).

usage: causes_bench.py [--chains N] [--reports N] [--runs N]
                       [--callgrind N] [--only causes|ingest] [--bench-dir DIR]

Rows:
  causes  a store of --chains unique chains (tests/cli/missing-speed.py,
          cached in $BENCH_DIR/causes): `causes` and, for comparison,
          `missing` on it (the same walk), alternating; median wall and
          user CPU seconds, of first runs (a copy of the store as ingest
          made it: every signature checked, the verdicts written) and of
          later runs (the verdicts read from the store). Target: causes
          under 2 s for 100,000 chains.
  ingest  the bench corpus (gen_corpus.py, --reports, as bench.py makes
          it): ingest by $CERTSIFT against the same sources built with
          CPPFLAGS=-DCS_BENCH_NOVALID (no validity bookkeeping: neither the
          certificates' validity nor the per-report masks nor the table
          chainvalid), alternating; medians of wall and user+sys CPU
          seconds. With --callgrind N, also both builds' instruction
          counts (valgrind --tool=callgrind, --jobs 1) on the first N
          reports: the one figure a shared machine does not move.
          Target: the bookkeeping costs ingest at most 5%.
Environment: CERTSIFT (default <repo>/build/certsift), BENCH_DIR.
"""

import argparse
import glob
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (its corpus and its measuring)
from merge_bench import CS, REPO, rm, run  # noqa: E402


def timed(cmd, what):
    r = bench.measure(cmd, os.devnull, 3600)
    if r["rc"] != 0:
        sys.exit("causes_bench: %s failed: %s" % (what, r["stderr_tail"]))
    return r


def cpu(r, sys_too=False):
    return (r["user"] or 0) + ((r["sys"] or 0) if sys_too else 0)


def causes(args, d):
    rep = os.path.join(d, "reports-%d.jsonl" % args.chains)
    if not os.path.exists(rep):
        bench.log("generating %d chains (a few minutes, cached) ..."
                  % args.chains)
        run([bench.PY, os.path.join(REPO, "tests", "cli", "missing-speed.py"),
             str(args.chains), rep + ".tmp"], cwd=d)
        os.rename(rep + ".tmp", rep)
    db = os.path.join(d, "store-%d" % args.chains)
    fresh = db + "-fresh"
    rm(db, fresh)
    run([CS, "ingest", "--db", fresh, rep])
    roots = ["--no-roots", "--roots", os.path.join(d, "roots.pem")]
    # The walk keeps its signature verdicts in the store: a first run (a
    # copy of the store as ingest left it) checks every signature, later
    # runs none. The later runs use db, which the first of them fills.
    run(["cp", "-a", fresh, db])
    res = {}
    for _ in range(args.runs):		# alternating
        for what in ("causes", "missing"):
            rm(db + "-first")
            run(["cp", "-a", fresh, db + "-first"])
            res.setdefault((what, "first"), []).append(timed(
                [CS, what, "--db", db + "-first"] + roots, what))
            if (what, "later") not in res:	# fills db's verdicts
                run([CS, what, "--db", db] + roots)
            res.setdefault((what, "later"), []).append(timed(
                [CS, what, "--db", db] + roots, what))
    for what in ("causes", "missing"):
        for run_ in ("first", "later"):
            r = res[(what, run_)]
            print("| %s on %d unique chains, %s (%s) | %.2f s wall, %.2f s "
                  "user (medians of %d) | %s |" % (
                      what, args.chains, "first run: no verdicts kept"
                      if run_ == "first" else "later runs",
                      "target" if what == "causes" else
                      "the same walk, for comparison",
                      bench.med([x["seconds"] for x in r]),
                      bench.med([cpu(x) for x in r]), args.runs,
                      "< 2 s" if what == "causes" else "–"))
    rm(db, db + "-first", fresh)


def callgrind(binary, rep, d):
    db = os.path.join(d, "cg-db")
    out = os.path.join(d, "cg.out")
    rm(db)
    subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file="
                    + out, binary, "ingest", "--jobs", "1", "--db", db, rep],
                   check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    with open(out) as f:
        ir = int(re.search(r"^summary: (\d+)", f.read(), re.M).group(1))
    rm(db)
    os.unlink(out)
    return ir


def ingest(args, d):
    bargs = bench.parse_args(["--reports", str(args.reports),
                              "--bench-dir", args.bench_dir])
    src = bench.corpus(bargs, args.reports)
    build = os.path.join(d, "novalid")
    run(["make", "-C", REPO, "-j2", "BUILD=" + build,
         "CPPFLAGS=-DCS_BENCH_NOVALID", build + "/certsift"])
    nov = os.path.join(build, "certsift")
    res = {CS: [], nov: []}
    db = os.path.join(d, "ingest-db")
    for _ in range(args.runs):		# alternating
        for b in (CS, nov):
            rm(db)
            res[b].append(timed([b, "ingest", "--db", db, src], "ingest"))
    rm(db)
    w = {b: bench.med([r["seconds"] for r in res[b]]) for b in res}
    c = {b: bench.med([cpu(r, True) for r in res[b]]) for b in res}
    print("| ingest of %d reports without the validity bookkeeping | "
          "%.2f s wall, %.2f s CPU (medians of %d) | – |"
          % (args.reports, w[nov], c[nov], args.runs))
    print("| ingest of %d reports with it (as built) | %.2f s wall "
          "(%+.1f%%), %.2f s CPU (%+.1f%%) | ≤ +5%% |"
          % (args.reports, w[CS], 100 * (w[CS] / w[nov] - 1), c[CS],
             100 * (c[CS] / c[nov] - 1)))
    if args.callgrind > 0:
        part = os.path.join(d, "first-%d.jsonl" % args.callgrind)
        with open(src, "rb") as f, open(part, "wb") as o:
            for i, line in enumerate(f):
                if i == args.callgrind:
                    break
                o.write(line)
        a, b = callgrind(CS, part, d), callgrind(nov, part, d)
        print("| callgrind, ingest --jobs 1 of the first %d reports | "
              "%.4g instructions with it, %.4g without (%+.2f%%) | "
              "≤ +5%% |" % (args.callgrind, a, b, 100 * (a / b - 1)))
        os.unlink(part)
    rm(*glob.glob(os.path.join(d, "cg-db*")))


def main():
    ap = argparse.ArgumentParser(prog="causes_bench.py")
    ap.add_argument("--chains", type=int, default=100_000)
    ap.add_argument("--reports", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--callgrind", type=int, default=0)
    ap.add_argument("--only", choices=("causes", "ingest"))
    ap.add_argument("--bench-dir", default=os.environ.get(
        "BENCH_DIR", "/var/tmp/certsift-bench"))
    args = ap.parse_args()
    d = os.path.join(args.bench_dir, "causes")
    os.makedirs(d, exist_ok=True)
    print("| row | measured | target |")
    print("| --- | --- | --- |")
    if args.only in (None, "causes"):
        causes(args, d)
    if args.only in (None, "ingest"):
        ingest(args, d)


if __name__ == "__main__":
    main()
