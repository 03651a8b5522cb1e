#!/usr/bin/env bash
# Runs the work ruvec does with the tools a user would otherwise pick, on the same inputs in the
# same run, and prints time, peak memory and accuracy of each with its ratio to ruvec's
# (scripts/score-peers.py makes the table from the outputs left in OUTDIR):
#   reads     simulated reads (wgsim, 150 bp, 1% errors, seed 11) of SOURCES genomes, each
#             assigned to the genome of its best hit among all GENOMES: ruvec index (its
#             default, the read search; 1 kbp windows, step 500) + search, against minimap2 -x
#             sr (index + map). Truth: the genome each read was drawn from; scored per strain
#             and per species group.
#   presence  which genomes the pooled reads came from: the top S genomes (S = number of
#             sources) by reads assigned (ruvec, minimap2), against mash sketch + mash screen -w
#             (by identity).
#   genomes   each genome's nearest other genome (one vector per record for ruvec; mash sketch +
#             mash dist), correct when it is of the same species group (groups of 2 or more,
#             plasmids left out: plasmids of one strain are different molecules).
#   vectors   the 10 nearest windows of every read in an index of vectors (--content
#             vectors): ruvec search with its defaults (it picks brute force itself when the
#             graph would visit about every vector), the HNSW graph forced with --ef GRAPH_EF,
#             and ruvec search --exact, against brute force over the same vectors in NumPy
#             (cosine, the system BLAS), whose answer is the truth for recall@10.
#
# Usage: scripts/bench-peers.sh RUVEC [OUTDIR]
#   RUVEC   the ruvec binary to measure
#   OUTDIR  where inputs, outputs and results.tsv go [./bench-peers.out]
# Environment (defaults in brackets):
#   GENOMES  genome FASTA files (plain or gzip) [the manifest genomes of ../shared/data, else
#            test-data/genomes/*]; the genome id is the file name without .fa/.fasta/.gz
#   MANIFEST a manifest.tsv with genome_id, species_group and category columns [the one beside
#            GENOMES, if any; else each genome is its own species]
#   SOURCES  genome ids the reads come from [every third of GENOMES, sorted by file name]
#   READS    reads per source genome [200]
#   THREADS  threads for every tool [2]
#   REPEATS  timed runs of each step; seconds are the median, memory the largest [3]
#   EF       --ef of ruvec search in the reads task [ruvec's default]
#   GRAPH_EF --ef of the graph search in the vectors task [512]
# Needs mash, minimap2, wgsim (samtools), /usr/bin/time and /usr/bin/python3 with numpy:
# scripts/install-deps.sh installs them.
set -euo pipefail

if [ $# -lt 1 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
ruvec=$(realpath "$1")
out=${2:-bench-peers.out}
threads=${THREADS:-2}
reads_per_source=${READS:-200}
repeats=${REPEATS:-3}
for tool in mash minimap2 wgsim /usr/bin/time /usr/bin/python3; do
    command -v "$tool" >/dev/null ||
        { echo "bench-peers: $tool not found: run scripts/install-deps.sh" >&2; exit 1; }
done

shared=$here/../../shared/data/genomes
if [ -n "${GENOMES:-}" ]; then
    read -r -a genomes <<<"$GENOMES"
elif [ -f "$shared/manifest.tsv" ]; then
    genomes=()
    while IFS= read -r f; do genomes+=("$shared/$f"); done < <(awk -F'\t' 'NR > 1 { print $1 }' "$shared/manifest.tsv")
else
    genomes=("$here"/../test-data/genomes/*.fa*)
fi
mapfile -t genomes < <(for g in "${genomes[@]}"; do realpath "$g"; done | sort)
manifest=${MANIFEST:-$(dirname "${genomes[0]}")/manifest.tsv}
[ -f "$manifest" ] || manifest=""

mkdir -p "$out"
out=$(realpath "$out")
cd "$out"
rm -rf refs && mkdir refs
: >log

# genomes.tsv: id, file, species group, category; records.tsv: record name, genome id.
genome_id() { basename "$1" | sed -E 's/\.gz$//; s/\.(fa|fasta|fna)$//'; }
: >genomes.tsv
: >records.tsv
for g in "${genomes[@]}"; do
    id=$(genome_id "$g")
    ln -s "$g" "refs/$(basename "$g")"
    group=$id
    category=-
    if [ -n "$manifest" ]; then
        row=$(awk -F'\t' -v id="$id" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
            $c["genome_id"] == id { print $c["species_group"] "\t" $c["category"] }' "$manifest")
        [ -n "$row" ] && { group=${row%%$'\t'*}; category=${row#*$'\t'}; }
    fi
    printf '%s\t%s\t%s\t%s\n' "$id" "$g" "$group" "$category" >>genomes.tsv
    zcat -f "$g" | awk -v id="$id" '/^>/ { sub(/^>[ \t]*/, ""); split($0, w, /[ \t]/); print w[1] "\t" id }' >>records.tsv
done
if [ -n "${SOURCES:-}" ]; then
    read -r -a sources <<<"$SOURCES"
else
    mapfile -t sources < <(cut -f1 genomes.tsv | awk 'NR % 3 == 1')
fi
printf '%s\n' "${sources[@]}" >sources.txt

# reads.fq: READS reads of each source, named SOURCE/N so that the truth travels with them.
: >reads.fq
for id in "${sources[@]}"; do
    g=$(awk -F'\t' -v id="$id" '$1 == id { print $2 }' genomes.tsv)
    [ -n "$g" ] || { echo "bench-peers: source $id is not among GENOMES" >&2; exit 1; }
    zcat -f "$g" >source.fa
    wgsim -S 11 -N "$reads_per_source" -1 150 -2 150 -e 0.01 -r 0 -R 0 source.fa r1.fq /dev/null >>log 2>&1
    awk -v id="$id" 'NR % 4 == 1 { print "@" id "/" (++n); next } { print }' r1.fq >>reads.fq
done
rm -f source.fa r1.fq
zcat -f refs/* >refs.fa

# measure TOOL TASK STEP COMMAND...: runs COMMAND REPEATS times and appends the median wall
# seconds and the largest peak RSS (kB) to times.tsv. Output redirections go inside sh -c 'exec'.
: >times.tsv
measure() {
    local tool=$1 task=$2 step=$3
    shift 3
    local r
    for r in $(seq "$repeats"); do
        /usr/bin/time -f '%e %M' -o time.tmp "$@" >>log 2>&1 ||
            { echo "bench-peers: $tool $step failed; see $out/log" >&2; exit 1; }
        cat time.tmp >>runs.tmp
    done
    sort -n runs.tmp | awk -v tool="$tool" -v task="$task" -v step="$step" '
        { s[NR] = $1; if ($2 > m) m = $2 }
        END { med = NR % 2 ? s[(NR + 1) / 2] : (s[NR / 2] + s[NR / 2 + 1]) / 2
              printf "%s\t%s\t%s\t%.3f\t%d\n", tool, task, step, med, m }' >>times.tsv
    rm -f runs.tmp time.tmp
}
at=$((threads - 1))
ef=()
[ -n "${EF:-}" ] && ef=(--ef "$EF")

# reads (and presence, and the HNSW side of vectors: the same search gives 10 hits per read)
measure ruvec reads index "$ruvec" index -@ "$at" --quiet -w 1000 --step 500 -o windows.rvx refs/*
measure ruvec reads search "$ruvec" search --min-sim none -@ "$at" --quiet "${ef[@]}" -n 10 --no-header -o ruvec.reads.tsv windows.rvx reads.fq
measure minimap2 reads index minimap2 -x sr -t "$threads" -d refs.mmi refs.fa
measure minimap2 reads map minimap2 -x sr -t "$threads" -o minimap2.reads.paf refs.mmi reads.fq
measure mash presence sketch mash sketch -p "$threads" -o refs refs/*
measure mash presence screen sh -c "exec mash screen -p $threads -w refs.msh reads.fq >mash.screen.tsv"

# genomes: one vector per genome
measure ruvec genomes index "$ruvec" index -@ "$at" --quiet --content vectors -w 0 -o whole.rvx refs/*
measure ruvec genomes search "$ruvec" search --min-sim none -@ "$at" --quiet -n 5 --no-header -o ruvec.genomes.tsv whole.rvx refs/*
measure mash genomes sketch mash sketch -p "$threads" -o refs refs/*
measure mash genomes dist sh -c "exec mash dist -p $threads refs.msh refs.msh >mash.dist.tsv"

# vectors: the embeddings both brute forces read (made once, not timed against either)
"$ruvec" embed -@ "$at" --quiet -w 1000 --step 500 -o windows.npy refs/* 2>>log
"$ruvec" embed -@ "$at" --quiet -o reads.npy reads.fq 2>>log
measure ruvec-vectors vectors index "$ruvec" index -@ "$at" --quiet --content vectors -w 1000 --step 500 -o vectors.rvx refs/*
measure ruvec-vectors vectors search "$ruvec" search --min-sim none -@ "$at" --quiet "${ef[@]}" -n 10 --no-header -o ruvec.vectors.tsv vectors.rvx reads.fq
measure ruvec-graph vectors search "$ruvec" search --min-sim none -@ "$at" --quiet --ef "${GRAPH_EF:-512}" -n 10 --no-header -o ruvec.graph.tsv vectors.rvx reads.fq
measure ruvec-exact vectors search "$ruvec" search --min-sim none -@ "$at" --quiet --exact -n 10 --no-header -o ruvec.exact.tsv vectors.rvx reads.fq
measure numpy-exact vectors brute-force env OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" \
    /usr/bin/python3 "$here/exact-knn.py" windows.npy reads.npy 10 numpy.exact.tsv

/usr/bin/python3 "$here/score-peers.py" "$out" "$threads" "$repeats" | tee results.tsv
