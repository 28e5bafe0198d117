#!/usr/bin/env bash
# Writes the fixture of GoldenCodesTests: a fixed VMM workload and the codes `hxsim vmm` gives
# for it today, so that a change to the simulation's output (its noise streams, the numbering
# of trials, the transform) fails a test unless it was meant. Run it, and commit the files,
# only when the output is meant to change, and say so in the commit message.
#
#   scripts/make-golden-codes.sh
#
# Tests/Fixtures/golden-vmm-inputs.npy   64 × 128 activations (uint8): rows 0–47 random 0…31,
#                                        rows 48–63 all 31 (they drive the positive columns
#                                        into the OTA's saturation and the output limits)
# Tests/Fixtures/golden-vmm-weights.npy  128 × 256 weights (int8): columns 0–191 random −63…63,
#                                        columns 192–255 random 20…63
# Tests/Fixtures/golden-vmm-codes.npy    hxsim vmm --seed 1 of these (int8), and beside it the
#                                        run's record (.npy.json: commit, OpenBLAS kernel, …)
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - <<'PY'
import random
import struct
from pathlib import Path


def write_npy(path, dtype, shape, values):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }" % (dtype, *shape)
    # Magic, version 1.0, header length; the header padded with spaces to a multiple of 64.
    padded = header + " " * (63 - (len(header) + 10) % 64) + "\n"
    data = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(padded)) + padded.encode("latin1")
    data += struct.pack("<%d%s" % (len(values), "b" if dtype == "|i1" else "B"), *values)
    Path(path).write_bytes(data)


rng = random.Random(20261127)
inputs = [rng.randint(0, 31) if r < 48 else 31 for r in range(64) for _ in range(128)]
weights = [rng.randint(-63, 63) if c < 192 else rng.randint(20, 63)
           for _ in range(128) for c in range(256)]
write_npy("Tests/Fixtures/golden-vmm-inputs.npy", "|u1", (64, 128), inputs)
write_npy("Tests/Fixtures/golden-vmm-weights.npy", "|i1", (128, 256), weights)
PY
swift build -c release --product hxsim >&2
.build/release/hxsim vmm --inputs Tests/Fixtures/golden-vmm-inputs.npy \
    --weights Tests/Fixtures/golden-vmm-weights.npy --seed 1 \
    --out Tests/Fixtures/golden-vmm-codes.npy --quiet
echo "wrote Tests/Fixtures/golden-vmm-*.npy and golden-vmm-codes.npy.json" >&2
