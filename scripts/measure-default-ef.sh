#!/usr/bin/env bash
# Measures what the default `ruvec search --ef` was chosen by: the smallest ef whose recall@10
# (HNSW top 10 vs `--exact` top 10, a hit being target + target_start) is >= 0.95 on queries
# against an index of every genome in ../shared/data/genomes (1 kbp windows, step 500).
# Queries: 150 bp (READ_LEN) wgsim reads (read 1 only; -S 11 -e 0.01 -r 0.001) from every genome
# file, plus the first real honey-bee reads of data/reads. Prints recall (simulated, honey bee,
# all), the wall time and queries/s of every search (single-threaded, index loading included), and,
# as a sanity check, how often the top-1 --per-target hit of a simulated read is its source genome.
#
# Usage: scripts/measure-default-ef.sh RUVEC [OUTDIR] [DATADIR]
#   RUVEC    the ruvec binary to measure (e.g. build/ruvec)
#   OUTDIR   where the index, queries and search results go [./measure-default-ef.out]
#   DATADIR  the shared data [$(dirname "$0")/../../shared/data]
# Environment (defaults in brackets):
#   READS_PER_GENOME [100]   simulated reads per genome file (multi-record files: one read per
#                            record of a seeded random subset of that many records)
#   READ_LEN         [150]   length of the simulated reads (wgsim -1)
#   HONEYBEE_READS   [1000]  first records of reads/honeybee_SRR059298_subset.fastq.gz
#   EFS              [10 16 24 32 48 64 96 128 192 256 512 1024 2048 4096]
#   STEP             [500]   window step of the index; empty: windows do not overlap
#   TARGET           [0.95]  recall@10 that the chosen ef must reach on all queries
#   KEEP_INDEX       [0]     1: reuse OUTDIR/genomes.rvx if it exists (build time not measured)
# Needs wgsim (Debian package samtools), seqkit, /usr/bin/time and /usr/bin/python3 (stdlib only).
set -euo pipefail

if [ $# -lt 1 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 1
fi
ruvec=$(realpath "$1")
out=${2:-measure-default-ef.out}
data=$(realpath "${3:-$(dirname "$0")/../../shared/data}")
per_genome=${READS_PER_GENOME:-100}
hb_reads=${HONEYBEE_READS:-1000}
read_len=${READ_LEN:-150}
efs=${EFS:-10 16 24 32 48 64 96 128 192 256 512 1024 2048 4096}
step=${STEP-500}
target=${TARGET:-0.95}
py=/usr/bin/python3
mkdir -p "$out"
out=$(realpath "$out")
cd "$out"
script_start=$(date +%s.%N)

wall() { # wall seconds of a command, printed on fd 3; its stdout is dropped, its stderr logged
    /usr/bin/time -f %e -o time.tmp "$@" >/dev/null 2>>log
    cat time.tmp >&3
}

# --- 1. index ------------------------------------------------------------------------------------
genomes=("$data"/genomes/*.fa.gz)
step_opt=()
[ -n "$step" ] && step_opt=(--step "$step")
: >log
if [ "${KEEP_INDEX:-0}" = 1 ] && [ -s genomes.rvx ]; then
    build_s="(reused)"
else
    build_s=$(wall "$ruvec" index -@ 1 --content vectors -w 1000 "${step_opt[@]}" -o genomes.rvx "${genomes[@]}" 3>&1)
fi
n_vectors=$("$ruvec" info genomes.rvx | awk -F'\t' '$1 == "vectors" { print $2 }')
echo "index: ${#genomes[@]} genome files, -w 1000 ${step_opt[*]}: $n_vectors; build $build_s s (ruvec index -@ 1)"

# --- 2. queries ----------------------------------------------------------------------------------
# The influenza files have GenBank-style sequence lines ("acgt acgt ...") and headers with a space
# after '>': ruvec skips both, wgsim does not (it would count the spaces as Ns and name every read
# "_..."), so each genome is cleaned first: header = first word, sequence without blanks.
: >sim.fq
: >target-genome.tsv # record name (as ruvec names it) -> genome file id
: >sim-counts.tsv
for g in "${genomes[@]}"; do
    id=$(basename "$g" .fa.gz)
    zcat "$g" | awk '/^>/ { sub(/^>[ \t]*/, ""); split($0, a, /[ \t]/); print ">" a[1]; next }
                     { gsub(/[ \t\r]/, ""); print toupper($0) }' >genome.fa
    awk -v id="$id" '/^>/ { print substr($0, 2) "\t" id }' genome.fa >>target-genome.tsv
    n_rec=$(grep -c '^>' genome.fa)
    if [ "$n_rec" -gt 1 ]; then # wgsim gives round(N * len / total) reads per record: 0 here
        seqkit shuffle -s 11 -o sub.fa genome.fa 2>>log
        seqkit head -n "$per_genome" -o genome.fa sub.fa
        rm sub.fa
    fi
    wgsim -S 11 -N "$per_genome" -1 "$read_len" -2 "$read_len" -e 0.01 -r 0.001 genome.fa r1.fq /dev/null \
        >/dev/null 2>>log
    awk -v id="$id" 'NR % 4 == 1 { sub(/^@/, "@sim:" id ":") } { print }' r1.fq >>sim.fq
    printf '%s\t%s\n' "$id" "$(($(wc -l <r1.fq) / 4))" >>sim-counts.tsv
done
rm -f genome.fa r1.fq
seqkit head -n "$hb_reads" "$data"/reads/honeybee_SRR059298_subset.fastq.gz >honeybee.fq
cat sim.fq honeybee.fq >queries.fq
n_sim=$(($(wc -l <sim.fq) / 4))
n_hb=$(($(wc -l <honeybee.fq) / 4))
n_q=$((n_sim + n_hb))
echo "queries: $n_sim simulated $read_len bp reads (${#genomes[@]} files, up to $per_genome each)" \
    "+ $n_hb honey-bee reads = $n_q"

# --- 3. searches ---------------------------------------------------------------------------------
printf '>empty\n' >empty.fa # fixed cost: loading the index
load_s=$(wall "$ruvec" search --min-sim none -n 10 --no-header genomes.rvx empty.fa 3>&1)
exact_s=$(wall "$ruvec" search --min-sim none --exact -n 10 --no-header -o exact.tsv genomes.rvx queries.fq 3>&1)
: >times.tsv
for ef in $efs; do
    s=$(wall "$ruvec" search --min-sim none --ef "$ef" -n 10 --no-header -o "ef$ef.tsv" genomes.rvx queries.fq 3>&1)
    printf '%s\t%s\n' "$ef" "$s" >>times.tsv
done
# sanity check: top-1 --per-target hit of every simulated read, at the built-in default ef
pt_s=$(wall "$ruvec" search --min-sim none --per-target -n 1 --no-header -o per-target.tsv genomes.rvx sim.fq 3>&1)

# --- 4. recall table -----------------------------------------------------------------------------
"$py" - "$data/genomes/manifest.tsv" "$n_sim" "$n_hb" "$load_s" "$exact_s" "$target" "$pt_s" <<'PY'
import csv, sys
from collections import defaultdict
manifest, n_sim, n_hb, load_s, exact_s, target, pt_s = sys.argv[1:]
n_sim, n_hb, load_s, exact_s, target, pt_s = int(n_sim), int(n_hb), float(load_s), float(exact_s), float(target), float(pt_s)

def read_hits(path):  # query (name + start) -> [(target, target_start, similarity)], rank order
    hits = defaultdict(list)
    with open(path) as f:
        for line in f:
            c = line.rstrip('\n').split('\t')
            hits[(c[0], c[1])].append((c[3], c[4], float(c[7]), float(c[9])))
    return hits

exact = read_hits('exact.tsv')
groups = {'sim': [q for q in exact if q[0].startswith('sim:')],
          'hb': [q for q in exact if not q[0].startswith('sim:')]}
groups['all'] = groups['sim'] + groups['hb']

def recall(approx, queries, ties=False):
    total = 0.0
    for q in queries:
        e = exact[q][:10]
        a = approx.get(q, [])[:10]
        if ties:  # a hit as similar as the exact 10th counts (tied or equal-scoring windows)
            floor = e[-1][2] - 1e-6
            found = sum(1 for h in a if h[2] >= floor)
        else:
            es = {h[:2] for h in e}
            found = sum(1 for h in a if h[:2] in es)
        total += min(found, len(e)) / len(e)
    return total / len(queries) if queries else float('nan')

# exact top-10 hits above the hashing noise (identity column > 0): the hits that carry information
signif = {q: {h[:2] for h in exact[q][:10] if h[3] > 0} for q in groups['all']}
signif_q = [q for q in groups['all'] if signif[q]]
def recall_signif(approx):  # mean over queries with any such hit of the fraction found
    return sum(len(signif[q] & {h[:2] for h in approx.get(q, [])[:10]}) / len(signif[q])
               for q in signif_q) / len(signif_q) if signif_q else float('nan')

times = dict(line.split() for line in open('times.tsv'))
n_all = len(groups['all'])
print(f"\nqueries with hits: {len(groups['sim'])} simulated, {len(groups['hb'])} honey bee"
      f" (of {n_sim} + {n_hb}); searches single-threaded, -n 10; seconds include"
      f" {load_s:.2f} s of index loading (search of an empty FASTA)")
print(f"exact (brute force): {exact_s:.2f} s, {n_all / exact_s:.0f} queries/s")
n_sig = sum(len(signif[q]) for q in signif_q)
print(f"queries with exact top-10 hits above the hashing noise (identity > 0): {len(signif_q)}"
      f" ({sum(1 for q in signif_q if q[0].startswith('sim:'))} simulated), {n_sig} such hits;"
      f" recall_signif = fraction of those found\n")
hdr = ('ef', 'recall_sim', 'recall_bee', 'recall_all', 'tie_aware_all', 'recall_signif',
       'seconds', 'queries/s')
print('%5s %10s %10s %10s %13s %13s %8s %9s' % hdr)
chosen = None
for ef, s in times.items():
    approx = read_hits(f'ef{ef}.tsv')
    r = {g: recall(approx, qs) for g, qs in groups.items()}
    rt = recall(approx, groups['all'], ties=True)
    s = float(s)
    print('%5s %10.4f %10.4f %10.4f %13.4f %13.4f %8.2f %9.0f'
          % (ef, r['sim'], r['hb'], r['all'], rt, recall_signif(approx), s, n_all / s))
    if chosen is None and r['all'] >= target:
        chosen = ef
print(f"\nsmallest ef with recall@10 >= {target} on all queries: {chosen or 'none measured'}")
for g in ('sim', 'hb'):
    first = next((ef for ef in times if recall(read_hits(f'ef{ef}.tsv'), groups[g]) >= target), None)
    print(f"  ({'simulated' if g == 'sim' else 'honey bee'} reads alone: {first or 'none measured'})")

# sanity check: is the top-1 --per-target hit of a simulated read its source genome (file)?
rec2genome = dict(line.rstrip('\n').split('\t') for line in open('target-genome.tsv'))
species = {}
with open(manifest) as f:
    for row in csv.DictReader(f, delimiter='\t'):
        species[row['genome_id']] = row['species_group']
species.setdefault('lambda_NEB3011', species.get('phage_lambda', 'lambda'))  # not in the manifest
def score(top1):  # top1: query name -> target record
    ok_g = ok_s = 0
    for q, t in top1.items():
        src = q.split(':')[1]
        got = rec2genome.get(t, '?')
        ok_g += got == src
        ok_s += species.get(got, got) == species.get(src, src)
    return ok_g / n_sim, ok_s / n_sim
pt = {}
for line in open('per-target.tsv'):
    c = line.split('\t')
    pt.setdefault(c[0], c[3])
ex = {q[0]: exact[q][0][0] for q in groups['sim']}
g1, s1 = score(pt)
g2, s2 = score(ex)
print(f"\nsimulated reads whose top-1 hit is the source genome file (species group in brackets;"
      f" denominator {n_sim} reads):")
print(f"  --per-target -n 1, default ef: {g1:.4f} ({s1:.4f}); {pt_s:.2f} s")
print(f"  --exact rank 1:                {g2:.4f} ({s2:.4f})")
PY
printf '\ntotal run time: %.0f s; files in %s\n' "$(echo "$(date +%s.%N) - $script_start" | bc)" "$out"
