#!/bin/sh
# The drift study: accuracy of the Yin-Yang and MNIST networks (software-trained, from
# benchmarks/applications/results) on calibrated simulated chips against the time since
# calibration and against a temperature offset, calibrated at power-up ("recalibration": "off")
# or where they run ("on"), over five chip seeds (five triples of chips for MNIST); and, a day
# after calibration, with every slow-drift amplitude scaled by k = 1…32 (*-drift-scale).
# Then the tables, the figures and the answer (analyze.py).
#
#   benchmarks/drift/run.sh            # resumes whatever is already in the results files
#
# The committed results files were written by the release build of commit 4dd69bb, before sweep
# records carried checksums (mnist-drift-scale: commit 4a57953, with them): today's hxsim plots
# them but refuses to resume the older ones, so move them away to rerun the study.
#
# Data: MNIST from ../shared/datasets/mnist (the specs' "path"), Yin-Yang is generated.
set -eu
cd "$(dirname "$0")/../.."
. benchmarks/common.sh
release_build hxsim
hxsim=.build/release/hxsim
dir=benchmarks/drift
{
    echo "machine: $(cpu_model), $(nproc) cores"
    echo "blas: $(hxsim_kernel "$hxsim")"
    echo "build: $($hxsim --version)"
    echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$dir/machine.txt"
for name in yinyang-age yinyang-temperature mnist-age mnist-temperature yinyang-drift-scale \
    mnist-drift-scale; do
    if [ -f "$dir/$name.results.jsonl" ]; then
        "$hxsim" sweep "$dir/$name.json" --resume
    else
        "$hxsim" sweep "$dir/$name.json"
    fi
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$dir/machine.txt"
for name in yinyang-age mnist-age; do
    "$hxsim" sweep plot "$dir/$name.results.jsonl" --x age --lines recalibration \
        --mean-over seed --title "$name: accuracy against the chips' age (s) since calibration"
done
for name in yinyang-temperature mnist-temperature; do
    "$hxsim" sweep plot "$dir/$name.results.jsonl" --x temperature --lines recalibration \
        --mean-over seed --title "$name: accuracy against the chips' temperature (K)"
done
for task in yinyang mnist; do
    "$hxsim" sweep plot "$dir/$task-drift-scale.results.jsonl" --x scale:walk \
        --lines recalibration --mean-over seed \
        --title "$task: accuracy a day after calibration against the slow-drift amplitudes (x assumed)"
done
python3 "$dir/analyze.py" "$dir"
