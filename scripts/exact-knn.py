#!/usr/bin/python3
"""Exact k nearest neighbours by cosine similarity, by brute force in NumPy: what a user without
ruvec would write over the same vectors. The truth of scripts/bench-peers.sh's vectors task.

Usage: exact-knn.py TARGETS.npy QUERIES.npy K OUT.tsv
  TARGETS.npy, QUERIES.npy  float32 matrices written by `ruvec embed -o X.npy`, each with its
                            X.npy.names.tsv (first column: the row's name)
  OUT.tsv                   a first line "# blas PATH" (the BLAS library NumPy loaded), then
                            query name, rank (1..K), target name, similarity; per query by
                            decreasing similarity, ties by target row
The product runs in blocks of 256 queries through the system BLAS (numpy.matmul; Debian selects
it with update-alternatives: OpenBLAS when libopenblas0 is installed, else the reference BLAS).
"""
import sys

import numpy as np


def names(path):
    with open(path + ".names.tsv") as f:
        rows = [line.split("\t", 1)[0] for line in f]
    return rows[1:]  # a header line


def unit_rows(matrix):
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1
    return matrix / norms


def blas_library():
    """The BLAS shared library mapped into this process, as NumPy loaded it."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.rsplit("/", 1)[-1]}
    return " ".join(sorted(paths)) or "unknown"


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    targets_path, queries_path, k, out_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    targets = unit_rows(np.load(targets_path).astype(np.float32))
    queries = unit_rows(np.load(queries_path).astype(np.float32))
    target_names, query_names = names(targets_path), names(queries_path)
    if len(target_names) != len(targets) or len(query_names) != len(queries):
        sys.exit("exact-knn: the .names.tsv files do not match the matrices")
    k = min(k, len(targets))
    with open(out_path, "w") as out:
        out.write(f"# blas {blas_library()}\n")
        for start in range(0, len(queries), 256):
            scores = queries[start:start + 256] @ targets.T
            for i, row in enumerate(scores):
                best = np.argpartition(-row, k - 1)[:k]
                best = best[np.lexsort((best, -row[best]))]  # ties: the lower target row first
                for rank, t in enumerate(best, 1):
                    out.write(f"{query_names[start + i]}\t{rank}\t{target_names[t]}\t{row[t]:.6f}\n")


if __name__ == "__main__":
    main()
