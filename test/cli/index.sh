#!/usr/bin/env bash
# ruvec index on the bundled genomes: the file it writes, its default windows, an index of .rvec
# vectors, --add and --remove, and the builds it refuses. Under the sanitizers
# (RUVEC_TEST_SANITIZED) a quarter of the reads.
#   bash test/cli/index.sh path/to/ruvec SOURCE_DIR       (CTest cli-index)
. "$(dirname "$0")/lib.sh"

genomes=$data/genomes
bundled_reads
zcat "$genomes/phage_lambda.fa.gz" >lambda.fa
run "$ruvec" index --content vectors -v -w 1000 --step 500 -o g.rvx "$genomes"/*.fa*
check "index genomes: exit 0" test $status -eq 0
check "index: summary with -v" grep -qE "^ruvec index: [0-9]+ vectors added .* vectors/s" err
check "index: magic" test "$(head -c 8 g.rvx | od -An -c | tr -s ' ')" = ' 211 R V X \r \n 032 \n'
check "index: no temporary file left" test -z "$(ls g.rvx.* 2>/dev/null)"
# index's default windows: 1000 every 500; --step alone steps them, -w alone abuts them.
for flags in "" "--step 250" "-w 2000" "-w 0"; do
    "$ruvec" index --content vectors $flags -o d.rvx lambda.fa 2>/dev/null
    "$ruvec" info --json d.rvx | python3 -c 'import json, sys; e = json.load(sys.stdin)["embedding"]; print(e["window"], e["step"])' >>defaults.txt
done
check "index: default window 1000 step 500, --step alone, -w alone, -w 0" test "$(tr '\n' ' ' <defaults.txt)" = "1000 500 1000 250 2000 2000 0 0 "
# An index of .rvec vectors answers as the index of the sequences they were embedded from.
"$ruvec" search g.rvx "$reads" >from-fasta.tsv
"$ruvec" embed -w 1000 --step 500 "$genomes"/*.fa* -o genomes.rvec
"$ruvec" index --content vectors -o from-rvec.rvx genomes.rvec
"$ruvec" search from-rvec.rvx "$reads" >from-rvec.tsv
check "index from .rvec = index from FASTA (hits)" same_file from-rvec.tsv from-fasta.tsv

# --add and --remove rewrite the index; a name is refused twice.
"$ruvec" index --content vectors -w 1000 --step 500 -o part.rvx $(ls "$genomes"/*.fa* | grep -v virus_dwv)
cp part.rvx part-before.rvx
run "$ruvec" index --add part.rvx "$genomes/virus_dwv.fa.gz"
check "--add: exit 0" test $status -eq 0
check "--add: the new genome is found" test "$("$ruvec" search --per-target -n 1 --no-header part.rvx "$reads" | awk -F'\t' '$10>0' | grep -c virus_dwv)" -gt $((n_reads / 20))
run "$ruvec" index --add part.rvx "$genomes/virus_dwv.fa.gz"
check "--add of a present name is refused" grep -q "sequence name 'virus_dwv.1' is already in the index" err
check "refused --add leaves the index unchanged" test "$("$ruvec" info --json part.rvx | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"])')" = "$("$ruvec" info --json g.rvx | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"])')"
run "$ruvec" index --add part.rvx -k 15 "$genomes/virus_hiv1.fa.gz"
check "--add with other -k is refused" grep -q "^ruvec index: part.rvx was made with -k 21 vs 15 given" err
run "$ruvec" index --add part.rvx -M 8 "$genomes/virus_hiv1.fa.gz"
check "--add with other -M is refused" grep -q "^ruvec index: part.rvx was built with -M 16, not 8" err
printf 'virus_dwv.1\n' >names.txt
run "$ruvec" index -v --remove part.rvx names.txt
check "--remove: exit 0" test $status -eq 0
"$ruvec" search --no-header -n 20 part.rvx "$reads" >after-remove.tsv
check "--remove: removed genome never returned" test "$(grep -c virus_dwv after-remove.tsv)" -eq 0
"$ruvec" search --exact --no-header -n 20 part.rvx "$reads" >after-remove-exact.tsv
check "--remove: removed genome never returned (--exact)" test "$(grep -c virus_dwv after-remove-exact.tsv)" -eq 0
check "--remove: info counts deleted rows" test "$("$ruvec" info --json part.rvx | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["deleted_rows"] > 0 and d["live_rows"] + d["deleted_rows"] == d["rows"])')" = True
check "--remove: provenance records each command" test "$("$ruvec" info --json part.rvx | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["provenance"]))')" = 3
printf 'nope\n' >nope.txt
cp part.rvx part-kept.rvx
run "$ruvec" index --remove part.rvx nope.txt
check "--remove of an unknown name is an error" grep -q "^ruvec index: nope.txt: 1 name(s) not in part.rvx, first 'nope'; nothing changed$" err
check "--remove of an unknown name changes nothing" same_file part.rvx part-kept.rvx
run "$ruvec" index --remove part.rvx names.txt
check "--remove twice warns" grep -q "warning: 'virus_dwv.1' was already removed" err
run "$ruvec" index --add part.rvx "$genomes/virus_dwv.fa.gz"
check "a removed name can be added again" test $status -eq 0

# Builds that are refused, with the reason.
run "$ruvec" index --content vectors -o dup.rvx lambda.fa lambda.fa
check "duplicate names in one build are refused" grep -q "sequence name 'phage_lambda.1' is already in the index" err
check "refused build leaves no file" test -z "$(ls dup.rvx* 2>/dev/null)"
run "$ruvec" index --content vectors -o empty.rvx "$data/genomes/phage_phiX174.fa" -k 31 -w 20
check "no vectors at all: refused" test $status -eq 1
run "$ruvec" index --content vectors lambda.fa
check "index without -o: message" grep -q "^ruvec index: give the index file with -o db.rvx$" err
run "$ruvec" index --content vectors -M 1 -o m.rvx lambda.fa
check "-M 1: message" grep -q "^ruvec index: -M must be 2..512, not 1$" err
run "$ruvec" index --content vectors --metric manhattan -o m.rvx lambda.fa
check "unknown metric: message" grep -q "^ruvec index: unknown --metric 'manhattan' (cosine, l2 or ip)$" err
finish
