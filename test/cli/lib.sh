# The common part of the CLI tests of ruvec, test/cli/NAME.sh (CTest cli-NAME), each sourcing it
# first with its arguments, path/to/ruvec SOURCE_DIR:
#   . "$(dirname "$0")/lib.sh"
# A test runs in a temporary directory, removed at exit unless KEEP_TMP is set. Each check prints
# a line only when it fails; finish, the test's last command, prints "NAME: N passed, N failed"
# and exits with 1 if one failed.
set -u
suite=$(basename "$0" .sh)
if [ $# -ne 2 ]; then
    echo "usage: $0 path/to/ruvec SOURCE_DIR" >&2
    exit 2
fi
ruvec=$(realpath "$1")
src=$(realpath "$2")
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
finish() {
    echo "$suite: $passed passed, $failed failed"
    exit $((failed > 0))
}

# bundled_reads: the reads in test-data, $reads, and their count, $n_reads. Under the sanitizers
# (RUVEC_TEST_SANITIZED) the same paths run on a quarter of them.
bundled_reads() {
    reads=$data/reads/honeybee_2k.fq.gz n_reads=2000
    if [ -n "${RUVEC_TEST_SANITIZED:-}" ]; then
        zcat "$reads" | head -n 2000 | gzip -c >reads500.fq.gz
        reads=$PWD/reads500.fq.gz n_reads=500
    fi
}
