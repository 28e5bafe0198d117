#!/usr/bin/env bash
# Error budgets (hxsim budget) of the software-trained networks of benchmarks/applications:
# - Yin-Yang on five calibrated chips and on five uncalibrated chips, fresh (age 0, nominal
#   temperature);
# - Yin-Yang and MNIST (three deployments of three chips) a day after a calibration at power-up,
#   1 K warmer: the slow-drift row is the cost of that calibration's age.
# Tables (.md) and bar charts (.svg) in results/.
#
#   benchmarks/budget/run.sh
#   HXSIM=path/to/hxsim benchmarks/budget/run.sh    # with a given build (no release build)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
out="benchmarks/budget/results"
models="benchmarks/applications/results"
mkdir -p "$out"
. benchmarks/common.sh
if [ -z "${HXSIM:-}" ]; then release_build hxsim; fi
hxsim="${HXSIM:-.build/release/hxsim}"
{
    echo "machine: $(cpu_model), $(nproc) cores"
    echo "blas: $(hxsim_kernel "$hxsim")"
    echo "build: $($hxsim --version)"
    echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
} > "$out/machine.txt"
run() {
    local name="$1"
    shift
    [ -f "$out/$name.md" ] && return
    echo "== $name" >&2
    /usr/bin/time -f '{"wall": %e, "user": %U, "system": %S}' -o "$out/$name.time.json" \
        "$hxsim" budget "$@" --table "$out/$name.md" --svg "$out/$name.svg" \
        > /dev/null 2> "$out/$name.log"
}
run yinyang-calibrated "$models/yinyang.model.json" --task yinyang --chip-seeds 1,2,3,4,5 \
    --calibrate
run yinyang-uncalibrated "$models/yinyang.model.json" --task yinyang --chip-seeds 1,2,3,4,5
run yinyang-day-old-calibration "$models/yinyang.model.json" --task yinyang \
    --chip-seeds 1,2,3,4,5 --calibrate --calibrate-at-power-up --age 86400 --temperature 301
run mnist-day-old-calibration "$models/mnist.model.json" --task mnist --chips 3 \
    --chip-seeds 1,4,7 --calibrate --calibrate-at-power-up --age 86400 --temperature 301
