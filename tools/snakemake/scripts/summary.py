"""Per reference sequence: how many queries have it as their best hit, and their mean
similarity and identity, from merged ruvec search TSV. Run by the Snakefile's summary rule, or
by hand: python3 summary.py hits.tsv > summary.tsv."""

import csv
import sys
from collections import defaultdict


def summarise(hits_path, out):
    best = defaultdict(lambda: [0, 0.0, 0.0])  # target -> [queries, similarity sum, identity sum]
    queries = 0
    with open(hits_path, newline="") as hits:
        for row in csv.DictReader(hits, delimiter="\t"):
            if row["rank"] != "1":  # a query's best hit only (rank 0: a query without hits)
                continue
            queries += 1
            entry = best[row["target"]]
            entry[0] += 1
            entry[1] += float(row["similarity"])
            entry[2] += float(row["identity"])
    out.write("target\tqueries\tfraction\tmean_similarity\tmean_identity\n")
    for target, (count, similarity, identity) in sorted(best.items(), key=lambda t: (-t[1][0], t[0])):
        out.write(f"{target}\t{count}\t{count / queries:.4f}\t{similarity / count:.6f}\t{identity / count:.4f}\n")


if __name__ == "__main__" and "snakemake" not in globals():
    summarise(sys.argv[1], sys.stdout)
else:
    with open(snakemake.output[0], "w") as summary:  # noqa: F821 (set by Snakemake)
        summarise(snakemake.input[0], summary)
