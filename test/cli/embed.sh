#!/usr/bin/env bash
# ruvec embed: vectors equal to an independent re-implementation (reference_embed.py), the same
# vector whatever the container or line endings, output formats, windows, lists of inputs, and
# records without a k-mer.
#   bash test/cli/embed.sh path/to/ruvec SOURCE_DIR       (CTest cli-embed)
. "$(dirname "$0")/lib.sh"

fa=$data/genomes/phage_phiX174.fa
zcat "$data/genomes/phage_lambda.fa.gz" >lambda.fa
# Vectors equal an independent re-implementation of the definition, bit for bit.
run "$ruvec" embed "$fa" "$data/genomes/phage_lambda.fa.gz" -o ref.tsv
check "embed phiX + lambda" test $status -eq 0
check "matches the reference (defaults)" python3 "$src/test/cli/reference_embed.py" --compare ref.tsv "$fa" lambda.fa
run "$ruvec" embed -k 15 -d 100 -w 5000 --step 2500 "$data/genomes/phage_lambda.fa.gz" -o win.tsv
check "matches the reference (windows, dims 100)" python3 "$src/test/cli/reference_embed.py" --compare win.tsv -k 15 -d 100 -w 5000 --step 2500 lambda.fa
run "$ruvec" embed -k 4 --exact "$fa" -o exact.tsv
check "matches the reference (exact k=4)" python3 "$src/test/cli/reference_embed.py" --compare exact.tsv -k 4 --exact "$fa"
check "exact k=4 has 136 dims" test "$(awk -F'\t' '{print NF-1}' exact.tsv)" = 136
for weight in log binary; do
    run "$ruvec" embed -k 11 -d 256 --weight $weight "$fa" -o w.tsv
    check "matches the reference (weight $weight)" python3 "$src/test/cli/reference_embed.py" --compare w.tsv -k 11 -d 256 --weight $weight "$fa"
done
run "$ruvec" embed -k 9 -d 64 --no-canonical "$fa" -o nc.tsv
check "matches the reference (--no-canonical)" python3 "$src/test/cli/reference_embed.py" --compare nc.tsv -k 9 -d 64 --no-canonical "$fa"

# The same sequence reaches the same vector whatever the container.
"$ruvec" embed "$data/genomes/phage_lambda.fa.gz" >gz.tsv
"$ruvec" embed lambda.fa >plain.tsv
bgzip -c lambda.fa >lambda.bgz.fa.gz
"$ruvec" embed lambda.bgz.fa.gz >bgzf.tsv
"$ruvec" embed - <lambda.fa >stdin.tsv
zcat "$data/genomes/phage_lambda.fa.gz" | "$ruvec" embed - >stdin-gz.tsv
check "gzip = plain" same_file gz.tsv plain.tsv
check "BGZF = plain" same_file bgzf.tsv plain.tsv
check "stdin = file" same_file stdin.tsv plain.tsv
check "stdin from a pipe = file" same_file stdin-gz.tsv plain.tsv
sed 's/$/\r/' lambda.fa >crlf.fa
"$ruvec" embed crlf.fa >crlf.tsv
check "Windows line endings" same_file crlf.tsv plain.tsv
tr ACGT acgt <lambda.fa | sed 's/^>gi/>gi/' >lower.fa
sed -i '1s/.*/'"$(head -1 lambda.fa | sed 's/[\/&]/\\&/g')"'/' lower.fa
"$ruvec" embed lower.fa >lower.tsv
check "lowercase = uppercase" same_file lower.tsv plain.tsv
printf '%s' "$(cat lambda.fa)" >nonl.fa
"$ruvec" embed nonl.fa >nonl.tsv
check "no final newline" same_file nonl.tsv plain.tsv
awk 'NR==1{print;next}{printf "%s", $0} END{print ""}' lambda.fa >oneline.fa
"$ruvec" embed oneline.fa >oneline.tsv
check "single-line FASTA = multi-line" same_file oneline.tsv plain.tsv

# A sequence and its reverse complement share a vector (canonical k-mers).
python3 - lambda.fa >rc.fa <<'PY'
import sys
seq = "".join(l.strip() for l in open(sys.argv[1]) if not l.startswith(">"))
comp = {"A": "T", "C": "G", "G": "C", "T": "A"}
print(">" + open(sys.argv[1]).readline()[1:].split()[0])
print("".join(comp.get(c, "N") for c in reversed(seq)))
PY
"$ruvec" embed rc.fa >rc.tsv
check "reverse complement = forward" same_file rc.tsv plain.tsv
"$ruvec" embed --no-canonical rc.fa >rc-nc.tsv
"$ruvec" embed --no-canonical lambda.fa >fw-nc.tsv
check "--no-canonical tells the strands apart" test "$(cmp -s rc-nc.tsv fw-nc.tsv; echo $?)" = 1

# Formats.
run "$ruvec" embed "$fa" lambda.fa -o both.rvec
check "rvec by suffix" test $status -eq 0
check "rvec magic" test "$(head -c 8 both.rvec | od -An -c | tr -s ' ')" = ' 211 R V E C \r \n 032'
run "$ruvec" embed "$fa" lambda.fa --format rvec -o -
check "rvec to a pipe" cmp -s <(tail -c +1 out) <(cat out)
run "$ruvec" embed "$fa" lambda.fa -o both.npy
check "npy by suffix" test $status -eq 0
check "npy names file" test "$(cat both.npy.names.tsv | wc -l)" -eq 3
"$ruvec" embed "$fa" lambda.fa -o both.tsv
if /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
    check "npy loads in numpy and equals the TSV" /usr/bin/python3 -c '
import numpy, sys
m = numpy.load("both.npy")
rows = [l.rstrip("\n").split("\t") for l in open("both.tsv")]
assert m.dtype == numpy.float32 and m.shape == (2, 2048), (m.dtype, m.shape)
assert numpy.array_equal(m, numpy.array([[float(x) for x in r[1:]] for r in rows], dtype=numpy.float32))
names = [l.split("\t")[0] for l in open("both.npy.names.tsv")][1:]
assert names == [r[0] for r in rows], names'
fi
run "$ruvec" embed "$fa" -o out.vec
check "unknown suffix is refused" test $status -eq 1
check "unknown suffix says --format" grep -q "use --format" err
check "unknown suffix leaves no file" test ! -e out.vec
run "$ruvec" embed "$fa" --format npy
check "npy to stdout is refused" test $status -eq 1
run "$ruvec" embed "$fa" --format tsv -o out.vec
check "--format overrides the suffix" test $status -eq 0 -a -s out.vec

# Windows, names, lists, several inputs. Unlike index, embed cuts no windows unless asked.
run "$ruvec" embed lambda.fa
check "embed: one vector per record by default" test "$(wc -l <out)" -eq 1
"$ruvec" embed -w 10000 lambda.fa >w.tsv
check "window names are 1-based inclusive" test "$(cut -f1 w.tsv | tr '\n' ' ')" = "phage_lambda.1:1-10000 phage_lambda.1:10001-20000 phage_lambda.1:20001-30000 phage_lambda.1:30001-40000 phage_lambda.1:40001-48502 "
printf '%s\n# a comment\n\n%s\n' "$fa" lambda.fa >list.txt
"$ruvec" embed -l list.txt >list.tsv
"$ruvec" embed "$fa" lambda.fa >two.tsv
check "-l list = operands" same_file list.tsv two.tsv
printf '%s\n' "$fa" >one-list.txt
"$ruvec" embed -l one-list.txt lambda.fa >list-then-operand.tsv
"$ruvec" embed lambda.fa "$fa" >operand-then-list.tsv
check "-l takes one file; the next word is an input (operands first)" same_file list-then-operand.tsv operand-then-list.tsv
check "records in input order" test "$(cut -f1 two.tsv | tr '\n' ' ')" = "$(head -1 "$fa" | cut -c2- | cut -d' ' -f1) phage_lambda.1 "

# Reads: BGZF FASTQ with Ns; short records are skipped and counted, never zero vectors.
run "$ruvec" embed -v "$data/reads/honeybee_2k.fq.gz" -o reads.tsv
check "reads embed" test $status -eq 0
check "summary line with -v" grep -qE "^ruvec embed: 2000 records, .* vectors, .* peak RSS" err
check "no all-zero vector" test "$(awk -F'\t' '{z=1; for(i=2;i<=NF;i++) if ($i != 0) z=0; if (z) n++} END{print n+0}' reads.tsv)" -eq 0
printf '>short\nACGTACGT\n>long\n%s\n>allN\n%s\n' "$(head -c 100 /dev/zero | tr '\0' A)" "$(head -c 50 /dev/zero | tr '\0' N)" >short.fa
run "$ruvec" embed short.fa
check "short records: exit 0" test $status -eq 0
check "short records: one row" test "$(wc -l <out)" -eq 1
check "short record warned with file and line" grep -q "^ruvec embed: warning: short.fa:1: record 'short' (length 8) has no valid 21-mer; skipped" err
check "all-N record warned" grep -q "short.fa:5: record 'allN'" err
run "$ruvec" embed --quiet short.fa
check "--quiet silences warnings" test ! -s err
: >empty.fa
run "$ruvec" embed empty.fa -o empty.rvec
check "empty input: exit 0" test $status -eq 0
check "empty input: warning" grep -q "empty.fa: no records" err
check "empty input: valid rvec written" test -s empty.rvec
run "$ruvec" embed empty.fa
check "empty input to stdout: nothing" test ! -s out
finish
