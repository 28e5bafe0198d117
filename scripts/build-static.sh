#!/usr/bin/env bash
# Builds a self-contained hxsim for machines without a Swift toolchain (cluster nodes): the
# Swift standard library, Foundation and Dispatch are linked in statically
# (--static-swift-stdlib), and the numerical kernels are compiled for the generic x86-64
# baseline (HXSIM_PORTABLE=1), so the binary runs on any x86-64 node, not only on CPUs like the
# build machine's. What remains dynamic are the C libraries of the system: GSL (libgsl,
# libgslcblas), OpenBLAS (libopenblas), zlib (libz) and the C/C++ runtime (libc, libm,
# libstdc++, libgcc_s). The script then checks the binary: no Swift library among its
# dependencies (ldd), and it runs with an environment scrubbed of the toolchain.
#
#   scripts/build-static.sh [DIR]          # builds DIR/hxsim (default dist/) and checks it
#   scripts/build-static.sh --check BIN    # only the check, for a binary built elsewhere
set -euo pipefail
cd "$(dirname "$0")/.."

check() {
    local binary=$1
    echo "== checking $binary" >&2
    local libraries
    libraries=$(ldd "$binary")
    if printf '%s\n' "$libraries" | grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime|lib_FoundationICU|not found'; then
        echo "FAIL: $binary needs the Swift runtime or a missing library (above)" >&2
        exit 1
    fi
    echo "shared libraries it needs (all from the system's packages):" >&2
    printf '%s\n' "$libraries" | awk '{print "  " $1}' >&2
    # A scrubbed environment: no toolchain on PATH or LD_LIBRARY_PATH, a foreign directory.
    local work
    work=$(mktemp -d)
    printf '15,15,15\n0,31,7\n' > "$work/x.csv"
    printf '21,-3\n21,5\n21,-63\n' > "$work/w.csv"
    (cd "$work" && env -i PATH=/usr/bin:/bin HOME="$work" "$binary" --version >&2)
    if ! (cd "$work" && env -i PATH=/usr/bin:/bin HOME="$work" "$binary" vmm --inputs x.csv \
        --weights w.csv --quiet > y.csv); then
        echo "FAIL: $binary does not run without the toolchain" >&2
        exit 1
    fi
    [ "$(wc -l < "$work/y.csv")" -eq 2 ] || { echo "FAIL: unexpected vmm output" >&2; exit 1; }
    rm -rf "$work"
    echo "OK: $binary runs without the Swift toolchain" >&2
}

if [ "${1:-}" = "--check" ]; then
    check "$(readlink -f "$2")"
    exit 0
fi

out=${1:-dist}
./scripts/install-deps.sh
# A build path of its own: the static, portable flags would otherwise rebuild .build/release.
HXSIM_PORTABLE=1 swift build -c release --static-swift-stdlib --product hxsim \
    --build-path .build-static
bin=$(HXSIM_PORTABLE=1 swift build -c release --static-swift-stdlib --build-path .build-static \
    --show-bin-path)
mkdir -p "$out"
cp "$bin/hxsim" "$out/hxsim"
strip "$out/hxsim" 2>/dev/null || true
check "$(readlink -f "$out/hxsim")"
ls -l "$out/hxsim" >&2
