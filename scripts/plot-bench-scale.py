#!/usr/bin/python3
"""Plots the metrics.json of scripts/bench-scale.sh: each cost against the collection's size
(log-log, bases on x; a dotted line through ruvec's smallest point grows as the collection does,
so a cost below its slope grows slower), and the accuracy against size.

Usage: scripts/plot-bench-scale.py METRICS.json OUT.png
Needs Debian's python3-matplotlib (installed by scripts/install-deps.sh); runs with /usr/bin/python3.
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

RUVEC, SR, ASM, EXACT = "ruvec", "minimap2 -x sr", "minimap2 -x asm20", "ruvec --exact (vectors)"
STYLE = {RUVEC: dict(color="tab:blue", marker="o"), SR: dict(color="tab:orange", marker="s"),
         ASM: dict(color="tab:green", marker="^"), EXACT: dict(color="tab:purple", marker="x")}

# (title, y label, task, key, scale of the value, tools)
PANELS = [("index time", "wall seconds", "index", "seconds", 1, (RUVEC, SR, ASM, EXACT)),
          ("read search time", "wall seconds", "reads", "seconds", 1, (RUVEC, SR, EXACT)),
          ("fragment search time", "wall seconds", "fragments", "seconds", 1, (RUVEC, ASM)),
          ("index file size", "MB", "index", "file_bytes", 1e-6, (RUVEC, SR, ASM, EXACT)),
          ("search peak RSS (reads; fragments dashed)", "MB", "reads", "peak_mb", 1, (RUVEC, SR, EXACT))]


def series(sizes, tool, task, key, scale):
    points = [(z["bases"], z["tools"][tool][task][key] * scale) for z in sizes
              if key in z["tools"].get(tool, {}).get(task, {})]
    return [x for x, _ in points], [y for _, y in points]


def linear_guide(axis, xs, ys):
    """A dotted line of slope 1 through the first point: cost proportional to the collection."""
    if len(xs) > 1 and ys[0] > 0:
        axis.plot([xs[0], xs[-1]], [ys[0], ys[0] * xs[-1] / xs[0]], ":", color="grey", label="∝ size")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    metrics = json.load(open(sys.argv[1]))
    sizes = sorted(metrics["sizes"].values(), key=lambda z: z["bases"])
    fig, axes = plt.subplots(2, 3, figsize=(15, 8.5))
    for axis, (title, ylabel, task, key, scale, tools) in zip(axes.flat, PANELS):
        for tool in tools:
            xs, ys = series(sizes, tool, task, key, scale)
            if xs:
                axis.plot(xs, ys, label=tool, **STYLE[tool])
        if key == "peak_mb":  # the fragments' searches on the same axes, dashed
            for tool in (RUVEC, ASM):
                xs, ys = series(sizes, tool, "fragments", key, scale)
                if xs:
                    axis.plot(xs, ys, "--", label=f"{tool} (fragments)", **STYLE[tool])
        linear_guide(axis, *series(sizes, RUVEC, task, key, scale))
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("collection size (bases)")
        axis.set_ylabel(ylabel)
        axis.set_title(title)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=7)

    axis = axes.flat[5]
    # Colour: the tool; line and marker: the score.
    scores = {("reads", "species"): ("-", "o"), ("reads", "strain_tie_aware"): ("--", "D"),
              ("fragments", "strain"): (":", "v")}
    for tool in (RUVEC, SR, ASM, EXACT):
        for (task, score), (line, marker) in scores.items():
            xs, ys = series(sizes, tool, task, score, 1)
            if xs:
                axis.plot(xs, ys, line, marker=marker, color=STYLE[tool]["color"],
                          label=f"{tool}: {task} {score.replace('_', ' ')}")
    axis.set_xscale("log")
    axis.set_xlabel("collection size (bases)")
    axis.set_ylabel("top-1 fraction of all queries")
    axis.set_title("accuracy")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize=6)

    s = metrics["settings"]
    fig.suptitle(f"ruvec and minimap2 against collection size: {s['reads']} reads, {s['fragments']} fragments, "
                 f"{s['threads']} threads ({s['ruvec']}, minimap2 {s['minimap2']})")
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=110)


if __name__ == "__main__":
    main()
