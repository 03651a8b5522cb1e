#!/usr/bin/python3
"""How ruvec's read search scales with the collection, next to minimap2: see scripts/bench-scale.sh
(its usage and what is measured)."""
import argparse
import collections
import gzip
import json
import math
import os
import shlex
import shutil
import subprocess
import sys
import time

import numpy as np

READ_LENGTH, READ_ERRORS = 150, 0.01
FRAGMENT_LENGTH, FRAGMENT_MUTATIONS, FRAGMENT_INDELS = 5000, 0.05, 0.1
# Divergence of each simulated copy from its parent: copy c (1, 2, ...) takes RATES[(c - 1) % 5],
# so the first copies of every collection are the closest (the hardest to tell apart).
RATES = (0.001, 0.003, 0.01, 0.02, 0.05)
ANCHOR = 32  # bases of a read looked up to find where it may occur verbatim (one uint64)

COMPLEMENT = bytes.maketrans(b"ACGT", b"TGCA")
BASES = np.frombuffer(b"ACGT", dtype=np.uint8)
CODE = np.full(256, 4, dtype=np.uint8)  # ASCII -> 0-3 for ACGT, 4 for anything else (N)
CODE[BASES] = np.arange(4, dtype=np.uint8)

RUVEC, SR, ASM, EXACT = "ruvec", "minimap2 -x sr", "minimap2 -x asm20", "ruvec --exact (vectors)"


def die(message):
    sys.exit(f"bench-scale: {message}")


def say(message):
    print(f"bench-scale: {message}", file=sys.stderr, flush=True)


def revcomp(seq):
    return seq.translate(COMPLEMENT)[::-1]


def parse_size(text):
    """'30M' -> 30000000 (K, M, G: powers of 1000)."""
    scale = {"K": 10 ** 3, "M": 10 ** 6, "G": 10 ** 9}.get(text[-1:].upper(), 1)
    try:
        return int(float(text[:-1] if scale > 1 else text) * scale)
    except ValueError:
        die(f"{text}: not a size (a number, optionally with K, M or G)")


def read_fasta(path):
    """Yields (name, sequence) of a plain or gzipped FASTA file, as upper-cased bytes."""
    opener = gzip.open if path.endswith(".gz") else open
    name, parts = None, []
    with opener(path, "rb") as f:
        for line in f:
            if line.startswith(b">"):
                if name is not None:
                    yield name, b"".join(parts).upper()
                name, parts = line[1:].split()[0].decode(), []
            else:
                parts.append(line.strip())
    if name is not None:
        yield name, b"".join(parts).upper()


def encode_kmers(seq, k=ANCHOR):
    """The 2-bit codes of every k-mer of seq (bytes; k a power of two <= 32) as uint64, built by
    doubling (2-mers from bases, 4-mers from 2-mers, ...): five array operations for 32-mers
    instead of 32. Letters other than ACGT code as A: that only adds candidates that the string
    comparison then rejects."""
    codes = np.minimum(CODE[np.frombuffer(seq, dtype=np.uint8)], 3).astype(np.uint64)
    span = 1
    while span < k:
        codes = (codes[:-span] << np.uint64(2 * span)) | codes[span:]
        span *= 2
    return codes


# ----------------------------------------------------------------------------------------------
# The collections


class Base:
    """The genomes of the manifest: id, species group, records (name, upper-case bytes)."""

    def __init__(self, data):
        manifest = os.path.join(data, "genomes", "manifest.tsv")
        if not os.path.exists(manifest):
            die(f"{manifest}: not found (give --data, the folder of ../shared/data)")
        with open(manifest) as f:
            columns = f.readline().rstrip("\n").split("\t")
            rows = [dict(zip(columns, line.rstrip("\n").split("\t"))) for line in f if line.strip()]
        self.ids = [r["genome_id"] for r in rows]
        self.species = {r["genome_id"]: r["species_group"] for r in rows}
        self.records = {r["genome_id"]: list(read_fasta(os.path.join(data, "genomes", r["file"]))) for r in rows}
        self.length = {gid: sum(len(s) for _, s in recs) for gid, recs in self.records.items()}
        self.bases = sum(self.length.values())


class Member:
    """One genome of a collection: a real one (copy 0) or copy `copy` of `parent`."""

    def __init__(self, base, family, copy):
        self.parent = base.ids[family]
        self.family, self.copy = family, copy
        self.id = self.parent if copy == 0 else f"{self.parent}_c{copy}"
        self.species = base.species[self.parent]
        self.rate = 0.0 if copy == 0 else RATES[(copy - 1) % len(RATES)]
        self.record_names = [self.record_name(name) for name, _ in base.records[self.parent]]

    def record_name(self, name):
        return name if self.copy == 0 else f"{name}_c{self.copy}"


class Collection:
    """The base genomes, each followed by `copies` simulated members of its family."""

    def __init__(self, base, copies, seed):
        self.base, self.copies, self.seed = base, copies, seed
        self.members = [Member(base, f, c) for f in range(len(base.ids)) for c in range(copies + 1)]
        self.bases = base.bases * (copies + 1)
        self.genome_of_record = {name: m.id for m in self.members for name in m.record_names}
        self.species = {m.id: m.species for m in self.members}

    def sequences(self):
        """Yields (member index, [(record name, bytes)]) member by member, making each copy
        again from its own seed, so that only one family's parent and one copy are in memory
        and every pass over the collection sees the same bytes."""
        for i, m in enumerate(self.members):
            records = self.base.records[m.parent]
            if m.copy == 0:
                yield i, [(name, seq) for name, seq in records]
                continue
            rng = np.random.default_rng([self.seed, m.family, m.copy])
            yield i, [(m.record_name(name), substitute(seq, m.rate, rng)) for name, seq in records]


def substitute(seq, rate, rng):
    """seq (bytes) with each A, C, G or T replaced, with probability rate, by one of the three
    other bases; any other letter (N) is kept, so a copy has its parent's Ns where they were."""
    a = np.frombuffer(seq, dtype=np.uint8).copy()
    code = CODE[a]
    hit = np.nonzero((rng.random(len(a)) < rate) & (code < 4))[0]
    a[hit] = BASES[(code[hit] + rng.integers(1, 4, len(hit))) % 4]
    return a.tobytes()


def write_collection(coll, path, wanted):
    """Writes the collection as one FASTA file (a line per record) and returns the error-free
    text of each wanted query: wanted[member index] = [(query, record index, start, length, strand)]."""
    texts = {}
    with open(path, "wb") as f:
        for i, records in coll.sequences():
            for name, seq in records:
                f.write(b">" + name.encode() + b"\n" + seq + b"\n")
            for q, r, start, length, strand in wanted.get(i, []):
                text = records[r][1][start:start + length]
                texts[q] = text if strand == "+" else revcomp(text)
    return texts


# ----------------------------------------------------------------------------------------------
# Queries with known truth


def sample_sources(coll, count, length, rng):
    """count query sources: the member with probability proportional to its length, then its
    record (proportional to length), a uniform start and a strand; a draw whose record is shorter
    than the query or whose span holds a letter other than ACGT is drawn again. Copies have their
    parent's records and Ns, so the parent's sequence decides."""
    base = coll.base
    weights = np.array([base.length[m.parent] for m in coll.members], dtype=float)
    record_weights = {gid: np.array([len(s) for _, s in recs], dtype=float) for gid, recs in base.records.items()}
    sources = []
    while len(sources) < count:
        m = int(rng.choice(len(coll.members), p=weights / weights.sum()))
        parent = coll.members[m].parent
        w = record_weights[parent]
        r = int(rng.choice(len(w), p=w / w.sum()))
        seq = base.records[parent][r][1]
        if len(seq) < length:
            continue
        start = int(rng.integers(0, len(seq) - length + 1))
        strand = "+" if rng.random() < 0.5 else "-"
        if seq[start:start + length].translate(None, b"ACGT"):
            continue
        sources.append((m, r, start, length, strand))
    return sources


def with_errors(text, rng):
    """A read: each base replaced, with probability READ_ERRORS, by one of the three others."""
    return substitute(text, READ_ERRORS, rng)


def with_mutations(text, rng):
    """A fragment: FRAGMENT_MUTATIONS of its bases mutated, FRAGMENT_INDELS of those by a 1 bp
    indel (an insertion before the base or its deletion, equally often), the rest by substitution."""
    n = len(text)
    mutated = np.nonzero(rng.random(n) < FRAGMENT_MUTATIONS)[0]
    kind = rng.random(len(mutated))
    other = rng.integers(1, 4, len(mutated))
    inserted = rng.integers(0, 4, len(mutated))
    out, done = [], 0
    for pos, k, o, ins in zip(mutated, kind, other, inserted):
        out.append(text[done:pos])
        done = pos + 1
        base = text[pos:pos + 1]
        if k < 1 - FRAGMENT_INDELS:
            out.append(bytes([BASES[(CODE[base[0]] + o) % 4]]))
        elif k < 1 - FRAGMENT_INDELS / 2:
            pass  # deleted
        else:
            out.append(bytes([BASES[ins]]) + base)
    out.append(text[done:])
    return b"".join(out)


def make_queries(coll, kinds, folder, fasta, seed):
    """Samples the reads and fragments, writes the collection (one pass) and the two FASTQ files.
    Returns {kind: [(name, member id, error-free text)]}."""
    plan, wanted = {}, collections.defaultdict(list)
    rngs = {}
    for code, (kind, count, length) in enumerate(kinds):
        rngs[kind] = np.random.default_rng([seed, 1000 + code])
        plan[kind] = sample_sources(coll, count, length, rngs[kind])
        for q, (m, r, start, n, strand) in enumerate(plan[kind]):
            wanted[m].append(((kind, q), r, start, n, strand))
    texts = write_collection(coll, fasta, wanted)
    queries = {}
    for kind, _, _ in kinds:
        queries[kind] = []
        with open(os.path.join(folder, f"{kind}.fq"), "wb") as f:
            for q, (m, r, start, n, strand) in enumerate(plan[kind]):
                member = coll.members[m]
                text = texts[(kind, q)]
                seq = with_errors(text, rngs[kind]) if kind == "reads" else with_mutations(text, rngs[kind])
                name = f"{member.id}|{q + 1}|{member.record_names[r]}:{start + 1}-{start + n}|{strand}"
                f.write(b"@" + name.encode() + b"\n" + seq + b"\n+\n" + b"I" * len(seq) + b"\n")
                queries[kind].append((name, member.id, text))
    return queries


def tie_sets(coll, reads):
    """For each read, the members holding its error-free text verbatim on either strand (its own
    always does): a second pass over the whole collection, every family, as real strains of one
    species share sequence too. A read's first ANCHOR bases are looked up among every k-mer of
    every record (np.searchsorted into the sorted anchors: np.isin's sort of every k-mer takes
    five times as long), and each place they occur is compared as a string."""
    anchors = collections.defaultdict(list)  # code of the first ANCHOR bases -> [(read, text)]
    for i, (_, _, text) in enumerate(reads):
        for strand in (text, revcomp(text)):
            anchors[int(encode_kmers(strand[:ANCHOR])[0])].append((i, strand))
    keys = np.array(sorted(anchors), dtype=np.uint64)
    found = [{member} for _, member, _ in reads]
    for m, records in coll.sequences():
        member = coll.members[m].id
        for _, seq in records:
            kmers = encode_kmers(seq)
            at = np.minimum(np.searchsorted(keys, kmers), len(keys) - 1)
            for pos in np.nonzero(keys[at] == kmers)[0]:
                for i, strand in anchors[int(kmers[pos])]:
                    if seq.startswith(strand, int(pos)):
                        found[i].add(member)
    return found


# ----------------------------------------------------------------------------------------------
# Running and scoring the tools


class Timer:
    """Runs commands under /usr/bin/time: wall seconds, user and system CPU seconds, peak RSS;
    logs each to commands.log."""

    def __init__(self, out):
        self.log = open(os.path.join(out, "commands.log"), "w")

    def run(self, label, folder, command):
        self.log.write(f"# {label}\ncd {shlex.quote(folder)} && {' '.join(shlex.quote(c) for c in command)}\n")
        self.log.flush()
        timing, errors = os.path.join(folder, "time.tmp"), os.path.join(folder, "stderr.tmp")
        with open(errors, "w") as err:
            status = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", timing] + command, cwd=folder,
                                    stdout=subprocess.DEVNULL, stderr=err).returncode
        text = open(errors).read()
        with open(os.path.join(folder, "stderr.log"), "a") as log:
            log.write(f"# {label}\n{text}")
        os.remove(errors)
        if status != 0:
            tail = "\n".join(text.rstrip("\n").split("\n")[-15:])
            die(f"{label} failed (exit {status}): {' '.join(command)}\n{tail}")
        seconds, user, system, kb = open(timing).read().split()[-4:]
        os.remove(timing)
        return {"seconds": float(seconds), "user_seconds": float(user), "system_seconds": float(system),
                "peak_mb": int(kb) / 1024}


def first_hits(path, paf):
    """query -> target record of its rank-1 hit: the first line of each query in ruvec's TSV
    (nearest first; a header line; no line without a hit), or the first primary line in a PAF."""
    hits = {}
    with open(path) as f:
        if not paf:
            f.readline()
        for line in f:
            c = line.split("\t", 6)
            if c[0] in hits or (paf and "tp:A:P" not in line):
                continue
            hits[c[0]] = c[5] if paf else c[3]
    return hits


def score(coll, queries, hits, ties=None):
    """Top-1 fractions over all queries: species, strain (the source member), strain tie-aware
    (any member holding the read verbatim), unassigned (no hit)."""
    n = len(queries)
    counts = collections.Counter()
    for i, (name, source, _) in enumerate(queries):
        target = hits.get(name)
        if target is None:
            counts["unassigned"] += 1
            continue
        gid = coll.genome_of_record.get(target)
        if gid is None:
            die(f"hit on {target}, not a record of the collection")
        counts["species"] += coll.species[gid] == coll.species[source]
        counts["strain"] += gid == source
        if ties is not None:
            counts["strain_tie_aware"] += gid in ties[i]
    keys = ["species", "strain"] + (["strain_tie_aware"] if ties is not None else []) + ["unassigned"]
    return {"n": n, **{k: counts[k] / n for k in keys}}


def measure(args, coll, label, folder, timer, metrics):
    """One collection: queries, the collection file, then each tool's index and searches."""
    fa = os.path.join(folder, "coll.fa")
    started = time.time()
    kinds = [("reads", args.reads, READ_LENGTH), ("fragments", args.fragments, FRAGMENT_LENGTH)]
    queries = make_queries(coll, kinds, folder, fa, args.seed)
    say(f"{label}: {coll.bases / 1e6:.1f} Mbp in {len(coll.members)} members written in "
        f"{time.time() - started:.0f} s; tie sets of the reads")
    started = time.time()
    ties = tie_sets(coll, queries["reads"])
    say(f"{label}: tie sets in {time.time() - started:.0f} s")
    result = {"target": parse_size(label), "bases": coll.bases, "members": len(coll.members),
              "copies_per_genome": coll.copies,
              "reads_shared_verbatim": sum(len(t) > 1 for t in ties) / max(len(ties), 1), "tools": {}}
    at, t = str(max(args.threads - 1, 0)), str(args.threads)
    ruvec = args.ruvec

    def run(tool, task, command, index_file=None):
        say(f"{label}: {tool} {task}")
        cost = timer.run(f"{label} {tool} {task}", folder, command)
        if index_file:
            cost["file_bytes"] = os.path.getsize(os.path.join(folder, index_file))
        result["tools"].setdefault(tool, {})[task] = cost
        return cost

    def scored(tool, kind, output, paf):
        hits = first_hits(os.path.join(folder, output), paf)
        result["tools"][tool][kind].update(score(coll, queries[kind], hits, ties if kind == "reads" else None))

    run(RUVEC, "index", [ruvec, "index", "-@", at, "--quiet", "--content", "kmers", "-o", "coll.rvx", "coll.fa"],
        "coll.rvx")
    run(RUVEC, "reads", [ruvec, "search", "-@", at, "--quiet", "-n", "1", "-o", "ruvec.reads.tsv", "coll.rvx",
                         "reads.fq"])
    run(RUVEC, "fragments", [ruvec, "search", "-@", at, "--quiet", "--per-target", "-n", "5",
                             "-o", "ruvec.fragments.tsv", "coll.rvx", "fragments.fq"])
    scored(RUVEC, "reads", "ruvec.reads.tsv", False)
    scored(RUVEC, "fragments", "ruvec.fragments.tsv", False)
    run(SR, "index", ["minimap2", "-x", "sr", "-t", t, "-d", "sr.mmi", "coll.fa"], "sr.mmi")
    run(SR, "reads", ["minimap2", "-x", "sr", "-t", t, "-o", "mm.reads.paf", "sr.mmi", "reads.fq"])
    scored(SR, "reads", "mm.reads.paf", True)
    run(ASM, "index", ["minimap2", "-x", "asm20", "-t", t, "-d", "asm.mmi", "coll.fa"], "asm.mmi")
    run(ASM, "fragments", ["minimap2", "-x", "asm20", "-t", t, "-o", "mm.fragments.paf", "asm.mmi", "fragments.fq"])
    scored(ASM, "fragments", "mm.fragments.paf", True)
    if args.exact_baseline and coll.bases <= args.exact_baseline:
        run(EXACT, "index", [ruvec, "index", "-@", at, "--quiet", "--content", "vectors", "-o", "vectors.rvx",
                             "coll.fa"], "vectors.rvx")
        run(EXACT, "reads", [ruvec, "search", "-@", at, "--quiet", "--exact", "-n", "1",
                             "-o", "ruvec.exact.reads.tsv", "vectors.rvx", "reads.fq"])
        scored(EXACT, "reads", "ruvec.exact.reads.tsv", False)
    if not args.keep:
        for name in ("coll.fa", "coll.rvx", "sr.mmi", "asm.mmi", "vectors.rvx"):
            if os.path.exists(os.path.join(folder, name)):
                os.remove(os.path.join(folder, name))
    metrics["sizes"][label] = result


# ----------------------------------------------------------------------------------------------
# Report


def fmt(value, digits=4):
    return "-" if value is None else f"{value:.{digits}f}"


def ratio(a, b):
    return a / b if a is not None and b else None


def growth(x0, x1, c0, c1):
    """log(cost ratio) / log(size ratio); None when a cost is 0 (below the timer's 0.01 s)."""
    if not (c0 and c1) or x1 == x0:
        return None
    return math.log(c1 / c0) / math.log(x1 / x0)


# The costs of the plot and of the growth exponents: (name, tool, task, key).
COSTS = [("index seconds", tool, "index", "seconds") for tool in (RUVEC, SR, ASM, EXACT)] + \
    [("index user CPU seconds", tool, "index", "user_seconds") for tool in (RUVEC, SR, ASM, EXACT)] + \
    [("index system CPU seconds", tool, "index", "system_seconds") for tool in (RUVEC, SR, ASM, EXACT)] + \
    [("read search seconds", tool, "reads", "seconds") for tool in (RUVEC, SR, EXACT)] + \
    [("fragment search seconds", tool, "fragments", "seconds") for tool in (RUVEC, ASM)] + \
    [("index file bytes", tool, "index", "file_bytes") for tool in (RUVEC, SR, ASM, EXACT)] + \
    [("index peak MB", tool, "index", "peak_mb") for tool in (RUVEC, SR, ASM, EXACT)] + \
    [("read search peak MB", tool, "reads", "peak_mb") for tool in (RUVEC, SR, EXACT)] + \
    [("fragment search peak MB", tool, "fragments", "peak_mb") for tool in (RUVEC, ASM)]


def cost(size, tool, task, key):
    return size["tools"].get(tool, {}).get(task, {}).get(key)


def report(metrics):
    s = metrics["settings"]
    print(f"# ruvec and minimap2 against collection size: {s['reads']} reads ({READ_LENGTH} bp, "
          f"{READ_ERRORS:.0%} errors) and {s['fragments']} fragments ({FRAGMENT_LENGTH} bp, "
          f"{FRAGMENT_MUTATIONS:.0%} mutations) per collection, {s['threads']} threads, seed {s['seed']}")
    print("size\tbases\tmembers\ttask\ttool\tspecies\tstrain\tstrain (tie-aware)\tunassigned"
          "\tindex s\tsearch s\tindex file MB\tindex peak MB\tsearch peak MB")
    sizes = metrics["sizes"]
    for label, size in sizes.items():
        for task, tools in (("reads", (RUVEC, SR, EXACT)), ("fragments", (RUVEC, ASM))):
            for tool in tools:
                if tool not in size["tools"]:
                    continue
                m, idx = size["tools"][tool][task], size["tools"][tool]["index"]
                print("\t".join([label, str(size["bases"]), str(size["members"]), task, tool, fmt(m["species"]),
                                 fmt(m["strain"]), fmt(m.get("strain_tie_aware")), fmt(m["unassigned"]),
                                 fmt(idx["seconds"], 2), fmt(m["seconds"], 2), fmt(idx["file_bytes"] / 1e6, 1),
                                 fmt(idx["peak_mb"], 0), fmt(m["peak_mb"], 0)]))
    for label, size in sizes.items():
        def r(task, key, peer):
            return fmt(ratio(cost(size, RUVEC, task, key), cost(size, peer, task, key)), 2)
        print(f"# {label} ruvec/minimap2: index time {r('index', 'seconds', SR)} (sr), "
              f"{r('index', 'seconds', ASM)} (asm20); read search time {r('reads', 'seconds', SR)}; "
              f"fragment search time {r('fragments', 'seconds', ASM)} (asm20); "
              f"index file size {r('index', 'file_bytes', SR)} (sr); read search peak RSS "
              f"{r('reads', 'peak_mb', SR)}; fragment search peak RSS {r('fragments', 'peak_mb', ASM)} (asm20)")
        print(f"# {label}: {size['reads_shared_verbatim']:.4f} of the reads occur verbatim in more than one member")
        if EXACT not in size["tools"] and s["exact_baseline"]:
            print(f"# {label}: the vector index ({EXACT}) was not built: {size['bases'] / 1e6:.0f} Mbp is above "
                  f"--exact-baseline {s['exact_baseline'] / 1e6:.0f} Mbp; it needs about 8.4 KB per 500 bp "
                  f"window: ~{size['bases'] / 500 * 8.4e3 / 1e9:.0f} GB here")
    growth_table = metrics.get("growth")
    if growth_table:
        g = growth_table
        print(f"\n# growth exponent, {g['from']} to {g['to']}: log(cost ratio) / log(size ratio); "
              "1 grows as the collection, below 1 slower (small costs are dominated by fixed start-up)")
        print("cost\t" + "\t".join((RUVEC, SR, ASM, EXACT)))
        for name, per_tool in g["exponents"].items():
            print(name + "\t" + "\t".join(fmt(per_tool.get(tool), 2) for tool in (RUVEC, SR, ASM, EXACT)))


def growth_exponents(metrics):
    sizes = sorted(metrics["sizes"].values(), key=lambda z: z["bases"])
    if len(sizes) < 2:
        return None
    first, last = sizes[0], sizes[-1]
    exponents = collections.defaultdict(dict)
    for name, tool, task, key in COSTS:
        # The baseline may stop before the largest size: its exponent spans the sizes it has.
        have = [z for z in sizes if cost(z, tool, task, key) is not None]
        if len(have) >= 2:
            exponents[name][tool] = growth(have[0]["bases"], have[-1]["bases"], cost(have[0], tool, task, key),
                                           cost(have[-1], tool, task, key))
    labels = {id(z): label for label, z in metrics["sizes"].items()}
    return {"from": labels[id(first)], "to": labels[id(last)], "exponents": exponents}


def main():
    p = argparse.ArgumentParser(prog="scripts/bench-scale.sh", description=__doc__)
    p.add_argument("ruvec")
    p.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../shared/data"))
    p.add_argument("--out", default="bench-scale.out")
    p.add_argument("--sizes", default="30M,120M,1G")
    p.add_argument("--reads", type=int, default=5000)
    p.add_argument("--fragments", type=int, default=200)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--exact-baseline", default="150M")
    p.add_argument("--keep", action="store_true")
    p.add_argument("--json", default=None)
    args = p.parse_args()
    args.ruvec = os.path.abspath(args.ruvec)
    args.exact_baseline = parse_size(args.exact_baseline)
    labels = [x.strip() for x in args.sizes.split(",") if x.strip()]
    if not labels or len(set(labels)) != len(labels):
        die(f"--sizes {args.sizes}: give distinct sizes, e.g. 30M,120M,1G")
    if args.reads < 1 or args.fragments < 1 or args.threads < 1:
        die("--reads, --fragments and --threads must be at least 1")

    out = os.path.abspath(args.out)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    base = Base(os.path.abspath(args.data))
    timer = Timer(out)
    version = subprocess.run([args.ruvec, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    mm_version = subprocess.run(["minimap2", "--version"], capture_output=True, text=True).stdout.strip()
    metrics = {"settings": {"sizes": labels, "reads": args.reads, "fragments": args.fragments,
                            "threads": args.threads, "seed": args.seed, "exact_baseline": args.exact_baseline,
                            "base_genomes": len(base.ids), "base_bases": base.bases, "copy_rates": list(RATES),
                            "read_length": READ_LENGTH, "read_errors": READ_ERRORS,
                            "fragment_length": FRAGMENT_LENGTH, "fragment_mutations": FRAGMENT_MUTATIONS,
                            "fragment_indel_share": FRAGMENT_INDELS, "ruvec": version, "minimap2": mm_version},
               "sizes": {}}
    for label in sorted(labels, key=parse_size):
        copies = max(round(parse_size(label) / base.bases) - 1, 0)
        folder = os.path.join(out, label)
        os.makedirs(folder)
        measure(args, Collection(base, copies, args.seed), label, folder, timer, metrics)
        with open(os.path.join(out, "metrics.json"), "w") as f:  # after each size: a partial run keeps them
            json.dump(metrics, f, indent=1)
    metrics["growth"] = growth_exponents(metrics)
    report(metrics)
    with open(os.path.join(out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=1)
    if args.json:
        shutil.copyfile(os.path.join(out, "metrics.json"), args.json)
    png = os.path.join(out, "bench-scale.png")
    plot = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plot-bench-scale.py")
    subprocess.run(["/usr/bin/python3", plot, os.path.join(out, "metrics.json"), png], check=True)
    print(f"# plot: {png}")


if __name__ == "__main__":
    main()
