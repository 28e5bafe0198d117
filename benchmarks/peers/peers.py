"""aihwkit-lightning, torch.matmul and HXSim's fast path on one layer, side by side.

The workload is the benchmark suite's: a 128 × 256 layer (one hemisphere of the chip), 10,000
input vectors of activations 0…31, signed weights −63…63, fixed seeds. Three ways to compute it,
timed in rounds in one process (each path once per round, the order rotating), medians over
the rounds:

- ``aihwkit-lightning``: ``AnalogLinear(128, 256)`` with a ``TorchInferenceRPUConfig`` whose
  forward pass has 5-bit input quantisation, Gaussian output noise and 8-bit output (ADC)
  quantisation, in training mode (``.train()``) so that the noise is drawn, under
  ``torch.no_grad()`` (forward only, as HXSim's call);
- ``torch.matmul``: the plain float product of the same shape, the floor of any simulator that
  runs on torch;
- ``HXSim``: ``hxsim.Chip.execute`` (the release C library): the fast path's full physics model
  with read noise and CADC, weights written once before the timing, as on the chip.

Threads: torch gets ``--threads`` intra-op threads; HXSim's chip runs on every core the process
may use, so ``--threads`` also pins the process to that many cores (``sched_setaffinity``)
before anything starts. Prints and writes a table with the CPU, the OpenBLAS kernel HXSim uses,
torch's BLAS, the load average and ``OMP_WAIT_POLICY``: by default torch's OpenMP threads keep
spinning for a while after each of its calls, on the cores the next path needs; with
``OMP_WAIT_POLICY=PASSIVE`` in the environment they sleep at once (it must be set before torch
loads, so it is read from the environment, not an option).
"""

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import torch

import hxsim

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from machine import cpu_model, hxsim_blas_kernel  # noqa: E402  (benchmarks/machine.py)

# The repository root: paths in the results are relative to it, not to the machine.
REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

BATCH = 10_000
ROWS = 128
COLUMNS = 256


def analog_layer(weights):
    """aihwkit-lightning's layer with output noise and output quantisation on."""
    from aihwkit_lightning.nn import AnalogLinear
    from aihwkit_lightning.simulator.configs import TorchInferenceRPUConfig

    config = TorchInferenceRPUConfig()
    forward = config.forward
    notes = []
    # 5-bit inputs (0…31), as the chip's activations.
    forward.inp_res = 2**5 - 2
    # Output noise: HXSim's read noise is ≈ 1.2 LSB of the ±128-code range, ≈ 1 % of it.
    forward.out_noise = 0.01
    # ADC: 8-bit outputs over ±out_bound. aihwkit-lightning quantises outputs only with a
    # bound and its input range (pre_post.input_range) on.
    forward.out_bound = 10.0
    forward.out_res = 2**8 - 2
    config.pre_post.input_range.enable = True
    notes.append("inp_res 30 (5-bit), out_noise 0.01, out_bound 10, out_res 254 (8-bit), "
                 "input range on; training mode, no_grad")
    layer = AnalogLinear(ROWS, COLUMNS, bias=False, rpu_config=config)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(weights.T.astype(np.float32)))
    layer.train()
    return layer, notes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--json")
    parser.add_argument("--markdown")
    arguments = parser.parse_args()

    cores = sorted(os.sched_getaffinity(0))[: arguments.threads]
    os.sched_setaffinity(0, cores)
    torch.set_num_threads(arguments.threads)

    rng = np.random.default_rng(1)
    inputs = rng.integers(0, 32, size=(BATCH, ROWS), dtype=np.int32)
    weights = rng.integers(-63, 64, size=(ROWS, COLUMNS), dtype=np.int32)
    x = torch.from_numpy(inputs.astype(np.float32))
    w = torch.from_numpy(weights.astype(np.float32))
    x_analog = x / 31  # aihwkit's inputs in [0, 1]

    layer, notes = analog_layer(weights)
    chip = hxsim.Chip(seed=1)
    chip.write_weights(weights)

    def run_aihwkit():
        with torch.no_grad():
            return layer(x_analog)

    def run_matmul():
        return torch.matmul(x, w)

    def run_hxsim():
        return chip.execute(inputs)

    paths = {"aihwkit-lightning": run_aihwkit, "torch.matmul": run_matmul, "HXSim fast path":
             run_hxsim}
    for function in paths.values():  # warm-up: allocations, thread pools, first draws
        function()
    samples = {name: [] for name in paths}
    names = list(paths)
    for round_index in range(arguments.rounds):
        order = names[round_index % len(names):] + names[: round_index % len(names)]
        for name in order:
            start = time.perf_counter()
            paths[name]()
            samples[name].append(time.perf_counter() - start)
        print(f"round {round_index + 1}/{arguments.rounds}", file=sys.stderr)

    medians = {name: statistics.median(values) for name, values in samples.items()}
    aihwkit = medians["aihwkit-lightning"]
    rows = []
    for name in names:
        seconds = medians[name]
        rows.append({
            "path": name, "ms_per_batch": seconds * 1e3, "vmm_per_s": BATCH / seconds,
            "speed_over_aihwkit": aihwkit / seconds,
        })
    blas_kernel = hxsim_blas_kernel()
    result = {
        "batch": BATCH, "shape": [ROWS, COLUMNS], "threads": arguments.threads,
        "rounds": arguments.rounds, "cpu": cpu_model(), "torch": torch.__version__,
        "torch_config": torch.__config__.show(),
        "hxsim_library": os.path.relpath(str(hxsim.library_path()), REPOSITORY), "hxsim_blas_kernel": blas_kernel,
        "aihwkit_notes": notes, "load_average": os.getloadavg(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "default"), "rows": rows,
        "goal_hxsim_over_aihwkit": 3.0,
        "hxsim_over_aihwkit": aihwkit / medians["HXSim fast path"],
    }
    lines = [
        f"Batch {BATCH}, {ROWS} × {COLUMNS}, {arguments.threads} threads, medians of "
        f"{arguments.rounds} rounds; CPU {result['cpu']}; HXSim's OpenBLAS {blas_kernel}; "
        f"torch {torch.__version__}; "
        f"load average {', '.join(f'{v:.2f}' for v in result['load_average'])}; "
        f"OMP_WAIT_POLICY {result['omp_wait_policy']}.",
        "",
        "| path | ms per batch | VMM/s | speed over aihwkit-lightning |",
        "| --- | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(f"| {row['path']} | {row['ms_per_batch']:.2f} | {row['vmm_per_s']:.0f} | "
                     f"{row['speed_over_aihwkit']:.2f} |")
    lines += ["", "aihwkit-lightning: " + "; ".join(notes)]
    text = "\n".join(lines) + "\n"
    print(text)
    if arguments.json:
        with open(arguments.json, "w", encoding="utf-8") as file:
            json.dump(result, file, indent=2)
    if arguments.markdown:
        with open(arguments.markdown, "w", encoding="utf-8") as file:
            file.write(text)


if __name__ == "__main__":
    main()
