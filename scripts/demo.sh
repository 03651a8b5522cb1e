#!/usr/bin/env bash
# make demo: the main job on the bundled test-data. Indexes the genomes (the read search: each
# sequence and a k-mer index, 1 kbp windows), searches the honey-bee reads against them, and
# shows the top hits and how many reads each genome got.
#   scripts/demo.sh path/to/ruvec
set -euo pipefail
ruvec=$(realpath "$1")
cd "$(dirname "$0")/.."
out=build/demo
mkdir -p "$out"

echo "== ruvec index: the bundled genomes (the read search; 1 kbp windows every 500 bp), 2 threads"
"$ruvec" index -v -@ 1 -o "$out/genomes.rvx" test-data/genomes/*.fa*
"$ruvec" info "$out/genomes.rvx" | sed -n 's/^\(windows\|read search\)\t/   \1: /p'
echo
echo "== ruvec search: 2000 honey-bee reads (BGZF FASTQ, 72 bp), best window per genome"
"$ruvec" search -v -@ 1 --per-target -n 1 "$out/genomes.rvx" test-data/reads/honeybee_2k.fq.gz \
    -o "$out/hits.tsv"
echo
echo "== Top hits, by the k-mers each read shares with its genome (identity from them)"
tail -n +2 "$out/hits.tsv" | sort -t$'\t' -k11,11nr -k1,1 | awk 'NR <= 8' | cut -f1,4-6,10,11 |
    column -t -s$'\t'
echo
echo "== Reads assigned per genome (their best hit)"
awk -F'\t' 'NR > 1 { n[$4]++ } END { for (g in n) printf "   %6d  %s\n", n[g], g }' \
    "$out/hits.tsv" | sort -k1,1nr -k2,2
reads=$(zcat test-data/reads/honeybee_2k.fq.gz | awk 'END { print NR / 4 }')
awk -F'\t' -v reads="$reads" 'NR > 1 { assigned++ }
    END { printf "   %6d  of %d reads: no k-mer shared with any genome\n", reads - assigned, reads }' "$out/hits.tsv"
