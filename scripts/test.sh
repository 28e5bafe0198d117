#!/usr/bin/env bash
# Every test in one command: the Swift suite, the C library with a C program against its
# header (compared with `hxsim vmm`), and the Python package's tests with PyTorch in a virtual
# environment made here (.build/python-venv, or $HXSIM_VENV).
#
#   ./scripts/test.sh            # everything
#   HXSIM_SKIP_SWIFT_TESTS=1 ./scripts/test.sh   # only the C and Python parts
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
./scripts/install-deps.sh

if [ "${HXSIM_SKIP_SWIFT_TESTS:-0}" != 1 ]; then
    swift test
fi

echo "== the C library and the command line (release)" >&2
swift build -c release --product HXSimC
swift build -c release --product hxsim
library=$root/.build/release/libHXSimC.so
cli=$root/.build/release/hxsim

echo "== a C program against include/hxsim.h" >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
compiler=${CC:-$(command -v cc || command -v clang)}
"$compiler" -std=c11 -Wall -Wextra -Werror -I Sources/HXSimC/include Tests/CABI/abi_test.c \
    -L "$root/.build/release" -lHXSimC -Wl,-rpath,"$root/.build/release" -lpthread -lm \
    -o "$work/abi_test"
"$work/abi_test" "$work" > "$work/c.csv"
"$cli" vmm --inputs "$work/inputs.csv" --weights "$work/weights.csv" --seed 7 --num-sends 2 \
    --wait 3 > "$work/cli.csv"
if ! diff -q "$work/c.csv" "$work/cli.csv" > /dev/null; then
    echo "FAIL: the C program's codes differ from hxsim vmm's" >&2
    exit 1
fi
echo "the C program's codes equal hxsim vmm's" >&2

echo "== Python (virtual environment, numpy, PyTorch 2.13.0 CPU, pytest)" >&2
venv=${HXSIM_VENV:-$root/.build/python-venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
# Never an unpinned torch: that pulls a CUDA build of several GB. A local CPU wheel of the
# pinned version is preferred where the machine has one.
torch_spec="torch==2.13.0"
if compgen -G "/opt/wheels/torch-2.13.0+cpu-*.whl" > /dev/null; then
    torch_spec="torch==2.13.0+cpu"
fi
"$venv/bin/python" -m pip install -q numpy pytest safetensors "$torch_spec"
HXSIM_LIBRARY=$library HXSIM_CLI=$cli PYTHONPATH=$root/python \
    "$venv/bin/python" -m pytest -q -p no:cacheprovider "$root/python/tests"
