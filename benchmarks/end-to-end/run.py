#!/usr/bin/env python3
"""Images per second end to end, Yin-Yang and the convolutional MNIST network, as `hxsim bench`
measures them (issue 15, item 5): inference of the test set and one training epoch with the
chip in the loop on one simulated chip (fast path), beside the real chip's projected time for
the same executions. Each network runs RUNS times (default 3), alternating, each in a fresh
process (`hxsim bench --case`); every result is kept in benchmarks/end-to-end/results/, and the
medians and ranges go to benchmarks/end-to-end/results.md (also printed).

    python3 benchmarks/end-to-end/run.py [RUNS] [--data DIR]   # builds hxsim (release) first

MNIST is read from DIR (default: $HXSIM_DATASETS, then ../shared/datasets beside the checkout,
then /usr/share/datasets); without it the MNIST rows say why they are missing.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "benchmarks" / "end-to-end"
sys.path.insert(0, str(ROOT / "benchmarks"))
from machine import cpu_model  # noqa: E402  (benchmarks/machine.py)
NETWORKS = ["yinyang", "mnist"]
COLUMNS = [
    ("inferenceImages", "test images", "{:,.0f}"),
    ("inference", "inference, images/s", "{:,.0f}"),
    ("chipInference", "real chip (projected), images/s", "{:,.0f}"),
    ("trainingImages", "training images", "{:,.0f}"),
    ("training", "one epoch, chip in the loop, images/s", "{:,.0f}"),
    ("trainingSeconds", "epoch, s", "{:.1f}"),
    ("chipTraining", "real chip (projected), images/s", "{:,.0f}"),
]


def rates(m):
    """The measurement's counts and rates under the names of COLUMNS."""
    return {
        "inferenceImages": m["inferenceImages"], "trainingImages": m["trainingImages"],
        "inference": m["inferenceImages"] / m["inferenceSeconds"],
        "chipInference": m["inferenceImages"] / m["inferenceChipSeconds"],
        "training": m["trainingImages"] / m["trainingSeconds"],
        "trainingSeconds": m["trainingSeconds"],
        "chipTraining": m["trainingImages"] / m["trainingChipSeconds"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="?", type=int, default=3)
    parser.add_argument("--data", help="the data-set folder (holding mnist/)")
    arguments = parser.parse_args()
    if arguments.runs < 1:
        parser.error(f"RUNS is {arguments.runs}, expected at least 1")
    subprocess.run(["swift", "build", "-c", "release", "--product", "hxsim"], cwd=ROOT,
                   check=True, stdout=sys.stderr)
    hxsim = str(ROOT / ".build/release/hxsim")
    (OUT / "results").mkdir(parents=True, exist_ok=True)
    results = {network: [] for network in NETWORKS}
    missing = {}
    loads = []
    for run in range(1, arguments.runs + 1):
        for network in NETWORKS:
            if network in missing:
                continue
            print(f"end-to-end: {network}, run {run}/{arguments.runs}", file=sys.stderr)
            loads.append(os.getloadavg()[0])
            spec = json.dumps({"endToEnd": {"network": network, "repeats": 3,
                                            "data": arguments.data}})
            start = time.monotonic()
            done = subprocess.run([hxsim, "bench", "--quiet", "--case", spec], cwd=ROOT,
                                  check=True, capture_output=True, text=True)
            result = json.loads(done.stdout.splitlines()[-1])
            (OUT / "results" / f"run-{run}-{network}.json").write_text(
                json.dumps(result, indent=1) + "\n")
            if result.get("notMeasured"):
                missing[network] = result["notMeasured"]
                continue
            print(f"end-to-end: {network} took {time.monotonic() - start:.0f} s",
                  file=sys.stderr)
            results[network].append(rates(result["endToEnd"]))
    version = subprocess.run([hxsim, "--version"], capture_output=True, text=True,
                             check=True).stdout.strip().replace("\n", "; ")
    lines = [
        "# End to end: images per second on one simulated chip, beside the real chip",
        "",
        f"Written by `benchmarks/end-to-end/run.py` ({arguments.runs} runs of each network, "
        f"alternating, each `hxsim bench --case` in a fresh process; inference the median of "
        f"three passes over the test set in batches of 250, then one training epoch in the "
        f"task's mini-batches). {cpu_model()}, {os.cpu_count()} cores; {version}. Load average (1 min) "
        f"at the start of each run: {', '.join(f'{v:.2f}' for v in loads)}.",
        "",
        "Medians over the runs, the range in brackets. The real chip's time is projected from "
        "the event trains sent and its fixed cost per vector (HXApplications' "
        "`ProjectingExecutor`), for the same executions.",
        "",
        "| network | " + " | ".join(title for _, title, _ in COLUMNS) + " |",
        "| --- |" + " ---: |" * len(COLUMNS),
    ]
    for network in NETWORKS:
        if network in missing:
            lines.append(f"| {network} | not measured: {missing[network]} |"
                         + " |" * (len(COLUMNS) - 1))
            continue
        cells = []
        for key, _, fmt in COLUMNS:
            values = [r[key] for r in results[network]]
            median = fmt.format(statistics.median(values))
            spread = (f" ({fmt.format(min(values))}–{fmt.format(max(values))})"
                      if min(values) != max(values) else "")
            cells.append(median + spread)
        lines.append(f"| {network} | " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    (OUT / "results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
