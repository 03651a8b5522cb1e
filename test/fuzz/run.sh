#!/usr/bin/env bash
# Runs every fuzz target of a RUVEC_FUZZ build: first on its regression files (inputs that once
# crashed it, test/fuzz/regressions/<target>/), then fuzzing for SECONDS from the seeds made by
# make-seeds.sh plus the regressions, as many targets at once as there are cores. Fails if any
# input crashes, leaks, hangs (10 s) or allocates more than 512 MB at once or 2 GB in all; the
# input is kept in OUT/<target>/crashes/ and its path printed.
#   run.sh FUZZ_BUILD_DIR SECONDS RUVEC [OUT_DIR]   (OUT_DIR default FUZZ_BUILD_DIR/fuzz-out)
set -uo pipefail
build=$1
seconds=$2
ruvec=$3
out=${4:-$build/fuzz-out}
src=$(cd "$(dirname "$0")/../.." && pwd)
targets="seq_reader rvec rvx hits_tsv"
jobs=$(nproc)
limits=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

rm -rf "$out/seeds"
bash "$src/test/fuzz/make-seeds.sh" "$ruvec" "$src" "$out/seeds" || exit 1

failed=0
for target in $targets; do
    regressions=$src/test/fuzz/regressions/$target
    if compgen -G "$regressions/*" >/dev/null; then
        if "$build/fuzz_$target" "${limits[@]}" "$regressions"/* >"$out/$target.regressions.log" 2>&1; then
            echo "fuzz: $target: $(ls "$regressions" | wc -l) regression inputs pass"
        else
            echo "fuzz: $target: a regression input fails again:"; tail -n 30 "$out/$target.regressions.log"
            failed=1
        fi
    fi
done

fuzz_one() { # TARGET: fuzzes for $seconds; the corpus grows across runs in $out/TARGET/corpus
    local target=$1 dir=$out/$1
    # Inputs kept by an earlier run are in regressions/ once their bug is fixed; this run's only.
    rm -rf "$dir/crashes"
    mkdir -p "$dir/corpus" "$dir/crashes"
    cp -n "$out/seeds/$target"/* "$dir/corpus/" 2>/dev/null
    [ -d "$src/test/fuzz/regressions/$target" ] && cp -n "$src/test/fuzz/regressions/$target"/* "$dir/corpus/" 2>/dev/null
    "$build/fuzz_$target" "${limits[@]}" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$dir/crashes/" "$dir/corpus" >"$dir/log" 2>&1
}

for target in $targets; do
    fuzz_one "$target" &
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
done
wait
for target in $targets; do
    dir=$out/$target
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$dir/log" | grep -o '[0-9]*$')
    crashes=$(find "$dir/crashes" -type f | wc -l)
    echo "fuzz: $target: ${runs:-?} executions in $seconds s, corpus $(ls "$dir/corpus" | wc -l) inputs, $crashes crashing"
    if [ "$crashes" -gt 0 ] || ! grep -q 'stat::number_of_executed_units' "$dir/log"; then
        grep -E '^==[0-9]+==ERROR|runtime error|SUMMARY|^artifact_prefix|Test unit written' "$dir/log" | head -n 8
        failed=1
    fi
done
exit $failed
