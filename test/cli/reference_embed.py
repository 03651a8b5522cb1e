#!/usr/bin/env python3
"""An independent re-implementation of ruvec's embedding, from its documented definition.

Reads FASTA (plain or gzip), embeds it, and compares with the TSV that `ruvec embed` wrote: same
rows in the same order, and every value the same float32, bit for bit. Pure Python: slow, but obviously the specification:
  - 2-bit codes A=0 C=1 G=2 T/U=3, any case; any other byte breaks k-mers;
  - canonical k-mer = min(forward, reverse complement) as 2k-bit integers;
  - h = fmix64(kmer ^ seed) (MurmurHash3 finaliser); bucket = ((h >> 32) * dims) >> 32;
    sign = -1 if h & 1 else +1; exact profiles index canonical k-mers in lexicographic order;
  - weight count: signed integer counts; log: log1p(count) per distinct k-mer; binary: 1;
  - L2 normalisation: value * (1 / sqrt(sum of squares)) in double, then rounded to float32.
"""
import argparse
import gzip
import math
import struct
import sys

MASK64 = (1 << 64) - 1
DEFAULT_SEED = 0x7275766563000001
CODES = {c: i for i, c in enumerate("ACGT")}
CODES.update({c.lower(): i for c, i in list(CODES.items())})
CODES["U"] = CODES["u"] = 3


def fmix64(h):
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & MASK64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & MASK64
    h ^= h >> 33
    return h


def kmers(seq, k, canonical):
    mask = (1 << (2 * k)) - 1
    fwd = rev = run = 0
    for ch in seq:
        c = CODES.get(ch)
        if c is None:
            run = 0
            continue
        fwd = ((fwd << 2) | c) & mask
        rev = (rev >> 2) | ((3 - c) << (2 * (k - 1)))
        run = min(run + 1, k)
        if run == k:
            yield min(fwd, rev) if canonical else fwd


def revcomp_code(code, k):
    rc = 0
    for _ in range(k):
        rc = (rc << 2) | (3 - (code & 3))
        code >>= 2
    return rc


def exact_index(k, canonical):
    index, nxt = {}, 0
    for code in range(4 ** k):
        rc = revcomp_code(code, k) if canonical else code
        if rc < code:
            index[code] = index[rc]
        else:
            index[code] = nxt
            nxt += 1
    return index, nxt


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def embed(seq, k, dims, canonical, exact, weight, seed):
    found = list(kmers(seq, k, canonical))
    if not found:
        return None
    if exact:
        index, dims = exact_index(k, canonical)
    counts = {}
    for km in found:
        counts[km] = counts.get(km, 0) + 1
    acc = [0] * dims
    for km in sorted(counts):
        n = counts[km]
        w = n if weight == "count" else (math.log1p(n) if weight == "log" else 1.0)
        if exact:
            acc[index[km]] += w
        else:
            h = fmix64(km ^ seed)
            bucket = ((h >> 32) * dims) >> 32
            acc[bucket] += -w if h & 1 else w
    if weight == "count":
        norm2 = sum(int(a) * int(a) for a in acc)  # exact integers
    else:
        norm2 = 0.0
        for a in acc:  # sequential double sum, as the C++ loop
            norm2 += a * a
    if norm2 == 0:
        return None
    inverse = 1.0 / math.sqrt(float(norm2))
    return [f32(float(a) * inverse) for a in acc]


def read_fasta(path):
    opener = gzip.open if path.endswith(".gz") else open
    name, parts = None, []
    with opener(path, "rt") as handle:
        for line in handle:
            line = line.rstrip("\r\n")
            if line.startswith(">"):
                if name is not None:
                    yield name, "".join(parts)
                name, parts = line[1:].split()[0], []
            elif line.strip():
                parts.append(line.strip())
    if name is not None:
        yield name, "".join(parts)


def reference_rows(a):
    step = a.step or a.window
    for path in a.fasta:
        for name, seq in read_fasta(path):
            spans, start = [], 0
            if a.window:
                while start < len(seq):
                    end = min(len(seq), start + a.window)
                    spans.append((start, end))
                    if end == len(seq):
                        break
                    start += step
            else:
                spans = [(0, len(seq))]
            for start, end in spans:
                v = embed(seq[start:end], a.k, a.dims, not a.no_canonical, a.exact, a.weight,
                          DEFAULT_SEED)
                if v is not None:
                    yield ("%s:%d-%d" % (name, start + 1, end) if a.window else name), v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--compare", required=True, help="TSV written by ruvec embed")
    ap.add_argument("fasta", nargs="+")
    ap.add_argument("-k", type=int, default=21)
    ap.add_argument("-d", "--dims", type=int, default=2048)
    ap.add_argument("--no-canonical", action="store_true")
    ap.add_argument("--exact", action="store_true")
    ap.add_argument("--weight", default="count")
    ap.add_argument("-w", "--window", type=int, default=0)
    ap.add_argument("--step", type=int, default=0)
    a = ap.parse_args()
    with open(a.compare) as handle:
        got = [line.rstrip("\n").split("\t") for line in handle]
    expected = list(reference_rows(a))
    if len(got) != len(expected):
        sys.exit("rows: ruvec wrote %d, the reference has %d" % (len(got), len(expected)))
    for row, (name, values) in zip(got, expected):
        if row[0] != name:
            sys.exit("row name %r, reference %r" % (row[0], name))
        if len(row) - 1 != len(values):
            sys.exit("%s: %d values, reference %d" % (name, len(row) - 1, len(values)))
        for i, (text, want) in enumerate(zip(row[1:], values)):
            if f32(float(text)) != want or struct.pack("<f", float(text)) != struct.pack("<f", want):
                sys.exit("%s: value %d is %s, reference %r" % (name, i, text, want))
    print("reference: %d rows identical" % len(expected))


if __name__ == "__main__":
    main()
