#!/usr/bin/env bash
# Measures what the default `ruvec search --rerank` was chosen by: for each quantization (sq8, pq,
# binary) of an index of ../shared/data genomes, recall@10 of the graph walk by codes against
# exact float search (`--exact` on the float index), and queries/s, as --rerank grows. A hit is
# target + target_start. Reuses the index and queries of scripts/measure-default-ef.sh.
#
# Usage: scripts/measure-rerank.sh RUVEC EF_OUTDIR [OUTDIR]
#   RUVEC      the ruvec binary to measure
#   EF_OUTDIR  a folder with genomes.rvx and queries.fq: an output folder of
#              scripts/measure-default-ef.sh (reads), or that index with queries.fq made by
#              scripts/offset-windows.py (windows between the indexed ones)
#   OUTDIR     where quantized indexes and hits go [./measure-rerank.out]
# Environment (defaults in brackets):
#   RERANKS [0 10 16 32 64 128 256]   --rerank values tried
#   EF      [2048]                    --ef of every graph search (the default of ruvec search)
#   TYPES   [sq8 pq binary]           quantizations; pq with the default -m (dims / 8)
#   QUERIES [all]                     use about QUERIES of them, evenly spread (every n-th)
# Needs /usr/bin/time and /usr/bin/python3 (stdlib only).
set -euo pipefail

if [ $# -lt 2 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 1
fi
ruvec=$(realpath "$1")
src=$(realpath "$2")
out=${3:-measure-rerank.out}
reranks=${RERANKS:-0 10 16 32 64 128 256}
ef=${EF:-2048}
types=${TYPES:-sq8 pq binary}
mkdir -p "$out"
out=$(realpath "$out")
cd "$out"
for f in genomes.rvx queries.fq; do
    [ -s "$src/$f" ] || { echo "measure-rerank: $src/$f is missing: run measure-default-ef.sh" >&2; exit 1; }
done
if [ -n "${QUERIES:-}" ]; then
    stride=$(( ($(wc -l <"$src/queries.fq") / 4 + QUERIES - 1) / QUERIES ))
    awk -v s="$stride" 'int((NR - 1) / 4) % s == 0' "$src/queries.fq" >queries.fq
else
    cp "$src/queries.fq" queries.fq
fi

wall() { # wall seconds of a command, printed on fd 3; its stdout is dropped
    /usr/bin/time -f %e -o time.tmp "$@" >/dev/null 2>>log
    cat time.tmp >&3
}
: >log
n_q=$(($(wc -l <queries.fq) / 4))
"$ruvec" search --min-sim none --exact -n 10 --no-header -o exact.tsv "$src/genomes.rvx" queries.fq 2>>log
float_s=$(wall "$ruvec" search --min-sim none --ef "$ef" -n 10 --no-header -o float.tsv "$src/genomes.rvx" queries.fq 3>&1)
: >times.tsv
for t in $types; do
    q_s=$(wall "$ruvec" quantize -t "$t" --eval 0 -o "$t.rvx" "$src/genomes.rvx" 3>&1)
    printf '%s\tquantize\t%s\t%s\n' "$t" "$q_s" "$(wc -c <"$t.rvx")" >>times.tsv
    for r in $reranks; do
        s=$(wall "$ruvec" search --min-sim none --ef "$ef" --rerank "$r" -n 10 --no-header -o "$t.$r.tsv" "$t.rvx" queries.fq 3>&1)
        printf '%s\t%s\t%s\n' "$t" "$r" "$s" >>times.tsv
    done
done

/usr/bin/python3 - "$n_q" "$float_s" "$(wc -c <"$src/genomes.rvx")" "$ef" "$src/queries.fq" <<'PY'
import sys
from collections import defaultdict
n_q, float_s, float_bytes, ef, source = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]

def hits(path):
    h = defaultdict(list)
    for line in open(path):
        c = line.rstrip('\n').split('\t')
        h[(c[0], c[1])].append((c[3], c[4]))
    return h

exact = hits('exact.tsv')
def recall(path):
    a = hits(path)
    total = 0.0
    for q, e in exact.items():
        es = set(e[:10])
        total += sum(1 for x in a.get(q, [])[:10] if x in es) / len(es)
    return total / len(exact)

print(f"{n_q} queries ({source}), -n 10, --ef {ef}, one thread; seconds include loading")
print(f"float index: recall@10 {recall('float.tsv'):.4f}, {n_q / float_s:.0f} queries/s, {float_bytes} bytes")
print(f"{'type':>7} {'rerank':>6} {'recall@10':>9} {'queries/s':>9}")
quantize = {}
for line in open('times.tsv'):
    t, r, s, *rest = line.split()
    if r == 'quantize':
        quantize[t] = (float(s), int(rest[0]))
        continue
    print(f"{t:>7} {r:>6} {recall(f'{t}.{r}.tsv'):>9.4f} {n_q / float(s):>9.0f}")
for t, (s, size) in quantize.items():
    print(f"{t}: quantized in {s:.1f} s, file {size} bytes")
PY
