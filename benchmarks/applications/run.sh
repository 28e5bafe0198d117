#!/usr/bin/env bash
# Reruns every table of benchmarks/applications/: each task of `hxsim train` with its defaults
# (the chip seeds of its defaults), JSON reports, saved models, runtime figures and logs in
# results/, then the summary (results.md, results.csv, accuracy.svg) via summarize.py.
#
#   benchmarks/applications/run.sh [TASK...]     # default: every task
#
# Data sets: $HXSIM_DATASETS, else a shared/datasets folder beside the repository (and
# /usr/share/datasets for Fashion-MNIST: apt-get install dataset-fashion-mnist).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
. benchmarks/common.sh
out="benchmarks/applications/results"
mkdir -p "$out/uncalibrated"
release_build hxsim
tasks=("$@")
if [ ${#tasks[@]} -eq 0 ]; then tasks=(yinyang mnist fashion-mnist digits basicmotions); fi
{
    echo "machine: $(cpu_model), $(nproc) cores"
    # HXSim loads OpenBLAS at its first product and names the kernel in its version line.
    echo "blas: $(.build/release/hxsim --version | grep -o 'OpenBLAS kernel [A-Za-z0-9]*' || echo unknown)"
    echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
} > "$out/machine.txt"
for task in "${tasks[@]}"; do
    echo "== $task" >&2
    # Wall, user and system seconds, and the load average at the end (the machine may be
    # shared: user + system is what the run itself cost on its cores).
    /usr/bin/time -f '{"wall": %e, "user": %U, "system": %S}' -o "$out/$task.time.json" \
        .build/release/hxsim train "$task" --json \
        --save "$out/$task.model.json" --profile-svg "$out/$task-runtime.svg" \
        > "$out/$task.json.tmp" 2> "$out/$task.log"
    mv "$out/$task.json.tmp" "$out/$task.json"
    cut -d' ' -f1-3 /proc/loadavg > "$out/$task.load"
done
# The control without calibration: the chip in the loop fine-tunes on the chip as drawn.
if [[ " ${tasks[*]} " == *" mnist "* ]]; then
    .build/release/hxsim train mnist --chip-seeds 1 --no-calibration --json \
        > "$out/uncalibrated/mnist.json.tmp" 2> "$out/uncalibrated/mnist.log"
    mv "$out/uncalibrated/mnist.json.tmp" "$out/uncalibrated/mnist.json"
fi
python3 benchmarks/applications/summarize.py "$out"
