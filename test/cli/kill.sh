#!/usr/bin/env bash
# SIGKILL cannot be caught: what protects the output is writing it under a temporary name and
# renaming it when complete. ruvec index is killed at moments spread over its run, with nothing
# at the output path before and with an older index there (and for --add, which rewrites its
# index): afterwards the path holds the old file or the complete new one, byte for byte.
#   bash test/cli/kill.sh path/to/ruvec SOURCE_DIR        (CTest cli-kill; RUVEC_KILL_RUNS=40
#                                                         runs, RUVEC_KILL_TARGET_MS=600)
. "$(dirname "$0")/lib.sh"

genomes=("$data"/genomes/*.fa*) reads=$data/reads/honeybee_2k.fq.gz runs=${RUVEC_KILL_RUNS:-40}
# The suite sizes its own work on the machine it runs on, as it is loaded now: the dims grow
# until a new index takes at least target_ms, and --add gets as many reads as take about as
# long, so the kills land at many moments of a run whether the machine is fast or busy.
target_ms=${RUVEC_KILL_TARGET_MS:-600} dims=512 took=()
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# prepare_kind KIND: the file a run of that kind starts from.
# Only that kind's file is touched: in ref/ the other kinds' finished outputs stay beside it.
prepare_kind() {
    case $1 in
    0) rm -f out.rvx out.rvx.tmp.* ;;
    1) rm -f out.rvx out.rvx.tmp.*; cp old.rvx out.rvx ;;
    2) rm -f add.rvx add.rvx.tmp.*; cp old.rvx add.rvx ;;
    esac
}
# start_kind KIND: the run, in a subshell that exec makes the ruvec process a kill reaches.
start_kind() {
    case $1 in
    0|1) exec "$ruvec" index --content vectors -d $dims -o out.rvx "${genomes[@]}" 2>/dev/null ;;
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
    factor=2
    while [ $((took[0] * factor)) -lt "$target_ms" ] && [ $factor -lt 64 ]; do factor=$((factor * 2)); done
    dims=$((dims * factor))
    [ $dims -gt 65536 ] && dims=65536
done
"$ruvec" index --content vectors -d $dims -w 0 -o old.rvx "${genomes[@]}" 2>/dev/null
cp old.rvx ref/old.rvx
zcat "$reads" >ref/add-reads.fq
all_reads_ms=$(time_kind 2 1) n_reads=2000
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
killed=0 finished=0
for i in $(seq 1 "$runs"); do
    # Three kinds of run in turn: a new output, over an older index, --add in place. The
    # moments run from 0 to 0.9 of each kind's time, in order.
    kind=$(( i % 3 ))
    delay_ms=$(( took[kind] * 90 * (i - 1) / (100 * runs) ))
    out=out.rvx
    [ $kind -eq 2 ] && out=add.rvx
    prepare_kind $kind
    start_kind $kind &
    pid=$!
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
# Most: a machine that speeds up after the sizing (load that goes away) lets some runs finish.
check "most runs were killed mid-run ($killed of $runs)" test "$killed" -gt $((runs / 2))
# A run left to finish writes exactly the output the killed runs were compared with.
for kind in 1 2; do
    out=out.rvx
    [ $kind -eq 2 ] && out=add.rvx
    prepare_kind $kind
    (start_kind $kind)
    check "a finished run of kind $kind writes ref/$out" same_file "$out" "ref/$out"
done
finish
