#!/usr/bin/env bash
# Side by side, in one Python process: aihwkit-lightning's AnalogLinear (output noise and ADC
# quantisation on, training-mode forward), a plain torch.matmul and HXSim's fast path (the
# release C library through the hxsim Python package), on one 128 × 256 layer at batch 10,000
# with the same thread count. Writes results.md and results.json next to this script.
#
#   benchmarks/peers/run.sh                 # defaults: 21 rounds, every core
#   benchmarks/peers/run.sh --rounds 41 --threads 2
#   OMP_WAIT_POLICY=PASSIVE benchmarks/peers/run.sh   # torch's idle threads sleep at once
#
# Creates a virtual environment in benchmarks/peers/.venv (not committed) with pinned
# versions: torch 2.13.0 (here the CPU build; never an unpinned torch) and
# aihwkit-lightning 2.1.0. None of aihwkit's code is part of HXSim.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet "torch==2.13.0" "aihwkit-lightning==2.1.0" numpy
fi
(cd "$root" && swift build -c release --product HXSimC >&2)
library="$(cd "$root" && swift build -c release --show-bin-path)/libHXSimC.so"
PYTHONPATH="$root/python" HXSIM_LIBRARY="$library" \
    "$venv/bin/python" "$here/peers.py" --json "$here/results.json" --markdown "$here/results.md" "$@"
