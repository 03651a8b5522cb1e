#!/usr/bin/env bash
# How accurate ruvec's nearest neighbours are on real genomes, next to minimap2 and mash run on
# the same data in the same run (scripts/eval.md says what is measured and how it is scored):
#   1. reads      150 bp wgsim reads (1% errors, seed 11) of every genome, assigned to the genome
#                 of their top hit: species and strain top-1, strict and tie-aware, unassigned
#                 fraction at the default --min-sim; minimap2 -x sr; mash screen per sample.
#   2. fragments  5 kbp fragments (5% mutations, 10% of them indels): the same scores;
#                 minimap2 -x asm20; mash screen per sample.
#   3. genomes    whole-genome similarity against ANI (minimap2, fastANI-style) and mash dist:
#                 Spearman over related pairs, and each genome's top neighbour.
#   4. recall     HNSW recall@1 and @10 at the default --ef against --exact, per query type
#                 (simulated reads, fragments, real honey-bee reads).
# It indexes with ruvec's defaults unless --index-args says otherwise, so it measures them.
#
# Usage: scripts/eval.sh RUVEC [options]
#   --data DIR            the shared data [../shared/data beside the repository]
#   --out DIR             work folder, with metrics.json and commands.log [eval.out]
#   --genomes ID...       genome_ids of the manifest to use [all 26]
#   --reads N             reads per genome [200]
#   --fragments N         fragments per genome [20]
#   --honeybee N          real reads for recall [1000]
#   --threads N           threads of every tool [2]
#   --seed N              wgsim seed of the reads (fragments: N + 1) [11]
#   --index-args "..."    extra ruvec index options (e.g. "-d 1024")
#   --search-args "..."   extra ruvec search options for the classification searches
#   --quantize TYPE       quantize the index (sq8, pq, binary) before searching it
#   --graph-ef N          --ef of the recall measurement [search's default]
#   --no-recall --no-peers --no-genomes   leave those parts out
#   --json FILE           copy metrics.json to FILE
#   --check FILE          fail (exit 1) when a metric is below its minimum in FILE
#                         (lines "dotted.key minimum", e.g. test/accuracy/thresholds.txt)
# Needs wgsim (samtools), minimap2, mash, /usr/bin/time and /usr/bin/python3 with numpy
# (scripts/install-deps.sh installs them); --no-peers needs minimap2 only for genome pairs.
set -euo pipefail
if [ $# -lt 1 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 1
fi
for tool in wgsim minimap2 /usr/bin/time /usr/bin/python3; do
    command -v "$tool" >/dev/null || { echo "eval: $tool not found: run scripts/install-deps.sh" >&2; exit 1; }
done
case " $* " in
*" --no-peers "*) ;;
*) command -v mash >/dev/null || { echo "eval: mash not found: run scripts/install-deps.sh" >&2; exit 1; } ;;
esac
exec /usr/bin/python3 "$(dirname "$0")/eval.py" "$@"
