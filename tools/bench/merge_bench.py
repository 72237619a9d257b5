#!/usr/bin/python3
"""certsift merge benchmark (make bench runs it after the ingest rows).

usage: merge_bench.py [--reports N] [--big N] [--runs N] [--bench-dir DIR]

Rows:
  quarters  the bench corpus (gen_corpus.py, --reports, as bench.py makes
            it) cut in 4 files; ingest of all 4 into one store, against
            4 stores (one per quarter) merged into a new one. Target: the
            merge takes at most a quarter of the ingest's time.
  big       two stores of --big certificates each (tools/bench/mkstore
            reports piped into ingest, 2 x --big distinct leaves), merged
            into a new one: wall and CPU time, peak RssAnon (target < 256
            MiB).
Environment: CERTSIFT (default <repo>/build/certsift), BENCH_DIR.
"""

import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (its corpus and its measuring)

REPO = os.path.dirname(os.path.dirname(HERE))
CS = os.environ.get("CERTSIFT", os.path.join(REPO, "build", "certsift"))


def rm(*paths):
    for p in paths:
        shutil.rmtree(p, ignore_errors=True)


def run(cmd, **kw):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)


def timed(cmd, what):
    r = bench.measure(cmd, os.devnull, 3600)
    if r["rc"] != 0:
        sys.exit("merge_bench: %s failed: %s" % (what, r["stderr_tail"]))
    return r


def cpu(r):
    return (r["user"] or 0) + (r["sys"] or 0)


def quarters(args, d):
    bargs = bench.parse_args(["--reports", str(args.reports),
                              "--bench-dir", args.bench_dir])
    src = bench.corpus(bargs, args.reports)
    with open(src, "rb") as f:
        lines = f.readlines()
    qs = []
    for i in range(4):
        q = os.path.join(d, "q%d.jsonl" % i)
        with open(q, "wb") as f:
            f.writelines(lines[i * len(lines) // 4:(i + 1) * len(lines) // 4])
        qs.append(q)
    ing, mrg = [], []
    for _ in range(args.runs):		# alternating
        rm(os.path.join(d, "all"))
        ing.append(timed([CS, "ingest", "--db", os.path.join(d, "all")] + qs,
                         "ingest"))
        stores = []
        for i, q in enumerate(qs):
            s = os.path.join(d, "s%d" % i)
            rm(s)
            run([CS, "ingest", "--db", s, q])
            stores.append(s)
        rm(os.path.join(d, "m"))
        mrg.append(timed([CS, "merge", "--db", os.path.join(d, "m")] + stores,
                         "merge"))
    a = bench.med([r["seconds"] for r in ing])
    b = bench.med([r["seconds"] for r in mrg])
    ac = bench.med([cpu(r) for r in ing])
    bc = bench.med([cpu(r) for r in mrg])
    print("| quarters: ingest of %d reports (4 files) | %.2f s (CPU %.2f s) "
          "| – |" % (args.reports, a, ac))
    print("| quarters: merge of the 4 stores of its quarters into a new one "
          "| %.2f s (%.2f of the ingest; CPU %.2f s, %.2f of the ingest's), "
          "RssAnon %.0f MiB | ≤ 0.25 |"
          % (b, b / a, bc, bc / ac,
             bench.med([r["rss_anon_kb"] or 0 for r in mrg]) / 1024))


def big(args, d):
    mk = os.path.join(d, "mkstore")
    run(["cc", "-O2", "-o", mk, os.path.join(HERE, "mkstore.c"), "-lcrypto"])
    gen = os.path.join(REPO, "corpus", "certs", "gen")
    issuers = [os.path.join(gen, f) for f in ("sample-int1.pem",
               "sample-int2.pem", "sample-root.pem")
               if os.path.exists(os.path.join(gen, f))]
    stores = []
    for i in range(2):
        # Each store's reports straight from mkstore into ingest (2 x 3.5
        # GB not written to disk); disjoint leaves: 2 x N in the output.
        s = os.path.join(d, "b%d" % i)
        rm(s)
        gen_p = subprocess.Popen([mk, "-f", str(i * args.big), str(args.big),
                                  os.path.join(gen, "int1-leaf-0.pem")]
                                 + issuers, stdout=subprocess.PIPE)
        run([CS, "ingest", "--db", s, "-"], stdin=gen_p.stdout)
        gen_p.stdout.close()
        if gen_p.wait() != 0:
            sys.exit("merge_bench: mkstore failed")
        stores.append(s)
    rm(os.path.join(d, "bm"))
    r = timed([CS, "merge", "--db", os.path.join(d, "bm")] + stores, "merge")
    print("| big: merge of two stores of %d certificates each into a new "
          "one | %.1f s (CPU %.1f s), RssAnon %.0f MiB | < 256 MiB |"
          % (args.big, r["seconds"], cpu(r), (r["rss_anon_kb"] or 0) / 1024))
    rm(os.path.join(d, "bm"), *stores)


def main():
    ap = argparse.ArgumentParser(prog="merge_bench.py")
    ap.add_argument("--reports", type=int, default=200_000)
    ap.add_argument("--big", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", choices=("quarters", "big"))
    ap.add_argument("--bench-dir", default=os.environ.get(
        "BENCH_DIR", "/var/tmp/certsift-bench"))
    args = ap.parse_args()
    d = os.path.join(args.bench_dir, "merge")
    os.makedirs(d, exist_ok=True)
    print("| row | measured | target |")
    print("| --- | --- | --- |")
    if args.only in (None, "quarters"):
        quarters(args, d)
    if args.only in (None, "big"):
        big(args, d)


if __name__ == "__main__":
    main()
