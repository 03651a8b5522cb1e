#!/usr/bin/env bash
# Builds scripts/sq8-scale-choice.cpp against the core library of a ruvec build and runs it on an
# index of windows with reads as queries (see the .cpp for what it measures).
# Usage: scripts/sq8-scale-choice.sh BUILD_DIR INDEX.rvx READS.fq[.gz] [OUTDIR]
#   BUILD_DIR  a CMake build of ruvec (make): its ruvec and libruvec_core.a are used
#   INDEX.rvx  a cosine index of vectors (e.g. of genome windows: ruvec index --content vectors -w 1000 --step 500)
#   READS      FASTA/FASTQ queries, embedded with the index's parameters
set -euo pipefail
if [ $# -lt 3 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 1
fi
build=$(realpath "$1")
index=$(realpath "$2")
reads=$(realpath "$3")
out=${4:-sq8-scale-choice.out}
src=$(realpath "$(dirname "$0")/..")
mkdir -p "$out"
cd "$out"
# Queries embedded exactly as ruvec search would embed them for this index.
read -r k dims window step canonical weight < <("$build/ruvec" info --json "$index" | /usr/bin/python3 -c '
import json, sys
e = json.load(sys.stdin)["embedding"]
print(e["k"], e["dims"], e["window"], e["step"], int(e["canonical"]), e["weight"])')
opts=(-k "$k" -d "$dims" --weight "$weight")
[ "$canonical" = 1 ] || opts+=(--no-canonical)
"$build/ruvec" embed "${opts[@]}" -o queries.rvec "$reads"
c++ -std=c++17 -O2 -fopenmp -I"$src/include" -I"$build/generated" "$src/scripts/sq8-scale-choice.cpp" \
    "$build/libruvec_core.a" -lzstd -o sq8-scale-choice
./sq8-scale-choice "$index" queries.rvec
