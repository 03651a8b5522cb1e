#!/usr/bin/env bash
# Runs every command of test/outputs/commands.sh with two ruvec binaries and compares their
# outputs byte for byte: a refactor should leave every one of them as it was.
#   scripts/compare-outputs.sh OLD_RUVEC NEW_RUVEC      (KEEP_TMP=1 keeps both sets of outputs)
# OLD_RUVEC is typically a build of the previous commit. For each file that differs it prints the
# case and file, and for text the first lines of the diff; it ends with the counts and exits 0
# only when every file is identical.
set -u
root=$(dirname "$(dirname "$(realpath "$0")")")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ruvec-compare.XXXXXX")
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT
[ -z "${KEEP_TMP:-}" ] || echo "outputs kept in $tmp/old and $tmp/new"

# run SIDE RUVEC: the outputs of RUVEC in $tmp/SIDE.
run() {
    "$root/test/outputs/commands.sh" "$2" "$root" "$tmp/$1" && return
    echo "compare-outputs: commands.sh did not complete with the $1 binary ($2)"
    exit 1
}
run old "$1"
run new "$2"

# A file holds text if it is empty or has no NUL byte (grep -I); .rvx, .rvec and .npy files
# have them.
is_text() { [ ! -s "$1" ] || LC_ALL=C grep -qI '' "$1"; }

identical=0
differ=0
# Every case and file that either run recorded.
while IFS=$'\t' read -r case file; do
    a=$tmp/old/$file
    b=$tmp/new/$file
    if [ ! -f "$a" ] && [ ! -f "$b" ]; then
        identical=$((identical + 1))   # neither made it: the same outcome
    elif [ ! -f "$a" ] || [ ! -f "$b" ]; then
        differ=$((differ + 1))
        echo "DIFFERS [$case] $file: made only by the $([ -f "$a" ] && echo old || echo new) binary"
    elif cmp -s "$a" "$b"; then
        identical=$((identical + 1))
    else
        differ=$((differ + 1))
        echo "DIFFERS [$case] $file"
        if is_text "$a" && is_text "$b"; then
            diff -u --label "old/$file" --label "new/$file" "$a" "$b" | head -n 20
        else
            (cd "$tmp" && cmp "old/$file" "new/$file")
        fi
    fi
done < <(cut -f1,2 "$tmp/old/manifest.tsv" "$tmp/new/manifest.tsv" | LC_ALL=C sort -u)
echo "compare-outputs: $identical identical, $differ differ"
[ "$differ" -eq 0 ]
