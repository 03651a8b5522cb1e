#!/usr/bin/env bash
# The Snakemake workflow (tools/snakemake) on test-data, with its default configuration.
#   bash test/cli/snakemake.sh path/to/ruvec SOURCE_DIR   (CTest cli-snakemake; needs snakemake)
. "$(dirname "$0")/lib.sh"

workflow=$src/tools/snakemake
if ! command -v snakemake >/dev/null; then
    bad "snakemake is not installed (scripts/install-deps.sh installs it)"
    finish
fi
run snakemake -s "$workflow/Snakefile" --directory wf --cores 2 --config ruvec="$ruvec" -q
check "snakemake --cores 2 exits 0" test $status -eq 0
check "the workflow wrote the merged hits and the summary" test -s wf/results/honeybee_2k.hits.tsv -a -s wf/results/honeybee_2k.summary.tsv
check "the workflow built 2 shards" test "$(ls wf/results/shards/*.rvx | wc -l)" -eq 2
check "shard 2 says so" grep -q "^shard	2/2: " <("$ruvec" info wf/results/shards/shard2.rvx)
# The merged hits equal one search of one index of the same references (the read search, the
# default), in the same order.
"$ruvec" index -w 2000 -o whole.rvx -l wf/results/references.txt 2>/dev/null
"$ruvec" search --min-sim none -n 10 whole.rvx "$data/reads/honeybee_2k.fq.gz" >whole.tsv 2>/dev/null
check "workflow merged hits == one index's search" same_file wf/results/honeybee_2k.hits.tsv whole.tsv
check "the summary counts every query with a hit once" /usr/bin/python3 -c '
import csv
rows = list(csv.DictReader(open("wf/results/honeybee_2k.summary.tsv"), delimiter="\t"))
found = {l.split("\t")[0] for l in open("whole.tsv").read().splitlines()[1:]}
assert sum(int(r["queries"]) for r in rows) == len(found) > 500, rows
assert abs(sum(float(r["fraction"]) for r in rows) - 1) < 0.01, rows
best = {}
for line in open("whole.tsv").read().splitlines()[1:]:
    f = line.split("\t")
    if f[6] == "1":
        best[f[3]] = best.get(f[3], 0) + 1
assert {r["target"]: int(r["queries"]) for r in rows} == best, (rows, best)'
run snakemake -s "$workflow/Snakefile" --directory wf --cores 2 --config ruvec="$ruvec" -n
check "a second run has nothing to do" grep -q "Nothing to be done" out err
run snakemake -s "$workflow/Snakefile" --directory wf3 --cores 2 --config ruvec="$ruvec" shards=3 -q
check "shards=3 exits 0" test $status -eq 0
check "shards=3: merged hits == one index's search" same_file wf3/results/honeybee_2k.hits.tsv whole.tsv
run snakemake -s "$workflow/Snakefile" --directory wfmin --cores 2 --config ruvec="$ruvec" min_sim=0.97 -q
"$ruvec" search --min-sim 0.97 -n 10 whole.rvx "$data/reads/honeybee_2k.fq.gz" >whole-min.tsv 2>/dev/null
check "min_sim=0.97: merged hits == one index's search --min-sim 0.97" same_file wfmin/results/honeybee_2k.hits.tsv whole-min.tsv
check "... which left some hits out" test "$(wc -l <whole-min.tsv)" -lt "$(wc -l <whole.tsv)"
# Shards of vectors, searched exactly, merge into one index's exact search too.
run snakemake -s "$workflow/Snakefile" --directory wfvec --cores 2 --config ruvec="$ruvec" "index_options=--content vectors -w 2000" search_options=--exact -q
check "index_options=--content vectors: exits 0" test $status -eq 0
"$ruvec" index --content vectors -w 2000 -o whole-vectors.rvx -l wf/results/references.txt 2>/dev/null
"$ruvec" search --min-sim none --exact -n 10 whole-vectors.rvx "$data/reads/honeybee_2k.fq.gz" >whole-vectors.tsv 2>/dev/null
check "shards of vectors: merged hits == one index's exact search" same_file wfvec/results/honeybee_2k.hits.tsv whole-vectors.tsv
printf 'queries:\n  - %s\nreferences:\n  - %s\n' "$data/genomes/phage_phiX174.fa" "$data/genomes/*.fa.gz" >my.yaml
run snakemake -s "$workflow/Snakefile" --directory wfmy --cores 2 --configfile my.yaml --config ruvec="$ruvec" -q
check "a --configfile of one's own runs" test $status -eq 0 -a -s wfmy/results/phage_phiX174.hits.tsv
check "a --configfile's queries replace the default ones" test ! -e wfmy/results/honeybee_2k.hits.tsv
check "a --configfile's references replace the default ones" test "$(grep -c . wfmy/results/references.txt)" -eq "$(ls "$data"/genomes/*.fa.gz | wc -l)"
run snakemake -s "$workflow/Snakefile" --directory wfs --profile "$workflow/profiles/slurm" --config ruvec="$ruvec" -n
check "the SLURM profile plans every job (dry run)" grep -q "index_shard" out
run snakemake -s "$workflow/Snakefile" --directory wfbad --cores 1 --config ruvec="$ruvec" shards=500 -q
check "more shards than records fails the workflow" test $status -ne 0
check "the failing job's log says why" grep -rq "fewer than 500 shards" wfbad/logs
finish
