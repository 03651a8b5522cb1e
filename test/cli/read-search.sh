#!/usr/bin/env bash
# The read search: ruvec index --content kmers keeps the sequences and a k-mer index of their
# samples (sections SEQS, KIDX, RECS) and no vectors, and ruvec search then finds queries by the
# k-mers they share: reads cut from a genome land on the windows holding them with identity 1,
# the same hits at any -@, after --add as when built at once, none after --remove, the same
# bytes from an index that also holds vectors (--content both); inputs it cannot use are
# refused with a message.
#   bash test/cli/read-search.sh path/to/ruvec SOURCE_DIR        (CTest cli-read-search)
. "$(dirname "$0")/lib.sh"
bundled_reads

genomes=("$data"/genomes/*.fa*)
run "$ruvec" index -d 256 --content kmers -o k.rvx "${genomes[@]}"
check "index --content kmers: exit 0" test $status -eq 0
"$ruvec" info k.rvx >info.txt
check "info lists the read search's sections" test "$(grep -cE '^section	(SEQS|KIDX|RECS) ' info.txt)" -eq 3
check "... and no vectors nor graph" test "$(grep -cE '^section	(VECT|GRPH) ' info.txt)" -eq 0
check "info says there is no graph" grep -q "^graph	none: the read search alone" info.txt
check "info describes the read search" grep -qE "^read search	syncmer k 21 s 11 t 5; [0-9]+ sequences of [0-9]+ bases" info.txt
"$ruvec" info --json k.rvx >info.json
check "info --json: read_search holds the sampler and counts" python3 -c '
import json
r = json.load(open("info.json"))["read_search"]
assert (r["sampler"], r["k"], r["s"], r["t"]) == ("syncmer", 21, 11, 5), r
assert r["sequences"] > 0 and r["bases"] > r["postings"] > 0, r
assert json.load(open("info.json"))["graph"] is None'
"$ruvec" index -d 256 --content vectors -o novectors-check.rvx "$data/genomes/phage_phiX174.fa" 2>/dev/null
check "info --json: read_search is null in an index of vectors" python3 -c '
import json, subprocess, sys
d = json.loads(subprocess.run([sys.argv[1], "info", "--json", "novectors-check.rvx"], capture_output=True).stdout)
assert d["read_search"] is None' "$ruvec"

# Reads cut from phiX174 (bases 1001-1150 and the reverse complement of 3001-3150): the windows
# holding them, with identity 1.
python3 - "$data/genomes/phage_phiX174.fa" <<'PY' >cut.fa
import sys
seq = "".join(l.strip() for l in open(sys.argv[1]) if not l.startswith(">"))
rc = seq[3000:3150][::-1].translate(str.maketrans("ACGT", "TGCA"))
print(f">forward\n{seq[1000:1150]}\n>reverse\n{rc}")
PY
run "$ruvec" search -v k.rvx cut.fa
check "search: exit 0" test $status -eq 0
check "search -v says it took the read search" grep -q "read search: candidates from the k-mer index (syncmer, k 21)" err
cp out cut.tsv
check "a read cut from phiX174 hits its windows with identity 1" awk -F'\t' '
    NR > 1 { n++; if ($4 !~ /phiX174/ || $10 != "1.0000") bad = 1
             if ($1 == "forward" && !($5 <= 1001 && $6 >= 1150)) bad = 1
             if ($1 == "reverse" && !($5 <= 3001 && $6 >= 3150)) bad = 1 }
    END { exit bad || n < 2 }' cut.tsv
# A 5 kbp fragment is one query, taken whole (query columns 1 and 5000), found with identity 1.
python3 - "$data/genomes/phage_phiX174.fa" <<'PY' >fragment.fa
import sys
seq = "".join(l.strip() for l in open(sys.argv[1]) if not l.startswith(">"))
print(f">fragment\n{seq[100:5100]}")
PY
run "$ruvec" search -n 3 k.rvx fragment.fa
check "a fragment is searched whole: every hit spans query bases 1-5000" awk -F'\t' '
    NR > 1 { n++; if ($2 != 1 || $3 != 5000 || $4 !~ /phiX174/ || $10 != "1.0000") bad = 1 }
    END { exit bad || n != 3 }' out
run "$ruvec" search --per-target k.rvx cut.fa
check "--per-target: one hit per query and target" test "$(tail -n +2 out | cut -f1,4 | sort | uniq -d | wc -l)" -eq 0

# The bundled honey-bee reads: their viruses, the same bytes at any -@.
"$ruvec" search k.rvx "$reads" >reads1.tsv 2>/dev/null
"$ruvec" search -@ 3 k.rvx "$reads" >reads3.tsv 2>/dev/null
check "search: the same hits at -@ 0 and -@ 3" same_file reads1.tsv reads3.tsv
run "$ruvec" index -d 256 --content both -o both.rvx "${genomes[@]}"
check "index --content both: exit 0" test $status -eq 0
"$ruvec" search both.rvx "$reads" >both.tsv 2>/dev/null
check "search: the same bytes from an index that also holds vectors" same_file reads1.tsv both.tsv
check "the reads' top hits are DWV and VDV-1" awk -F'\t' '
    NR > 1 && $7 == 1 { n++; if ($4 ~ /virus_dwv|virus_vdv1/) v++ } END { exit !(n > 0.3 * '"$n_reads"' && v >= 0.99 * n) }' reads1.tsv
"$ruvec" index -@ 2 -d 256 --content kmers -o k2.rvx "${genomes[@]}" 2>/dev/null
sections() { "$ruvec" info "$1" | grep '^section' | grep -v PROV | cut -f2 | sed 's/ offset [0-9]*//'; }
check "index: the same sections at -@ 0 and -@ 2" same_file <(sections k.rvx) <(sections k2.rvx)

# --add: the same hits as the index built at once; --remove: none from the removed genome.
last=${genomes[${#genomes[@]}-1]}
"$ruvec" index -d 256 --content kmers -o part.rvx "${genomes[@]:0:${#genomes[@]}-1}" 2>/dev/null
run "$ruvec" index --add part.rvx "$last"
check "--add: exit 0" test $status -eq 0
"$ruvec" search part.rvx "$reads" >added.tsv 2>/dev/null
check "--add: the same hits as one index of every genome" same_file added.tsv reads1.tsv
echo phage_phiX174 >names.txt
"$ruvec" index --remove k.rvx -o removed.rvx names.txt 2>/dev/null
"$ruvec" search --no-header removed.rvx cut.fa >removed.tsv 2>/dev/null
check "--remove: no hit left in the removed genome" test ! -s removed.tsv

# Shards: three searched with --unmatched and merged are the bytes of one search of the whole
# (the read search's hits ranked by shared_kmers and copies, its 11th and 12th columns).
for i in 1 2 3; do
    "$ruvec" index -d 256 --content kmers --shard $i/3 -o shard$i.rvx "${genomes[@]}" 2>/dev/null
    "$ruvec" search --full-precision --unmatched --min-sim none -n 4 shard$i.rvx "$reads" fragment.fa >shard$i.tsv 2>/dev/null
done
"$ruvec" search --full-precision --unmatched --min-sim none -n 4 k.rvx "$reads" fragment.fa >whole.tsv 2>/dev/null
check "search: the read search's header has shared_kmers and copies" test "$(head -1 whole.tsv | cut -f11-)" = "$(printf 'shared_kmers\tcopies')"
check "--unmatched: a line for each query without a hit" test "$(awk -F'\t' '$7 == 0 && $4 == "*"' whole.tsv | wc -l)" -gt 0
run "$ruvec" merge -n 4 --unmatched --full-precision shard1.tsv shard2.tsv shard3.tsv
check "merge of the shards: exit 0" test $status -eq 0
cp out merged.tsv
check "merge of the shards: the bytes of one search of the whole" same_file merged.tsv whole.tsv
run "$ruvec" merge --full-precision shard1.tsv shard2.tsv shard3.tsv
check "merge of read-search hits without -n: exit 1, asking for it" eval 'test $status -eq 1 && grep -q "give -n, the -n the shards were searched with" err'
"$ruvec" index -d 256 --content vectors --shard 3/3 -o vectors3.rvx "${genomes[@]}" 2>/dev/null
"$ruvec" search --full-precision --unmatched --min-sim none -n 4 vectors3.rvx "$reads" fragment.fa >vectors3.tsv 2>/dev/null
run "$ruvec" merge -n 4 shard1.tsv shard2.tsv vectors3.tsv
check "merge of read-search and vector hits: exit 1, naming the file" eval 'test $status -eq 1 && grep -q "vectors3.tsv:2: hits of the vector search (10 columns) where shard1.tsv has those of the read search" err'

# A read from a repeat, once in the first of two sequences and three times in the second (each
# in a shard of its own): the second, holding most copies, goes first, in one index and in the
# shards merged.
python3 - "$data/genomes/phage_phiX174.fa" <<'PY' >repeats.fa
import sys
seq = "".join(l.strip() for l in open(sys.argv[1]) if not l.startswith(">"))
element, spacer = seq[2000:3000], seq[3500:5000]
print(f">once\n{seq[:1500]}{element}{seq[5000:]}")
print(">thrice\n" + (spacer[:500] + element) * 3 + spacer)
print(f">read\n{element[400:550]}", file=open("repeat-read.fa", "w"))
PY
"$ruvec" index -d 256 -o repeats.rvx repeats.fa 2>/dev/null
"$ruvec" search --full-precision --unmatched --min-sim none -n 12 repeats.rvx repeat-read.fa >repeats.tsv 2>/dev/null
check "a repeat's read: the sequence holding 3 copies first, then the one holding 1" test "$(awk -F'\t' 'NR > 1 { print $4 ":" $12 }' repeats.tsv | uniq | tr '\n' ' ')" = "thrice:3 once:1 "
for i in 1 2; do
    "$ruvec" index -d 256 --shard $i/2 -o repeats$i.rvx repeats.fa 2>/dev/null
    "$ruvec" search --full-precision --unmatched --min-sim none -n 12 repeats$i.rvx repeat-read.fa >repeats$i.tsv 2>/dev/null
done
"$ruvec" merge -n 12 --unmatched --full-precision repeats1.tsv repeats2.tsv >repeats-merged.tsv 2>/dev/null
check "... and merged from two shards, the bytes of one search" same_file repeats-merged.tsv repeats.tsv

# What the read search cannot use.
"$ruvec" index -d 256 --content vectors -o plain.rvx "${genomes[@]}" 2>/dev/null
run "$ruvec" index --add plain.rvx --content kmers "$last"
check "--add --content kmers to an index of vectors: exit 1" test $status -eq 1
check "... saying what it holds" grep -q "plain.rvx holds vectors, not kmers: leave --content out" err
"$ruvec" embed -d 256 -w 1000 --step 500 -o g.rvec "$last" 2>/dev/null
run "$ruvec" index --content both -o fromrvec.rvx g.rvec
check "--content both from .rvec vectors: exit 1" test $status -eq 1
check "... naming the input" grep -q "g.rvec: an .rvec holds vectors, not the bases the k-mer index needs" err
check "... nothing written" test ! -e fromrvec.rvx
"$ruvec" embed -d 256 -o cut.rvec cut.fa 2>/dev/null
run "$ruvec" search -v both.rvx cut.rvec
check ".rvec queries: the vector search, said so" grep -q "vector search: .rvec queries hold no bases" err
run "$ruvec" search k.rvx cut.rvec
check ".rvec queries of an index without vectors: exit 1" test $status -eq 1
check "... saying to give sequences" grep -q "k.rvx holds the read search's k-mer index, no vectors: give the queries as sequences" err
run "$ruvec" quantize -t sq8 -o q.rvx k.rvx
check "quantize of an index without vectors: exit 1, saying so" eval 'test $status -eq 1 && grep -q "no vectors to quantize" err'
run "$ruvec" search --exact k.rvx cut.fa
check "--exact on the read search: a warning that it has no effect" grep -q "warning: --exact has no effect: the read search" err
cp out exact.tsv
check "... and the same hits" same_file exact.tsv cut.tsv
run "$ruvec" search --min-sim 0.999 k.rvx "$reads"
check "--min-sim on the read search: every hit at or above that identity" awk -F'\t' 'NR > 1 && $10 < 0.999 { exit 1 }' out
finish
