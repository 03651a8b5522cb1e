#!/usr/bin/env bash
# Seed corpora for the fuzz targets, made from test-data/ by the ruvec CLI: small files of every
# kind each reader meets (plain, windowed, quantized, shard, with deleted rows; FASTA, FASTQ, the
# bad inputs of test/bad-input). Small dims and few rows keep every seed a few kilobytes, which
# is what lets libFuzzer mutate them quickly.
#   make-seeds.sh RUVEC SOURCE_DIR OUT_DIR     (OUT_DIR/<target>/ for each target)
set -euo pipefail
ruvec=$1
src=$2
out=$3
data=$src/test-data
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"/{seq_reader,rvec,rvx,hits_tsv}
# The start of a gzipped file (head closing the pipe early is not a failure).
zhead() { { zcat "$1" || true; } | head "${@:2}"; }

# FASTA/FASTQ: heads of the bundled files, the bad-input cases, and one file of every oddity the
# reader accepts (CRLF, blank lines, lower case, IUPAC codes, comments, multi-line records).
zhead "$data/genomes/phage_lambda.fa.gz" -c 3000 >"$work/lambda.fa"
cp "$work/lambda.fa" "$out/seq_reader/lambda.fa"
zhead "$data/reads/honeybee_2k.fq.gz" -n 12 >"$out/seq_reader/reads.fq"
head -c 1500 "$data/genomes/phage_phiX174.fa" >"$out/seq_reader/phix.fa"
cp "$src"/test/bad-input/files/* "$out/seq_reader/"
printf '>r1 first record\r\nACGTNacgtRYKM\r\n\r\nGGCC\r\n>r2\r\n\r\nTTTT\r\n' >"$out/seq_reader/crlf.fa"
printf '@r1 x\nACGT\n+r1\nIIII\n@r2\nAC\n+\n#$\n' >"$out/seq_reader/plus-names.fq"
# The seq_reader target takes its first byte as the size of the pieces it reads in.
for f in "$out"/seq_reader/*; do
    { printf '\x07'; cat "$f"; } >"$f.tmp" && mv "$f.tmp" "$f"
done

# .rvec: windows and whole records, count and log weights, exact profiles.
tiny="-k 5 -d 8"
"$ruvec" embed $tiny -w 500 --step 250 "$work/lambda.fa" -o "$work/w.rvec"
zhead "$data/reads/honeybee_2k.fq.gz" -n 12 >"$work/reads.fq"
"$ruvec" embed $tiny --weight log "$work/reads.fq" -o "$work/reads.rvec"
"$ruvec" embed --exact -k 2 -w 1000 "$work/lambda.fa" -o "$work/exact.rvec"
for f in "$work"/*.rvec; do { printf '\x3f'; cat "$f"; } >"$out/rvec/$(basename "$f")"; done

# .rvx: each metric, each quantization (with and without float vectors), a shard, deleted rows.
"$ruvec" index --content vectors $tiny -M 4 -w 200 --step 100 -o "$work/cosine.rvx" "$work/lambda.fa"
"$ruvec" index --content vectors $tiny -M 4 -w 300 --metric l2 -o "$work/l2.rvx" "$work/lambda.fa"
"$ruvec" index --content vectors $tiny -M 4 -w 300 --metric ip -o "$work/ip.rvx" "$work/lambda.fa"
"$ruvec" index --content vectors $tiny -M 4 -w 300 -o "$work/two.rvx" "$work/lambda.fa" "$data/genomes/phage_phiX174.fa"
echo phage_phiX174.1 | "$ruvec" index --remove "$work/two.rvx" -o "$work/removed.rvx" -
"$ruvec" index --content vectors $tiny -M 4 -w 300 --shard 1/2 -o "$work/shard.rvx" "$work/lambda.fa" \
    "$data/genomes/phage_phiX174.fa"
"$ruvec" quantize -t pq -m 2 --eval 0 -o "$work/pq.rvx" "$work/cosine.rvx" >/dev/null
for type in sq8 binary; do
    "$ruvec" quantize -t $type --eval 0 -o "$work/$type.rvx" "$work/cosine.rvx" >/dev/null
done
"$ruvec" quantize -t sq8 --drop-float --eval 0 -o "$work/sq8-dropped.rvx" "$work/l2.rvx" >/dev/null
# The read search's sections (SEQS, KIDX, RECS), of two sequences.
"$ruvec" index $tiny -M 4 -w 300 --content both -o "$work/kmers.rvx" "$work/lambda.fa" \
    "$data/genomes/phage_phiX174.fa"
# The read search alone: no VECT, no GRPH.
"$ruvec" index $tiny -w 300 --content kmers -o "$work/kmers-only.rvx" "$work/lambda.fa" \
    "$data/genomes/phage_phiX174.fa"
cp "$work"/*.rvx "$out/rvx/"
# And one file of each older format version, read by their fixed section lists.
cp "$data"/formats/*.rvx "$out/rvx/"

# search TSV as merge reads it: hits, --per-target, --exact, full precision, with and without
# the header line.
"$ruvec" search --min-sim none -n 3 "$work/cosine.rvx" "$work/reads.fq" >"$work/hits.tsv"
"$ruvec" search --min-sim none -n 2 --per-target --full-precision "$work/two.rvx" "$work/reads.fq" \
    >"$work/per-target.tsv"
"$ruvec" search --min-sim none --exact -n 2 --no-header "$work/l2.rvx" "$work/reads.fq" >"$work/exact.tsv"
for f in "$work"/*.tsv; do { printf '\x3f'; cat "$f"; } >"$out/hits_tsv/$(basename "$f")"; done
