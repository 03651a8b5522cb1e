#!/usr/bin/env bash
# The read search: ruvec index --kmer-index keeps the sequences and a k-mer index of their
# samples (sections SEQS, KIDX, RECS), and ruvec search then finds queries by the k-mers they
# share: reads cut from a genome land on the windows holding them with identity 1, the same
# hits at any -@, after --add as when built at once, none after --remove; inputs it cannot use
# are refused with a message.
#   bash test/cli/read-search.sh path/to/ruvec SOURCE_DIR        (CTest cli-read-search)
. "$(dirname "$0")/lib.sh"
bundled_reads

genomes=("$data"/genomes/*.fa*)
run "$ruvec" index -d 256 --kmer-index -o k.rvx "${genomes[@]}"
check "index --kmer-index: exit 0" test $status -eq 0
"$ruvec" info k.rvx >info.txt
check "info lists the read search's sections" test "$(grep -cE '^section	(SEQS|KIDX|RECS) ' info.txt)" -eq 3
check "info describes the read search" grep -qE "^read search	syncmer k 21 s 6 t 7; [0-9]+ sequences of [0-9]+ bases" info.txt
"$ruvec" info --json k.rvx >info.json
check "info --json: read_search holds the sampler and counts" python3 -c '
import json
r = json.load(open("info.json"))["read_search"]
assert (r["sampler"], r["k"], r["s"], r["t"]) == ("syncmer", 21, 6, 7), r
assert r["sequences"] > 0 and r["bases"] > r["postings"] > 0, r'
"$ruvec" index -d 256 -o novectors-check.rvx "$data/genomes/phage_phiX174.fa" 2>/dev/null
check "info --json: read_search is null without one" python3 -c '
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
run "$ruvec" search --per-target k.rvx cut.fa
check "--per-target: one hit per query and target" test "$(tail -n +2 out | cut -f1,4 | sort | uniq -d | wc -l)" -eq 0

# The bundled honey-bee reads: their viruses, the same bytes at any -@.
"$ruvec" search k.rvx "$reads" >reads1.tsv 2>/dev/null
"$ruvec" search -@ 3 k.rvx "$reads" >reads3.tsv 2>/dev/null
check "search: the same hits at -@ 0 and -@ 3" same_file reads1.tsv reads3.tsv
check "the reads' top hits are DWV and VDV-1" awk -F'\t' '
    NR > 1 && $7 == 1 { n++; if ($4 ~ /virus_dwv|virus_vdv1/) v++ } END { exit !(n > 0.3 * '"$n_reads"' && v >= 0.99 * n) }' reads1.tsv
"$ruvec" index -@ 2 -d 256 --kmer-index -o k2.rvx "${genomes[@]}" 2>/dev/null
sections() { "$ruvec" info "$1" | grep '^section' | grep -v PROV | cut -f2 | sed 's/ offset [0-9]*//'; }
check "index: the same sections at -@ 0 and -@ 2" same_file <(sections k.rvx) <(sections k2.rvx)

# --add: the same hits as the index built at once; --remove: none from the removed genome.
last=${genomes[${#genomes[@]}-1]}
"$ruvec" index -d 256 --kmer-index -o part.rvx "${genomes[@]:0:${#genomes[@]}-1}" 2>/dev/null
run "$ruvec" index --add part.rvx "$last"
check "--add: exit 0" test $status -eq 0
"$ruvec" search part.rvx "$reads" >added.tsv 2>/dev/null
check "--add: the same hits as one index of every genome" same_file added.tsv reads1.tsv
echo phage_phiX174 >names.txt
"$ruvec" index --remove k.rvx -o removed.rvx names.txt 2>/dev/null
"$ruvec" search --no-header removed.rvx cut.fa >removed.tsv 2>/dev/null
check "--remove: no hit left in the removed genome" test ! -s removed.tsv

# What the read search cannot use.
"$ruvec" index -d 256 -o plain.rvx "${genomes[@]}" 2>/dev/null
run "$ruvec" index --add plain.rvx --kmer-index "$last"
check "--add --kmer-index to an index without one: exit 1" test $status -eq 1
check "... saying to rebuild it" grep -q "plain.rvx has no k-mer index to add to: rebuild it with --kmer-index" err
"$ruvec" embed -d 256 -w 1000 --step 500 -o g.rvec "$last" 2>/dev/null
run "$ruvec" index --kmer-index -o fromrvec.rvx g.rvec
check "--kmer-index from .rvec vectors: exit 1" test $status -eq 1
check "... naming the input" grep -q "g.rvec: an .rvec holds vectors, not the bases the k-mer index needs" err
check "... nothing written" test ! -e fromrvec.rvx
"$ruvec" embed -d 256 -o cut.rvec cut.fa 2>/dev/null
run "$ruvec" search -v k.rvx cut.rvec
check ".rvec queries: the vector search, said so" grep -q "vector search: .rvec queries hold no bases" err
finish
