#!/usr/bin/env bash
# Every output of every command in test/outputs/commands.sh, compared by SHA-256 with the
# outputs recorded in test/outputs/expected.tsv, so that a refactor that changes none of them
# can show it did not.
#   test/outputs/check.sh path/to/ruvec SOURCE_DIR      (KEEP_TMP=1 keeps the outputs)
# Prints a line for each file that differs, is no longer made or is new, then
# "outputs: N passed, N failed" (N passed: files that match).
set -u
here=$(dirname "$(realpath "$0")")
ruvec=$(realpath "$1")
src=$(realpath "$2")
expected=$here/expected.tsv
if [ ! -s "$expected" ]; then
    echo "check.sh: $expected is missing or empty" >&2
    exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ruvec-outputs.XXXXXX")
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT
[ -z "${KEEP_TMP:-}" ] || echo "outputs kept in $tmp/out"

if ! "$here/commands.sh" "$ruvec" "$src" "$tmp/out"; then
    echo "FAIL [outputs] commands.sh did not complete"
    echo "outputs: 0 passed, 1 failed"
    exit 1
fi
# One line per file: ok, or what is wrong with it.
awk -F'\t' '
    NR == FNR { want[$1 "\t" $2] = $3; next }
    {
        key = $1 "\t" $2
        if (!(key in want)) print "bad\t" key "\tnew: not in expected.tsv"
        else if (want[key] == $3) print "ok\t" key
        else if ($3 == "missing") print "bad\t" key "\tnot made any more"
        else if (want[key] == "missing") print "bad\t" key "\tmade now, not before"
        else print "bad\t" key "\tdiffers"
        delete want[key]
    }
    END { for (key in want) print "bad\t" key "\tmissing: in expected.tsv, no such case or file now" }
' "$expected" "$tmp/out/manifest.tsv" | LC_ALL=C sort -t$'\t' -k2,3 >"$tmp/result"

passed=$(grep -c '^ok' "$tmp/result")
failed=$(grep -vc '^ok' "$tmp/result")
awk -F'\t' '$1 != "ok" { print "FAIL [outputs] " $2 " " $3 ": " $4 }' "$tmp/result"
echo "outputs: $passed passed, $failed failed"
if [ "$failed" -ne 0 ]; then
    cat <<EOF
To see the differences, run scripts/compare-outputs.sh OLD_RUVEC $1, OLD_RUVEC built from the
commit before the change. Only if the change of output is intended, regenerate expected.tsv:
    test/outputs/commands.sh RUVEC . DIR && cp DIR/manifest.tsv test/outputs/expected.tsv
EOF
fi
[ "$failed" -eq 0 ]
