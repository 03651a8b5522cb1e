#!/usr/bin/env bash
# make demo: embeds the bundled genomes and reads, and shows what the vectors say.
#   scripts/demo.sh path/to/ruvec
set -euo pipefail
ruvec=$(realpath "$1")
cd "$(dirname "$0")/.."
out=build/demo
mkdir -p "$out"

echo "== ruvec embed: one vector per genome (test-data/genomes), 2 threads"
"$ruvec" embed -v -@ 1 $(ls test-data/genomes/*.fa* | grep -v influenza) -o "$out/genomes.tsv"
echo
echo "== 5 kbp windows of every genome, written as .rvec (checksummed, zstd)"
"$ruvec" embed -v -@ 1 -w 5000 test-data/genomes/*.fa* -o "$out/windows.rvec"
ls -l "$out/windows.rvec" | awk '{print "   " $5 " bytes  " $NF}'
echo
echo "== 2000 honey-bee reads (BGZF FASTQ, 72 bp, with Ns)"
"$ruvec" embed -v -@ 1 test-data/reads/honeybee_2k.fq.gz -o "$out/reads.npy"
echo
echo "== Nearest other genome by cosine similarity of the whole-genome vectors"
echo "   (until 'ruvec search' lands, computed here from the TSV with Python's standard library)"
python3 - "$out/genomes.tsv" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
names = [r[0] for r in rows]
vecs = [[float(x) for x in r[1:]] for r in rows]
dot = lambda a, b: sum(x * y for x, y in zip(a, b))
keep = range(len(names))
print("   %-28s %-28s %s" % ("genome", "nearest other genome", "cosine"))
for i in keep:
    best = max((j for j in keep if j != i), key=lambda j: dot(vecs[i], vecs[j]))
    print("   %-28s %-28s %.3f" % (names[i][:28], names[best][:28], dot(vecs[i], vecs[best])))
PY
