#!/usr/bin/env bash
# Memory of concurrent `ruvec search` jobs on one node reading the same index: peak RSS per job
# (what /usr/bin/time and most schedulers report) and the peak total PSS of all jobs (each
# shared page counted once, split between its users: the memory the node actually spends).
#
#   scripts/measure-concurrent-search.sh RUVEC INDEX QUERIES [JOBS...]     (default JOBS: 1 4)
#
# Each job is `RUVEC search -n 10 --exact INDEX QUERIES` on one thread (SEARCH_OPTIONS
# overrides "-n 10 --exact"); /proc/PID/smaps_rollup of every job is sampled every 50 ms.
# Prints one TSV line per job count: jobs, seconds, peak RSS per job (MB, the largest), peak
# total PSS (MB), peak total private memory (MB).
set -euo pipefail
ruvec=$1
index=$2
queries=$3
shift 3
job_counts=("$@")
[ $# -gt 0 ] || job_counts=(1 4)
options=${SEARCH_OPTIONS:--n 10 --exact}
work=$(mktemp -d "${TMPDIR:-/tmp}/ruvec-concurrent.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat "$index" >/dev/null # the page cache holds the file, as on a node that searched it before

printf 'jobs\tseconds\tpeak_rss_per_job_MB\tpeak_total_pss_MB\tpeak_total_private_MB\n'
for jobs in "${job_counts[@]}"; do
    pids=()
    start=$(date +%s.%N)
    for ((j = 0; j < jobs; j++)); do
        # shellcheck disable=SC2086 # options are words
        "$ruvec" search $options -o "$work/hits$j.tsv" "$index" "$queries" 2>/dev/null &
        pids+=($!)
    done
    /usr/bin/python3 - "${pids[@]}" <<'EOF' >"$work/peak"
import sys, time
pids = sys.argv[1:]
peak_rss = peak_pss = peak_private = 0
def field(text, name):
    for line in text.splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    return 0
alive = True
while alive:
    alive = False
    pss = private = 0
    for pid in pids:
        try:
            text = open(f"/proc/{pid}/smaps_rollup").read()
        except OSError:
            continue
        if not text:
            continue
        alive = True
        peak_rss = max(peak_rss, field(text, "Rss"))
        pss += field(text, "Pss")
        private += field(text, "Private_Clean") + field(text, "Private_Dirty")
    peak_pss = max(peak_pss, pss)
    peak_private = max(peak_private, private)
    time.sleep(0.05)
print(f"{peak_rss / 1024:.0f}\t{peak_pss / 1024:.0f}\t{peak_private / 1024:.0f}")
EOF
    for pid in "${pids[@]}"; do wait "$pid"; done
    end=$(date +%s.%N)
    for ((j = 1; j < jobs; j++)); do
        cmp -s "$work/hits0.tsv" "$work/hits$j.tsv" || { echo "job $j printed other hits" >&2; exit 1; }
    done
    printf '%s\t%s\t%s\n' "$jobs" "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')" \
        "$(cat "$work/peak")"
done
