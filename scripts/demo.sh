#!/usr/bin/env bash
# make demo: the main job on the bundled test-data. Indexes the genomes (1 kbp windows), searches
# the honey-bee reads against them, and shows the top hits and how many reads each genome got.
#   scripts/demo.sh path/to/ruvec
set -euo pipefail
ruvec=$(realpath "$1")
cd "$(dirname "$0")/.."
out=build/demo
mkdir -p "$out"

echo "== ruvec index: the bundled genomes, 1 kbp windows every 500 bp, 2 threads"
"$ruvec" index -v -@ 1 -w 1000 --step 500 -o "$out/genomes.rvx" test-data/genomes/*.fa*
"$ruvec" info "$out/genomes.rvx" | sed -n 's/^\(vectors\|levels\|links\)\t/   \1: /p'
echo
echo "== ruvec search: 2000 honey-bee reads (BGZF FASTQ, 72 bp), best window per genome"
"$ruvec" search -v -@ 1 --per-target -n 1 "$out/genomes.rvx" test-data/reads/honeybee_2k.fq.gz \
    -o "$out/hits.tsv"
echo
echo "== Top hits (identity 0 means the similarity is within hashing noise: no real match)"
tail -n +2 "$out/hits.tsv" | sort -t$'\t' -k8,8gr -k1,1 | awk 'NR <= 8' | cut -f1,4-6,8,10 |
    column -t -s$'\t'
echo
echo "== Reads assigned per genome (best hit with an identity estimate above 0)"
awk -F'\t' 'NR > 1 && $10 > 0 { n[$4]++ } END { for (g in n) printf "   %6d  %s\n", n[g], g }' \
    "$out/hits.tsv" | sort -k1,1nr -k2,2
awk -F'\t' 'NR > 1 { total++; if ($10 == 0) none++ }
    END { printf "   %6d  of %d reads: no genome above the noise floor\n", none, total }' "$out/hits.tsv"
