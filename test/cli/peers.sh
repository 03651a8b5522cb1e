#!/usr/bin/env bash
# scripts/bench-peers.sh on test-data: mash, minimap2 and NumPy brute force beside ruvec, each
# answer scored against the truth; the figures themselves are not judged (noisy machines).
#   bash test/cli/peers.sh path/to/ruvec SOURCE_DIR       (CTest cli-peers; needs mash, minimap2)
. "$(dirname "$0")/lib.sh"

genomes=$data/genomes
printf 'genome_id\tspecies_group\tcategory\n' >manifest.tsv
printf '%s\tEscherichia phage lambda\tphage\n' phage_lambda lambda_NEB3011 >>manifest.tsv
printf '%s\tDeformed wing virus complex\tvirus\n' virus_dwv virus_vdv1 >>manifest.tsv
GENOMES="$(echo "$genomes"/*.fa*)" MANIFEST=$PWD/manifest.tsv SOURCES="phage_lambda virus_dwv mt_human" \
    READS=60 REPEATS=1 THREADS=2 run bash "$src/scripts/bench-peers.sh" "$ruvec" peers
check "bench-peers.sh exits 0" test $status -eq 0
check "bench-peers.sh: the table is also in results.tsv" same_file out peers/results.tsv
check "bench-peers.sh: every tool of every task, scored" /usr/bin/python3 -c '
import csv
rows = {(r["task"], r["tool"]): r for r in csv.DictReader((l for l in open("peers/results.tsv") if not l.startswith("#")), delimiter="\t")}
assert sorted(rows) == sorted([("reads", "ruvec"), ("reads", "minimap2"), ("presence", "ruvec"),
    ("presence", "minimap2"), ("presence", "mash screen"), ("genomes", "ruvec"), ("genomes", "mash dist"),
    ("vectors", "ruvec search"), ("vectors", "ruvec graph"), ("vectors", "ruvec --exact"), ("vectors", "numpy brute force")]), sorted(rows)
for r in rows.values():
    assert float(r["seconds"]) >= 0 and float(r["peak_MB"]) > 0 and float(r["memory_x_ruvec"]) > 0, r
    if r["tool"] == "ruvec" or r["tool"] == "ruvec search":
        assert r["time_x_ruvec"] in ("1.00", "nan") and r["memory_x_ruvec"] == "1.00", r
def field(task, tool, word):
    text = rows[(task, tool)]["accuracy"]
    return float(text.split(word + " ", 1)[1].split()[0].rstrip(","))
# 180 reads of lambda (whose NEB relative is near-identical), DWV and human mtDNA.
assert "(180 reads)" in rows[("reads", "ruvec")]["accuracy"]
for tool in ("ruvec", "minimap2"):
    assert field("reads", tool, "species") >= 0.95, rows[("reads", tool)]
    assert rows[("presence", tool)]["accuracy"].endswith("3/3 of their species"), rows[("presence", tool)]
# lambda and NEB lambda (near-identical) are each the nearest of the other for both. DWV and
# VDV-1 (84% identity, mash distance 0.14) share about 0.84^21 = 3% of their 21-mers: mash finds
# them, while ruvec'"'"'s default 1024-dim cosine of 0.02 is within its noise for 10 kbp sequences.
assert rows[("genomes", "mash dist")]["accuracy"] == "4/4 nearest of the same species", rows[("genomes", "mash dist")]
assert rows[("genomes", "ruvec")]["accuracy"] in ("2/4 nearest of the same species", "4/4 nearest of the same species"), rows[("genomes", "ruvec")]
# ruvec --exact agrees with an independent brute force; the graph nearly does.
assert field("vectors", "ruvec --exact", "recall@10") == 1, rows[("vectors", "ruvec --exact")]
for tool in ("ruvec search", "ruvec graph"):
    assert field("vectors", tool, "recall@10") >= 0.95, rows[("vectors", tool)]'
GENOMES="$genomes/phage_phiX174.fa" SOURCES=nowhere run bash "$src/scripts/bench-peers.sh" "$ruvec" peers2
check "bench-peers.sh: a source that is not a genome is refused by name" grep -q "^bench-peers: source nowhere is not among GENOMES$" err
finish
