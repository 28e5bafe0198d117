#!/bin/sh
# A fuzz campaign over every parser, written up in benchmarks/fuzz/results.md.
#
#   benchmarks/fuzz/run.sh [SECONDS] [SEED]     (default: 900 s, seed 1)
#
# Builds hxsim-fuzz in release mode, runs it for SECONDS (every target gets an equal share of
# the time), and writes the table with the machine, the OpenBLAS kernel and the load.
set -eu
cd "$(dirname "$0")/../.."
. benchmarks/common.sh
seconds=${1:-900}
seed=${2:-1}
release_build hxsim-fuzz
cpu=$(cpu_model)
kernel=$(openblas_kernel .build/release/hxsim-fuzz --list)
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
    echo "OpenBLAS kernel $kernel, $(nproc) cores, one fuzzing thread, load average before the"
    echo "run $load (a machine shared with other builds; cases per second depend on it)."
    echo "Exit status $status (0: no crash, no hang, no finding)."
    echo
    cat "$table"
} > "$out"
cat "$out"
exit "$status"
