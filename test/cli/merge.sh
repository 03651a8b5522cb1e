#!/usr/bin/env bash
# ruvec merge of the exact searches of three shards (shards.sh checks that they merge into the
# whole index's): -o, -l, gzipped and merged inputs, -n, one input, and the inputs it refuses
# or warns about. Under the sanitizers (RUVEC_TEST_SANITIZED) a quarter of the reads.
#   bash test/cli/merge.sh path/to/ruvec SOURCE_DIR       (CTest cli-merge)
. "$(dirname "$0")/lib.sh"

bundled_reads
# The fixture of shards.sh without its checks: an index of the genomes in test-data and its
# three shards, each searched exactly for the reads.
ls "$data"/genomes/*.fa* >refs.txt
"$ruvec" index --content vectors -w 2000 -o all.rvx -l refs.txt 2>/dev/null
"$ruvec" search --min-sim none --exact -n 10 all.rvx "$reads" >all.tsv 2>/dev/null
for i in 1 2 3; do
    "$ruvec" index --content vectors --shard $i/3 -w 2000 -o s$i.rvx -l refs.txt 2>/dev/null
    "$ruvec" search --min-sim none --exact -n 10 --full-precision s$i.rvx "$reads" >s$i.tsv 2>/dev/null
done

gzip -c s3.tsv >s3.tsv.gz
printf 's2.tsv\ns3.tsv.gz\n' >list.txt
run "$ruvec" merge -o merged.tsv s1.tsv -l list.txt
check "merge -o with -l and a gzipped input" same_file merged.tsv all.tsv
"$ruvec" merge --full-precision s1.tsv s2.tsv >m12.tsv
run "$ruvec" merge m12.tsv s3.tsv
check "merging merged files again gives the same" same_file out all.tsv
"$ruvec" search --min-sim none --exact -n 5 all.rvx "$reads" >all5.tsv 2>/dev/null
run "$ruvec" merge -n 5 s1.tsv s2.tsv s3.tsv
check "merge -n 5 == search -n 5" same_file out all5.tsv
run "$ruvec" merge -n 20 s1.tsv s2.tsv s3.tsv
check "merge -n beyond the inputs warns" grep -q "^ruvec merge: warning: -n 20 but the inputs hold at most 10 hits per query" err
run "$ruvec" merge --no-header s1.tsv
check "merge of one input renumbers nothing and keeps its hits" test "$(wc -l <out)" -eq $((n_reads * 10))

# Inputs that cannot be merged are refused by name, with no output file left behind.
head -n 21 s2.tsv >short.tsv
run "$ruvec" merge -o bad.tsv s1.tsv short.tsv s3.tsv
check "a truncated shard output exits 1" test $status -eq 1
check "a truncated shard output is named" grep -q "^ruvec merge: short.tsv: ends after 2 queries, where s1.tsv:22 goes on with query 'SRR059298.2.1' 1-72 (truncated?)$" err
check "no output file after an error" test ! -e bad.tsv
head -n -3 s1.tsv >s1-cut.tsv
head -n -3 s2.tsv >s2-cut.tsv
head -n -3 s3.tsv >s3-cut.tsv
run "$ruvec" merge s1-cut.tsv s2-cut.tsv s3-cut.tsv
check "shard outputs cut inside their last query draw a warning" grep -q "^ruvec merge: warning: s1-cut.tsv: its last query has 7 hits, its first 10: truncated at the end of a line?$" err
head -c 5000 s2.tsv >cut.tsv
run "$ruvec" merge s1.tsv cut.tsv
check "a line cut short is refused" grep -q "^ruvec merge: cut.tsv:[0-9]*: last line has no newline (truncated?)$" err
"$ruvec" search --min-sim none --exact -n 10 --full-precision s1.rvx "$data/genomes/phage_phiX174.fa" >other.tsv 2>/dev/null
run "$ruvec" merge s1.tsv other.tsv
check "searches of other queries are refused" grep -q "^ruvec merge: other.tsv:2: query 'phage_phiX174.1' 1-2000 where s1.tsv:2 has 'SRR059298.1.1' 1-72" err
"$ruvec" search --min-sim none --exact --format jsonl s1.rvx "$reads" >s1.jsonl 2>/dev/null
run "$ruvec" merge s1.jsonl
check "JSON Lines are refused" grep -q "^ruvec merge: s1.jsonl:1: JSON; merge reads the TSV of ruvec search" err
printf '' >empty.tsv
run "$ruvec" merge s1.tsv empty.tsv
check "an input without hits is refused" grep -q "^ruvec merge: empty.tsv: no hits, where s1.tsv:2 has query 'SRR059298.1.1' 1-72 (a failed search? --allow-empty for a shard with no vectors)$" err
run "$ruvec" merge --allow-empty s1.tsv empty.tsv s2.tsv s3.tsv
check "merge --allow-empty skips an input without hits" same_file out all.tsv
run "$ruvec" merge s1.tsv missing.tsv
check "a missing input exits 2" test $status -eq 2
run "$ruvec" merge - - <s1.tsv
check "standard input twice is refused" test $status -eq 1
finish
