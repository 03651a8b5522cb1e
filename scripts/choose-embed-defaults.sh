#!/usr/bin/env bash
# Measures what the embed defaults (k, dims, weight) were chosen by: simulated 150 bp reads (wgsim,
# 1% errors, fixed seed) from the genomes of ../shared/data are assigned to the reference window
# with the highest cosine similarity (exact brute force, numpy), and scored at species level
# (manifest.tsv's species_group; strict: scripts/eval.sh also scores reads found verbatim in
# several genomes, and runs the whole search path). Before 2026-11-22 this script read the
# organism column as the species, so its figures then were strain-level. Prints one line per setting: accuracy, embed time, vector bytes.
#   scripts/choose-embed-defaults.sh [ruvec] [data dir] [reads per genome]
set -euo pipefail
ruvec=$(realpath "${1:-build/ruvec}")
data=$(realpath "${2:-../shared/data}")
per_genome=${3:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# file -> species group, by column name (column 3 is the organism, which names the strain)
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } { print $c["file"] "\t" $c["species_group"] }' \
    "$data/genomes/manifest.tsv" >species.tsv
: >reads.fq
: >truth.tsv
while IFS=$'\t' read -r file species; do
    zcat "$data/genomes/$file" >genome.fa
    wgsim -S 11 -N "$per_genome" -1 150 -2 150 -e 0.01 -r 0 -R 0 genome.fa r1.fq /dev/null >/dev/null 2>&1
    awk -v f="$file" 'NR % 4 == 1 { sub(/^@/, "@" f "__") } { print }' r1.fq >>reads.fq
    grep -c '^>' genome.fa >/dev/null
    awk -v s="$species" '/^>/ { sub(/^>/, ""); split($0, a, " "); print a[1] "\t" s }' genome.fa >>truth.tsv
    printf '%s\t%s\n' "$file" "$species" >>file-species.tsv
done <species.tsv
refs=$(tail -n +2 "$data/genomes/manifest.tsv" | cut -f1 | sed "s|^|$data/genomes/|")

printf '%-5s %-6s %-7s %-7s %9s %9s %11s\n' k dims weight window accuracy seconds bytes/vec
# binary and log weights score like count on reads (few repeated k-mers) and embed 5x slower;
# 4096 dims with 1 kbp windows is left out: its brute force outgrows a 2-core machine.
for k in ${KS:-15 21 27}; do
    for dims in ${DIMS:-256 1024 4096}; do
        for weight in ${WEIGHTS:-count}; do
            for window in ${WINDOWS:-5000 1000}; do
                [ "$dims" -ge 4096 ] && [ "$window" -lt 5000 ] && continue
                start=$(date +%s.%N)
                "$ruvec" embed -@ 1 -k $k -d $dims --weight $weight -w $window $refs -o refs.npy 2>/dev/null
                "$ruvec" embed -@ 1 -k $k -d $dims --weight $weight reads.fq -o reads.npy 2>/dev/null
                seconds=$(echo "$(date +%s.%N) - $start" | bc)
                accuracy=$(/usr/bin/python3 - <<'PY'
import numpy as np
truth = dict(l.rstrip("\n").split("\t") for l in open("truth.tsv"))
file_species = dict(l.rstrip("\n").split("\t") for l in open("file-species.tsv"))
refs = np.load("refs.npy")
ref_species = [truth[l.split("\t")[1]] for l in list(open("refs.npy.names.tsv"))[1:]]
reads = np.load("reads.npy")
read_files = [l.split("\t")[0].split("__")[0] for l in list(open("reads.npy.names.tsv"))[1:]]
n_reads = sum(1 for l in open("reads.fq")) // 4
correct = 0
for start in range(0, len(reads), 2048):
    best = np.argmax(reads[start:start + 2048] @ refs.T, axis=1)
    correct += sum(ref_species[b] == file_species[read_files[start + i]] for i, b in enumerate(best))
print("%.4f" % (correct / n_reads))  # reads skipped (no valid k-mer) count as wrong
PY
)
                printf '%-5s %-6s %-7s %-7s %9s %9.2f %11d\n' $k $dims $weight $window "$accuracy" "$seconds" $((dims * 4))
            done
        done
    done
done
