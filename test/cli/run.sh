#!/usr/bin/env bash
# CLI tests of ruvec on test-data/, one suite per CTest test.
#   test/cli/run.sh SUITE path/to/ruvec SOURCE_DIR      SUITE: help embed index quantize
#                                                           bad-input threads peers shards
#                                                           snakemake nextflow kill
# Each check prints a line only when it fails; the suite ends with "N passed, N failed".
set -u
suite=$1
ruvec=$(realpath "$2")
src=$(realpath "$3")
data=$src/test-data
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ruvec-cli.XXXXXX")
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT
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
    bash "$src/test/bad-input/make-generated.sh" "$data" "$tmp/gen" "$ruvec" >gen.log 2>&1 ||
        { bad "generating bad inputs: $(tail -n 3 gen.log)"; return; }
    # Root reads any file: the permission case then runs ruvec as nobody, if nobody can run it.
    local nobody=""
    if [ "$(id -u)" -eq 0 ]; then
        nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
        chmod 755 "$tmp" "$tmp/gen"
        $nobody "$ruvec" --version >/dev/null 2>&1 || nobody=skip
    fi
    local name command want_status want_err out_path
    local -a listed=()
    while IFS=$'\t' read -r name command want_status want_err; do
        case "$name" in ''|'#'*) continue ;; esac
        listed+=("$name")
        local limit=""
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
    local pid=$! waited=0
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
}

suite_threads() {
    local reads=$data/reads/honeybee_2k.fq.gz
    # Determinism does not depend on the dimensions: a quarter of the default's work.
    local dims=512
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
    local thread_counts="0 1 3" other_threads="1 3" isas="scalar sse2 sse4_2 avx2 avx512bw"
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
        (cd t$threads && "$ruvec" index -@ $threads -d $dims -w 1000 --step 500 -o mix.rvx ../mix.fa "$reads" &&
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
                "$ruvec" index -@ 1 -d $dims -w 1000 --step 500 -o mix.rvx ../mix.fa "$reads" &&
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
}

# Index and search on the bundled genomes and reads.
suite_index() {
    local genomes=$data/genomes reads=$data/reads/honeybee_2k.fq.gz n_reads=2000
    if [ -n "${RUVEC_TEST_SANITIZED:-}" ]; then # the same paths on a quarter of the reads
        zcat "$reads" | head -n 2000 | gzip -c >reads500.fq.gz
        reads=$PWD/reads500.fq.gz n_reads=500
    fi
    zcat "$genomes/phage_lambda.fa.gz" >lambda.fa
    run "$ruvec" index -v -w 1000 --step 500 -o g.rvx "$genomes"/*.fa*
    check "index genomes: exit 0" test $status -eq 0
    check "index: summary with -v" grep -qE "^ruvec index: [0-9]+ vectors added .* vectors/s" err
    check "index: magic" test "$(head -c 8 g.rvx | od -An -c | tr -s ' ')" = ' 211 R V X \r \n 032 \n'
    check "index: no temporary file left" test -z "$(ls g.rvx.* 2>/dev/null)"
    run "$ruvec" info --json g.rvx
    check "info --json: exit 0" test $status -eq 0
    check "info --json parses and holds the parameters" python3 -c '
import json, sys
d = json.load(open("out"))
assert d["format_version"] == 1 and d["embedding"]["k"] == 21 and d["embedding"]["dims"] == 2048
assert d["embedding"]["window"] == 1000 and d["embedding"]["step"] == 500
assert d["graph"]["metric"] == "cosine" and d["graph"]["M"] == 16
assert d["rows"] == d["live_rows"] > 1000 and d["deleted_rows"] == 0
assert sum(d["graph"]["nodes_per_level"]) == d["rows"]
assert [s["tag"] for s in d["sections"]] == ["PROV", "NAME", "ROWS", "VECT", "GRPH"]
assert d["provenance"][0].startswith("ruvec ") and "-w 1000" in d["provenance"][0]'
    run "$ruvec" info g.rvx
    check "info text names the metric" grep -q "^graph.HNSW, metric cosine, M 16" out
    # index's default windows: 1000 every 500; --step alone steps them, -w alone abuts them.
    for flags in "" "--step 250" "-w 2000" "-w 0"; do
        "$ruvec" index $flags -o d.rvx lambda.fa 2>/dev/null
        "$ruvec" info --json d.rvx | python3 -c 'import json, sys; e = json.load(sys.stdin)["embedding"]; print(e["window"], e["step"])' >>defaults.txt
    done
    check "index: default window 1000 step 500, --step alone, -w alone, -w 0" test "$(tr '\n' ' ' <defaults.txt)" = "1000 500 1000 250 2000 2000 0 0 "
    run "$ruvec" embed lambda.fa
    check "embed: one vector per record by default" test "$(wc -l <out)" -eq 1

    # Reads: HNSW and brute force agree; every DWV read finds DWV. --min-sim none: every read
    # gets its 5 hits, also the bee reads that match nothing here.
    run "$ruvec" search --min-sim none g.rvx "$reads" -o hits.tsv
    check "search: exit 0" test $status -eq 0
    check "search: header line" test "$(head -1 hits.tsv)" = "$(printf 'query\tquery_start\tquery_end\ttarget\ttarget_start\ttarget_end\trank\tsimilarity\tdistance\tidentity')"
    check "search: 5 hits per read" test "$(tail -n +2 hits.tsv | wc -l)" -eq $((5 * n_reads))
    check "search: ranks 1..5 in order" test "$(tail -n +2 hits.tsv | cut -f7 | head -5 | tr '\n' ' ')" = "1 2 3 4 5 "
    check "search: similarities non-increasing per query" awk -F'\t' 'NR>1 && $1==q && $8>s+1e-9 {exit 1} {q=$1; s=$8}' hits.tsv
    "$ruvec" search --min-sim none --exact g.rvx "$reads" -o exact.tsv
    # Without --ef a small index is searched by brute force (the graph would be no less work).
    run "$ruvec" search --min-sim none -v g.rvx "$reads"
    check "small index, no --ef: brute force, said with -v" grep -q "^ruvec search: brute force: the graph search at ef 2048" err
    check "small index, no --ef: same hits as --exact" same_file out exact.tsv
    run "$ruvec" search -v --ef 16 g.rvx "$reads"
    check "--ef given: the graph is searched" test "$(grep -c 'brute force' err)" -eq 0 -a -s out
    # With ef above the row count the graph search reaches every row it is connected to, so it
    # must equal brute force exactly: the graph is one connected piece.
    "$ruvec" search --min-sim none --ef 5000 g.rvx "$reads" -o all-ef.tsv
    check "HNSW with ef > rows = brute force" same_file all-ef.tsv exact.tsv
    "$ruvec" search --per-target -n 1 g.rvx "$reads" -o assigned.tsv
    check "per-target: DWV and VDV1 reads are assigned" test "$(awk -F'\t' 'NR>1 && $10>0 {split($4,a,"."); print a[1]}' assigned.tsv | sort -u | tr '\n' ' ')" = "virus_dwv virus_vdv1 "
    "$ruvec" search --per-target -n 3 g.rvx "$reads" -o per3.tsv
    check "per-target: no target twice for a query" test -z "$(awk -F'\t' 'NR>1{print $1, $4}' per3.tsv | sort | uniq -d)"
    run "$ruvec" search --min-sim 0.2 g.rvx "$reads"
    check "--min-sim drops weaker hits" awk -F'\t' 'NR>1 && $8<0.2 {exit 1}' out
    # The default, --min-sim auto, keeps hits above hashing noise, 5/sqrt(2048) = 0.110: the
    # reads of DWV and VDV-1 keep their hits, most bee reads have none.
    "$ruvec" search g.rvx "$reads" -o auto.tsv
    check "--min-sim auto: no hit below 0.1105" awk -F'\t' 'NR>1 && $8<0.1105 {bad=1} END {exit bad}' auto.tsv
    check "--min-sim auto: the same as --min-sim 0.1104854" cmp -s auto.tsv <("$ruvec" search --min-sim 0.1104854 g.rvx "$reads")
    check "--min-sim auto: fewer reads with hits" test "$(tail -n +2 auto.tsv | cut -f1 | sort -u | wc -l)" -lt "$n_reads"
    check "--min-sim auto: the virus reads keep theirs" test "$(awk -F'\t' 'NR>1 && $7==1 && $4 ~ /^virus_(dwv|vdv1)/' auto.tsv | wc -l)" -eq "$(awk -F'\t' 'NR>1 && $7==1 && $4 ~ /^virus_(dwv|vdv1)/ && $8>=0.1105' exact.tsv | wc -l)"
    run "$ruvec" search --min-sim 0.2x g.rvx "$reads"
    check "--min-sim 0.2x exits 1" test $status -eq 1
    check "--min-sim 0.2x is named" grep -q "^ruvec search: --min-sim must be a number, auto or none, not '0.2x'" err
    run "$ruvec" search --format jsonl --min-sim none -n 2 g.rvx "$reads"
    check "jsonl: one object per hit" python3 -c '
import json
rows = [json.loads(l) for l in open("out")]
assert len(rows) == '"$((2 * n_reads))"' and set(rows[0]) == {"query", "query_start", "query_end", "target", "target_start", "target_end", "rank", "similarity", "distance", "identity"}'

    # A query taken from a genome finds its own window with identity 1.
    printf '>piece\n%s\n' "$(grep -v '>' lambda.fa | tr -d '\n' | cut -c 10101-10900)" >piece.fa
    run "$ruvec" search -n 1 g.rvx piece.fa
    # (lambda_NEB3011 holds the same sequence at nearly the same place.)
    check "exact piece: top hit is lambda 10001-11000 or 10501-11500" grep -qE "^piece	1	800	(phage_lambda.1|lambda_NEB3011)	(10001	11000|9501	10500)	1	" out
    check "exact piece: identity 1" test "$(tail -1 out | cut -f10)" = 1.0000

    # Streaming: queries on stdin, hits on stdout; same as from a file.
    zcat "$reads" | "$ruvec" search g.rvx - >stdin.tsv
    check "stdin = file" same_file stdin.tsv auto.tsv
    # .rvec queries and .rvec index input give the same results as sequences.
    "$ruvec" embed -w 1000 --step 500 "$reads" -o reads.rvec
    "$ruvec" search g.rvx reads.rvec >rvec-queries.tsv
    check ".rvec queries = FASTQ queries" same_file rvec-queries.tsv auto.tsv
    "$ruvec" embed -w 1000 --step 500 "$genomes"/*.fa* -o genomes.rvec
    "$ruvec" index -o from-rvec.rvx genomes.rvec
    "$ruvec" search from-rvec.rvx "$reads" >from-rvec.tsv
    check "index from .rvec = index from FASTA (hits)" same_file from-rvec.tsv auto.tsv
    run "$ruvec" search -k 15 g.rvx "$reads"
    check "conflicting -k is refused" grep -q "^ruvec search: g.rvx was made with -k 21 vs 15 given" err
    check "conflicting -k: exit 1, nothing written" test $status -eq 1 -a ! -s out
    run "$ruvec" search -k 21 -w 1000 --step 500 g.rvx "$reads"
    check "agreeing flags are accepted" test $status -eq 0
    "$ruvec" embed -k 15 "$reads" -o k15.rvec
    run "$ruvec" search g.rvx k15.rvec
    check ".rvec with other parameters is refused" grep -q "^ruvec search: k15.rvec: made with -k 15 vs 21 in g.rvx" err

    # --add and --remove rewrite the index; a name is refused twice.
    "$ruvec" index -w 1000 --step 500 -o part.rvx $(ls "$genomes"/*.fa* | grep -v virus_dwv)
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

    # Damaged, foreign and missing index files: one line, exit 1, nothing written.
    local size
    size=$(stat -c %s g.rvx)
    head -c $((size / 2)) g.rvx >truncated.rvx
    run "$ruvec" search truncated.rvx "$reads" -o t.tsv
    check "truncated index: message" grep -qE "^ruvec search: truncated.rvx: section .* lies outside the file .*: the file is damaged$" err
    check "truncated index: exit 1, one line, no output" test $status -eq 1 -a "$(wc -l <err)" -eq 1 -a ! -e t.tsv
    cp g.rvx flipped.rvx
    printf '\x55' | dd of=flipped.rvx bs=1 seek=$((size - 100)) conv=notrunc 2>/dev/null
    run "$ruvec" search flipped.rvx "$reads"
    check "flipped byte in the graph: message" grep -qE "^ruvec search: flipped.rvx: checksum mismatch in section graph: the file is damaged$" err
    cp g.rvx old.rvx
    python3 - old.rvx <<'PY'
import sys, struct
# Format version 0 with a valid header checksum: an "older ruvec" file, not a damaged one.
data = bytearray(open(sys.argv[1], "rb").read())
data[8:12] = struct.pack("<I", 0)
open(sys.argv[1], "wb").write(bytes(data))
PY
    run "$ruvec" search old.rvx "$reads"
    check "older format: message" grep -qE "^ruvec search: old.rvx: built by an older ruvec \(index format 0\); rebuild it with 'ruvec index'$" err
    run "$ruvec" search reads.rvec "$reads"
    check ".rvec given as index: message" grep -q "^ruvec search: reads.rvec: is an .rvec embedding file, not an index" err
    run "$ruvec" search lambda.fa "$reads"
    check "FASTA given as index: message" grep -q "^ruvec search: lambda.fa: not a ruvec index (.rvx)$" err
    run "$ruvec" search missing.rvx "$reads"
    check "missing index: message" grep -q "^ruvec search: missing.rvx: No such file or directory$" err
    run "$ruvec" info truncated.rvx
    check "info on a damaged index: exit 1" test $status -eq 1
    run "$ruvec" search g.rvx "$src/test/bad-input/files/quality-short.fq" -o q.tsv
    check "bad query record: file and line" grep -qE "^ruvec search: .*/quality-short.fq:8: quality length 149 != sequence length 150$" err
    check "bad query record: nothing written" test ! -e q.tsv
    run "$ruvec" index -o dup.rvx lambda.fa lambda.fa
    check "duplicate names in one build are refused" grep -q "sequence name 'phage_lambda.1' is already in the index" err
    check "refused build leaves no file" test -z "$(ls dup.rvx* 2>/dev/null)"
    run "$ruvec" index -o empty.rvx "$data/genomes/phage_phiX174.fa" -k 31 -w 20
    check "no vectors at all: refused" test $status -eq 1
    run "$ruvec" index lambda.fa
    check "index without -o: message" grep -q "^ruvec index: give the index file with -o db.rvx$" err
    run "$ruvec" index -M 1 -o m.rvx lambda.fa
    check "-M 1: message" grep -q "^ruvec index: -M must be 2..512, not 1$" err
    run "$ruvec" index --metric manhattan -o m.rvx lambda.fa
    check "unknown metric: message" grep -q "^ruvec index: unknown --metric 'manhattan' (cosine, l2 or ip)$" err
    run "$ruvec" search --ef 0 g.rvx lambda.fa
    check "--ef 0: refused" test $status -eq 1

    # ruvec bench hnsw: a smoke run measuring a real (tiny) index, and the JSON scripts read.
    run "$ruvec" bench --rows 3000 --dim 16 --queries 100 -r 1 -@ 1 --keep bench.rvx --quantize sq8,binary --json --ann-benchmarks ann.csv hnsw
    check "bench hnsw exits 0" test $status -eq 0
    check "bench hnsw: JSON with hnsw_runs and recall targets" python3 -c '
import json, sys
d = json.load(open("out"))
run = d["hnsw_runs"][0]
assert run["rows"] == 3000 and run["dim"] == 16 and run["threads"] == 2, run
at = {t["recall_target"]: t for t in run["at_recall"]}
assert at[0.9]["ef"] is not None and at[0.9]["recall"] >= 0.9, at
assert 0 < at[0.9]["latency_p50_ms"] <= at[0.9]["latency_p99_ms"] and 0 < at[0.9]["recall_at_1"] <= 1, at
r1 = {r["ef"]: r["median"] for r in d["results"] if r["name"] == "recall@1"}
p50 = {r["ef"]: r["median"] for r in d["results"] if r["name"] == "hnsw p50"}
assert r1 and set(r1) == set(p50) and all(0 <= v <= 1 for v in r1.values()), (r1, p50)
recalls = [r["median"] for r in d["results"] if r["name"] == "recall@10"]
assert recalls and max(recalls) <= 1 and recalls == sorted(recalls), recalls
exact = [r for r in d["results"] if r["name"] == "exact"]
assert len(exact) == 2 and all(r["speedup_vs_exact"] == 1 and r["median"] > 0 for r in exact)
assert [r["median"] for r in d["results"] if r["name"] == "file_size"] == [run["file_bytes"]]
assert [q["quantization"] for q in run["quantized"]] == ["sq8", "binary"], run["quantized"]
assert run["quantized"][0]["code_bytes"] == 24 and run["quantized"][1]["code_bytes"] == 16
assert any(r["name"].startswith("sq8+rerank") and r["ef"] == 10 for r in d["results"])
# Each quantized variant is saved and loaded: the codes and links take less memory than floats.
for q in run["quantized"]:
    assert q["file_bytes"] > run["file_bytes"] and 0 < q["memory_bytes"] < run["memory_bytes"], q
'
    check "bench hnsw --ann-benchmarks: data_export.py columns, one row per ef and way" python3 -c '
import csv, json
rows = list(csv.DictReader(open("ann.csv")))
assert list(rows[0]) == "algorithm parameters count k-nn qps p50 p99 build indexsize dataset".split(), list(rows[0])
d = json.load(open("out"))
swept = [r for r in d["results"] if r["name"].startswith("recall@10")]
assert len(rows) == len(swept), (len(rows), len(swept))
assert {r["algorithm"] for r in rows} == {"ruvec-hnsw", "ruvec-hnsw-sq8", "ruvec-hnsw-sq8-rerank256", "ruvec-hnsw-binary", "ruvec-hnsw-binary-rerank256"}
for r in rows:
    assert r["count"] == "10" and 0 <= float(r["k-nn"]) <= 1 and float(r["qps"]) > 0 and r["dataset"] == "gaussian-16-euclidean-3000", r
    assert r["parameters"].startswith(r["algorithm"] + "(M=16,efc=200,ef="), r'
    cp out bench-hnsw.json
    run /usr/bin/python3 "$src/scripts/plot-bench.py" bench-hnsw.json plots
    check "plot-bench.py: recall against queries/s of the hnsw run" test "$(head -c 4 plots-recall-qps.png | od -An -tx1 | tr -d ' ')" = 89504e47
    run "$ruvec" info --json bench.rvx
    check "bench hnsw --keep: the kept index is valid and says what it holds" grep -q '"rows":3000,' out
    check "bench hnsw --keep: provenance says random vectors" grep -q "not k-mer embeddings" out
    # --data dna: k-mer vectors of random DNA families, so recall is about relatives.
    run "$ruvec" bench --rows 1000 --dim 128 --queries 50 -r 1 --data dna --json hnsw
    check "bench hnsw --data dna: exits 0" test $status -eq 0
    check "bench hnsw --data dna: the true neighbours are mostly planted relatives" python3 -c '
import json
run = json.load(open("out"))["hnsw_runs"][0]
assert run["data"] == "dna" and "random DNA" in run["data_description"], run
assert 0.5 <= run["relatives_in_true_top10"] <= 1, run["relatives_in_true_top10"]'
    # --input: the hnsw suite on real windows, some held out as queries; the kept index is a
    # real one, searched with sequences.
    "$ruvec" embed -d 256 -w 1000 --step 500 -o windows.tsv "$data/genomes/phage_lambda.fa.gz" "$data/genomes/virus_dwv.fa.gz"
    local windows
    windows=$(grep -vc '^#\|^name' windows.tsv)
    run "$ruvec" bench -d 256 -w 1000 --step 500 --queries 20 -r 1 --keep input.rvx --json \
        --input "$data/genomes/phage_lambda.fa.gz" --input "$data/genomes/virus_dwv.fa.gz" hnsw
    check "bench hnsw --input: exits 0" test $status -eq 0
    check "bench hnsw --input: every window indexed or held out, about --queries held out" python3 -c '
import json
run = json.load(open("out"))["hnsw_runs"][0]
assert run["data"] == "input" and "phage_lambda.fa.gz" in run["data_description"], run
assert run["rows"] + run["queries"] == '"$windows"' and 15 <= run["queries"] <= 20 and run["dim"] == 256, (run["rows"], run["queries"])'
    run "$ruvec" search -n 1 --no-header input.rvx "$data/genomes/virus_dwv.fa.gz"
    check "bench hnsw --input --keep: an index of the input, searched by sequence" grep -q "	virus_dwv.1	.*	1	1.000000	" out
    run "$ruvec" bench --input lambda.fa --data dna hnsw
    check "bench hnsw --input with --data: refused" grep -q "^ruvec bench: --input gives the hnsw suite its rows and queries: leave out --index, --data and --rows$" err
    run "$ruvec" bench --data nonsense hnsw
    check "bench hnsw --data nonsense: refused" grep -q "unknown --data .nonsense. (gaussian or dna)" err
    run "$ruvec" bench --dim 4 index
    check "bench index (the hnsw suite by its other name) --dim 4: refused" grep -q "^ruvec bench: --dim of the hnsw suite must be" err

    # --tmpdir: scratch files go there, and are gone afterwards; a missing one is an I/O error.
    mkdir scratch
    run "$ruvec" bench --tmpdir scratch -r 1 --rows 200 kmer
    check "bench --tmpdir exits 0" test $status -eq 0
    check "bench --tmpdir leaves nothing behind" test -z "$(ls -A scratch)"
    run "$ruvec" bench --tmpdir scratch -r 1 --rows 500 --dim 16 --queries 20 --quantize sq8 hnsw
    check "bench hnsw --tmpdir exits 0 and leaves nothing behind" test $status -eq 0 -a -z "$(ls -A scratch)"
    run "$ruvec" bench --tmpdir missing-dir -r 1 --rows 200 kmer
    check "bench --tmpdir missing-dir exits 2" test $status -eq 2
    check "bench --tmpdir missing-dir names it" grep -q "^ruvec bench: scratch directory missing-dir: No such file or directory$" err

    # The format-1 file kept in test-data still loads and answers as when it was written.
    if [ -f "$data/formats/genomes-v1.rvx" ]; then
        # (recorded before --min-sim auto was the default)
        "$ruvec" search --min-sim none --no-header "$data/formats/genomes-v1.rvx" "$data/formats/queries.fa" >golden.tsv
        check "test-data/formats/genomes-v1.rvx still gives its recorded hits" same_file golden.tsv "$data/formats/genomes-v1.hits.tsv"
    else
        bad "test-data/formats/genomes-v1.rvx is missing"
    fi
    # And the format-3 shard.
    "$ruvec" search --min-sim none --no-header "$data/formats/genomes-v3-shard.rvx" "$data/formats/queries.fa" >golden3.tsv
    check "test-data/formats/genomes-v3-shard.rvx still gives its recorded hits" same_file golden3.tsv "$data/formats/genomes-v3-shard.hits.tsv"
    check "test-data/formats/genomes-v3-shard.rvx is shard 2/2" grep -q "^shard	2/2: records 3-4 of 4 in the inputs$" <("$ruvec" info "$data/formats/genomes-v3-shard.rvx")
}

suite_quantize() {
    local genomes=$data/genomes
    zcat "$genomes/phage_lambda.fa.gz" >lambda.fa
    # 1024 dims: the figures below (bytes per vector, pq -m) are written for them.
    "$ruvec" index -d 1024 -w 1000 --step 500 -o g.rvx "$genomes"/*.fa* 2>/dev/null
    local rows
    rows=$("$ruvec" info --json g.rvx | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"])')
    # Every lambda window, searched as a query through the graph, finds itself first (or its
    # identical copy in lambda_NEB3011, the same genome). The float graph needs ef 256 for that
    # here (at ef 64 it misses 6 of 97), and so do the codes.
    # With similarity >= MIN_SIM [0.999]: codes without float vectors give estimates.
    finds_itself() { # INDEX [search options]: top hit of each lambda window is that window
        local db=$1; shift
        "$ruvec" search --no-header -n 1 --ef 256 "$@" "$db" -w 1000 --step 500 lambda.fa 2>search.err >self.tsv &&
            test "$(wc -l <self.tsv)" -gt 90 &&
            awk -F'\t' -v min="${MIN_SIM:-0.999}" '$2 != $5 || $8 < min {exit 1}' self.tsv
    }

    sections_but_provenance() { # INDEX: tag, length and checksum of every other section
        "$ruvec" info "$1" | awk '$1 == "section" && $2 != "PROV" {print $2, $6, $8}'
    }

    run "$ruvec" quantize -t sq8 -o g.sq8.rvx g.rvx
    check "quantize sq8: exit 0" test $status -eq 0
    check "quantize sq8: bytes per vector" grep -q "^bytes per vector.float 4096, code 1028: 3.98x smaller" out
    check "quantize sq8: four recall figures" test "$(grep -c '^recall@10' out)" -eq 4
    check "quantize sq8: codes alone recall@10 >= 0.95" awk -F'\t' '/codes alone/ {found = 1; if ($2 < 0.95) exit 1} END {exit !found}' out
    check "quantize sq8: no temporary file left" test -z "$(ls g.sq8.rvx.* 2>/dev/null)"
    run "$ruvec" info --json g.sq8.rvx
    check "quantized info: format 2, sq8, sections" python3 -c '
import json
d = json.load(open("out"))
assert d["format_version"] == 2, d["format_version"]
q = d["quantization"]
assert q["type"] == "sq8" and q["code_bytes"] == 1028 and q["float_vectors"], q
assert [s["tag"] for s in d["sections"]] == ["PROV", "NAME", "ROWS", "VECT", "GRPH", "QPAR", "QCOD"]
assert any("quantize -t sq8" in p for p in d["provenance"])
# Loaded, the graph holds links only: the float vectors stay in the file.
m, rows = d["memory"], d["rows"]
assert m["float_vectors"] == "file" and m["float_bytes"] == 0, m
assert m["code_bytes"] == rows * 1028 and m["graph_bytes"] < rows * 4096, m'
    run "$ruvec" info --json g.rvx
    check "float index info: the vectors are mapped from the file, the graph holds links" python3 -c '
import json
d = json.load(open("out"))
m = d["memory"]
assert m["float_vectors"] == "mapped" and m["float_bytes"] == d["rows"] * 1024 * 4 and m["code_bytes"] == 0, m
assert m["graph_bytes"] < d["rows"] * 4096, m'
    check "sq8 index: each window finds itself" finds_itself g.sq8.rvx
    check "sq8 index without re-ranking: each window finds itself" finds_itself g.sq8.rvx --rerank 0
    run "$ruvec" search --rerank 5 g.rvx lambda.fa
    check "--rerank on a float index: warned" grep -q "warning: --rerank has no effect: g.rvx is not quantized" err

    run "$ruvec" quantize -t pq -m 128 --iterations 8 --json -o g.pq.rvx g.rvx
    check "quantize pq: exit 0" test $status -eq 0
    check "quantize pq: JSON report" python3 -c '
import json
d = json.load(open("out"))
assert d["quantization"] == "pq" and d["code_bytes_per_vector"] == 128 and d["compression"] == 32
assert d["held_out"] > 0 and d["trained_on"] + d["held_out"] == '"$rows"'
r = {m["ranking"].split(",")[0]: m["recall"] for m in d["recall_at_10"]}
assert 0 < r["codes alone"] <= 1 and len(d["recall_at_10"]) == 4, d["recall_at_10"]'
    check "pq index: each window finds itself" finds_itself g.pq.rvx
    mkdir threads && cp g.rvx threads/ && (cd threads && "$ruvec" quantize -@ 1 -t pq -m 128 --iterations 8 --json -o g.pq.rvx g.rvx >/dev/null)
    check "quantize pq: the same file with 2 threads" cmp -s g.pq.rvx threads/g.pq.rvx
    # Quantized again in place, from the float vectors mapped from the file being replaced.
    cp g.sq8.rvx requantized.rvx
    run "$ruvec" quantize -t pq -m 128 --iterations 8 --json -o requantized.rvx requantized.rvx
    check "re-quantize sq8 as pq in place: exit 0" test $status -eq 0
    check "re-quantize in place: as quantized from the float index" cmp -s <(sections_but_provenance requantized.rvx) <(sections_but_provenance g.pq.rvx)

    run "$ruvec" quantize -t binary --drop-float -o g.bin.rvx g.rvx
    check "quantize binary --drop-float: exit 0" test $status -eq 0
    check "binary --drop-float: file at most a tenth of the float one" test $(($(wc -c <g.bin.rvx) * 10)) -lt "$(wc -c <g.rvx)"
    run "$ruvec" info --json g.bin.rvx
    check "binary info: no vectors section, floats dropped" python3 -c '
import json
d = json.load(open("out"))
assert d["quantization"]["type"] == "binary" and not d["quantization"]["float_vectors"]
assert d["memory"]["float_vectors"] == "dropped" and d["memory"]["float_bytes"] == 0
assert "VECT" not in [s["tag"] for s in d["sections"]]'
    # The query in floats meets the vector each code stands for: similarity to that (0.6 for
    # an identical window), where the query in bits meets its own bits (1).
    MIN_SIM=0.5 check "compact binary index: each window finds itself" finds_itself g.bin.rvx
    check "compact binary index, query in bits (--hamming): each window finds itself" finds_itself g.bin.rvx --hamming
    run "$ruvec" search --hamming g.sq8.rvx lambda.fa
    check "--hamming on sq8 codes: warned" grep -q "warning: --hamming has no effect: g.sq8.rvx has no binary codes" err
    check "compact index: search says values are estimates" grep -q "no float vectors: similarity, distance and identity are estimated from its binary codes" search.err
    run "$ruvec" index --add g.bin.rvx -o added.rvx lambda.fa
    check "--add to a compact index: exit 1" test $status -eq 1
    check "--add to a compact index: says why" grep -q "without float vectors (quantized with --drop-float)" err
    check "--add to a compact index: no output" test ! -e added.rvx
    run "$ruvec" quantize -t sq8 -o again.rvx g.bin.rvx
    check "quantize a compact index: exit 1" test $status -eq 1
    check "quantize a compact index: says why" grep -q "holds codes without float vectors" err

    # In place: -o may be the input, which is read whole first.
    cp g.rvx inplace.rvx
    run "$ruvec" quantize -t sq8 --eval 0 -o inplace.rvx inplace.rvx
    check "quantize in place: exit 0" test $status -eq 0
    check "quantize in place: the input's size reported" grep -q "^file.$(wc -c <g.rvx) bytes in, $(wc -c <inplace.rvx) bytes out" out
    check "quantize in place: same file as to another name" cmp -s <(sections_but_provenance inplace.rvx) <(sections_but_provenance g.sq8.rvx)

    # An .rvec is indexed with the defaults of ruvec index, then quantized.
    "$ruvec" embed -w 1000 --step 500 -o g.rvec "$genomes"/*.fa* 2>/dev/null
    run "$ruvec" quantize -t sq8 -o fromrvec.rvx g.rvec
    check "quantize an .rvec: exit 0" test $status -eq 0
    run "$ruvec" info --json fromrvec.rvx
    check "quantize an .rvec: the rows of the .rvec, sq8" python3 -c '
import json
d = json.load(open("out"))
assert d["rows"] == '"$rows"' and d["quantization"]["type"] == "sq8" and d["graph"]["M"] == 16'
    check "quantize an .rvec: each window finds itself" finds_itself fromrvec.rvx

    # ruvec bench distance and kmer: smoke runs; every ISA here, against scalar or parsing.
    run "$ruvec" bench --dim 64 --n 200 -r 1 --json distance
    check "bench distance: every kernel per ISA, GB/s, batches per pair" python3 -c '
import json
d = json.load(open("out"))
r = [f for f in d["results"] if f["suite"] == "distance"]
isas = {f["isa"] for f in r}
assert "scalar" in isas and d["best_isa"] in isas, isas
for isa in isas:
    names = {f["name"] for f in r if f["isa"] == isa}
    for k in ["dot", "l2sq", "cosine", "dot_batch", "l2sq_batch", "dot_tile", "l2sq_tile", "hamming", "dot_i8", "hash_kmers"]:
        assert k in names and k + " bandwidth" in names, (isa, k, names)
    for k in ["dot_batch", "l2sq_batch", "dot_tile", "l2sq_tile"]:
        assert k + " per pair" in names, names
assert all(f["median"] > 0 and f["speedup_vs_scalar"] > 0 for f in r)
assert all(f["speedup_vs_scalar"] == 1 for f in r if f["isa"] == "scalar")'
    run "$ruvec" bench -r 1 --input "$genomes/phage_lambda.fa.gz" --json kmer
    check "bench kmer: the parse floor and embedding per ISA" python3 -c '
import json
r = [f for f in json.load(open("out"))["results"] if f["suite"] == "kmer"]
parse = [f for f in r if f["name"] == "parse"]
embed = [f for f in r if f["name"] == "embed"]
assert len(parse) == 1 and parse[0]["unit"] == "Mbp/s" and parse[0]["median"] > 0, parse
assert {f["isa"] for f in embed} >= {"scalar"} and all(f["time_vs_parse"] > 0 for f in embed), embed'
    # Without --input the kmer suite makes its own DNA, in a temporary file it removes.
    mkdir -p bench-tmp
    TMPDIR=$PWD/bench-tmp run "$ruvec" bench -r 1 --n 300 --seed 7 --json kmer
    check "bench kmer without --input: exits 0" test $status -eq 0
    check "bench kmer without --input: says what it read, and measured it" python3 -c '
import json
d = json.load(open("out"))
assert d["kmer_input"].startswith("300 random sequences in families of 10") and "seed 7" in d["kmer_input"], d
r = [f for f in d["results"] if f["suite"] == "kmer"]
assert len([f for f in r if f["name"] == "parse"]) == 1 and all(f["median"] > 0 for f in r), r
# 300 records of 1 kbp: 1000 records per Mbp, in the records/s figures of parsing and embedding.
for name in ("parse", "embed"):
    for mbp in (f for f in r if f["name"] == name):
        rec = [f for f in r if f["name"] == name + " records" and f["isa"] == mbp["isa"] and f["threads"] == mbp["threads"]]
        assert len(rec) == 1 and rec[0]["unit"] == "records/s", rec
        assert abs(rec[0]["median"] / mbp["median"] - 1000) < 1e-3, (rec, mbp)'
    check "bench kmer without --input: its temporary FASTA is gone" test -z "$(ls -A bench-tmp)"
    # ... also when the run is stopped by a signal: no directory, no FASTA left behind.
    TMPDIR=$PWD/bench-tmp "$ruvec" bench -r 1000 --n 20000 kmer >/dev/null 2>&1 &
    local bench_pid=$! waited=0
    while [ -z "$(find bench-tmp -name synthetic.fa 2>/dev/null)" ] && [ $waited -lt 300 ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    kill -TERM $bench_pid
    wait $bench_pid
    check "bench kmer stopped by SIGTERM: exit status 143" test $? -eq 143
    check "bench kmer stopped by SIGTERM: its temporary directory is gone" test -z "$(ls -A bench-tmp)"

    # ruvec bench quantize: a smoke run; every code is trained, encoded, prepared and scanned.
    run "$ruvec" bench --dim 64 --rows 600 -r 1 --json quantize
    check "bench quantize exits 0" test $status -eq 0
    check "bench quantize: every figure of every code, scans against the float scan" python3 -c '
import json
d = json.load(open("out"))
r = {f["name"]: f for f in d["results"] if f["suite"] == "quantize" and f["dim"] == 64}
for code in ["sq8", "pq", "binary"]:
    for part in ["train", "encode", "prepare", "scan"]:
        assert code + " " + part in r, (code, part, sorted(r))
for name in ["sq8 scan", "pq scan", "binary scan", "binary-hamming scan", "float scan"]:
    f = r[name]
    assert f["unit"] == "ns/code" and 0 < f["min"] <= f["median"] <= f["max"], f
    assert abs(f["speedup_vs_float"] * f["median"] - r["float scan"]["median"]) < 1e-3 * r["float scan"]["median"], f
assert r["pq encode"]["unit"] == "vectors/s" and r["pq encode"]["median"] > 0'
    # scripts/plot-bench.py turns that JSON into a PNG of the scans.
    cp out bench-quantize.json
    run /usr/bin/python3 "$src/scripts/plot-bench.py" bench-quantize.json plots
    check "plot-bench.py: writes the quantize plot" test "$(cat out)" = plots-quantize.png
    check "plot-bench.py: a PNG" test "$(head -c 8 plots-quantize.png | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a

    # Rows added to a quantized index are encoded with its quantizer.
    run "$ruvec" index --add g.sq8.rvx -o more.rvx -w 1000 --step 500 "$data/reads/honeybee_2k.fq.gz"
    check "--add to an sq8 index: exit 0" test $status -eq 0
    run "$ruvec" info --json more.rvx
    check "--add to an sq8 index: rows added, still sq8" python3 -c '
import json
d = json.load(open("out"))
assert d["rows"] > '"$rows"' and d["quantization"]["type"] == "sq8", d["rows"]'

    # Bad requests: exit 1, one line, nothing written.
    for bad in "-o x.rvx g.rvx" "-t int4 -o x.rvx g.rvx" "-t pq -m 7 -o x.rvx g.rvx" \
        "-t sq8 -m 8 -o x.rvx g.rvx" "-t pq --no-centre -o x.rvx g.rvx" "-t sq8 g.rvx" \
        "-t sq8 -o - g.rvx" "-t sq8 -o x.rvx lambda.fa"; do
        run "$ruvec" quantize $bad
        check "quantize $bad: exit 1" test $status -eq 1
        check "quantize $bad: one line" test "$(grep -vc '^Usage\|^$\|^ ' err)" -le 1
        check "quantize $bad: nothing written" test ! -e x.rvx
    done
    run "$ruvec" quantize -t sq8 -o x.rvx missing.rvx
    check "quantize a missing index: exit 2 (I/O), nothing written" test $status -eq 2 -a ! -e x.rvx
    run "$ruvec" quantize -t pq -m 7 -o x.rvx g.rvx
    check "-m 7: message" grep -q "^ruvec quantize: -m 7 must divide the 1024 dimensions$" err

    # A damaged code is caught before any search.
    cp g.sq8.rvx damaged.rvx
    local codes
    codes=$("$ruvec" info --json g.sq8.rvx | python3 -c 'import json,sys; print([s["offset"] for s in json.load(sys.stdin)["sections"] if s["tag"] == "QCOD"][0])')
    printf '\xff' | dd of=damaged.rvx bs=1 seek=$((codes + 100)) conv=notrunc 2>/dev/null
    run "$ruvec" search damaged.rvx lambda.fa
    check "damaged codes: exit 1" test $status -eq 1
    check "damaged codes: message" grep -q "^ruvec search: damaged.rvx: checksum mismatch in section codes: the file is damaged$" err
}

# scripts/bench-peers.sh on test-data: mash, minimap2 and NumPy brute force beside ruvec, each
# answer scored against the truth; the figures themselves are not judged (noisy machines).
# SIGKILL cannot be caught: what protects the output is writing it under a temporary name and
# renaming it when complete. ruvec index is killed at moments spread over its run, with nothing
# at the output path before and with an older index there (and for --add, which rewrites its
# index): afterwards the path holds the old file or the complete new one, byte for byte.
suite_kill() {
    local genomes=("$data"/genomes/*.fa*) reads=$data/reads/honeybee_2k.fq.gz runs=${RUVEC_KILL_RUNS:-40}
    # The suite sizes its own work on the machine it runs on, as it is loaded now: the dims grow
    # until a new index takes at least target_ms, and --add gets as many reads as take about as
    # long, so the kills land at many moments of a run whether the machine is fast or busy.
    local target_ms=${RUVEC_KILL_TARGET_MS:-600} dims=512 took=() kind
    now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
    # prepare_kind KIND: the file a run of that kind starts from.
    prepare_kind() {
        rm -f out.rvx out.rvx.tmp.* add.rvx add.rvx.tmp.*
        case $1 in
        1) cp old.rvx out.rvx ;;
        2) cp old.rvx add.rvx ;;
        esac
    }
    # start_kind KIND: the run, in a subshell that exec makes the ruvec process a kill reaches.
    start_kind() {
        case $1 in
        0|1) exec "$ruvec" index -d $dims -o out.rvx "${genomes[@]}" 2>/dev/null ;;
        2) exec "$ruvec" index --add add.rvx add-reads.fq 2>/dev/null ;;
        esac
    }
    # time_kind KIND [TIMES]: runs KIND in ref/ (leaving its finished output there, made by the
    # same command line as the killed runs, which provenance records) and prints the shortest
    # time of TIMES runs (2), so that the kills fall inside a run.
    time_kind() {
        local best=0 t0 t attempt
        for attempt in $(seq 1 "${2:-2}"); do
            (cd ref && prepare_kind "$1")
            t0=$(now_ms)
            (cd ref && start_kind "$1")
            t=$(( $(now_ms) - t0 ))
            [ $best -eq 0 ] || [ $t -lt $best ] && best=$t
        done
        echo $best
    }
    mkdir ref
    while :; do
        took[0]=$(time_kind 0)
        [ "${took[0]}" -ge "$target_ms" ] || [ $dims -ge 65536 ] && break
        # Time grows about in proportion to the dims once they dominate; a doubling at least.
        local factor=2
        while [ $((took[0] * factor)) -lt "$target_ms" ] && [ $factor -lt 64 ]; do factor=$((factor * 2)); done
        dims=$((dims * factor))
        [ $dims -gt 65536 ] && dims=65536
    done
    "$ruvec" index -d $dims -w 0 -o old.rvx "${genomes[@]}" 2>/dev/null
    cp old.rvx ref/old.rvx
    zcat "$reads" >ref/add-reads.fq
    local all_reads_ms=$(time_kind 2 1) n_reads=2000
    n_reads=$(( 2000 * took[0] / (all_reads_ms > 0 ? all_reads_ms : 1) ))
    [ $n_reads -gt 2000 ] && n_reads=2000
    [ $n_reads -lt 100 ] && n_reads=100
    zcat "$reads" | head -n $((n_reads * 4)) >add-reads.fq
    cp add-reads.fq ref/add-reads.fq
    took[2]=$(time_kind 2)
    # Loading and rewriting the index cost the same for any number of reads: grow them if short.
    while [ "${took[2]}" -lt $((target_ms * 2 / 3)) ] && [ $n_reads -lt 2000 ]; do
        n_reads=$((n_reads * 2))
        [ $n_reads -gt 2000 ] && n_reads=2000
        zcat "$reads" | head -n $((n_reads * 4)) >add-reads.fq
        cp add-reads.fq ref/add-reads.fq
        took[2]=$(time_kind 2)
    done
    took[1]=$(time_kind 1)
    echo "kill: sized to -d $dims and $n_reads reads to add: runs of kind 0/1/2 take ${took[0]}/${took[1]}/${took[2]} ms (target $target_ms ms)"
    local i delay_ms killed=0 finished=0 out expected
    for i in $(seq 1 "$runs"); do
        # Three kinds of run in turn: a new output, over an older index, --add in place. The
        # moments run from 0 to 0.95 of each kind's time, in order.
        kind=$(( i % 3 ))
        delay_ms=$(( took[kind] * 95 * (i - 1) / (100 * runs) ))
        out=out.rvx
        [ $kind -eq 2 ] && out=add.rvx
        prepare_kind $kind
        start_kind $kind &
        local pid=$!
        sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
        kill -KILL $pid 2>/dev/null
        { wait $pid; } 2>/dev/null
        if [ $? -eq 137 ]; then killed=$((killed + 1)); else finished=$((finished + 1)); fi
        expected=ref/$out
        if [ -e "$out" ]; then
            if ! same_file "$out" "$expected" && ! { [ $kind -ne 0 ] && same_file "$out" old.rvx; }; then
                bad "run $i (kind $kind, killed at $delay_ms ms): $out is neither the old index nor the new one"
                continue
            fi
            "$ruvec" info "$out" >/dev/null 2>&1 || { bad "run $i: $out does not load"; continue; }
        elif [ $kind -ne 0 ]; then
            bad "run $i (kind $kind, killed at $delay_ms ms): the old $out is gone"
            continue
        fi
        ok
    done
    echo "kill: $killed runs killed mid-run, $finished finished first"
    check "most runs were killed mid-run ($killed of $runs)" test "$killed" -ge $((runs * 3 / 4))
}

suite_peers() {
    local genomes=$data/genomes
    printf 'genome_id\tspecies_group\tcategory\n' >manifest.tsv
    printf '%s\tEscherichia phage lambda\tphage\n' phage_lambda lambda_NEB3011 >>manifest.tsv
    printf '%s\tDeformed wing virus complex\tvirus\n' virus_dwv virus_vdv1 >>manifest.tsv
    GENOMES="$(echo "$genomes"/*.fa*)" MANIFEST=$PWD/manifest.tsv SOURCES="phage_lambda virus_dwv mt_human" \
        READS=60 REPEATS=1 THREADS=2 run bash "$src/scripts/bench-peers.sh" "$ruvec" peers
    check "bench-peers.sh exits 0" test $status -eq 0
    check "bench-peers.sh: the table is also in results.tsv" same_file out peers/results.tsv
    check "bench-peers.sh: every tool of every task, scored" /usr/bin/python3 -c '
import csv
rows = {(r["task"], r["tool"]): r for r in csv.DictReader((l for l in open("peers/results.tsv") if not l.startswith("#")), delimiter="\t")}
assert sorted(rows) == sorted([("reads", "ruvec"), ("reads", "minimap2"), ("presence", "ruvec"),
    ("presence", "minimap2"), ("presence", "mash screen"), ("genomes", "ruvec"), ("genomes", "mash dist"),
    ("vectors", "ruvec search"), ("vectors", "ruvec graph"), ("vectors", "ruvec --exact"), ("vectors", "numpy brute force")]), sorted(rows)
for r in rows.values():
    assert float(r["seconds"]) >= 0 and float(r["peak_MB"]) > 0 and float(r["memory_x_ruvec"]) > 0, r
    if r["tool"] == "ruvec" or r["tool"] == "ruvec search":
        assert r["time_x_ruvec"] in ("1.00", "nan") and r["memory_x_ruvec"] == "1.00", r
def field(task, tool, word):
    text = rows[(task, tool)]["accuracy"]
    return float(text.split(word + " ", 1)[1].split()[0].rstrip(","))
# 180 reads of lambda (whose NEB relative is near-identical), DWV and human mtDNA.
assert "(180 reads)" in rows[("reads", "ruvec")]["accuracy"]
for tool in ("ruvec", "minimap2"):
    assert field("reads", tool, "species") >= 0.95, rows[("reads", tool)]
    assert rows[("presence", tool)]["accuracy"].endswith("3/3 of their species"), rows[("presence", tool)]
# lambda and NEB lambda (near-identical) are each the nearest of the other for both. DWV and
# VDV-1 (84% identity, mash distance 0.14) share about 0.84^21 = 3% of their 21-mers: mash finds
# them, while ruvec'"'"'s default 1024-dim cosine of 0.02 is within its noise for 10 kbp sequences.
assert rows[("genomes", "mash dist")]["accuracy"] == "4/4 nearest of the same species", rows[("genomes", "mash dist")]
assert rows[("genomes", "ruvec")]["accuracy"] in ("2/4 nearest of the same species", "4/4 nearest of the same species"), rows[("genomes", "ruvec")]
# ruvec --exact agrees with an independent brute force; the graph nearly does.
assert field("vectors", "ruvec --exact", "recall@10") == 1, rows[("vectors", "ruvec --exact")]
for tool in ("ruvec search", "ruvec graph"):
    assert field("vectors", tool, "recall@10") >= 0.95, rows[("vectors", tool)]'
    GENOMES="$genomes/phage_phiX174.fa" SOURCES=nowhere run bash "$src/scripts/bench-peers.sh" "$ruvec" peers2
    check "bench-peers.sh: a source that is not a genome is refused by name" grep -q "^bench-peers: source nowhere is not among GENOMES$" err
}

# Sharded indexes and merged searches: shards + merge == one index (issue 7).
suite_shards() {
    local reads=$data/reads/honeybee_2k.fq.gz n_reads=2000
    if [ -n "${RUVEC_TEST_SANITIZED:-}" ]; then # the same paths on a quarter of the reads
        zcat "$reads" | head -n 2000 | gzip -c >reads500.fq.gz
        reads=$PWD/reads500.fq.gz n_reads=500
    fi
    ls "$data"/genomes/*.fa* >refs.txt
    "$ruvec" index -w 2000 -o all.rvx -l refs.txt 2>/dev/null
    "$ruvec" embed -w 2000 -o all.rvec -l refs.txt 2>/dev/null
    "$ruvec" info --json all.rvx >info_all.json
    for i in 1 2 3; do
        run "$ruvec" index --shard $i/3 -w 2000 -o s$i.rvx -l refs.txt
        check "index --shard $i/3 exits 0" test $status -eq 0
        "$ruvec" info --json s$i.rvx >info$i.json
        run "$ruvec" index --shard $i/3 -o r$i.rvx all.rvec
        check "index --shard $i/3 of the .rvec exits 0" test $status -eq 0
    done
    check "info shows the shard" grep -q "^shard	2/3: records 176-351 of 442 in the inputs$" <("$ruvec" info s2.rvx)
    check "info of an index that is not a shard shows none" test "$("$ruvec" info all.rvx | grep -c '^shard')" -eq 0
    check "shards are contiguous, cover every record once, and hold about equal vectors" python3 -c '
import json, sys
infos = [json.load(open(f"info{i}.json")) for i in (1, 2, 3)]
nxt = 1
for i, info in enumerate(infos, 1):
    s = info["shard"]
    assert (s["shard"], s["count"], s["total_records"]) == (i, 3, 442), s
    assert s["first_record"] == nxt, (s, nxt)
    nxt += s["records"]
    assert info["format_version"] == 3, info["format_version"]
assert nxt == 443
rows = [info["rows"] for info in infos]
assert sum(rows) == json.load(open("info_all.json"))["rows"], rows
assert max(rows) - min(rows) <= 10, rows'
    mkdir threads && cp refs.txt threads/ &&
        (cd threads && "$ruvec" index -@ 2 --shard 2/3 -w 2000 -o s2.rvx -l refs.txt 2>/dev/null)
    check "a shard does not depend on -@" same_file threads/s2.rvx s2.rvx

    # Exact searches of the shards, merged, are the exact search of the whole index.
    "$ruvec" search --min-sim none --exact -n 10 all.rvx "$reads" >all.tsv 2>/dev/null
    "$ruvec" search --min-sim none --exact -n 10 --per-target all.rvx "$reads" >all-pt.tsv 2>/dev/null
    "$ruvec" search --exact -n 10 --min-sim 0.1 all.rvx "$reads" >all-min.tsv 2>/dev/null
    for i in 1 2 3; do
        "$ruvec" search --min-sim none --exact -n 10 --full-precision s$i.rvx "$reads" >s$i.tsv 2>/dev/null
        "$ruvec" search --min-sim none --exact -n 10 --full-precision r$i.rvx "$reads" >r$i.tsv 2>/dev/null
        "$ruvec" search --min-sim none --exact -n 10 --full-precision --per-target s$i.rvx "$reads" >p$i.tsv 2>/dev/null
        check "shard $i from .rvec answers as shard $i from FASTA" same_file r$i.tsv s$i.tsv
    done
    check "--full-precision prints 9 significant digits" grep -qP '\t0\.\d{7,9}\t' s1.tsv
    run "$ruvec" merge s1.tsv s2.tsv s3.tsv
    check "merge exits 0" test $status -eq 0
    check "merge of the shards == search of the whole index (--exact)" same_file out all.tsv
    check "merge: every query x 10 hits" test "$(wc -l <out)" -eq $((n_reads * 10 + 1))
    run "$ruvec" merge --per-target p1.tsv p2.tsv p3.tsv
    check "merge --per-target == search --per-target of the whole index" same_file out all-pt.tsv
    run "$ruvec" merge --min-sim 0.1 s1.tsv s2.tsv s3.tsv
    check "merge --min-sim == search --min-sim of the whole index" same_file out all-min.tsv
    gzip -c s3.tsv >s3.tsv.gz
    printf 's2.tsv\ns3.tsv.gz\n' >list.txt
    run "$ruvec" merge -o merged.tsv s1.tsv -l list.txt
    check "merge -o with -l and a gzipped input" same_file merged.tsv all.tsv
    "$ruvec" merge --full-precision s1.tsv s2.tsv >m12.tsv
    run "$ruvec" merge m12.tsv s3.tsv
    check "merging merged files again gives the same" same_file out all.tsv
    "$ruvec" search --min-sim none --exact -n 5 all.rvx "$reads" >all5.tsv 2>/dev/null
    run "$ruvec" merge -n 5 s1.tsv s2.tsv s3.tsv
    check "merge -n 5 == search -n 5" same_file out all5.tsv
    run "$ruvec" merge -n 20 s1.tsv s2.tsv s3.tsv
    check "merge -n beyond the inputs warns" grep -q "^ruvec merge: warning: -n 20 but the inputs hold at most 10 hits per query" err
    run "$ruvec" merge --no-header s1.tsv
    check "merge of one input renumbers nothing and keeps its hits" test "$(wc -l <out)" -eq $((n_reads * 10))

    # Inputs that cannot be merged are refused by name, with no output file left behind.
    head -n 21 s2.tsv >short.tsv
    run "$ruvec" merge -o bad.tsv s1.tsv short.tsv s3.tsv
    check "a truncated shard output exits 1" test $status -eq 1
    check "a truncated shard output is named" grep -q "^ruvec merge: short.tsv: ends after 2 queries, where s1.tsv:22 goes on with query 'SRR059298.2.1' 1-72 (truncated?)$" err
    check "no output file after an error" test ! -e bad.tsv
    head -n -3 s1.tsv >s1-cut.tsv
    head -n -3 s2.tsv >s2-cut.tsv
    head -n -3 s3.tsv >s3-cut.tsv
    run "$ruvec" merge s1-cut.tsv s2-cut.tsv s3-cut.tsv
    check "shard outputs cut inside their last query draw a warning" grep -q "^ruvec merge: warning: s1-cut.tsv: its last query has 7 hits, its first 10: truncated at the end of a line?$" err
    head -c 5000 s2.tsv >cut.tsv
    run "$ruvec" merge s1.tsv cut.tsv
    check "a line cut short is refused" grep -q "^ruvec merge: cut.tsv:[0-9]*: last line has no newline (truncated?)$" err
    "$ruvec" search --min-sim none --exact -n 10 --full-precision s1.rvx "$data/genomes/phage_phiX174.fa" >other.tsv 2>/dev/null
    run "$ruvec" merge s1.tsv other.tsv
    check "searches of other queries are refused" grep -q "^ruvec merge: other.tsv:2: query 'phage_phiX174.1' 1-2000 where s1.tsv:2 has 'SRR059298.1.1' 1-72" err
    "$ruvec" search --min-sim none --exact --format jsonl s1.rvx "$reads" >s1.jsonl 2>/dev/null
    run "$ruvec" merge s1.jsonl
    check "JSON Lines are refused" grep -q "^ruvec merge: s1.jsonl:1: JSON; merge reads the TSV of ruvec search" err
    printf '' >empty.tsv
    run "$ruvec" merge s1.tsv empty.tsv
    check "an input without hits is refused" grep -q "^ruvec merge: empty.tsv: no hits, where s1.tsv:2 has query 'SRR059298.1.1' 1-72 (a failed search? --allow-empty for a shard with no vectors)$" err
    run "$ruvec" merge --allow-empty s1.tsv empty.tsv s2.tsv s3.tsv
    check "merge --allow-empty skips an input without hits" same_file out all.tsv
    run "$ruvec" merge s1.tsv missing.tsv
    check "a missing input exits 2" test $status -eq 2
    run "$ruvec" merge - - <s1.tsv
    check "standard input twice is refused" test $status -eq 1

    # Searches read an index's vectors from the mapped file (shared by concurrent jobs). A file
    # truncated in place under a search is a clean error (exit 2), not a crash: the queries come
    # through a FIFO, opened only once the index is loaded, and the index is cut before them.
    # Not under ThreadSanitizer: the SIGBUS handler ends the process with _exit, the one thing a
    # signal handler can do, leaving the reader thread unjoined, which TSan reports as a leak.
    if [ -z "${RUVEC_TEST_TSAN:-}" ]; then
        cp all.rvx mapped.rvx
        mkfifo queries.fifo
        "$ruvec" search -o mapped.tsv mapped.rvx queries.fifo 2>mapped.err &
        local search_pid=$!
        exec 3>queries.fifo
        truncate -s 0 mapped.rvx
        zcat "$reads" >&3
        exec 3>&-
        wait $search_pid
        check "an index truncated under a search exits 2" test $? -eq 2
        check "an index truncated under a search is one line saying so" grep -q "^ruvec: an index file in use was truncated or rewritten in place" mapped.err
        check "no output is left by the interrupted search" test ! -e mapped.tsv -a "$(ls | grep -c 'mapped.tsv')" -eq 0
    fi

    run "$ruvec" index --shard 4/3 -o x.rvx -l refs.txt
    check "--shard 4/3 exits 1" test $status -eq 1
    check "--shard 4/3 says how to write it" grep -q "give i/n with 1 <= i <= n" err
    run "$ruvec" index --shard 1/443 -o x.rvx -l refs.txt
    check "more shards than records are refused" grep -q "^ruvec index: --shard 1/443: the inputs hold 442 records, fewer than 443 shards$" err
    run "$ruvec" index --shard 1/2 -o x.rvx - <"$data/genomes/phage_phiX174.fa"
    check "--shard refuses standard input" grep -q "give files, not '-'" err
    run "$ruvec" index --shard 1/2 --add s1.rvx "$data/genomes/phage_phiX174.fa"
    check "--shard refuses --add" test $status -eq 1
    check "no index left by refused --shard runs" test ! -e x.rvx
}

# The Snakemake workflow (tools/snakemake) on test-data, with its default configuration.
suite_snakemake() {
    local workflow=$src/tools/snakemake
    if ! command -v snakemake >/dev/null; then
        bad "snakemake is not installed (scripts/install-deps.sh installs it)"
        return
    fi
    run snakemake -s "$workflow/Snakefile" --directory wf --cores 2 --config ruvec="$ruvec" -q
    check "snakemake --cores 2 exits 0" test $status -eq 0
    check "the workflow wrote the merged hits and the summary" test -s wf/results/honeybee_2k.hits.tsv -a -s wf/results/honeybee_2k.summary.tsv
    check "the workflow built 2 shards" test "$(ls wf/results/shards/*.rvx | wc -l)" -eq 2
    check "shard 2 says so" grep -q "^shard	2/2: " <("$ruvec" info wf/results/shards/shard2.rvx)
    # The merged hits equal one exact search of one index of the same references, in the same order.
    "$ruvec" index -w 2000 -o whole.rvx -l wf/results/references.txt 2>/dev/null
    "$ruvec" search --min-sim none --exact -n 10 whole.rvx "$data/reads/honeybee_2k.fq.gz" >whole.tsv 2>/dev/null
    check "workflow merged hits == one index's exact search" same_file wf/results/honeybee_2k.hits.tsv whole.tsv
    check "the summary counts every query once" /usr/bin/python3 -c '
import csv
rows = list(csv.DictReader(open("wf/results/honeybee_2k.summary.tsv"), delimiter="\t"))
assert sum(int(r["queries"]) for r in rows) == 2000, rows
assert abs(sum(float(r["fraction"]) for r in rows) - 1) < 0.01, rows
best = {}
for line in open("whole.tsv").read().splitlines()[1:]:
    f = line.split("\t")
    if f[6] == "1":
        best[f[3]] = best.get(f[3], 0) + 1
assert {r["target"]: int(r["queries"]) for r in rows} == best, (rows, best)'
    run snakemake -s "$workflow/Snakefile" --directory wf --cores 2 --config ruvec="$ruvec" -n
    check "a second run has nothing to do" grep -q "Nothing to be done" out err
    run snakemake -s "$workflow/Snakefile" --directory wf3 --cores 2 --config ruvec="$ruvec" shards=3 -q
    check "shards=3 exits 0" test $status -eq 0
    check "shards=3: merged hits == one index's exact search" same_file wf3/results/honeybee_2k.hits.tsv whole.tsv
    run snakemake -s "$workflow/Snakefile" --directory wfmin --cores 2 --config ruvec="$ruvec" min_sim=0.3 -q
    "$ruvec" search --min-sim 0.3 --exact -n 10 whole.rvx "$data/reads/honeybee_2k.fq.gz" >whole-min.tsv 2>/dev/null
    check "min_sim=0.3: merged hits == one index's search --min-sim 0.3" same_file wfmin/results/honeybee_2k.hits.tsv whole-min.tsv
    printf 'queries:\n  - %s\nreferences:\n  - %s\n' "$data/genomes/phage_phiX174.fa" "$data/genomes/*.fa.gz" >my.yaml
    run snakemake -s "$workflow/Snakefile" --directory wfmy --cores 2 --configfile my.yaml --config ruvec="$ruvec" -q
    check "a --configfile of one's own runs" test $status -eq 0 -a -s wfmy/results/phage_phiX174.hits.tsv
    check "a --configfile's queries replace the default ones" test ! -e wfmy/results/honeybee_2k.hits.tsv
    check "a --configfile's references replace the default ones" test "$(grep -c . wfmy/results/references.txt)" -eq "$(ls "$data"/genomes/*.fa.gz | wc -l)"
    run snakemake -s "$workflow/Snakefile" --directory wfs --profile "$workflow/profiles/slurm" --config ruvec="$ruvec" -n
    check "the SLURM profile plans every job (dry run)" grep -q "index_shard" out
    run snakemake -s "$workflow/Snakefile" --directory wfbad --cores 1 --config ruvec="$ruvec" shards=500 -q
    check "more shards than records fails the workflow" test $status -ne 0
    check "the failing job's log says why" grep -rq "fewer than 500 shards" wfbad/logs
}

# The Nextflow modules and pipeline (tools/nextflow): Nextflow is not in Debian, so their form
# is checked and their command lines are run as Nextflow would run them.
suite_nextflow() {
    run /usr/bin/python3 "$src/test/workflows/check-nextflow.py" "$ruvec" "$src" nf
    check "check-nextflow.py passes" test $status -eq 0
    [ $status -eq 0 ] || cat out
}

case "$suite" in
help) suite_help ;;
shards) suite_shards ;;
snakemake) suite_snakemake ;;
nextflow) suite_nextflow ;;
index) suite_index ;;
quantize) suite_quantize ;;
embed) suite_embed ;;
bad-input) suite_bad_input ;;
threads) suite_threads ;;
kill) suite_kill ;;
peers) suite_peers ;;
*) echo "unknown suite $suite" >&2; exit 2 ;;
esac
echo "$suite: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
