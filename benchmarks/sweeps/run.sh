#!/bin/sh
# Reproduces the example sweeps of this folder: the committed results (*.results.jsonl), tables
# (*.md, *.csv) and plots (*.svg). About half a minute on two cores after a release build.
#
#   benchmarks/sweeps/run.sh
#
# The model files in models/ are committed; delete them to train them again
# (`hxsim train yinyang --save benchmarks/sweeps/models`, about a minute). The sweeps use the
# software-trained network, deployed as it is.
set -eu
cd "$(dirname "$0")/../.."
swift build -c release --product hxsim
hxsim=.build/release/hxsim
dir=benchmarks/sweeps

mkdir -p "$dir/models"
[ -f "$dir/models/yinyang-software.json" ] ||
    "$hxsim" train yinyang --save "$dir/models/yinyang-software.json"

for name in reference noise numsends numsends-hidden; do
    rm -f "$dir/$name.results.jsonl"
    "$hxsim" sweep "$dir/$name.json"
done

"$hxsim" sweep plot "$dir/reference.results.jsonl"
"$hxsim" sweep plot "$dir/noise.results.jsonl" --x noise --lines calibration --mean-over seed \
    --title "Yin-Yang, one chip: accuracy against trial-to-trial noise"
"$hxsim" sweep plot "$dir/numsends.results.jsonl" --x numSends --lines calibration \
    --mean-over seed --log-x --title "Yin-Yang, one chip: numSends of the output layer"
"$hxsim" sweep plot "$dir/numsends-hidden.results.jsonl" --x numSends --lines calibration \
    --mean-over seed --log-x --title "Yin-Yang, one chip: numSends of the hidden layer"
