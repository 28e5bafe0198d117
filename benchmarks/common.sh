# Shared by the benchmark scripts and scripts/regenerate-docs.sh; source it from the
# repository root (`. benchmarks/common.sh`, POSIX sh). Every result names the machine that
# made it: these functions say it one way.

# release_build PRODUCT: builds PRODUCT in release mode; the build's progress goes to stderr.
release_build() {
    swift build -c release --product "$1" >&2
}

# cpu_model: the CPU's model name, as /proc/cpuinfo gives it.
cpu_model() {
    grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'
}

# openblas_kernel COMMAND [ARGUMENT...]: the OpenBLAS core that COMMAND reports when it runs
# with OPENBLAS_VERBOSE=2 (its "Core: ..." line on stderr), or "unknown".
openblas_kernel() {
    kernel=$(OPENBLAS_VERBOSE=2 "$@" 2>&1 >/dev/null | sed -n 's/^Core: *//p' | head -1)
    echo "${kernel:-unknown}"
}

# hxsim_kernel HXSIM: the OpenBLAS kernel the hxsim command HXSIM uses, as its --version says
# (HXSim loads OpenBLAS only when it first multiplies, so a "Core:" line needs a command that
# does), or "unknown".
hxsim_kernel() {
    kernel=$("$1" --version 2>/dev/null | sed -n 's/.*OpenBLAS kernel \([^),]*\).*/\1/p')
    echo "${kernel:-unknown}"
}
