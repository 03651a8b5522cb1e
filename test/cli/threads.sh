#!/usr/bin/env bash
# Determinism: embed, index, quantize and search give the same bytes at any -@ and on every SIMD
# ISA the CPU has. Under the sanitizers (RUVEC_TEST_SANITIZED) fewer thread counts, no forced
# ISA and a quarter of the reads.
#   bash test/cli/threads.sh path/to/ruvec SOURCE_DIR     (CTest cli-threads)
. "$(dirname "$0")/lib.sh"

reads=$data/reads/honeybee_2k.fq.gz
# Determinism does not depend on the dimensions: a quarter of the default's work.
dims=512
zcat "$data/genomes/phage_lambda.fa.gz" "$data/genomes/virus_dwv.fa.gz" "$data/genomes/influenza_pdH1N1_NA.fa.gz" >mix.fa
# Same command line in a folder per run, so the provenance recorded in .rvec is the same too.
embed_all() { # DIR ISA THREADS
    mkdir -p "$1" && (cd "$1" && export RUVEC_ISA=$2 &&
        "$ruvec" embed -@ "$3" -d $dims "$reads" -o reads.rvec &&
        "$ruvec" embed -@ "$3" -d $dims "$reads" -o reads.tsv &&
        "$ruvec" embed -@ "$3" -d $dims -w 1000 --step 500 ../mix.fa -o mix.rvec &&
        "$ruvec" embed -@ "$3" -k 12 --weight log -w 2000 ../mix.fa -o log.tsv)
}
# Under the sanitizers (RUVEC_TEST_SANITIZED, set by the RUVEC_SANITIZE build) fewer thread
# counts and no forced ISA: the release build checks them all (and the unit tests run every
# ISA under the sanitizers); the sanitizers look for memory errors.
thread_counts="0 1 3" other_threads="1 3" isas="scalar sse2 sse4_2 avx2 avx512bw"
if [ -n "${RUVEC_TEST_SANITIZED:-}" ]; then # and a quarter of the reads
    thread_counts="0 3" other_threads="3" isas=""
    zcat "$reads" | head -n 2000 | gzip -c >reads500.fq.gz
    reads=$PWD/reads500.fq.gz
fi
for threads in $thread_counts; do
    check "embed with -@ $threads" embed_all t$threads "" $threads
done
for threads in $other_threads; do
    for file in reads.rvec reads.tsv mix.rvec log.tsv; do
        check "$file: -@ $threads = -@ 0" same_file t$threads/$file t0/$file
    done
done
check "windows of mix.fa were written" test -s t0/mix.rvec
# A record longer than a piece (1 Mbp) is counted on several threads: same bits as one thread.
python3 -c 'import sys; s="".join(l.strip() for l in open(sys.argv[1]) if l[0] != ">"); print(">long\n" + s * 62)' \
    <(zcat "$data/genomes/phage_lambda.fa.gz") >long.fa
for threads in $thread_counts; do
    "$ruvec" embed -@ $threads -d $dims long.fa >long-$threads.tsv
    "$ruvec" embed -@ $threads -k 4 --exact long.fa >long-exact-$threads.tsv
done
check "3 Mbp record was embedded" test "$(wc -l <long-0.tsv)" -eq 1
for threads in $other_threads; do
    check "3 Mbp record: -@ $threads = -@ 0" same_file long-$threads.tsv long-0.tsv
    check "3 Mbp record, exact k=4: -@ $threads = -@ 0" same_file long-exact-$threads.tsv long-exact-0.tsv
done
quantize_all() { # THREADS: quantized indexes of mix.rvx and graph searches by their codes
    for type in sq8 pq binary; do
        "$ruvec" quantize -@ "$1" -t $type --iterations 5 --eval 0 -o mix.$type.rvx mix.rvx >/dev/null &&
            "$ruvec" search -@ "$1" --ef 64 mix.$type.rvx "$reads" >hits.$type.tsv || return 1
    done
}
# Index builds and searches are byte-identical whatever -@ (the provenance leaves -@ out).
for threads in $thread_counts; do
    (cd t$threads && "$ruvec" index --content vectors -@ $threads -d $dims -w 1000 --step 500 -o mix.rvx ../mix.fa "$reads" &&
        "$ruvec" search -@ $threads mix.rvx "$reads" >hits.tsv &&
        "$ruvec" search -@ $threads --exact --per-target mix.rvx "$reads" >exact.tsv &&
        quantize_all $threads)
    check "index and search with -@ $threads" test -s t$threads/hits.tsv
done
for threads in $other_threads; do
    for file in mix.rvx hits.tsv exact.tsv mix.sq8.rvx mix.pq.rvx mix.binary.rvx hits.sq8.tsv \
        hits.pq.tsv hits.binary.tsv; do
        check "$file: -@ $threads = -@ 0" same_file t$threads/$file t0/$file
    done
done
# Every SIMD ISA gives the same bytes.
for isa in $isas; do
    if RUVEC_ISA=$isa "$ruvec" --version >/dev/null 2>&1; then
        check "embed with RUVEC_ISA=$isa" embed_all isa-$isa $isa 1
        (cd isa-$isa && export RUVEC_ISA=$isa &&
            "$ruvec" index --content vectors -@ 1 -d $dims -w 1000 --step 500 -o mix.rvx ../mix.fa "$reads" &&
            "$ruvec" search -@ 1 mix.rvx "$reads" >hits.tsv &&
            "$ruvec" search -@ 1 --exact --per-target mix.rvx "$reads" >exact.tsv &&
            quantize_all 1)
        # Distances add in one fixed order on every ISA, so indexes are the same file.
        for file in reads.rvec reads.tsv mix.rvec log.tsv mix.rvx hits.tsv exact.tsv \
            mix.sq8.rvx mix.pq.rvx mix.binary.rvx hits.sq8.tsv hits.pq.tsv hits.binary.tsv; do
            check "$file: ISA $isa = default" same_file isa-$isa/$file t0/$file
        done
    fi
done
finish
