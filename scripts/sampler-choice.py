#!/usr/bin/python3
"""Which k-mer sampler the read search's candidate index should use (issue 21).

On the genomes of ../shared/data (all of them, and a subset about 5x smaller, so each choice is
seen at two collection sizes), simulates reads and fragments as scripts/eval.sh does (wgsim,
truth in the names), runs scripts/sampler-choice.cpp for each sampler (k-mer index, candidate
regions, exact ranking by shared k-mers: the read search's path) and minimap2 (-x sr for reads,
-x asm20 for fragments) in the same run, and prints one table per collection: index size and
build time, queries per second, and species / strain top-1 scored as eval.sh scores them.

Usage: scripts/sampler-choice.py BUILD_DIR [--data DIR] [--out DIR] [--reads N] [--fragments N]
                                 [--sampler SPEC ...]
  BUILD_DIR   a CMake build of ruvec (its libruvec_core.a and generated headers)
  SPEC        kind:k:param (see sampler-choice.cpp); by default minimizers, syncmers and
              FracMinHash at k 21 and densities about 1/11 and 1/16
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import eval as ev  # noqa: E402  (scripts/eval.py: genomes, simulation, scoring)

# Each sampler at about 1 k-mer in 11 and in 16 (syncmers also at 1 in 18): where they part.
DEFAULT_SAMPLERS = ["minimizer:21:11", "minimizer:21:30", "syncmer:21:11:5", "syncmer:21:6:7",
                    "syncmer:21:4:8", "fracminhash:21:11", "fracminhash:21:16"]
# The subset: the three H. pylori strains and the small genomes (about 6 Mbp, 1/5 of all).
SUBSET = ["hpylori_ELS37", "hpylori_G27", "hpylori_SJM180", "phage_lambda", "phage_phiX174",
          "phage_AP205", "virus_hiv1", "virus_dwv", "virus_vdv1", "virus_atcv", "virus_vzv_part",
          "plasmid_ypestis_pPCP1", "plasmid_ssonnei_A", "plasmid_ssonnei_B", "plasmid_ssonnei_E",
          "cp_athaliana", "mt_human", "mt_finwhale", "mt_celegans"]


def timed(command, cwd, stdout=None):
    """Runs command under /usr/bin/time; returns (wall seconds, peak RSS in MB)."""
    timing = os.path.join(cwd, "time.tmp")
    with open(os.path.join(cwd, stdout) if stdout else os.devnull, "w") as sink:
        subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", timing] + command, cwd=cwd,
                       stdout=sink, stderr=subprocess.DEVNULL, check=True)
    seconds, kb = open(timing).read().split()[-2:]
    return float(seconds), int(kb) / 1024


def assignments(path, genomes):
    assigned = {}
    with open(path) as f:
        for line in f:
            query, record = line.rstrip("\n").split("\t")
            if record != "*":
                assigned[query] = genomes.genome_of_record[record]
    return assigned


def collection(args, name, ids, program):
    out = os.path.join(args.out, name)
    os.makedirs(out, exist_ok=True)
    genomes = ev.Genomes(os.path.abspath(args.data), ids)
    with open(os.path.join(out, "refs.fa"), "w") as f:
        for gid in genomes.ids:
            for record, seq in genomes.sequences[gid].items():
                f.write(f">{record}\n{seq}\n")
    bases = sum(genomes.length(g) for g in genomes.ids)
    names = {}
    for kind, count, seed in (("reads", args.reads, 11), ("fragments", args.fragments, 12)):
        qs = []
        for gid in genomes.ids:
            qs += ev.simulate(genomes, gid, out, kind, count, seed)
        ev.write_queries(os.path.join(out, f"{kind}.fq"), qs)
        names[kind] = [q[0] for q in qs]
    verbatim = ev.verbatim_sources(genomes, names["reads"])
    print(f"\n## {name}: {len(genomes.ids)} genomes, {bases / 1e6:.1f} Mbp; "
          f"{len(names['reads'])} reads, {len(names['fragments'])} fragments")

    # minimap2, the peer, in the same run: index once, map each query set.
    build_s, build_mb = timed(["minimap2", "-x", "sr", "-t", "2", "-d", "sr.mmi", "refs.fa"], out)
    mmi_mb = os.path.getsize(os.path.join(out, "sr.mmi")) / 1e6
    rows = [("minimap2 -x sr (reads) / asm20 (fragments)", f"{mmi_mb:.1f}", f"{build_s:.2f}")]
    scores = {}
    for kind, preset in (("reads", "sr"), ("fragments", "asm20")):
        index = "sr.mmi" if preset == "sr" else "refs.fa"
        seconds, _ = timed(["minimap2", "-x", preset, "-t", "2", index, f"{kind}.fq"], out,
                           stdout=f"minimap2.{kind}.paf")
        assigned = ev.minimap2_assignments(os.path.join(out, f"minimap2.{kind}.paf"), genomes)
        s = ev.score_assignments(names[kind], assigned, genomes,
                                 verbatim if kind == "reads" else None)
        s["per_s"] = len(names[kind]) / seconds
        scores[kind] = s
    table = [(rows[0], scores)]

    for spec in args.sampler:
        cost = {}
        for kind in ("reads", "fragments"):
            result = subprocess.run([program, "refs.fa", f"{kind}.fq", kind, spec], cwd=out,
                                    capture_output=True, text=True, check=True)
            header, line = result.stdout.strip().split("\n")
            cost[kind] = dict(zip(header.split("\t"), line.split("\t")))
        s = {}
        for kind in ("reads", "fragments"):
            assigned = assignments(os.path.join(out, f"{kind}.{spec}.tsv"), genomes)
            s[kind] = ev.score_assignments(names[kind], assigned, genomes,
                                           verbatim if kind == "reads" else None)
            s[kind]["per_s"] = float(cost[kind]["queries_per_s"])
        c = cost["reads"]
        kidx_mb = int(c["kidx_bytes"]) / 1e6
        seqs_mb = int(c["seqs_bytes"]) / 1e6
        table.append(((f"{spec} ({c['postings_per_kbp']}/kbp)", f"{kidx_mb:.1f} + {seqs_mb:.1f}",
                       c["build_s"]), s))

    print("| method | index MB | build s | reads/s | reads species | species tie-aware | strain "
          "| strain tie-aware | unassigned | fragments/s | fragments species | strain |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for (method, size, build), s in table:
        r, f = s["reads"], s["fragments"]
        print(f"| {method} | {size} | {build} | {r['per_s']:.0f} | {r['species']:.4f} | "
              f"{r['species_tie_aware']:.4f} | {r['strain']:.4f} | {r['strain_tie_aware']:.4f} | {r['unassigned']:.4f} | "
              f"{f['per_s']:.0f} | {f['species']:.4f} | {f['strain']:.4f} |")
    sys.stdout.flush()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("build")
    here = os.path.dirname(os.path.abspath(__file__))
    p.add_argument("--data", default=os.path.join(here, "../../shared/data"))
    p.add_argument("--out", default="sampler-choice.out")
    p.add_argument("--reads", type=int, default=200)
    p.add_argument("--fragments", type=int, default=20)
    p.add_argument("--sampler", nargs="*", default=DEFAULT_SAMPLERS)
    args = p.parse_args()
    args.out = os.path.abspath(args.out)
    os.makedirs(args.out, exist_ok=True)
    build = os.path.abspath(args.build)
    src = os.path.dirname(here)
    program = os.path.join(args.out, "sampler-choice")
    subprocess.run(["c++", "-std=c++17", "-O2", f"-I{src}/include", f"-I{build}/generated",
                    os.path.join(here, "sampler-choice.cpp"), os.path.join(build, "libruvec_core.a"),
                    os.path.join(build, "libruvec_simd.a"), "-lxxhash", "-lzstd", "-o", program],
                   check=True)
    collection(args, "subset", SUBSET, program)
    collection(args, "all", None, program)


if __name__ == "__main__":
    main()
