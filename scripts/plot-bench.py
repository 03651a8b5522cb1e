#!/usr/bin/python3
"""Turns `ruvec bench --json` output into PNG plots, one per suite present.

  PREFIX-recall-qps.png   hnsw suite: recall@10 against queries/s (one thread, log scale), one
                          curve per way of searching (float graph, each code, each code
                          re-ranked), one panel per index run; points are the swept ef values
  PREFIX-kmer.png         kmer suite: Mbp/s per ISA against threads, the parse-only floor dashed
  PREFIX-distance.png     distance suite: speed-up over scalar per kernel and ISA, per dim
  PREFIX-quantize.png     quantize suite: ns per code scanned, per code and dim, float dashed

Usage: scripts/plot-bench.py BENCH.json PREFIX
Needs Debian's python3-matplotlib (installed by scripts/install-deps.sh); runs with /usr/bin/python3.
"""
import json
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402


def finish_axis(axis, xlabel, ylabel, title, grid_axis="both"):
    axis.set_xlabel(xlabel)
    axis.set_ylabel(ylabel)
    axis.set_title(title)
    axis.grid(True, axis=grid_axis, alpha=0.3)
    axis.legend(fontsize=8)


def save(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def recall_qps(results, runs, path):
    # Pair each ef's recall@10 with its one-thread queries/s, per dim and way of searching.
    recall = {}
    qps = {}
    for r in results:
        if r["suite"] != "hnsw" or "ef" not in r:
            continue
        key = (r["dim"], r["ef"])
        if r["name"] == "recall@10":
            recall[("hnsw",) + key] = r["median"]
        elif r["name"].startswith("recall@10 "):
            recall[(r["name"][len("recall@10 "):],) + key] = r["median"]
        elif r["unit"] == "queries/s" and r["threads"] == 1:
            qps[(r["name"],) + key] = r["median"]
    curves = defaultdict(list)
    for key, value in recall.items():
        if key in qps:
            curves[(key[1], key[0])].append((key[2], value, qps[key]))
    dims = sorted({dim for dim, _ in curves})
    fig, axes = plt.subplots(1, len(dims), figsize=(6.5 * len(dims), 4.8), squeeze=False)
    for axis, dim in zip(axes[0], dims):
        for (d, variant), points in sorted(curves.items()):
            if d != dim:
                continue
            points.sort()
            axis.plot([p[1] for p in points], [p[2] for p in points], marker="o", ms=3,
                      label=variant)
        run = next((x for x in runs if x["dim"] == dim), None)
        title = f"{dim}-d"
        if run:
            title = f"{run['rows']} x {dim}-d {run['metric']}, {run.get('data', '')}"
        axis.set_yscale("log")
        finish_axis(axis, "recall@10", "queries/s, 1 thread", title)
    save(fig, path)


def kmer(results, path):
    fig, axis = plt.subplots(figsize=(6.5, 4.8))
    by_isa = defaultdict(list)
    for r in results:
        if r["suite"] == "kmer" and r["name"] == "embed":
            by_isa[r["isa"]].append((r["threads"], r["median"]))
        if r["suite"] == "kmer" and r["name"] == "parse":
            axis.axhline(r["median"], linestyle="--", color="grey", label="parse only")
    for isa, points in sorted(by_isa.items()):
        points.sort()
        axis.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=isa)
    finish_axis(axis, "threads", "Mbp/s", "k-mer embedding")
    save(fig, path)


def distance(results, path):
    rows = [r for r in results if r["suite"] == "distance"]
    dims = sorted({r["dim"] for r in rows})
    fig, axes = plt.subplots(1, len(dims), figsize=(6.5 * len(dims), 4.8), squeeze=False)
    for axis, dim in zip(axes[0], dims):
        kernels = sorted({r["name"] for r in rows if r["dim"] == dim})
        isas = [i for i in ["scalar", "sse2", "sse4_2", "avx2", "avx512bw"]
                if any(r["isa"] == i and r["dim"] == dim for r in rows)]
        width = 0.8 / max(len(isas), 1)
        for n, isa in enumerate(isas):
            speedup = {r["name"]: r["speedup_vs_scalar"] for r in rows
                       if r["dim"] == dim and r["isa"] == isa}
            axis.bar([k + n * width for k in range(len(kernels))],
                     [speedup.get(k, 0) for k in kernels], width, label=isa)
        axis.set_xticks([k + 0.4 - width / 2 for k in range(len(kernels))])
        axis.set_xticklabels(kernels, rotation=45, ha="right", fontsize=8)
        finish_axis(axis, "", "speed-up over scalar", f"kernels, dim {dim}", grid_axis="y")
    save(fig, path)


def quantize(results, path):
    scans = defaultdict(list)
    for r in results:
        if r["suite"] == "quantize" and r["name"].endswith(" scan"):
            scans[r["name"][: -len(" scan")]].append((r["dim"], r["median"]))
    fig, axis = plt.subplots(figsize=(6.5, 4.8))
    for code, points in sorted(scans.items()):
        points.sort()
        axis.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=code,
                  linestyle="--" if code == "float" else "-")
    axis.set_xscale("log", base=2)
    axis.set_yscale("log")
    finish_axis(axis, "dimensions", "ns per code scanned", "scanning codes against floats")
    save(fig, path)


def main():
    if len(sys.argv) != 3 or sys.argv[1] in ("-h", "--help"):
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        bench = json.load(f)
    results, prefix = bench["results"], sys.argv[2]
    suites = {r["suite"] for r in results}
    written = []
    if "hnsw" in suites:
        written.append(prefix + "-recall-qps.png")
        recall_qps(results, bench.get("hnsw_runs", []), written[-1])
    for suite, plot in (("kmer", kmer), ("distance", distance), ("quantize", quantize)):
        if suite in suites:
            written.append(f"{prefix}-{suite}.png")
            plot(results, written[-1])
    if not written:
        sys.exit(f"plot-bench: {sys.argv[1]}: no results of any suite")
    print("\n".join(written))


if __name__ == "__main__":
    main()
