"""What the Python bridge adds to a physics-mode matmul, measured side by side in one process.

For each round, in alternating order: the time of ``hxsim.torch.matmul(x, w)`` as a PyTorch
user calls it (tensor checks, the autograd function, ctypes, copies in and out), and the time of
the same call from Swift (``hxsim_benchmark_matmul``: HXNetwork's ``matmul`` on tensors built
beforehand, timed inside the library), on the same context and chips. Two clocks:

- the calling thread's CPU time, with the simulator on that one thread (``threads=1``): all the
  work of both calls happens on the calling thread (OpenBLAS runs on its caller), so this
  measures the work itself and stays meaningful on a machine whose cores other jobs share;
- the wall time with the simulator on every core, as a user runs it (noisy on a busy machine).

Reports medians, the overhead (Python / Swift − 1) of the medians and the median of the paired
ratios, the CPU, the OpenBLAS kernel and the load average; writes JSON.

    python benchmarks/bridge/bridge_overhead.py --rounds 41 --json benchmarks/bridge/results.json

Needs the release library (swift build -c release --product HXSimC) and torch; run with
PYTHONPATH=python (or the package installed) and HXSIM_LIBRARY if the library is elsewhere.
"""

import argparse
import ctypes
import json
import os
import platform
import statistics
import sys
import time

import torch

import hxsim
import hxsim.torch as ht
from hxsim import _library

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from machine import cpu_model, hxsim_blas_kernel  # noqa: E402  (benchmarks/machine.py)


def swift_time(context, x, w, num_sends, wait, clock):
    seconds, cpu = (ctypes.c_double * 1)(), (ctypes.c_double * 1)()
    _library.call("hxsim_benchmark_matmul", context.handle, -1, x.data_ptr(), x.shape[0],
                  x.shape[1], w.data_ptr(), w.shape[1], num_sends, wait, 1, seconds, cpu)
    return cpu[0] if clock == "cpu" else seconds[0]


def python_time(x, w, num_sends, wait, clock):
    now = time.thread_time if clock == "cpu" else time.perf_counter
    start = now()
    ht.matmul(x, w, num_sends=num_sends, wait_between_events=wait)
    return now() - start


def measure(batch, rows, columns, chips, rounds, seed, num_sends, wait, requires_grad, clock):
    context = ht.init(mode="physics", seed=seed, chips=chips,
                      threads=1 if clock == "cpu" else None)
    generator = torch.Generator().manual_seed(seed)
    x = torch.randint(0, 32, (batch, rows), generator=generator).float()
    w = torch.randint(-63, 64, (rows, columns), generator=generator).float()
    if requires_grad:
        x.requires_grad_(True)
        w.requires_grad_(True)
    for _ in range(3):  # warm up both paths (first-touch of buffers, BLAS threads)
        python_time(x, w, num_sends, wait, clock)
        swift_time(context, x.detach(), w.detach(), num_sends, wait, clock)
    python, swift = [], []
    for index in range(rounds):
        if index % 2 == 0:
            python.append(python_time(x, w, num_sends, wait, clock))
            swift.append(swift_time(context, x.detach(), w.detach(), num_sends, wait, clock))
        else:
            swift.append(swift_time(context, x.detach(), w.detach(), num_sends, wait, clock))
            python.append(python_time(x, w, num_sends, wait, clock))
    ht.release()
    ratios = [p / s for p, s in zip(python, swift)]
    return {
        "clock": clock, "batch": batch, "rows": rows, "columns": columns, "chips": chips,
        "requires_grad": requires_grad, "rounds": rounds,
        "python_median_ms": 1e3 * statistics.median(python),
        "swift_median_ms": 1e3 * statistics.median(swift),
        "overhead_of_medians": statistics.median(python) / statistics.median(swift) - 1,
        "median_of_paired_ratios": statistics.median(ratios) - 1,
        "python_min_ms": 1e3 * min(python), "swift_min_ms": 1e3 * min(swift),
    }


def repository_path(path):
    """`path` relative to the repository when it lies inside it (results name no machine's
    folders), else as it is."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    absolute = os.path.abspath(str(path))
    return os.path.relpath(absolute, root) if absolute.startswith(root + os.sep) else absolute


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=41)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", default=None, help="write the results here")
    parser.add_argument("--quiet", action="store_true")
    arguments = parser.parse_args()
    shapes = [  # (rows, columns, chips): one hemisphere; MNIST's 500 → 128 over 4 blocks
        (128, 256, 1), (500, 128, 1)]
    results = {
        "cpu": cpu_model(), "cores": os.cpu_count(), "openblas": hxsim_blas_kernel(),
        "load_average": os.getloadavg(), "library": repository_path(hxsim.library_path()),
        "torch": torch.__version__, "python": platform.python_version(), "cases": [],
    }
    for clock in ("cpu", "wall"):
        for rows, columns, chips in shapes:
            for requires_grad in (False, True):
                case = measure(arguments.batch, rows, columns, chips, arguments.rounds,
                               arguments.seed, 1, 5, requires_grad, clock)
                results["cases"].append(case)
                if not arguments.quiet:
                    print(f"{clock}: batch {case['batch']}, {rows} × {columns}, grad "
                          f"{requires_grad}: Python {case['python_median_ms']:.3f} ms, Swift "
                          f"{case['swift_median_ms']:.3f} ms, overhead "
                          f"{100 * case['overhead_of_medians']:+.1f} % (paired "
                          f"{100 * case['median_of_paired_ratios']:+.1f} %)", file=sys.stderr)
    results["load_average_after"] = os.getloadavg()
    text = json.dumps(results, indent=2)
    if arguments.json:
        with open(arguments.json, "w", encoding="utf-8") as file:
            file.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
