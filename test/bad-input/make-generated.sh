#!/usr/bin/env bash
# Makes the bad (and unusual but valid) inputs that are better generated than committed: binary
# files, broken compression, and a 100 MB single-line chromosome.
#   make-generated.sh TEST_DATA_DIR OUT_DIR
set -eu
data=$1
out=$2
mkdir -p "$out"
cd "$out"
# An ELF-like binary file, and random bytes that begin with '>'.
printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000' >binary.bin
head -c 4096 /dev/zero | tr '\0' '\377' >>binary.bin
{ printf '>x\n'; printf '\001\002\003\377\376' ; } >binary-after-header.fa
# gzip and BGZF cut short, and a BGZF block with a flipped byte.
head -c 8000 "$data/genomes/phage_lambda.fa.gz" >truncated.fa.gz
head -c 60000 "$data/reads/honeybee_2k.fq.gz" >truncated.fq.gz
cp "$data/reads/honeybee_2k.fq.gz" bad-block.fq.gz
printf '\125' | dd of=bad-block.fq.gz bs=1 seek=30000 conv=notrunc status=none
# gzip of something that is not FASTA.
gzip -c binary.bin >binary.bin.gz
# Two gzip members back to back are one valid stream (as `cat a.gz b.gz` makes).
zcat "$data/genomes/phage_lambda.fa.gz" >lambda.fa
head -c 30000 lambda.fa | gzip -c >concatenated.fa.gz
tail -c +30001 lambda.fa | gzip -c >>concatenated.fa.gz
mkdir -p a-directory
# FASTQ with Windows line endings.
zcat "$data/reads/honeybee_2k.fq.gz" | head -400 | sed 's/$/\r/' >crlf.fq
# A 100 MB chromosome on one line (2062 copies of lambda without newlines).
python3 - lambda.fa >huge-line.fa <<'PY'
import sys
seq = "".join(l.strip() for l in open(sys.argv[1]) if not l.startswith(">"))
sys.stdout.write(">chrHuge\n" + seq * 2062 + "\n")
PY
