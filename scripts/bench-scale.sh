#!/usr/bin/env bash
# How ruvec's read search scales with the collection, next to minimap2 in the same run: the 26
# genomes of the shared data (~31 Mbp) and larger collections made of them plus simulated family
# members, each indexed and searched by both tools, with time, peak memory, index file size and
# accuracy against the known origin of every simulated query; then a plot of each cost against
# the collection's size, and each cost's growth exponent (<= 1: no faster than the collection),
# the index's also in user and system CPU seconds (what the kernel spends on fresh memory and
# the page cache shows in the second).
#   collections  the 26 genomes; for a larger target, round(target / base) - 1 copies of every
#                genome made by substitutions only (no indels: coordinates stay the parent's), at
#                divergences cycling through 0.001 0.003 0.01 0.02 0.05; copy C of genome G is
#                genome G_cC (records RECORD_cC), of G's species. Written family by family.
#   reads        150 bp, 1% substitution errors; the source member by length, then the record
#                by length, a uniform start, either strand, no N. Scored against the source
#                member (strain), its species, and every member holding the error-free read
#                verbatim on either strand (strain, tie-aware).
#   fragments    5 kbp, 5% mutations of which 10% are 1 bp indels; the same sampling and scores
#                (no tie-aware score).
#   ruvec        index --content kmers; search -n 1 (reads), --per-target -n 5 (fragments).
#   minimap2     -x sr (reads) and -x asm20 (fragments), each from its own .mmi index.
#   baseline     collections up to --exact-baseline bases: ruvec's vector index (its defaults)
#                searched by brute force, reads only ("ruvec --exact (vectors)").
#
# Usage: scripts/bench-scale.sh RUVEC [options]
#   --data DIR            the shared data [../shared/data beside the repository]
#   --out DIR             work folder, with metrics.json, commands.log, bench-scale.png [bench-scale.out]
#   --sizes LIST          collection sizes, K/M/G (powers of 1000); one at or below the base
#                         size is the base alone [30M,120M,1G]
#   --reads N             reads per collection [5000]
#   --fragments N         fragments per collection [200]
#   --threads N           threads of every tool (ruvec -@ N-1, minimap2 -t N) [2]
#   --seed N              seed of the copies and the queries [11]
#   --exact-baseline SIZE the vector-index baseline for collections up to SIZE bases; 0: none [150M]
#   --keep                keep each collection's FASTA and index files (default: deleted once
#                         measured; the TSV, PAF and FASTQ files are kept)
#   --json FILE           copy metrics.json to FILE
# Needs minimap2, /usr/bin/time and /usr/bin/python3 with numpy and matplotlib
# (scripts/install-deps.sh installs them). Measured at 30M and 120M (2 threads): under a minute
# for both without the baseline, whose vector index takes about 3 minutes at 30M (518 MB) and
# longer at 120M; at 1G expect about 1 GB of FASTA and 6 GB of indexes on disk at once.
set -euo pipefail
if [ $# -lt 1 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 1
fi
for tool in minimap2 /usr/bin/time /usr/bin/python3; do
    command -v "$tool" >/dev/null || { echo "bench-scale: $tool not found: run scripts/install-deps.sh" >&2; exit 1; }
done
exec /usr/bin/python3 "$(dirname "$0")/bench_scale.py" "$@"
