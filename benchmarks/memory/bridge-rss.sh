#!/bin/sh
# Peak resident memory of a physics matmul through the Python bridge (hxsim.torch.matmul)
# against the batch size (issue 12): 1, 10^3, 10^5 and 10^6 rows of 128 activations through
# 128 x 256 weights, each in a fresh Python process. The caller's own tensors (input and
# result, 1536 bytes a row) are counted apart: "beyond" is the peak minus the one-row run's
# peak (Python, torch, the library) minus the caller's tensors, what the bridge itself holds.
#
#   benchmarks/memory/bridge-rss.sh [OUT.md]     (default: benchmarks/memory/bridge-results.md)
#
# Uses $HXSIM_LIBRARY if set (to measure another build), else builds the release library here;
# Python from $HXSIM_VENV or .build/python-venv (scripts/test.sh makes it).
set -eu
cd "$(dirname "$0")/../.."
out=${1:-benchmarks/memory/bridge-results.md}
. benchmarks/common.sh
if [ -z "${HXSIM_LIBRARY:-}" ]; then
    release_build HXSimC
    HXSIM_LIBRARY=$PWD/.build/release/libHXSimC.so
fi
export HXSIM_LIBRARY
python=${HXSIM_VENV:-.build/python-venv}/bin/python
[ -x "$python" ] || { echo "bridge-rss.sh: no Python environment at $python (run scripts/test.sh)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/hxsim-bridge-rss.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat > "$work/run.py" <<'PY'
import resource, sys, time
import torch
import hxsim.torch as ht
rows = int(sys.argv[1])
ht.init(mode="physics", seed=1, chips=1)
x = torch.remainder(torch.arange(rows * 128, dtype=torch.float32), 32).reshape(rows, 128)
w = torch.remainder(torch.arange(128 * 256, dtype=torch.float32) * 7, 127).reshape(128, 256) - 63
start = time.perf_counter()
y = ht.matmul(x, w)
seconds = time.perf_counter() - start
assert y.shape == (rows, 256)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, seconds, float(y.sum()))
PY
cpu=$(cpu_model)
# The commit of the checkout the library was built in (.build/release/ two levels below it).
version=$(git -C "$(dirname "$HXSIM_LIBRARY")/../.." rev-parse --short HEAD 2>/dev/null || echo unknown)
{
    echo "# Peak memory of a physics matmul through the Python bridge"
    echo
    echo "Written by \`benchmarks/memory/bridge-rss.sh\` on $(date -u +%Y-%m-%d): $cpu, $(nproc) cores,"
    echo "library built at commit $version. Input rows x 128, weights 128 x 256, result rows x 256"
    echo "(float32); each size in a fresh process. Caller's tensors: input and result. Beyond: peak"
    echo "minus the one-row run's peak minus the caller's tensors, what the bridge holds itself."
    echo
    echo "| rows | caller's tensors | peak RSS | beyond | matmul time |"
    echo "| ---: | ---: | ---: | ---: | ---: |"
} > "$work/table.md"
base=""
for rows in 1 1000 100000 1000000; do
    set -- $(PYTHONPATH=python "$python" "$work/run.py" "$rows")
    peak=$1
    seconds=$2
    [ -n "$base" ] || base=$peak
    awk -v r="$rows" -v p="$peak" -v b="$base" -v s="$seconds" 'BEGIN {
        c = r * (128 + 256) * 4; m = 1048576
        printf "| %d | %.1f MiB | %.0f MiB | %.1f MiB | %.3f s |\n", r, c / m, p / m, (p - b - c) / m, s }' \
        >> "$work/table.md"
    echo "bridge-rss: $rows rows done" >&2
done
mv "$work/table.md" "$out.tmp" && mv "$out.tmp" "$out"
cat "$out"
