#!/usr/bin/env bash
# The accuracy regression test: a small subset of scripts/eval.sh (18 genomes: the phages,
# viruses, plasmids and organelles, and two strains of H. pylori; few reads; no peers) whose
# figures must stay at or above the minimums in thresholds.txt, set below the values measured
# when they were written (see there). Needs ../shared/data beside the repository (CI has it);
# without it the test is skipped (exit 77), saying so.
#   test/accuracy/run.sh path/to/ruvec SOURCE_DIR
set -euo pipefail
ruvec=$(realpath "$1")
src=$(realpath "$2")
data=${RUVEC_SHARED_DATA:-$src/../shared/data}
if [ ! -f "$data/genomes/manifest.tsv" ]; then
    echo "accuracy: skipped: no $data/genomes/manifest.tsv (set RUVEC_SHARED_DATA)"
    exit 77
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/ruvec-accuracy.XXXXXX")
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$out"' EXIT
"$src/scripts/eval.sh" "$ruvec" --data "$data" --out "$out/eval" --no-peers --threads 2 \
    --reads 40 --fragments 5 --honeybee 300 \
    --genomes phage_lambda phage_phiX174 phage_AP205 virus_hiv1 virus_dwv virus_vdv1 virus_atcv \
    virus_vzv_part plasmid_ypestis_pPCP1 plasmid_ssonnei_A plasmid_ssonnei_B plasmid_ssonnei_E \
    cp_athaliana mt_human mt_finwhale mt_celegans hpylori_G27 hpylori_SJM180 \
    --check "$src/test/accuracy/thresholds.txt"
