#!/usr/bin/env bash
# CLI tests of ruvec on test-data/, one suite per CTest test.
#   test/cli/run.sh SUITE path/to/ruvec SOURCE_DIR      SUITE: help embed bad-input threads
# Each check prints a line only when it fails; the suite ends with "N passed, N failed".
set -u
suite=$1
ruvec=$(realpath "$2")
src=$(realpath "$3")
data=$src/test-data
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ruvec-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL [$suite] $*"; }
# check DESCRIPTION COMMAND...: passes when COMMAND succeeds.
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }
# run CMD...: runs a command, keeping its status and both streams in $status, out, err.
run() { "$@" >out 2>err; status=$?; }
same_file() { cmp -s "$1" "$2"; }

suite_help() {
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
    # The man page documents every flag the usage lists.
    for flag in $(grep -oE '^ +(-[a-zA-Z@], )?--?[a-zA-Z@-]+' "$src/test/cli/expected/embed-usage.txt" | grep -oE -- '--?[a-zA-Z@-]+$'); do
        check "man/ruvec-embed.1 documents $flag" grep -q -- "$(printf '%s' "$flag" | sed 's/-/\\\\-/g')" "$src/man/ruvec-embed.1"
    done
}

suite_embed() {
    local fa=$data/genomes/phage_phiX174.fa
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
assert m.dtype == numpy.float32 and m.shape == (2, 1024), (m.dtype, m.shape)
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

    # Windows, names, lists, several inputs.
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
}

suite_bad_input() {
    bash "$src/test/bad-input/make-generated.sh" "$data" "$tmp/gen" || { bad "generating bad inputs"; return; }
    local name file args want_status want_err
    while IFS=$'\t' read -r name file args want_status want_err; do
        case "$name" in ''|'#'*) continue ;; esac
        file=${file//@files/$src/test/bad-input/files}
        file=${file//@gen/$tmp/gen}
        file=${file//@data/$data}
        [ "$args" = - ] && args=
        rm -f result.tsv result.tsv.tmp.*
        # shellcheck disable=SC2086
        timeout 120 "$ruvec" embed $args "$file" -o result.tsv >out 2>err
        status=$?
        check "$name: exit status $want_status (got $status: $(head -c 200 err))" test "$status" -eq "$want_status"
        if [ "$want_err" = '$' ]; then
            check "$name: nothing on stderr" test ! -s err
            check "$name: output written" test -s result.tsv
        else
            check "$name: one-line message '$want_err'" grep -qE "^ruvec embed: $want_err" err
            check "$name: stderr is one line" test "$(wc -l <err)" -eq 1
        fi
        if [ "$want_status" -ne 0 ]; then
            check "$name: no output left behind" test -z "$(ls result.tsv* 2>/dev/null)"
        fi
    done <"$src/test/bad-input/cases.tsv"

    # Outputs that cannot be written.
    run "$ruvec" embed "$data/genomes/phage_phiX174.fa" -o missing-dir/out.tsv
    check "missing output directory: exit 1" test $status -eq 1
    check "missing output directory: message" grep -qE "^ruvec embed: cannot create missing-dir/out.tsv: No such file or directory$" err
    if [ -w /dev/full ]; then
        "$ruvec" embed "$data/genomes/phage_phiX174.fa" >/dev/full 2>err
        status=$?
        check "stdout to /dev/full: exit 1" test $status -eq 1
        check "stdout to /dev/full: message" grep -qE "^ruvec embed: cannot write standard output: No space left on device$" err
    fi
    mkdir ro && chmod 555 ro
    if ! touch ro/probe 2>/dev/null; then # root ignores permissions
        run "$ruvec" embed "$data/genomes/phage_phiX174.fa" -o ro/out.tsv
        check "read-only directory: exit 1" test $status -eq 1
    fi
    run "$ruvec" embed missing.fa
    check "missing input: exit 1" test $status -eq 1
    check "missing input: message" grep -qE "^ruvec embed: missing.fa: No such file or directory$" err
    run "$ruvec" embed -l missing-list.txt
    check "missing -l list: exit 1" test $status -eq 1
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
    # A killed run leaves no file at the output path: SIGTERM arrives mid-run (~100 MB input).
    zcat "$data/genomes/phage_lambda.fa.gz" >big.fa
    for i in $(seq 1 2000); do cat big.fa; done | sed 's/^>.*/>r/' >huge.fa
    "$ruvec" embed --quiet -w 100 --step 10 huge.fa -o killed.tsv &
    local pid=$!
    sleep 1
    kill -TERM $pid 2>/dev/null
    wait $pid
    status=$?
    check "SIGTERM arrived mid-run (status $status)" test $status -eq 143
    check "SIGTERM leaves no output or temporary file" test -z "$(ls killed.tsv* 2>/dev/null)"
}

suite_threads() {
    local reads=$data/reads/honeybee_2k.fq.gz
    zcat "$data/genomes/phage_lambda.fa.gz" "$data/genomes/virus_dwv.fa.gz" "$data/genomes/influenza_pdH1N1_NA.fa.gz" >mix.fa
    # Same command line in a folder per run, so the provenance recorded in .rvec is the same too.
    embed_all() { # DIR ISA THREADS
        mkdir -p "$1" && (cd "$1" && export RUVEC_ISA=$2 &&
            "$ruvec" embed -@ "$3" "$reads" -o reads.rvec &&
            "$ruvec" embed -@ "$3" "$reads" -o reads.tsv &&
            "$ruvec" embed -@ "$3" -w 1000 --step 500 ../mix.fa -o mix.rvec &&
            "$ruvec" embed -@ "$3" -k 12 --weight log -w 2000 ../mix.fa -o log.tsv)
    }
    for threads in 0 1 3; do
        check "embed with -@ $threads" embed_all t$threads "" $threads
    done
    for threads in 1 3; do
        for file in reads.rvec reads.tsv mix.rvec log.tsv; do
            check "$file: -@ $threads = -@ 0" same_file t$threads/$file t0/$file
        done
    done
    check "windows of mix.fa were written" test -s t0/mix.rvec
    # A record longer than a piece (1 Mbp) is counted on several threads: same bits as one thread.
    python3 -c 'import sys; s="".join(l.strip() for l in open(sys.argv[1]) if l[0] != ">"); print(">long\n" + s * 62)' \
        <(zcat "$data/genomes/phage_lambda.fa.gz") >long.fa
    for threads in 0 1 3; do
        "$ruvec" embed -@ $threads long.fa >long-$threads.tsv
        "$ruvec" embed -@ $threads -k 4 --exact long.fa >long-exact-$threads.tsv
    done
    check "3 Mbp record was embedded" test "$(wc -l <long-0.tsv)" -eq 1
    for threads in 1 3; do
        check "3 Mbp record: -@ $threads = -@ 0" same_file long-$threads.tsv long-0.tsv
        check "3 Mbp record, exact k=4: -@ $threads = -@ 0" same_file long-exact-$threads.tsv long-exact-0.tsv
    done
    # Every SIMD ISA gives the same bytes.
    for isa in scalar sse2 sse4_2 avx2 avx512bw; do
        if RUVEC_ISA=$isa "$ruvec" --version >/dev/null 2>&1; then
            check "embed with RUVEC_ISA=$isa" embed_all isa-$isa $isa 1
            for file in reads.rvec reads.tsv mix.rvec log.tsv; do
                check "$file: ISA $isa = default" same_file isa-$isa/$file t0/$file
            done
        fi
    done
}

case "$suite" in
help) suite_help ;;
embed) suite_embed ;;
bad-input) suite_bad_input ;;
threads) suite_threads ;;
*) echo "unknown suite $suite" >&2; exit 2 ;;
esac
echo "$suite: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
