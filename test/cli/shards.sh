#!/usr/bin/env bash
# Sharded indexes and merged searches: shards + merge == one index (issue 7); shards from FASTA
# and from .rvec, their info, -@, an index truncated under a search, and refused --shard runs.
# Under the sanitizers (RUVEC_TEST_SANITIZED) a quarter of the reads; under ThreadSanitizer
# (RUVEC_TEST_TSAN) not the truncated index.
#   bash test/cli/shards.sh path/to/ruvec SOURCE_DIR      (CTest cli-shards)
. "$(dirname "$0")/lib.sh"

bundled_reads
ls "$data"/genomes/*.fa* >refs.txt
"$ruvec" index --content vectors -w 2000 -o all.rvx -l refs.txt 2>/dev/null
"$ruvec" embed -w 2000 -o all.rvec -l refs.txt 2>/dev/null
"$ruvec" info --json all.rvx >info_all.json
for i in 1 2 3; do
    run "$ruvec" index --content vectors --shard $i/3 -w 2000 -o s$i.rvx -l refs.txt
    check "index --shard $i/3 exits 0" test $status -eq 0
    "$ruvec" info --json s$i.rvx >info$i.json
    run "$ruvec" index --content vectors --shard $i/3 -o r$i.rvx all.rvec
    check "index --shard $i/3 of the .rvec exits 0" test $status -eq 0
done
check "info shows the shard" grep -q "^shard	2/3: records 176-351 of 442 in the inputs$" <("$ruvec" info s2.rvx)
check "info of an index that is not a shard shows none" test "$("$ruvec" info all.rvx | grep -c '^shard')" -eq 0
check "shards are contiguous, cover every record once, and hold about equal vectors" python3 -c '
import json, sys
infos = [json.load(open(f"info{i}.json")) for i in (1, 2, 3)]
nxt = 1
for i, info in enumerate(infos, 1):
    s = info["shard"]
    assert (s["shard"], s["count"], s["total_records"]) == (i, 3, 442), s
    assert s["first_record"] == nxt, (s, nxt)
    nxt += s["records"]
    assert info["format_version"] == 4, info["format_version"]
assert nxt == 443
rows = [info["rows"] for info in infos]
assert sum(rows) == json.load(open("info_all.json"))["rows"], rows
assert max(rows) - min(rows) <= 10, rows'
mkdir threads && cp refs.txt threads/ &&
    (cd threads && "$ruvec" index --content vectors -@ 2 --shard 2/3 -w 2000 -o s2.rvx -l refs.txt 2>/dev/null)
check "a shard does not depend on -@" same_file threads/s2.rvx s2.rvx

# Exact searches of the shards, merged, are the exact search of the whole index.
"$ruvec" search --min-sim none --exact -n 10 all.rvx "$reads" >all.tsv 2>/dev/null
"$ruvec" search --min-sim none --exact -n 10 --per-target all.rvx "$reads" >all-pt.tsv 2>/dev/null
"$ruvec" search --exact -n 10 --min-sim 0.1 all.rvx "$reads" >all-min.tsv 2>/dev/null
for i in 1 2 3; do
    "$ruvec" search --min-sim none --exact -n 10 --full-precision s$i.rvx "$reads" >s$i.tsv 2>/dev/null
    "$ruvec" search --min-sim none --exact -n 10 --full-precision r$i.rvx "$reads" >r$i.tsv 2>/dev/null
    "$ruvec" search --min-sim none --exact -n 10 --full-precision --per-target s$i.rvx "$reads" >p$i.tsv 2>/dev/null
    check "shard $i from .rvec answers as shard $i from FASTA" same_file r$i.tsv s$i.tsv
done
check "--full-precision prints 9 significant digits" grep -qP '\t0\.\d{7,9}\t' s1.tsv
run "$ruvec" merge s1.tsv s2.tsv s3.tsv
check "merge exits 0" test $status -eq 0
check "merge of the shards == search of the whole index (--exact)" same_file out all.tsv
check "merge: every query x 10 hits" test "$(wc -l <out)" -eq $((n_reads * 10 + 1))
run "$ruvec" merge --per-target p1.tsv p2.tsv p3.tsv
check "merge --per-target == search --per-target of the whole index" same_file out all-pt.tsv
run "$ruvec" merge --min-sim 0.1 s1.tsv s2.tsv s3.tsv
check "merge --min-sim == search --min-sim of the whole index" same_file out all-min.tsv

# Searches read an index's vectors from the mapped file (shared by concurrent jobs). A file
# truncated in place under a search is a clean error (exit 2), not a crash: the queries come
# through a FIFO, opened only once the index is loaded, and the index is cut before them.
# Not under ThreadSanitizer: the SIGBUS handler ends the process with _exit, the one thing a
# signal handler can do, leaving the reader thread unjoined, which TSan reports as a leak.
if [ -z "${RUVEC_TEST_TSAN:-}" ]; then
    cp all.rvx mapped.rvx
    mkfifo queries.fifo
    "$ruvec" search -o mapped.tsv mapped.rvx queries.fifo 2>mapped.err &
    search_pid=$!
    exec 3>queries.fifo
    truncate -s 0 mapped.rvx
    zcat "$reads" >&3
    exec 3>&-
    wait $search_pid
    check "an index truncated under a search exits 2" test $? -eq 2
    check "an index truncated under a search is one line saying so" grep -q "^ruvec: an index file in use was truncated or rewritten in place" mapped.err
    check "no output is left by the interrupted search" test ! -e mapped.tsv -a "$(ls | grep -c 'mapped.tsv')" -eq 0
fi

run "$ruvec" index --content vectors --shard 4/3 -o x.rvx -l refs.txt
check "--shard 4/3 exits 1" test $status -eq 1
check "--shard 4/3 says how to write it" grep -q "give i/n with 1 <= i <= n" err
run "$ruvec" index --content vectors --shard 1/443 -o x.rvx -l refs.txt
check "more shards than records are refused" grep -q "^ruvec index: --shard 1/443: the inputs hold 442 records, fewer than 443 shards$" err
run "$ruvec" index --content vectors --shard 1/2 -o x.rvx - <"$data/genomes/phage_phiX174.fa"
check "--shard refuses standard input" grep -q "give files, not '-'" err
run "$ruvec" index --shard 1/2 --add s1.rvx "$data/genomes/phage_phiX174.fa"
check "--shard refuses --add" test $status -eq 1
check "no index left by refused --shard runs" test ! -e x.rvx
finish
