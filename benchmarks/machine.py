"""The machine a benchmark ran on, as every result names it: the CPU and the OpenBLAS kernel
HXSim loads. Shared by the Python benchmarks (benchmarks/peers, benchmarks/bridge)."""

import os
import platform
import subprocess
import sys


def cpu_model():
    """The CPU's model name from /proc/cpuinfo (platform.processor() elsewhere)."""
    with open("/proc/cpuinfo", encoding="utf-8") as file:
        for line in file:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def hxsim_blas_kernel():
    """The 'Core' line OpenBLAS prints (OPENBLAS_VERBOSE=2) when HXSim loads it, in a child."""
    probe = ("import numpy as np, hxsim; "
             "hxsim.vmm(np.ones((2, 4), dtype=int), np.ones((4, 4), dtype=int))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=dict(os.environ, OPENBLAS_VERBOSE="2"), timeout=120, check=False)
    # numpy's own OpenBLAS prints its line first (at import); HXSim's comes last.
    for line in reversed(done.stdout.splitlines() + done.stderr.splitlines()):
        if "Core" in line:
            return line.strip()
    return "unknown (OpenBLAS printed no Core line)"
