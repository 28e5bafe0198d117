#!/bin/sh
# A fuzz campaign over every parser, written up in benchmarks/fuzz/results.md.
#
#   benchmarks/fuzz/run.sh [SECONDS] [SEED]     (default: 900 s, seed 1)
#
# Builds hxsim-fuzz in release mode, runs it for SECONDS (every target gets an equal share of
# the time), and writes the table with the machine, the OpenBLAS kernel and the load.
set -eu
cd "$(dirname "$0")/../.."
seconds=${1:-900}
seed=${2:-1}
swift build -c release --product hxsim-fuzz >&2
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
kernel=$(OPENBLAS_VERBOSE=2 .build/release/hxsim-fuzz --list 2>&1 >/dev/null | sed -n 's/^Core: *//p' | head -1)
load=$(cut -d' ' -f1-3 /proc/loadavg)
table=$(mktemp)
trap 'rm -f "$table"' EXIT
status=0
.build/release/hxsim-fuzz --seconds "$seconds" --seed "$seed" > "$table" || status=$?
out=benchmarks/fuzz/results.md
{
    echo "# Fuzz campaign"
    echo
    echo "Written by \`benchmarks/fuzz/run.sh $seconds $seed\` on $(date -u +%Y-%m-%d): $cpu,"
    echo "OpenBLAS kernel ${kernel:-unknown}, $(nproc) cores, one fuzzing thread, load average before the"
    echo "run $load (a machine shared with other builds; cases per second depend on it)."
    echo "Exit status $status (0: no crash, no hang, no finding)."
    echo
    cat "$table"
} > "$out"
cat "$out"
exit "$status"
