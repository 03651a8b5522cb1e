#!/usr/bin/env bash
# The top-level command line of ruvec: usage and help of every command (the golden files in
# expected/), refused options and commands, --version and RUVEC_ISA, and that each man page
# documents every flag its command's usage lists.
#   bash test/cli/help.sh path/to/ruvec SOURCE_DIR        (CTest cli-help)
. "$(dirname "$0")/lib.sh"

run "$ruvec"
check "ruvec without arguments exits 0" test $status -eq 0
check "ruvec usage matches the golden file" same_file out "$src/test/cli/expected/usage.txt"
run "$ruvec" --help
check "ruvec --help is the usage" same_file out "$src/test/cli/expected/usage.txt"
for form in "help embed" "embed --help" "embed -h" "embed" "embed -k 5 --help"; do
    run "$ruvec" $form
    check "ruvec $form exits 0" test $status -eq 0
    check "ruvec $form prints the embed usage" same_file out "$src/test/cli/expected/embed-usage.txt"
done
run "$ruvec" embed --bogus x.fa
check "bad option exits 1" test $status -eq 1
check "bad option names the command" grep -q "^ruvec embed: .*--bogus" err
check "bad option prints the usage on stderr" grep -q "^Usage: ruvec embed" err
check "bad option prints nothing on stdout" test ! -s out
run "$ruvec" embed -k abc x.fa
check "non-numeric -k exits 1" test $status -eq 1
run "$ruvec" frobnicate
check "unknown command exits 1" test $status -eq 1
check "unknown command says so" grep -q "^ruvec: unknown command 'frobnicate'" err
run "$ruvec" help frobnicate
check "help of an unknown command exits 1" test $status -eq 1
run "$ruvec" --version
check "--version exits 0" test $status -eq 0
check "--version names ruvec" grep -qE '^ruvec [0-9]+\.[0-9]+\.[0-9]+$' out
check "--version names htslib" grep -qE '^htslib 1\.[0-9]+' out
check "--version names zstd" grep -qE '^zstd 1\.[0-9]+' out
check "--version names the SIMD ISA" grep -qE '^simd (scalar|sse2|sse4_2|avx2|avx512bw) ' out
RUVEC_ISA=scalar run "$ruvec" --version
check "RUVEC_ISA=scalar is used" grep -q '^simd scalar ' out
RUVEC_ISA=sse9 run "$ruvec" --version
check "RUVEC_ISA unknown exits 1" test $status -eq 1
check "RUVEC_ISA unknown says so" grep -q "RUVEC_ISA=sse9: unknown ISA" err
# Every ISA the CPU lacks must be refused, never SIGILL.
for isa in sse2 sse4_2 avx2 avx512bw; do
    RUVEC_ISA=$isa run "$ruvec" --version
    if [ $status -eq 0 ]; then
        check "RUVEC_ISA=$isa is reported" grep -q "^simd $isa " out
    else
        check "RUVEC_ISA=$isa refusal is one line" test "$(wc -l <err)" -eq 1
    fi
done
# Each man page documents every flag its command's usage lists.
for command in embed index quantize search merge info bench; do
    "$ruvec" $command --help >usage-$command.txt
    for flag in $(grep -oE '^ +(-[a-zA-Z@], )?--?[a-zA-Z@-]+' usage-$command.txt | grep -oE -- '--?[a-zA-Z@-]+$'); do
        check "man/ruvec-$command.1 documents $flag" grep -q -- "$(printf '%s' "$flag" | sed 's/-/\\\\-/g')" "$src/man/ruvec-$command.1"
    done
done
for command in index quantize search merge info; do
    check "ruvec help $command prints its usage" test "$("$ruvec" help $command | grep -c "^Usage: ruvec $command")" -ge 1
done
finish
