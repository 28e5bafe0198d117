#!/usr/bin/env bash
# How often a code differs between two OpenBLAS kernels on the benchmark workload: the same
# chip (seed 1), the same 10,000 input vectors (activations 0…31) and 128 × 256 weights
# (−63…63) of `hxsim bench`'s seed, through `hxsim vmm` (fast path, noise on), once per kernel
# (HXSIM_BLAS_KERNEL), then the int8 codes compared element by element.
#
#   benchmarks/kernels/compare-kernels.sh [KERNEL_A KERNEL_B]     # default: Zen Haswell
#
# Needs the release build (swift build -c release; or HXSIM=path/to/hxsim: the codes do not
# depend on the build mode) and python3 with numpy. Prints the CPU,
# both kernels as OpenBLAS reports them and the share of codes that differ, with the largest
# difference in LSB.
set -euo pipefail
a="${1:-Zen}"
b="${2:-Haswell}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
hxsim="${HXSIM:-$(cd "$root" && swift build -c release --show-bin-path)/hxsim}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import sys
import numpy as np
rng = np.random.default_rng(20261127)
np.save(f"{sys.argv[1]}/inputs.npy", rng.integers(0, 32, size=(10_000, 128), dtype=np.int64))
np.save(f"{sys.argv[1]}/weights.npy", rng.integers(-63, 64, size=(128, 256), dtype=np.int64))
PY
for kernel in "$a" "$b"; do
    HXSIM_BLAS_KERNEL="$kernel" OPENBLAS_VERBOSE=2 "$hxsim" vmm --inputs "$work/inputs.npy" \
        --weights "$work/weights.npy" --seed 1 --quiet --out "$work/$kernel.npy" \
        2> "$work/$kernel.log"
    echo "$kernel: $(grep -m1 -i 'core' "$work/$kernel.log" || echo 'no Core line')"
done
python3 - "$work/$a.npy" "$work/$b.npy" <<PY
import sys
import numpy as np
x, y = np.load(sys.argv[1]).astype(int), np.load(sys.argv[2]).astype(int)
differ = x != y
print(f"CPU: {open('/proc/cpuinfo').read().split('model name')[1].split(':')[1].splitlines()[0].strip()}")
print(f"$a vs $b: {differ.sum()} of {differ.size} codes differ "
      f"({100 * differ.mean():.4f} %), largest difference {np.abs(x - y).max()} LSB, "
      f"rows with a difference {differ.any(axis=1).sum()} of {x.shape[0]}")
PY
