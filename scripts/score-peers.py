#!/usr/bin/python3
"""Scores the outputs scripts/bench-peers.sh leaves in OUTDIR and prints one TSV table: per task
and tool, the seconds and peak memory of the steps that give the answer, its accuracy, and the
ratios of time and memory to ruvec's in the same task (above 1: the tool takes more than ruvec).

Usage: score-peers.py OUTDIR THREADS REPEATS
"""
import collections
import os
import re
import statistics
import sys


def genome_id(path):
    return re.sub(r"\.(fa|fasta|fna)$", "", re.sub(r"\.gz$", "", os.path.basename(path)))


def read_tsv(path):
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip() and line[0] != "#"]


class Run:
    def __init__(self, out):
        self.out = out
        self.genomes = {}  # id -> (species group, category)
        for gid, _, group, category in read_tsv(self.path("genomes.tsv")):
            self.genomes[gid] = (group, category)
        self.genome_of_record = {rec: gid for rec, gid in read_tsv(self.path("records.tsv"))}
        self.sources = [line[0] for line in read_tsv(self.path("sources.txt"))]
        self.times = collections.defaultdict(dict)  # (tool, task) -> step -> (seconds, kB)
        for tool, task, step, seconds, kb in read_tsv(self.path("times.tsv")):
            self.times[(tool, task)][step] = (float(seconds), int(kb))

    def path(self, name):
        return os.path.join(self.out, name)

    def species(self, gid):
        return self.genomes[gid][0]

    def cost(self, tool, task):
        """Seconds of the steps added up, and the largest peak memory (MB) among them."""
        steps = self.times[(tool, task)]
        return sum(s for s, _ in steps.values()), max(kb for _, kb in steps.values()) / 1024, "+".join(steps)


def read_source(name):
    return name.split("/", 1)[0]


def best_hits_ruvec(path):
    """Rank-1 target record of each query of a `ruvec search --no-header` TSV."""
    best = {}
    for f in read_tsv(path):
        if f[6] == "1":
            best.setdefault(f[0], f[3])
    return best


def best_hits_paf(path):
    """Target record of each query's primary alignment (the first tp:A:P line)."""
    best = {}
    for f in read_tsv(path):
        if "tp:A:P" in f[12:]:
            best.setdefault(f[0], f[5])
    return best


def assignment(run, best):
    reads = 0
    strain = species = unassigned = 0
    counts = collections.Counter()
    with open(run.path("reads.fq")) as f:
        for i, line in enumerate(f):
            if i % 4:
                continue
            name = line[1:].split()[0]
            source = read_source(name)
            reads += 1
            target = best.get(name)
            if target is None:
                unassigned += 1
                continue
            gid = run.genome_of_record[target]
            counts[gid] += 1
            strain += gid == source
            species += run.species(gid) == run.species(source)
    accuracy = (f"strain {strain / reads:.4f}, species {species / reads:.4f}, "
                f"unassigned {unassigned / reads:.4f} ({reads} reads)")
    return accuracy, counts


def presence(run, ranked):
    """The top S genomes of a ranking (S = number of sources) against the sources."""
    s = len(run.sources)
    top = ranked[:s]
    strain = sum(g in run.sources for g in top)
    source_species = {run.species(g) for g in run.sources}
    species = sum(run.species(g) in source_species for g in top)
    return f"top {s}: {strain}/{s} sources, {species}/{s} of their species"


def nearest_other_genome(run, pairs):
    """pairs: (query genome, target genome, similarity). Accuracy of each genome's most similar
    other genome being of its species group, over genomes whose group has 2+ non-plasmid
    members."""
    best = {}
    for q, t, sim in pairs:
        if q != t and (q not in best or sim > best[q][1]):
            best[q] = (t, sim)
    groups = collections.Counter(g for g, c in run.genomes.values() if c != "plasmid")
    judged = [g for g, (group, c) in run.genomes.items() if c != "plasmid" and groups[group] >= 2]
    if not judged:
        return "- (no species group of 2 or more genomes)"
    right = sum(g in best and run.species(best[g][0]) == run.species(g) for g in judged)
    return f"{right}/{len(judged)} nearest of the same species"


def top10(path, query_col, target_of, similarity_col):
    hits = collections.defaultdict(dict)
    for f in read_tsv(path):
        hits[f[query_col]][target_of(f)] = float(f[similarity_col])
    return hits


def recall(found, truth):
    """recall@k as ann-benchmarks counts it: a hit is right when it is as similar as the true
    k-th nearest (within 1e-5, the printed precision), so that equally similar windows (identical
    sequences) count whichever of them is returned. A hit that is among the true ones must also
    report the similarity the truth computed, so that a wrong similarity cannot pass."""
    values = []
    for q, true_hits in truth.items():
        kth = min(true_hits.values())
        right = 0
        for name, sim in found.get(q, {}).items():
            if name in true_hits:
                right += abs(sim - true_hits[name]) <= 1e-5
            else:
                right += sim >= kth - 1e-5
        values.append(min(right, len(true_hits)) / len(true_hits))
    return statistics.mean(values) if values else float("nan")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    run = Run(sys.argv[1])
    rows = []  # task, tool, steps, seconds, MB, accuracy

    def add(task, tool, cost_tool, cost_task, accuracy):
        seconds, mb, steps = run.cost(cost_tool, cost_task)
        rows.append((task, tool, steps, seconds, mb, accuracy))

    ruvec_acc, ruvec_counts = assignment(run, best_hits_ruvec(run.path("ruvec.reads.tsv")))
    mm2_acc, mm2_counts = assignment(run, best_hits_paf(run.path("minimap2.reads.paf")))
    add("reads", "ruvec", "ruvec", "reads", ruvec_acc)
    add("reads", "minimap2", "minimap2", "reads", mm2_acc)

    def by_count(counts):
        return [g for g, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]

    screen = sorted(((float(f[0]), genome_id(f[4])) for f in read_tsv(run.path("mash.screen.tsv"))),
                    key=lambda x: (-x[0], x[1]))
    add("presence", "ruvec", "ruvec", "reads", presence(run, by_count(ruvec_counts)))
    add("presence", "minimap2", "minimap2", "reads", presence(run, by_count(mm2_counts)))
    add("presence", "mash screen", "mash", "presence", presence(run, [g for _, g in screen]))

    pairs = [(run.genome_of_record[f[0]], run.genome_of_record[f[3]], float(f[7]))
             for f in read_tsv(run.path("ruvec.genomes.tsv"))]
    add("genomes", "ruvec", "ruvec", "genomes", nearest_other_genome(run, pairs))
    pairs = [(genome_id(f[1]), genome_id(f[0]), -float(f[2])) for f in read_tsv(run.path("mash.dist.tsv"))]
    add("genomes", "mash dist", "mash", "genomes", nearest_other_genome(run, pairs))

    window = lambda f: f"{f[3]}:{f[4]}-{f[5]}"
    truth = top10(run.path("numpy.exact.tsv"), 0, lambda f: f[2], 3)
    default = top10(run.path("ruvec.vectors.tsv"), 0, window, 7)
    graph = top10(run.path("ruvec.graph.tsv"), 0, window, 7)
    exact = top10(run.path("ruvec.exact.tsv"), 0, window, 7)
    search_seconds, search_kb = run.times[("ruvec-vectors", "vectors")]["search"]
    rows.append(("vectors", "ruvec search", "search", search_seconds, search_kb / 1024,
                 f"recall@10 {recall(default, truth):.4f} ({len(truth)} queries)"))
    add("vectors", "ruvec graph", "ruvec-graph", "vectors", f"recall@10 {recall(graph, truth):.4f}")
    add("vectors", "ruvec --exact", "ruvec-exact", "vectors", f"recall@10 {recall(exact, truth):.4f}")
    with open(run.path("numpy.exact.tsv")) as f:
        blas = f.readline().split("blas ", 1)[-1].strip()
    add("vectors", "numpy brute force", "numpy-exact", "vectors", f"recall@10 1 (the truth; BLAS {blas})")

    print(f"# threads {sys.argv[2]}; seconds: median of {sys.argv[3]} runs of each step, added up; "
          "MB: largest peak RSS of the steps; x ruvec: the tool's time or memory over ruvec's in the task")
    print("task\ttool\tsteps\tseconds\tpeak_MB\taccuracy\ttime_x_ruvec\tmemory_x_ruvec")
    base = {}
    for task, tool, steps, seconds, mb, accuracy in rows:
        base.setdefault(task, (seconds, mb))
        t0, m0 = base[task]
        print(f"{task}\t{tool}\t{steps}\t{seconds:.2f}\t{mb:.1f}\t{accuracy}\t"
              f"{seconds / t0 if t0 else float('nan'):.2f}\t{mb / m0:.2f}")


if __name__ == "__main__":
    main()
