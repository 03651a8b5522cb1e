#!/usr/bin/env bash
# ruvec search of an index of the bundled genomes by the bundled reads: hits and their order,
# graph against brute force, --per-target, --min-sim, JSON Lines, stdin and .rvec queries,
# conflicting parameters, damaged and foreign index files, and the indexes of older formats in
# test-data/formats. Under the sanitizers (RUVEC_TEST_SANITIZED) a quarter of the reads.
#   bash test/cli/search.sh path/to/ruvec SOURCE_DIR      (CTest cli-search)
. "$(dirname "$0")/lib.sh"

genomes=$data/genomes
bundled_reads
zcat "$genomes/phage_lambda.fa.gz" >lambda.fa
"$ruvec" index --content vectors -w 1000 --step 500 -o g.rvx "$genomes"/*.fa* 2>/dev/null

# Reads: HNSW and brute force agree; every DWV read finds DWV. --min-sim none: every read
# gets its 5 hits, also the bee reads that match nothing here.
run "$ruvec" search --min-sim none g.rvx "$reads" -o hits.tsv
check "search: exit 0" test $status -eq 0
check "search: header line" test "$(head -1 hits.tsv)" = "$(printf 'query\tquery_start\tquery_end\ttarget\ttarget_start\ttarget_end\trank\tsimilarity\tdistance\tidentity')"
check "search: 5 hits per read" test "$(tail -n +2 hits.tsv | wc -l)" -eq $((5 * n_reads))
check "search: ranks 1..5 in order" test "$(tail -n +2 hits.tsv | cut -f7 | head -5 | tr '\n' ' ')" = "1 2 3 4 5 "
check "search: similarities non-increasing per query" awk -F'\t' 'NR>1 && $1==q && $8>s+1e-9 {exit 1} {q=$1; s=$8}' hits.tsv
"$ruvec" search --min-sim none --exact g.rvx "$reads" -o exact.tsv
# Without --ef a small index is searched by brute force (the graph would be no less work).
run "$ruvec" search --min-sim none -v g.rvx "$reads"
check "small index, no --ef: brute force, said with -v" grep -q "^ruvec search: brute force: the graph search at ef 2048" err
check "small index, no --ef: same hits as --exact" same_file out exact.tsv
run "$ruvec" search -v --ef 16 g.rvx "$reads"
check "--ef given: the graph is searched" test "$(grep -c 'brute force' err)" -eq 0 -a -s out
# With ef above the row count the graph search reaches every row it is connected to, so it
# must equal brute force exactly: the graph is one connected piece.
"$ruvec" search --min-sim none --ef 5000 g.rvx "$reads" -o all-ef.tsv
check "HNSW with ef > rows = brute force" same_file all-ef.tsv exact.tsv
"$ruvec" search --per-target -n 1 g.rvx "$reads" -o assigned.tsv
check "per-target: DWV and VDV1 reads are assigned" test "$(awk -F'\t' 'NR>1 && $10>0 {split($4,a,"."); print a[1]}' assigned.tsv | sort -u | tr '\n' ' ')" = "virus_dwv virus_vdv1 "
"$ruvec" search --per-target -n 3 g.rvx "$reads" -o per3.tsv
check "per-target: no target twice for a query" test -z "$(awk -F'\t' 'NR>1{print $1, $4}' per3.tsv | sort | uniq -d)"
run "$ruvec" search --min-sim 0.2 g.rvx "$reads"
check "--min-sim drops weaker hits" awk -F'\t' 'NR>1 && $8<0.2 {exit 1}' out
# The default, --min-sim auto, keeps hits above hashing noise, 5/sqrt(2048) = 0.110: the
# reads of DWV and VDV-1 keep their hits, most bee reads have none.
"$ruvec" search g.rvx "$reads" -o auto.tsv
check "--min-sim auto: no hit below 0.1105" awk -F'\t' 'NR>1 && $8<0.1105 {bad=1} END {exit bad}' auto.tsv
check "--min-sim auto: the same as --min-sim 0.1104854" cmp -s auto.tsv <("$ruvec" search --min-sim 0.1104854 g.rvx "$reads")
check "--min-sim auto: fewer reads with hits" test "$(tail -n +2 auto.tsv | cut -f1 | sort -u | wc -l)" -lt "$n_reads"
check "--min-sim auto: the virus reads keep theirs" test "$(awk -F'\t' 'NR>1 && $7==1 && $4 ~ /^virus_(dwv|vdv1)/' auto.tsv | wc -l)" -eq "$(awk -F'\t' 'NR>1 && $7==1 && $4 ~ /^virus_(dwv|vdv1)/ && $8>=0.1105' exact.tsv | wc -l)"
run "$ruvec" search --min-sim 0.2x g.rvx "$reads"
check "--min-sim 0.2x exits 1" test $status -eq 1
check "--min-sim 0.2x is named" grep -q "^ruvec search: --min-sim must be a number, auto or none, not '0.2x'" err
run "$ruvec" search --format jsonl --min-sim none -n 2 g.rvx "$reads"
check "jsonl: one object per hit" python3 -c '
import json
rows = [json.loads(l) for l in open("out")]
assert len(rows) == '"$((2 * n_reads))"' and set(rows[0]) == {"query", "query_start", "query_end", "target", "target_start", "target_end", "rank", "similarity", "distance", "identity"}'

# A query taken from a genome finds its own window with identity 1.
printf '>piece\n%s\n' "$(grep -v '>' lambda.fa | tr -d '\n' | cut -c 10101-10900)" >piece.fa
run "$ruvec" search -n 1 g.rvx piece.fa
# (lambda_NEB3011 holds the same sequence at nearly the same place.)
check "exact piece: top hit is lambda 10001-11000 or 10501-11500" grep -qE "^piece	1	800	(phage_lambda.1|lambda_NEB3011)	(10001	11000|9501	10500)	1	" out
check "exact piece: identity 1" test "$(tail -1 out | cut -f10)" = 1.0000

# Streaming: queries on stdin, hits on stdout; same as from a file.
zcat "$reads" | "$ruvec" search g.rvx - >stdin.tsv
check "stdin = file" same_file stdin.tsv auto.tsv
# .rvec queries give the same results as sequences.
"$ruvec" embed -w 1000 --step 500 "$reads" -o reads.rvec
"$ruvec" search g.rvx reads.rvec >rvec-queries.tsv
check ".rvec queries = FASTQ queries" same_file rvec-queries.tsv auto.tsv
run "$ruvec" search -k 15 g.rvx "$reads"
check "conflicting -k is refused" grep -q "^ruvec search: g.rvx was made with -k 21 vs 15 given" err
check "conflicting -k: exit 1, nothing written" test $status -eq 1 -a ! -s out
run "$ruvec" search -k 21 -w 1000 --step 500 g.rvx "$reads"
check "agreeing flags are accepted" test $status -eq 0
"$ruvec" embed -k 15 "$reads" -o k15.rvec
run "$ruvec" search g.rvx k15.rvec
check ".rvec with other parameters is refused" grep -q "^ruvec search: k15.rvec: made with -k 15 vs 21 in g.rvx" err

# Damaged, foreign and missing index files: one line, exit 1, nothing written.
size=$(stat -c %s g.rvx)
head -c $((size / 2)) g.rvx >truncated.rvx
run "$ruvec" search truncated.rvx "$reads" -o t.tsv
check "truncated index: message" grep -qE "^ruvec search: truncated.rvx: section .* lies outside the file .*: the file is damaged$" err
check "truncated index: exit 1, one line, no output" test $status -eq 1 -a "$(wc -l <err)" -eq 1 -a ! -e t.tsv
cp g.rvx flipped.rvx
printf '\x55' | dd of=flipped.rvx bs=1 seek=$((size - 100)) conv=notrunc 2>/dev/null
run "$ruvec" search flipped.rvx "$reads"
check "flipped byte in the graph: message" grep -qE "^ruvec search: flipped.rvx: checksum mismatch in section graph: the file is damaged$" err
cp g.rvx old.rvx
python3 - old.rvx <<'PY'
import sys, struct
# Format version 0 with a valid header checksum: an "older ruvec" file, not a damaged one.
data = bytearray(open(sys.argv[1], "rb").read())
data[8:12] = struct.pack("<I", 0)
open(sys.argv[1], "wb").write(bytes(data))
PY
run "$ruvec" search old.rvx "$reads"
check "older format: message" grep -qE "^ruvec search: old.rvx: built by an older ruvec \(index format 0\); rebuild it with 'ruvec index'$" err
run "$ruvec" search reads.rvec "$reads"
check ".rvec given as index: message" grep -q "^ruvec search: reads.rvec: is an .rvec embedding file, not an index" err
run "$ruvec" search lambda.fa "$reads"
check "FASTA given as index: message" grep -q "^ruvec search: lambda.fa: not a ruvec index (.rvx)$" err
run "$ruvec" search missing.rvx "$reads"
check "missing index: message" grep -q "^ruvec search: missing.rvx: No such file or directory$" err
run "$ruvec" search g.rvx "$src/test/bad-input/files/quality-short.fq" -o q.tsv
check "bad query record: file and line" grep -qE "^ruvec search: .*/quality-short.fq:8: quality length 149 != sequence length 150$" err
check "bad query record: nothing written" test ! -e q.tsv
run "$ruvec" search --ef 0 g.rvx lambda.fa
check "--ef 0: refused" test $status -eq 1

# The format-1 file kept in test-data still loads and answers as when it was written.
if [ -f "$data/formats/genomes-v1.rvx" ]; then
    # (recorded before --min-sim auto was the default)
    "$ruvec" search --min-sim none --no-header "$data/formats/genomes-v1.rvx" "$data/formats/queries.fa" >golden.tsv
    check "test-data/formats/genomes-v1.rvx still gives its recorded hits" same_file golden.tsv "$data/formats/genomes-v1.hits.tsv"
else
    bad "test-data/formats/genomes-v1.rvx is missing"
fi
# And the format-2 quantized index, the format-3 shard and format 4 (tagged sections).
for fixture in genomes-v2-sq8 genomes-v3-shard genomes-v4-sq8; do
    "$ruvec" search --min-sim none --no-header "$data/formats/$fixture.rvx" "$data/formats/queries.fa" >golden-$fixture.tsv
    check "test-data/formats/$fixture.rvx still gives its recorded hits" same_file golden-$fixture.tsv "$data/formats/$fixture.hits.tsv"
done
check "formats 2 and 4 of one quantized index give the same hits" same_file golden-genomes-v2-sq8.tsv golden-genomes-v4-sq8.tsv
finish
