#!/usr/bin/python3
"""The accuracy evaluation of ruvec on real genomes: see scripts/eval.sh (its usage) and
scripts/eval.md (what is measured and how it is scored)."""
import argparse
import collections
import gzip
import json
import math
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys

import numpy as np

READ_LENGTH = 150
FRAGMENT_LENGTH = 5000
COMPLEMENT = str.maketrans("ACGTacgt", "TGCAtgca")


def die(message):
    sys.exit(f"eval: {message}")


def revcomp(seq):
    return seq.translate(COMPLEMENT)[::-1]


def read_fasta(path):
    """Yields (name, sequence) of a plain or gzipped FASTA file, the sequence upper-cased."""
    opener = gzip.open if path.endswith(".gz") else open
    name, parts = None, []
    with opener(path, "rt") as f:
        for line in f:
            if line.startswith(">"):
                if name is not None:
                    yield name, "".join(parts).upper()
                name, parts = line[1:].split()[0], []
            else:
                parts.append(line.strip())
    if name is not None:
        yield name, "".join(parts).upper()


def read_tsv(path, header=True):
    with open(path) as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip() and not line.startswith("#")]
    return rows[1:] if header else rows


class Genomes:
    """The evaluated genomes: id, file, species group, and which genome each record belongs to."""

    def __init__(self, data, only):
        manifest = os.path.join(data, "genomes", "manifest.tsv")
        if not os.path.exists(manifest):
            die(f"{manifest}: not found (give --data, the folder of ../shared/data)")
        with open(manifest) as f:
            columns = f.readline().rstrip("\n").split("\t")
            rows = [dict(zip(columns, line.rstrip("\n").split("\t"))) for line in f if line.strip()]
        if only:
            wanted = set(only)
            rows = [r for r in rows if r["genome_id"] in wanted]
            missing = wanted - {r["genome_id"] for r in rows}
            if missing:
                die(f"--genomes: not in {manifest}: {' '.join(sorted(missing))}")
        self.ids = [r["genome_id"] for r in rows]
        self.file = {r["genome_id"]: os.path.join(data, "genomes", r["file"]) for r in rows}
        self.species = {r["genome_id"]: r["species_group"] for r in rows}
        self.sequences = {}  # id -> {record: sequence}
        self.genome_of_record = {}
        for gid in self.ids:
            self.sequences[gid] = dict(read_fasta(self.file[gid]))
            for record in self.sequences[gid]:
                self.genome_of_record[record] = gid

    def length(self, gid):
        return sum(len(s) for s in self.sequences[gid].values())


class Timer:
    """Runs commands under /usr/bin/time and keeps wall seconds and peak RSS per (tool, task)."""

    def __init__(self, out):
        self.out = out
        self.steps = collections.defaultdict(list)  # (tool, task) -> [(step, seconds, kB)]
        self.log = open(os.path.join(out, "commands.log"), "w")

    def run(self, tool, task, step, command, stdout=None):
        self.log.write(f"# {tool} {task} {step}\n{' '.join(shlex.quote(c) for c in command)}"
                       + (f" > {stdout}" if stdout else "") + "\n")
        self.log.flush()
        timing = os.path.join(self.out, "time.tmp")
        with open(os.path.join(self.out, stdout) if stdout else os.devnull, "w") as sink, \
                open(os.path.join(self.out, "stderr.log"), "a") as errors:
            status = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", timing] + command,
                                    cwd=self.out, stdout=sink, stderr=errors).returncode
        if status != 0:
            die(f"{tool} {task} {step} failed (exit {status}): see {self.out}/stderr.log")
        seconds, kb = open(timing).read().split()[-2:]
        self.steps[(tool, task)].append((step, float(seconds), int(kb)))

    def step_seconds(self, tool, task):
        return " + ".join(f"{step} {s:.2f}" for step, s, _ in self.steps[(tool, task)][:2]) + (
            " + ..." if len(self.steps[(tool, task)]) > 2 else "")

    def cost(self, tool, task):
        """Wall seconds summed over the steps, and the largest peak RSS in MB."""
        steps = self.steps[(tool, task)]
        return sum(s for _, s, _ in steps), max(k for _, _, k in steps) / 1024


# ----------------------------------------------------------------------------------------------
# Query sets with known truth


def simulate(genomes, gid, out, kind, count, seed):
    """wgsim reads (kind 'reads': 150 bp, 1% errors) or fragments ('fragments': 5 kbp, 5%
    mutations, 10% of them indels, no errors) of one genome. wgsim's outer distance is set to
    the read length with no spread, so read 1 is the whole fragment, on either strand, and its
    name says where: RECORD_START_END_... (1-based)."""
    length = genomes.length(gid)
    size = READ_LENGTH if kind == "reads" else min(FRAGMENT_LENGTH, length - length // 10)
    rates = ["-e", "0.01", "-r", "0", "-R", "0"] if kind == "reads" else ["-e", "0", "-r", "0.05", "-R", "0.1", "-h"]
    fasta = os.path.join(out, "genome.fa")
    with open(fasta, "w") as f:
        for record, seq in genomes.sequences[gid].items():
            if len(seq) > size:  # wgsim never returns from a record no longer than the fragment
                f.write(f">{record}\n{seq}\n")
    r1 = os.path.join(out, "r1.fq")
    subprocess.run(["wgsim", "-S", str(seed), "-N", str(count), "-1", str(size), "-2", str(size), "-d", str(size),
                    "-s", "0"] + rates + [fasta, r1, os.devnull], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    queries = []
    with open(r1) as f:
        lines = f.read().split("\n")
    for i in range(0, len(lines) - 3, 4):
        name = lines[i][1:].split()[0]
        fields = name.rsplit("/", 1)[0].split("_")
        record, start, end = "_".join(fields[:-5]), int(fields[-5]), int(fields[-4])
        queries.append((f"{gid}|{len(queries) + 1}|{record}:{start}-{end}", lines[i + 1], lines[i + 3]))
    os.remove(fasta)
    os.remove(r1)
    return queries


def write_queries(path, queries):
    with open(path, "w") as f:
        for name, seq, qual in queries:
            f.write(f"@{name}\n{seq}\n+\n{qual}\n")


def source_of(name):
    """(genome id, record, start, end) of a simulated query's name."""
    gid, _, where = name.split("|")
    record, span = where.rsplit(":", 1)
    start, end = span.split("-")
    return gid, record, int(start), int(end)


def encode_kmers(seq, k=32):
    """The 2-bit codes of every k-mer of seq (k <= 32), as uint64; letters other than ACGT code
    as A, which only adds candidates that the string comparison then rejects."""
    table = np.zeros(256, dtype=np.uint64)
    for i, base in enumerate(b"ACGT"):
        table[base] = i
    codes = table[np.frombuffer(seq.encode(), dtype=np.uint8)]
    n = len(seq) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    kmers = np.zeros(n, dtype=np.uint64)
    for j in range(k):
        kmers |= codes[j:j + n] << np.uint64(2 * (k - 1 - j))
    return kmers


def verbatim_sources(genomes, names):
    """For each simulated read, the genomes holding its error-free source sequence verbatim, on
    either strand (its own genome always does): the reads no k-mer method can place more
    precisely than that set."""
    sources = []
    anchors = collections.defaultdict(list)  # code of the first 32 bases -> [(read, text)]
    for i, name in enumerate(names):
        gid, record, start, end = source_of(name)
        text = genomes.sequences[gid][record][start - 1:end]
        sources.append(text)
        for strand in (text, revcomp(text)):
            anchors[int(encode_kmers(strand[:32])[0])].append((i, strand))
    found = [set() for _ in names]
    keys = np.array(sorted(anchors), dtype=np.uint64)
    for gid in genomes.ids:
        for seq in genomes.sequences[gid].values():
            kmers = encode_kmers(seq)
            for pos in np.nonzero(np.isin(kmers, keys))[0]:
                for i, strand in anchors[int(kmers[pos])]:
                    if seq.startswith(strand, int(pos)):
                        found[i].add(gid)
    for i, name in enumerate(names):
        found[i].add(source_of(name)[0])
    return found


# ----------------------------------------------------------------------------------------------
# Reading each tool's answers


def ruvec_hits(path):
    """query -> [(target record, target_start, similarity, query_start, identity)] in file order."""
    hits = collections.defaultdict(list)
    for row in read_tsv(path):
        hits[row[0]].append((row[3], int(row[4]), float(row[7]), int(row[1]), float(row[9])))
    return hits


def identity_estimates(hits, names, genomes):
    """The identity column of each query's best hit in its source genome (per window of a
    windowed query), for the queries that have one: the estimate against what wgsim put in."""
    values = []
    for name in names:
        source = source_of(name)[0]
        best = {}
        for record, _, similarity, query_start, identity in hits.get(name, []):
            if genomes.genome_of_record[record] == source and query_start not in best:
                best[query_start] = identity
        values += best.values()
    if not values:
        return None
    values.sort()
    return {"n": len(values), "median": statistics.median(values),
            "p10": values[len(values) // 10], "p90": values[len(values) * 9 // 10],
            "zero": sum(v == 0 for v in values) / len(values)}


def top_genome_per_query(hits, genomes):
    """A query's genome: that of its first hit. A windowed query (a fragment longer than the
    index's window) goes to the genome with the largest sum, over its windows, of the best
    similarity of each window to that genome."""
    assigned = {}
    for query, rows in hits.items():
        windows = collections.defaultdict(dict)  # query_start -> genome -> best similarity
        for record, _, similarity, query_start, _ in rows:
            gid = genomes.genome_of_record[record]
            best = windows[query_start]
            best[gid] = max(best.get(gid, -2.0), similarity)
        if len(windows) == 1:
            assigned[query] = genomes.genome_of_record[rows[0][0]]
            continue
        total = collections.Counter()
        for best in windows.values():
            for gid, similarity in best.items():
                total[gid] += similarity
        assigned[query] = max(sorted(total), key=lambda g: total[g])
    return assigned


def minimap2_assignments(path, genomes):
    """query -> genome of its primary alignment (unmapped queries are absent)."""
    assigned = {}
    with open(path) as f:
        for line in f:
            c = line.split("\t")
            if c[0] not in assigned and "tp:A:P" in line:
                assigned[c[0]] = genomes.genome_of_record[c[5]]
    return assigned


def score_assignments(names, assigned, genomes, verbatim=None):
    """Top-1 accuracy at strain and species level (strict: the source genome or its species;
    tie-aware: any genome holding the source verbatim, or its species) and the unassigned
    fraction, over all queries."""
    n = len(names)
    strain = species = strain_tie = species_tie = unassigned = 0
    for i, name in enumerate(names):
        source = source_of(name)[0]
        gid = assigned.get(name)
        if gid is None:
            unassigned += 1
            continue
        strain += gid == source
        species += genomes.species[gid] == genomes.species[source]
        if verbatim is not None:
            strain_tie += gid in verbatim[i]
            species_tie += genomes.species[gid] in {genomes.species[g] for g in verbatim[i]} | {
                genomes.species[source]}
    scores = {"n": n, "strain": strain / n, "species": species / n, "unassigned": unassigned / n}
    if verbatim is not None:
        scores["strain_tie_aware"] = strain_tie / n
        scores["species_tie_aware"] = species_tie / n
    return scores


def per_sample_species(names, assigned, genomes):
    """Each source genome's queries as one sample: is the species most queries went to the
    source's? Returns (right, samples, the sources that were not)."""
    votes = collections.defaultdict(collections.Counter)
    for name in names:
        gid = assigned.get(name)
        if gid is not None:
            votes[source_of(name)[0]][genomes.species[gid]] += 1
    sources = sorted({source_of(n)[0] for n in names})
    missed = [s for s in sources if not votes[s] or votes[s].most_common(1)[0][0] != genomes.species[s]]
    return len(sources) - len(missed), len(sources), missed


def mash_screen_species(path, genomes):
    """The species of the genomes with the highest mash screen identity (and, among those, the
    most shared hashes): a set, as a few hashes often tie between strains of a species and
    genomes that share sequence with them, and a tie is scored as tie-aware reads are."""
    rows = []
    for row in read_tsv(path, header=False):
        gid = os.path.basename(row[4])
        gid = gid[:-6] if gid.endswith(".fa.gz") else gid
        rows.append(((float(row[0]), int(row[1].split("/")[0])), gid))
    if not rows:
        return set()
    best = max(key for key, _ in rows)
    return {genomes.species[gid] for key, gid in rows if key == best}


# ----------------------------------------------------------------------------------------------
# Genome against genome


def spearman(x, y):
    def ranks(values):
        order = sorted(range(len(values)), key=lambda i: values[i])
        r = [0.0] * len(values)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
                j += 1
            for t in range(i, j + 1):
                r[order[t]] = (i + j) / 2 + 1
            i = j + 1
        return r
    if len(x) < 3:
        return float("nan")
    rx, ry = ranks(x), ranks(y)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else float("nan")


def fragment_identities(paf, fragment_count):
    """fastANI's way with minimap2 in place of its mapper: the best alignment of each 1 kbp
    fragment of the query genome that covers at least half of it; ANI is their mean identity
    (matching bases / alignment columns), the aligned fraction is how many fragments have one."""
    best = {}
    with open(paf) as f:
        for line in f:
            c = line.split("\t")
            if int(c[3]) - int(c[2]) < int(c[1]) // 2:
                continue
            identity = int(c[9]) / int(c[10])
            best[c[0]] = max(best.get(c[0], 0.0), identity)
    kept = [v for v in best.values() if v >= 0.8]
    return (statistics.fmean(kept) if kept else 0.0), len(kept) / max(fragment_count, 1)


# ----------------------------------------------------------------------------------------------


def default_ef(ruvec):
    """The --ef search uses by default; it picks brute force instead when the graph would visit
    about every vector, so the graph's recall at that ef is measured by giving it explicitly."""
    usage = subprocess.run([ruvec, "search", "--help"], capture_output=True, text=True).stdout
    match = re.search(r"--ef INT[^[]*\[(\d+)", usage)
    if not match:
        die("cannot find the default --ef in ruvec search --help")
    return int(match.group(1))


def main():
    p = argparse.ArgumentParser(prog="scripts/eval.sh", description=__doc__)
    p.add_argument("ruvec")
    p.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../shared/data"))
    p.add_argument("--out", default="eval.out")
    p.add_argument("--genomes", nargs="*", default=None)
    p.add_argument("--reads", type=int, default=200)
    p.add_argument("--fragments", type=int, default=20)
    p.add_argument("--honeybee", type=int, default=1000)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--index-args", default="")
    p.add_argument("--search-args", default="")
    p.add_argument("--graph-ef", type=int, default=None)
    p.add_argument("--quantize", default=None)
    p.add_argument("--no-recall", action="store_true")
    p.add_argument("--no-peers", action="store_true")
    p.add_argument("--no-genomes", action="store_true")
    p.add_argument("--json", default=None)
    p.add_argument("--check", default=None)
    args = p.parse_args()

    ruvec = os.path.abspath(args.ruvec)
    out = os.path.abspath(args.out)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    genomes = Genomes(os.path.abspath(args.data), args.genomes)
    timer = Timer(out)
    at = str(max(args.threads - 1, 0))
    t = str(args.threads)
    quiet = ["--quiet"]
    metrics = {"settings": {"genomes": len(genomes.ids), "reads_per_genome": args.reads,
                            "fragments_per_genome": args.fragments, "index_args": args.index_args,
                            "search_args": args.search_args, "threads": args.threads}}

    # Inputs: reference files, simulated queries with their truth, real reads.
    refs = []
    os.makedirs(os.path.join(out, "refs"))
    for gid in genomes.ids:
        link = os.path.join(out, "refs", os.path.basename(genomes.file[gid]))
        os.symlink(genomes.file[gid], link)
        refs.append(os.path.join("refs", os.path.basename(link)))
    with open(os.path.join(out, "refs.fa"), "w") as f:
        for gid in genomes.ids:
            for record, seq in genomes.sequences[gid].items():
                f.write(f">{record}\n{seq}\n")
    queries = {}
    for kind, count, seed in (("reads", args.reads, args.seed), ("fragments", args.fragments, args.seed + 1)):
        qs = []
        for gid in genomes.ids:
            qs += simulate(genomes, gid, out, kind, count, seed)
        write_queries(os.path.join(out, f"{kind}.fq"), qs)
        queries[kind] = [q[0] for q in qs]
    verbatim = verbatim_sources(genomes, queries["reads"])
    metrics["reads_shared_verbatim"] = sum(len(v) > 1 for v in verbatim) / len(verbatim)
    honeybee = os.path.join(args.data, "reads", "honeybee_SRR059298_subset.fastq.gz")
    has_honeybee = args.honeybee > 0 and os.path.exists(honeybee)
    if has_honeybee:
        with gzip.open(honeybee, "rt") as f, open(os.path.join(out, "honeybee.fq"), "w") as g:
            for i, line in enumerate(f):
                if i >= 4 * args.honeybee:
                    break
                g.write(line)

    # ruvec: one index of windows, searched by every query type as a user would (its defaults:
    # the read search, unless --index-args says otherwise); for recall, the graph at the default
    # ef against brute force, in that index if it holds vectors, else in one of vectors built
    # with the same options.
    index_args = shlex.split(args.index_args)
    search_args = shlex.split(args.search_args)
    timer.run("ruvec", "index", "index", [ruvec, "index", "-@", at] + quiet + index_args + ["-o", "windows.rvx"] + refs)
    if args.quantize:
        timer.run("ruvec", "index", "quantize", [ruvec, "quantize", "-@", at, "--quiet", "-t", args.quantize,
                                                 "-o", "windows.rvx", "windows.rvx"])
    info = json.loads(subprocess.run([ruvec, "info", "--json", os.path.join(out, "windows.rvx")], check=True,
                                     capture_output=True, text=True).stdout)
    metrics["index"] = {"vectors": info["live_rows"], "file_bytes": info["file_bytes"],
                        "quantization": (info.get("quantization") or {}).get("type", "none"),
                        "memory_bytes": sum(v for v in info["memory"].values() if isinstance(v, int)),
                        **{k: info["embedding"][k] for k in ("k", "dims", "weight", "window", "step")}}
    metrics["index"]["read_search"] = info.get("read_search") is not None
    query_types = ["reads", "fragments"] + (["honeybee"] if has_honeybee else [])
    recall_types = [] if args.no_recall else query_types
    ef = args.graph_ef or default_ef(ruvec)
    metrics["settings"]["graph_ef"] = ef
    graph_index = "windows.rvx"
    if recall_types and (info.get("read_search") is not None or info.get("graph") is None):
        # Sequence queries of an index with k-mers take the read search: the graph's recall is
        # measured in an index of vectors alone, of the same embedding.
        vector_args, skip = [], False
        for arg in index_args:
            if skip or arg == "--content":
                skip = not skip
                continue
            vector_args.append(arg)
        graph_index = "vectors.rvx"
        timer.run("ruvec", "vectors", "index", [ruvec, "index", "-@", at] + quiet + vector_args +
                  ["--content", "vectors", "-o", graph_index] + refs)
        if args.quantize:
            timer.run("ruvec", "vectors", "quantize", [ruvec, "quantize", "-@", at, "--quiet", "-t", args.quantize,
                                                       "-o", graph_index, graph_index])
    def search(kind, task, output, options, index="windows.rvx"):
        timer.run("ruvec", task, "search", [ruvec, "search", "-@", at] + quiet + options +
                  ["-o", output, index, f"{kind}.fq"])

    for kind in query_types:
        if kind != "honeybee":  # classification, as a user would search: the defaults
            search(kind, kind, f"ruvec.{kind}.tsv",
                   search_args + (["--per-target", "-n", "5"] if kind == "fragments" else ["-n", "1"]))
        if kind in recall_types:
            search(kind, f"{kind}-exact", f"ruvec.{kind}.exact.tsv", ["--exact", "-n", "10", "--min-sim", "none"],
                   graph_index)
            search(kind, f"{kind}-graph", f"ruvec.{kind}.graph.tsv", ["-n", "10", "--min-sim", "none", "--ef", str(ef)],
                   graph_index)

    for kind in ("reads", "fragments"):
        hits = ruvec_hits(os.path.join(out, f"ruvec.{kind}.tsv"))
        assigned = top_genome_per_query(hits, genomes)
        scores = score_assignments(queries[kind], assigned, genomes, verbatim if kind == "reads" else None)
        scores["samples"] = per_sample_species(queries[kind], assigned, genomes)
        scores["identity"] = identity_estimates(hits, queries[kind], genomes)
        seconds, mb = timer.cost("ruvec", "index")
        s2, m2 = timer.cost("ruvec", kind)
        scores["seconds"], scores["peak_mb"] = seconds + s2, max(mb, m2)
        scores["steps"] = f"index {seconds:.2f} + search {s2:.2f}"
        scores["search_peak_mb"] = m2
        metrics.setdefault("ruvec", {})[kind] = scores

    # HNSW recall: the graph at the default ef against brute force, the same -n 10.
    for kind in recall_types:
        recall = graph_recall(ruvec_hits(os.path.join(out, f"ruvec.{kind}.exact.tsv")),
                              ruvec_hits(os.path.join(out, f"ruvec.{kind}.graph.tsv")))
        recall["seconds_graph"], _ = timer.cost("ruvec", f"{kind}-graph")
        recall["seconds_exact"], _ = timer.cost("ruvec", f"{kind}-exact")
        metrics.setdefault("recall", {})[kind] = recall

    if not args.no_peers:
        run_peers(genomes, timer, refs, queries, verbatim, t, metrics, out)

    if not args.no_genomes:
        genome_pairs(args, genomes, timer, ruvec, at, metrics, out)

    report(metrics)
    with open(os.path.join(out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=1)
    if args.json:
        shutil.copyfile(os.path.join(out, "metrics.json"), args.json)
    if args.check:
        sys.exit(check(metrics, args.check))


def graph_recall(exact, graph):
    """recall@1 and recall@10 of the graph's hits against brute force's, per query window (a
    hit is its target and window)."""
    r1 = r10 = 0.0
    n = 0
    for query, rows in exact.items():
        graph_by_window = collections.defaultdict(list)
        for row in graph.get(query, []):
            graph_by_window[row[3]].append(row)
        exact_by_window = collections.defaultdict(list)
        for row in rows:
            exact_by_window[row[3]].append(row)
        for start, truth in exact_by_window.items():
            got = graph_by_window.get(start, [])
            truth_set = {(r[0], r[1]) for r in truth}
            r10 += len(truth_set & {(r[0], r[1]) for r in got}) / len(truth_set)
            r1 += bool(got) and (got[0][0], got[0][1]) == (truth[0][0], truth[0][1])
            n += 1
    return {"queries": n, "recall@1": r1 / n, "recall@10": r10 / n}


def run_peers(genomes, timer, refs, queries, verbatim, t, metrics, out):
    """minimap2 on the reads (-x sr) and fragments (-x asm20), scored as ruvec is; mash screen
    per sample."""
    timer.run("minimap2", "reads", "index", ["minimap2", "-x", "sr", "-t", t, "-d", "refs.sr.mmi", "refs.fa"])
    timer.run("minimap2", "reads", "map", ["minimap2", "-x", "sr", "-t", t, "-o", "minimap2.reads.paf",
                                           "refs.sr.mmi", "reads.fq"])
    timer.run("minimap2", "fragments", "index", ["minimap2", "-x", "asm20", "-t", t, "-d", "refs.asm.mmi", "refs.fa"])
    timer.run("minimap2", "fragments", "map", ["minimap2", "-x", "asm20", "-t", t, "-o", "minimap2.fragments.paf",
                                               "refs.asm.mmi", "fragments.fq"])
    for kind in ("reads", "fragments"):
        assigned = minimap2_assignments(os.path.join(out, f"minimap2.{kind}.paf"), genomes)
        scores = score_assignments(queries[kind], assigned, genomes, verbatim if kind == "reads" else None)
        scores["samples"] = per_sample_species(queries[kind], assigned, genomes)
        scores["seconds"], scores["peak_mb"] = timer.cost("minimap2", kind)
        scores["steps"] = timer.step_seconds("minimap2", kind)
        metrics.setdefault("minimap2", {})[kind] = scores
    # mash screen answers which genomes a sample holds, not where each read goes: each
    # source genome's queries are one sample, right when its best screen hit is of its species
    # (or one of the equally best).
    timer.run("mash", "sketch", "sketch", ["mash", "sketch", "-p", t, "-o", "refs"] + refs)
    for kind in ("reads", "fragments"):
        missed = []
        by_source = collections.defaultdict(list)
        for i, name in enumerate(queries[kind]):
            by_source[source_of(name)[0]].append(i)
        lines = open(os.path.join(out, f"{kind}.fq")).read().split("\n")
        for gid, members in sorted(by_source.items()):
            sample = f"sample.{kind}.fq"
            with open(os.path.join(out, sample), "w") as f:
                for i in members:
                    f.write("\n".join(lines[4 * i:4 * i + 4]) + "\n")
            timer.run("mash", kind, "screen", ["mash", "screen", "-p", t, "refs.msh", sample],
                      stdout=f"mash.{kind}.screen.tsv")
            screened = os.path.join(out, f"mash.{kind}.screen.{gid}.tsv")
            os.replace(os.path.join(out, f"mash.{kind}.screen.tsv"), screened)
            if genomes.species[gid] not in mash_screen_species(screened, genomes):
                missed.append(gid)
        seconds, mb = timer.cost("mash", kind)
        s0, m0 = timer.cost("mash", "sketch")
        metrics.setdefault("mash", {})[kind] = {"samples": (len(by_source) - len(missed), len(by_source), missed),
                                                "seconds": seconds + s0,
                                                "peak_mb": max(mb, m0),
                                                "steps": f"sketch {s0:.2f} + {len(by_source)} screens {seconds:.2f}"}


def genome_pairs(args, genomes, timer, ruvec, at, metrics, out):
    """Every genome against every other: ruvec's similarity of whole-genome vectors (one per
    genome, -w 0) and mash dist, against ANI from minimap2 (fragment_identities)."""
    with open(os.path.join(out, "whole.fa"), "w") as f:
        for gid in genomes.ids:  # one record per genome: its records joined by an N
            f.write(f">{gid}\n{'N'.join(genomes.sequences[gid].values())}\n")
    n = len(genomes.ids)
    timer.run("ruvec", "genomes", "index", [ruvec, "index", "-@", at, "--quiet", "--content", "vectors", "-w", "0",
                                            "-o", "whole.rvx", "whole.fa"])
    timer.run("ruvec", "genomes", "search", [ruvec, "search", "-@", at, "--quiet", "--exact", "-n", str(n),
                                             "--min-sim", "none", "-o", "ruvec.genomes.tsv", "whole.rvx", "whole.fa"])
    similarity = {}
    for row in read_tsv(os.path.join(out, "ruvec.genomes.tsv")):
        if row[0] != row[3]:
            similarity[(row[0], row[3])] = float(row[7])
    have_mash = not args.no_peers
    distance = {}
    if have_mash:
        timer.run("mash", "genomes", "sketch", ["mash", "sketch", "-p", str(args.threads), "-o", "genomes", "whole.fa", "-i"])
        timer.run("mash", "genomes", "dist", ["mash", "dist", "-p", str(args.threads), "genomes.msh", "genomes.msh"],
                  stdout="mash.genomes.tsv")
        for row in read_tsv(os.path.join(out, "mash.genomes.tsv"), header=False):
            if row[0] != row[1]:
                distance[(row[0], row[1])] = float(row[2])

    # ANI of the pairs that could be above 80%: same species, or mash distance at most 0.25.
    os.makedirs(os.path.join(out, "ani"), exist_ok=True)
    fragments = {}
    for gid in genomes.ids:
        path = os.path.join(out, "ani", f"{gid}.frag.fa")
        count = 0
        with open(path, "w") as f:
            for record, seq in genomes.sequences[gid].items():
                for start in range(0, len(seq) - 999, 1000):
                    f.write(f">{record}:{start + 1}\n{seq[start:start + 1000]}\n")
                    count += 1
        fragments[gid] = count
        with open(os.path.join(out, "ani", f"{gid}.fa"), "w") as f:
            f.write(f">{gid}\n{'N'.join(genomes.sequences[gid].values())}\n")
    ani = {}
    for a in genomes.ids:
        for b in genomes.ids:
            if a == b or not (genomes.species[a] == genomes.species[b] or distance.get((a, b), 1) <= 0.25):
                continue
            paf = f"ani/{a}.{b}.paf"
            timer.run("minimap2", "ani", "map", ["minimap2", "-x", "asm20", "-c", "-t", str(args.threads), "-o", paf,
                                                 f"ani/{b}.fa", f"ani/{a}.frag.fa"])
            ani[(a, b)] = fragment_identities(os.path.join(out, paf), fragments[a])
    related = {}  # unordered pair -> ANI, where both directions align >= 50% at >= 80% identity
    for (a, b), (identity, fraction) in ani.items():
        back = ani.get((b, a))
        if a < b and back and identity >= 0.8 and back[0] >= 0.8 and min(fraction, back[1]) >= 0.5:
            related[(a, b)] = (identity + back[0]) / 2
    pairs = sorted(related)
    result = {"pairs_related": len(pairs), "pairs_all": n * (n - 1) // 2,
              "ani": {f"{a}~{b}": round(related[(a, b)], 5) for a, b in pairs},
              "ruvec_similarity": {f"{a}~{b}": similarity.get((a, b)) for a, b in pairs}}
    if pairs:
        result["spearman_ruvec_ani"] = spearman([similarity[p] for p in pairs], [related[p] for p in pairs])
        if have_mash:
            result["spearman_mash_ani"] = spearman([-distance[p] for p in pairs], [related[p] for p in pairs])
    if have_mash:
        all_pairs = [(a, b) for a in genomes.ids for b in genomes.ids if a < b]
        result["spearman_ruvec_mash_all"] = spearman([similarity[p] for p in all_pairs],
                                                     [-distance[p] for p in all_pairs])
    # The top neighbour of each genome that has a relative: is it the one of highest ANI? ANI
    # within 0.001 of the highest counts as a tie (E. coli 536 is 0.9719 from both K-12 strains).
    right = collections.Counter()
    with_relative = sorted({g for p in pairs for g in p})
    for g in with_relative:
        ani_of = {h: related[tuple(sorted((g, h)))] for h in genomes.ids if tuple(sorted((g, h))) in related}
        closest = {h for h, v in ani_of.items() if v >= max(ani_of.values()) - 0.001}
        others = [h for h in genomes.ids if h != g]
        right["ruvec"] += max(others, key=lambda h: similarity[(g, h)]) in closest
        if have_mash:
            right["mash"] += min(others, key=lambda h: distance[(g, h)]) in closest
    result["top_neighbour"] = {tool: (right[tool], len(with_relative)) for tool in (["ruvec", "mash"] if have_mash else ["ruvec"])}
    result["seconds"], result["peak_mb"] = timer.cost("ruvec", "genomes")
    if have_mash:
        result["mash_seconds"], result["mash_peak_mb"] = timer.cost("mash", "genomes")
    metrics["genomes"] = result


def fmt(value, digits=4):
    return "-" if value is None else (f"{value:.{digits}f}" if isinstance(value, float) else str(value))


def report(metrics):
    s = metrics["settings"]
    idx = metrics["index"]
    what = "the read search's k-mer index" if idx.get("read_search") else "vectors"
    print(f"# ruvec accuracy on {s['genomes']} genomes: index of {idx['vectors']} windows, {what} "
          f"(k {idx['k']}, {idx['dims']} dims, window {idx['window']}, step {idx['step']}, quantization "
          f"{idx['quantization']}; {idx['file_bytes'] / 1e6:.1f} MB file), "
          f"{s['reads_per_genome']} reads and {s['fragments_per_genome']} fragments per genome, "
          f"{s['threads']} threads")
    print(f"# {metrics['reads_shared_verbatim']:.4f} of the reads occur verbatim (error-free) in more than one genome")
    print("task\ttool\tspecies\tspecies (tie-aware)\tstrain\tstrain (tie-aware)\tunassigned\tsamples (species)\tseconds\tpeak MB\tsteps")
    for kind in ("reads", "fragments"):
        for tool in ("ruvec", "minimap2", "mash"):
            m = metrics.get(tool, {}).get(kind)
            if not m:
                continue
            samples = m.get("samples")
            print("\t".join([kind, tool if tool != "mash" else "mash screen (per sample)", fmt(m.get("species")),
                             fmt(m.get("species_tie_aware")), fmt(m.get("strain")), fmt(m.get("strain_tie_aware")),
                             fmt(m.get("unassigned")),
                             f"{samples[0]}/{samples[1]}" + (f" (not {', '.join(samples[2])})" if samples[2] else "")
                             if samples else "-",
                             fmt(m["seconds"], 2), fmt(m["peak_mb"], 0), m.get("steps", "")]))
    for kind, truth in (("reads", "0.99: 1% errors"), ("fragments", "about 0.95: 5% mutations")):
        est = metrics["ruvec"][kind].get("identity")
        if est:
            print(f"# identity column, best hit in the source genome, {kind} (truth {truth}): median "
                  f"{est['median']:.4f}, 10th-90th percentile {est['p10']:.4f}-{est['p90']:.4f}, "
                  f"0 (below the floor) for {est['zero']:.4f} of {est['n']}")
    if not metrics.get("recall"):
        return report_genomes(metrics)
    print()
    print(f"query type\tqueries\trecall@1\trecall@10\tgraph s (ef {s['graph_ef']})\texact s")
    for kind, r in metrics["recall"].items():
        print(f"{kind}\t{r['queries']}\t{r['recall@1']:.4f}\t{r['recall@10']:.4f}\t{r['seconds_graph']:.2f}\t{r['seconds_exact']:.2f}")
    report_genomes(metrics)


def report_genomes(metrics):
    g = metrics.get("genomes")
    if g:
        print()
        print(f"genome pairs: {g['pairs_related']} of {g['pairs_all']} related (ANI >= 0.80 over >= 50% of both)")
        print(f"Spearman vs ANI, related pairs: ruvec similarity {fmt(g.get('spearman_ruvec_ani'))}, "
              f"mash distance {fmt(g.get('spearman_mash_ani'))}")
        if "spearman_ruvec_mash_all" in g:
            print(f"Spearman ruvec similarity vs mash distance, all pairs: {fmt(g['spearman_ruvec_mash_all'])}")
        print("top neighbour is the closest relative: " + ", ".join(
            f"{tool} {a}/{b}" for tool, (a, b) in g["top_neighbour"].items()))
        print(f"seconds / peak MB: ruvec {g['seconds']:.2f} / {g['peak_mb']:.0f}" + (
            f", mash {g['mash_seconds']:.2f} / {g['mash_peak_mb']:.0f}" if "mash_seconds" in g else ""))
        for pair, value in g["ani"].items():
            print(f"  {pair}\tANI {value:.4f}\truvec {fmt(g['ruvec_similarity'][pair])}")


def lookup(metrics, key):
    value = metrics
    for part in key.split("."):
        value = value[int(part)] if isinstance(value, (list, tuple)) else value[part]
    return value


def check(metrics, path):
    """Each line of the file: KEY >= VALUE or KEY <= VALUE, KEY a dotted path into metrics.json
    (a number in it indexes a list). Returns the exit status: 1 when any bound is not met."""
    failed = 0
    for number, line in enumerate(open(path), 1):
        line = line.split("#")[0].strip()
        if not line:
            continue
        try:
            key, op, bound = line.split()
            bound = float(bound)
            if op not in (">=", "<="):
                raise ValueError(op)
        except ValueError:
            print(f"eval: {path}:{number}: not 'KEY >= VALUE' or 'KEY <= VALUE'", file=sys.stderr)
            failed = 1
            continue
        try:
            value = lookup(metrics, key)
        except (KeyError, IndexError, ValueError, TypeError):
            print(f"eval: {path}:{number}: {key}: not measured", file=sys.stderr)
            failed = 1
            continue
        met = value >= bound if op == ">=" else value <= bound
        print(f"eval: {key} = {value:.4f} {'meets' if met else 'FAILS'} {op} {bound:g}",
              file=sys.stdout if met else sys.stderr)
        failed |= not met
    return int(failed)


if __name__ == "__main__":
    main()
