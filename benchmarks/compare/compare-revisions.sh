#!/bin/sh
# Fast-path throughput of two revisions side by side: builds each revision (git archive, release)
# with probe.swift as its hxsim-bench, then runs them alternately, ROUNDS times each, and prints
# every run and the medians (VMM/s, full-size 128 × 256 VMM, batch BATCH).
#
# usage: benchmarks/compare/compare-revisions.sh [REV_A] [REV_B] [BATCH] [ROUNDS]
#        (defaults: 03085f8 HEAD 10000 5; run from the repository)
set -eu
a=${1:-03085f8}
b=${2:-HEAD}
batch=${3:-10000}
rounds=${4:-5}
root=$(git rev-parse --show-toplevel)
work=$(mktemp -d /tmp/hxsim-compare.XXXXXX)
for rev in "$a" "$b"; do
    dir="$work/$(git rev-parse --short "$rev")"
    mkdir -p "$dir"
    git -C "$root" archive "$rev" | tar -x -C "$dir"
    cp "$root/benchmarks/compare/probe.swift" "$dir/Sources/hxsim-bench/main.swift"
    echo "building $rev in $dir" >&2
    (cd "$dir" && swift build -c release --product hxsim-bench >/dev/null)
done
da="$work/$(git rev-parse --short "$a")/.build/release/hxsim-bench"
db="$work/$(git rev-parse --short "$b")/.build/release/hxsim-bench"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "revision,threads,round,vmm_per_s"
for threads in 1 2; do
    for round in $(seq 1 "$rounds"); do
        echo "$a,$threads,$round,$("$da" "$batch" "$threads" 9)"
        echo "$b,$threads,$round,$("$db" "$batch" "$threads" 9)"
    done
done | tee "$work/runs.csv"
echo "medians:"
for rev in "$a" "$b"; do
    for threads in 1 2; do
        median=$(grep "^$rev,$threads," "$work/runs.csv" | cut -d, -f4 | sort -n |
            awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
        echo "  $rev, $threads thread(s): $median VMM/s"
    done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
