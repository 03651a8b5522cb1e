#!/usr/bin/env bash
# Bad input: every case of test/bad-input/cases.tsv (exit status, the one-line message, no
# output left behind), then outputs that cannot be written, refused options, and a run killed
# while writing.
#   bash test/cli/bad-input.sh path/to/ruvec SOURCE_DIR   (CTest cli-bad-input)
. "$(dirname "$0")/lib.sh"

bash "$src/test/bad-input/make-generated.sh" "$data" "$tmp/gen" "$ruvec" >gen.log 2>&1 ||
    { bad "generating bad inputs: $(tail -n 3 gen.log)"; finish; }
# Root reads any file: the permission case then runs ruvec as nobody, if nobody can run it.
nobody=""
if [ "$(id -u)" -eq 0 ]; then
    nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
    chmod 755 "$tmp" "$tmp/gen"
    $nobody "$ruvec" --version >/dev/null 2>&1 || nobody=skip
fi
listed=()
while IFS=$'\t' read -r name command want_status want_err; do
    case "$name" in ''|'#'*) continue ;; esac
    listed+=("$name")
    limit=""
    if [[ "$command" =~ ^@fsize=([0-9]+)\ (.*) ]]; then
        limit="ulimit -f ${BASH_REMATCH[1]};" command=${BASH_REMATCH[2]}
    fi
    if [[ "$command" == @nobody* ]]; then
        [ "$nobody" = skip ] && { echo "bad-input: '$name' skipped: user nobody cannot run $ruvec"; continue; }
        command=${command/@nobody/$nobody \"\$ruvec\"}
    else
        command="\"\$ruvec\" $command"
    fi
    out_path=$tmp/result
    command=${command//@files/$src/test/bad-input/files}
    command=${command//@gen/$tmp/gen}
    command=${command//@data/$data}
    command=${command//@out/$out_path}
    rm -f "$out_path".*
    timeout 120 bash -c "ruvec=$ruvec; $limit $command" >out 2>err
    status=$?
    check "$name: exit status $want_status (got $status: $(head -c 200 err))" test "$status" -eq "$want_status"
    if [ "$want_err" = '$' ]; then
        check "$name: nothing on stderr" test ! -s err
    else
        check "$name: message '$want_err' (got: $(head -n 1 err))" grep -qE "^ruvec $want_err" <(head -n 1 err)
    fi
    if [ "$want_status" -ne 0 ]; then
        check "$name: stderr is one line" test "$(wc -l <err)" -eq 1
        check "$name: no output left behind" test -z "$(ls "$out_path".* 2>/dev/null)"
    elif [[ "$command" == *"$out_path"* ]]; then
        check "$name: output written" test -e "$(ls "$out_path".* | head -n 1)"
    fi
done <"$src/test/bad-input/cases.tsv"
check "the bad-input table has its cases (${#listed[@]})" test "${#listed[@]}" -ge 50
# An optional section written by a newer ruvec is skipped: the same hits as without it, and
# info names it.
"$ruvec" search --min-sim none --no-header "$tmp/gen/index.rvx" "$data/genomes/phage_phiX174.fa" >plain-hits.tsv
"$ruvec" search --min-sim none --no-header "$tmp/gen/index-unknown-optional.rvx" \
    "$data/genomes/phage_phiX174.fa" >note-hits.tsv
check "an unknown optional section is skipped: the same hits" cmp -s plain-hits.tsv note-hits.tsv
check "an unknown optional section is skipped: hits there are" test -s plain-hits.tsv
check "info lists the skipped section" grep -qE \
    "^section	NOTE offset [0-9]+ length 26 xxh64 [0-9a-f]{16}, optional, not known to this ruvec: skipped$" \
    <("$ruvec" info "$tmp/gen/index-unknown-optional.rvx")

# Outputs that cannot be written (the table has a missing directory and a full disk).
mkdir ro && chmod 555 ro
if ! touch ro/probe 2>/dev/null; then # root ignores permissions
    run "$ruvec" embed "$data/genomes/phage_phiX174.fa" -o ro/out.tsv
    check "read-only directory: exit 2 (I/O)" test $status -eq 2
fi
run "$ruvec" embed missing.fa
check "missing input: exit 2 (I/O)" test $status -eq 2
check "missing input: message" grep -qE "^ruvec embed: missing.fa: No such file or directory$" err
run "$ruvec" embed -l missing-list.txt
check "missing -l list: exit 2 (I/O)" test $status -eq 2
run "$ruvec" embed -k 32 "$data/genomes/phage_phiX174.fa"
check "-k 32: exit 1" test $status -eq 1
check "-k 32: message" grep -q "^ruvec embed: k must be 1..31, not 32$" err
run "$ruvec" embed -d 4 "$data/genomes/phage_phiX174.fa"
check "-d 4: message" grep -q "^ruvec embed: dims must be 8..65536, not 4$" err
run "$ruvec" embed --exact -k 4 -d 100 "$data/genomes/phage_phiX174.fa"
check "--exact with -d: message" grep -q "^ruvec embed: --exact with -k 4 has 136 dims; leave out -d$" err
run "$ruvec" embed -w -5 "$data/genomes/phage_phiX174.fa"
check "-w -5: message" grep -q "^ruvec embed: --window: must not be negative$" err
run "$ruvec" embed -o none.rvec
check "options but no input: exit 1" test $status -eq 1
check "options but no input: message" grep -q "^ruvec embed: no input: give FILE or '-' for standard input$" err
check "options but no input: no file" test ! -e none.rvec
run "$ruvec" embed --weight tfidf "$data/genomes/phage_phiX174.fa"
check "--weight unknown: message" grep -q "^ruvec embed: unknown --weight 'tfidf'" err
# An error in a later input removes the output of earlier ones too.
run "$ruvec" embed "$data/genomes/phage_phiX174.fa" "$src/test/bad-input/files/quality-short.fq" -o partial.rvec
check "error in the second input: exit 1" test $status -eq 1
check "error in the second input: no output" test -z "$(ls partial.rvec* 2>/dev/null)"
# A killed run leaves no file at the output path. The input is a pipe kept open, so the run
# is still waiting for more of it when SIGTERM arrives, however fast the machine is.
zcat "$data/genomes/phage_lambda.fa.gz" >big.fa
mkfifo slow.fa
"$ruvec" embed --quiet -w 100 --step 10 slow.fa -o killed.tsv &
pid=$! waited=0
exec 3>slow.fa
cat big.fa >&3
while [ -z "$(ls killed.tsv.tmp.* 2>/dev/null)" ] && [ $waited -lt 600 ]; do
    sleep 0.1
    waited=$((waited + 1))
done
check "the run writes a temporary file while its input is open" test -n "$(ls killed.tsv.tmp.* 2>/dev/null)"
kill -TERM $pid 2>/dev/null
wait $pid
status=$?
exec 3>&-
check "SIGTERM arrived mid-run (status $status)" test $status -eq 143
check "SIGTERM leaves no output or temporary file" test -z "$(ls killed.tsv* 2>/dev/null)"
finish
