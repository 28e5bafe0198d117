#!/usr/bin/env python3
"""The table of benchmarks/backward/: per task, the test accuracy after fine-tuning with the
chip in the loop for each variant (mean ± σ over chip seeds, and per seed), the deployed
network before fine-tuning, and the gap to the calibrated reference.

    python3 benchmarks/backward/summarize.py benchmarks/backward/results
"""
import json
import math
import sys
from pathlib import Path

VARIANTS = [
    ("calibrated-hxtorch", "calibrated chip, hxtorch's backward (reference)"),
    ("uncalibrated-hxtorch", "uncalibrated chip, hxtorch's backward"),
    ("uncalibrated-chip", "uncalibrated chip, chip-aware backward"),
]


def stats(values):
    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0
    return mean, sd


def main():
    folder = Path(sys.argv[1])
    lines = [
        "| task | variant | deployed % | fine-tuned % | σ | gap to reference (points) | per chip seed % |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    csv = ["task,variant,chip_seed,deployed,calibrated,fine_tuned"]
    for task in ("yinyang", "mnist"):
        reports = {}
        for key, _ in VARIANTS:
            path = folder / f"{task}-{key}.json"
            if path.exists():
                reports[key] = json.loads(path.read_text())
        if "calibrated-hxtorch" not in reports:
            continue
        reference = {c["chipSeed"]: c["physicsHIL"] for c in reports["calibrated-hxtorch"]["chips"]}
        for key, label in VARIANTS:
            if key not in reports:
                continue
            chips = reports[key]["chips"]
            tuned = [100 * c["physicsHIL"] for c in chips]
            deployed = [
                100 * (c["physicsCalibrated"] if c.get("physicsCalibrated") is not None
                       else c["physicsDeployed"])
                for c in chips
            ]
            gaps = [100 * (reference[c["chipSeed"]] - c["physicsHIL"]) for c in chips]
            mean, sd = stats(tuned)
            gap, gap_sd = stats(gaps)
            per_seed = ", ".join(f"{c['chipSeed']}: {100 * c['physicsHIL']:.2f}" for c in chips)
            lines.append(
                f"| {task} | {label} | {stats(deployed)[0]:.2f} | {mean:.2f} | {sd:.2f} | "
                f"{gap:+.2f} ± {gap_sd:.2f} | {per_seed} |"
            )
            for c in chips:
                csv.append(
                    f"{task},{key},{c['chipSeed']},{c['physicsDeployed']},"
                    f"{c.get('physicsCalibrated') or ''},{c['physicsHIL']}"
                )
    (folder / "results.md").write_text("\n".join(lines) + "\n")
    (folder / "results.csv").write_text("\n".join(csv) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
