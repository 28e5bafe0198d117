#!/usr/bin/env python3
"""The keys of the speed issue, measured as a user runs them: `hxsim bench --quick --json`
RUNS times back to back (default 3), each summary kept in benchmarks/quick/results/, then the
median and range of every key in a Markdown table (benchmarks/quick/results.md, also printed).

    python3 benchmarks/quick/run.py [RUNS]      # builds hxsim in release mode first

The machine, the CPU's model, the OpenBLAS kernel and the load average come from the summaries.
"""
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "benchmarks" / "quick"
KEYS = [
    ("fast_over_sgemm", "fast path / raw sgemm, batch 10,000, 2 threads", "≥ 0.6"),
    ("fast_over_sgemm_1_thread", "the same, 1 thread", "≥ 0.6"),
    ("fast_over_sgemm_batch_100", "the same at batch 100, 2 threads", "≥ 0.6"),
    ("fast_over_sgemm_batch_100_1_thread", "the same at batch 100, 1 thread", "≥ 0.6"),
    ("matmul_over_executor", "front-end matmul / executor, 128 × 256, batch 2,000", "≤ 1.2"),
    ("gsl_ms_per_vmm", "GSL reference, piecewise scheme, ms per full VMM", "≤ 3"),
    ("gsl_plain_ms_per_vmm", "plain gsl_odeiv2, ms per full VMM (its check)", ""),
    ("fast_vmm_per_s_1_thread", "fast path, VMM/s, 1 thread", ""),
    ("sgemm_vmm_per_s_1_thread", "raw sgemm, VMM/s, 1 thread", ""),
    ("end_to_end.yinyang.inference_images_per_s", "Yin-Yang inference, images/s", ""),
    ("end_to_end.yinyang.training_images_per_s", "Yin-Yang training with the chip in the loop, "
     "images/s", ""),
    ("end_to_end.yinyang.chip_inference_images_per_s", "the real chip's projected inference, "
     "images/s", ""),
]


def value(summary, key):
    """A key of the summary; dots go into nested objects."""
    for part in key.split("."):
        summary = summary[part]
    return summary


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    subprocess.run(["swift", "build", "-c", "release", "--product", "hxsim"], cwd=ROOT,
                   check=True, stdout=sys.stderr)
    (OUT / "results").mkdir(parents=True, exist_ok=True)
    summaries = []
    for run in range(1, runs + 1):
        print(f"quick: run {run}/{runs}", file=sys.stderr)
        done = subprocess.run([str(ROOT / ".build/release/hxsim"), "bench", "--quick", "--json",
                               "--quiet"], cwd=ROOT, check=True, capture_output=True, text=True)
        summary = json.loads(done.stdout)
        (OUT / "results" / f"run-{run}.json").write_text(json.dumps(summary, indent=1) + "\n")
        summaries.append(summary)
    first = summaries[0]
    stages = {k: statistics.median(s["fast_stages_us_per_vmm"][k] for s in summaries)
              for k in first["fast_stages_us_per_vmm"]}
    version = subprocess.run([str(ROOT / ".build/release/hxsim"), "--version"],
                             capture_output=True, text=True).stdout.strip()
    lines = [
        "# The speed keys, as a user runs them",
        "",
        f"Written by `benchmarks/quick/run.py` ({runs} × `hxsim bench --quick --json`, back to "
        f"back): {first['cpu']}, {first['cores']} cores, OpenBLAS kernel {first['blas_kernel']} "
        f"(OpenBLAS's own choice {first['blas_kernel_openblas_choice']}, HXSim's pick "
        f"{first['blas_kernel_pick']}), {version}. Load average (1 and 5 min) at the start of "
        f"each run: {', '.join(str(s['load_average']) for s in summaries)}.",
        "",
        "| key | what | median | range | goal |",
        "| --- | --- | ---: | ---: | --- |",
    ]
    for key, what, goal in KEYS:
        values = [value(s, key) for s in summaries]
        fmt = (lambda v: f"{v:,.0f}") if "per_s" in key else (lambda v: f"{v:.3g}")
        lines.append(f"| `{key}` | {what} | {fmt(statistics.median(values))} | "
                     f"{fmt(min(values))}–{fmt(max(values))} | {goal} |")
    lines += ["", "Fast path stages, µs per VMM (1 thread, batch 10,000; medians): " +
              ", ".join(f"{k} {v:.2f}" for k, v in stages.items()) + "."]
    text = "\n".join(lines) + "\n"
    (OUT / "results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
