#!/usr/bin/env bash
# The Nextflow modules and pipeline (tools/nextflow): Nextflow is not in Debian, so their form
# is checked and their command lines are run as Nextflow would run them.
#   bash test/cli/nextflow.sh path/to/ruvec SOURCE_DIR    (CTest cli-nextflow)
. "$(dirname "$0")/lib.sh"

run /usr/bin/python3 "$src/test/workflows/check-nextflow.py" "$ruvec" "$src" nf
check "check-nextflow.py passes" test $status -eq 0
[ $status -eq 0 ] || cat out
finish
