#!/usr/bin/python3
"""Damage a certsift store the ways the fault tests need.

  storefault.py flip STORE TABLE INDEX SEED   flip one bit of the value of the
      INDEX-th record of TABLE (mdb_dump, then mdb_load of that record: the
      bytes of a value change, LMDB's page structure does not); prints the
      record's key in hex
  storefault.py drop STORE TABLE INDEX        delete the INDEX-th record
  storefault.py count STORE TABLE             number of records
  storefault.py get STORE TABLE INDEX         print the INDEX-th record's key
      and value in hex
  storefault.py put STORE TABLE KEY VALUE     write a record (hex key, value)
  storefault.py v1 STORE                      make every summary one of
      version 1 (x509.h: without the facts after the lists) and the schema
      record 6: the store as schema 6 made it
  storefault.py versions STORE                the summaries' versions: lines
      "VERSION COUNT"
"""
import os
import random
import shutil
import subprocess
import sys


def records(store, table):
    out = subprocess.run(["mdb_dump", "-s", table, store], check=True,
                         capture_output=True, text=True).stdout
    lines = out.split("\n")
    head = lines.index("HEADER=END")
    body = [l[1:] for l in lines[head + 1:] if l.startswith(" ")]
    header = [l for l in lines[:head + 1] if not l.startswith("db_pagesize")]
    return header, list(zip(body[0::2], body[1::2]))


def load(store, table, header, recs):
    text = "\n".join(header + [" " + x for kv in recs for x in kv] +
                     ["DATA=END", ""])
    subprocess.run(["mdb_load", "-s", table, "-f", "/dev/stdin", store],
                   input=text, check=True, text=True)


def summary_v1(val):
    """A summary (hex) of version 2 as version 1 wrote it: the header, the
    nine fields and two lists (cert.c), without what follows them."""
    b = bytearray.fromhex(val)
    if b[0] == 1:
        return val
    p = 54

    def field(p):
        n = int.from_bytes(b[p:p + 4], "little")
        return p + 4 + (0 if n == 0xffffffff else n)
    for _ in range(9):
        p = field(p)
    for _ in range(2):
        k = int.from_bytes(b[p:p + 4], "little")
        p += 4
        for _ in range(k):
            p = field(p)
    b = b[:p]
    b[0] = 1
    return b.hex()


def main():
    if sys.argv[1] == "v1":
        store = sys.argv[2]
        header, recs = records(store, "summ")
        load(store, "summ", header, [(k, summary_v1(v)) for k, v in recs])
        header, recs = records(store, "meta")
        load(store, "meta", header, [("736368656d61", "06000000")])
        return
    if sys.argv[1] == "versions":
        header, recs = records(sys.argv[2], "summ")
        n = {}
        for _, v in recs:
            n[v[:2]] = n.get(v[:2], 0) + 1
        for k in sorted(n):
            print(int(k, 16), n[k])
        return
    cmd, store, table = sys.argv[1:4]
    header, recs = records(store, table)
    if cmd == "count":
        print(len(recs))
        return
    if cmd == "put":
        load(store, table, header, [(sys.argv[4], sys.argv[5])])
        return
    i = int(sys.argv[4]) % len(recs)
    key, val = recs[i]
    if cmd == "flip":
        rng = random.Random(int(sys.argv[5]))
        b = bytearray.fromhex(val)
        pos = rng.randrange(len(b))
        b[pos] ^= 1 << rng.randrange(8)
        load(store, table, header, [(key, b.hex())])
    elif cmd == "get":
        print(key, val)
        return
    elif cmd == "drop":
        # mdb_load cannot delete (and Debian has no mdb_drop): load every
        # table, less the record, into a new environment in its place.
        out = subprocess.run(["mdb_dump", "-a", store], check=True,
                             capture_output=True, text=True).stdout
        lines, keep, db = out.split("\n"), [], None
        j = 0
        while j < len(lines):
            l = lines[j]
            if l.startswith("database="):
                db = l[len("database="):]
            if db == table and l == " " + key:
                j += 2
                continue
            keep.append(l)
            j += 1
        new = store.rstrip("/") + ".drop"
        shutil.rmtree(new, ignore_errors=True)
        os.mkdir(new)
        subprocess.run(["mdb_load", "-f", "/dev/stdin", new],
                       input="\n".join(keep), check=True, text=True)
        os.replace(os.path.join(new, "data.mdb"),
                   os.path.join(store, "data.mdb"))
        shutil.rmtree(new)
    print(key)


main()
