#!/usr/bin/env bash
# Fine-tuning with the chip in the loop, hxtorch's backward pass against the chip-aware one
# (hxsim train --backward chip): on calibrated chips with hxtorch's backward (the reference),
# and on uncalibrated chips with each backward pass. Yin-Yang on five chips (30 epochs in the
# loop instead of the task's 100, the same for every variant), MNIST with its defaults (three
# deployments of three chips). JSON reports and logs in results/, then summarize.py.
#
#   benchmarks/backward/run.sh [TASK...]     # default: yinyang mnist
#
# Data sets: $HXSIM_DATASETS, else ../shared/datasets from the repository's root.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
out="benchmarks/backward/results"
mkdir -p "$out"
. benchmarks/common.sh
release_build hxsim
hxsim=.build/release/hxsim
tasks=("$@")
if [ ${#tasks[@]} -eq 0 ]; then tasks=(yinyang mnist); fi
{
    echo "machine: $(cpu_model), $(nproc) cores"
    echo "blas: $(hxsim_kernel "$hxsim")"
    echo "build: $($hxsim --version)"
    echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
} > "$out/machine.txt"
for task in "${tasks[@]}"; do
    extra=()
    if [ "$task" = yinyang ]; then extra=(--chip-seeds 1,2,3,4,5 --hil-epochs 30); fi
    for variant in calibrated-hxtorch uncalibrated-hxtorch uncalibrated-chip; do
        flags=()
        case "$variant" in
            uncalibrated-*) flags+=(--no-calibration) ;;
        esac
        case "$variant" in
            *-chip) flags+=(--backward chip) ;;
        esac
        [ -f "$out/$task-$variant.json" ] && continue
        echo "== $task $variant" >&2
        /usr/bin/time -f '{"wall": %e, "user": %U, "system": %S}' -o "$out/$task-$variant.time.json" \
            "$hxsim" train "$task" --json "${extra[@]}" "${flags[@]}" \
            > "$out/$task-$variant.json.tmp" 2> "$out/$task-$variant.log"
        mv "$out/$task-$variant.json.tmp" "$out/$task-$variant.json"
    done
done
python3 benchmarks/backward/summarize.py "$out"
