#!/usr/bin/env bash
# The peer comparison run RUNS times in each of the two settings of torch's idle OpenMP
# threads (the default, which spins, and OMP_WAIT_POLICY=PASSIVE), alternating, each run a
# fresh process of run.sh: aihwkit-lightning's time moves between runs (here between about
# 28 and 44 ms a batch) far more than within one, so one run says little. Writes
# repeats.md and repeats.json next to this script: every run, and per setting the range and
# median of each path's time and of HXSim's speed over aihwkit-lightning.
#
#   benchmarks/peers/repeat.sh [RUNS]        # default 6; about 5 s a run after the first
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
runs="${1:-6}"
case "$runs" in '' | *[!0-9]* | 0) echo "repeat.sh: RUNS must be a positive integer, got '$runs'" >&2; exit 2 ;; esac
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for run in $(seq 1 "$runs"); do
    for policy in default PASSIVE; do
        echo "repeat.sh: run $run/$runs, OMP_WAIT_POLICY $policy" >&2
        if [ "$policy" = PASSIVE ]; then
            OMP_WAIT_POLICY=PASSIVE "$here/run.sh" > /dev/null 2> "$work/log"
        else
            env -u OMP_WAIT_POLICY "$here/run.sh" > /dev/null 2> "$work/log"
        fi
        cp "$here/results.json" "$work/$policy-$run.json"
    done
done
python3 - "$work" "$here" <<'PY'
import json
import statistics
import sys
from pathlib import Path

work, here = Path(sys.argv[1]), Path(sys.argv[2])
runs = [json.loads(p.read_text()) for p in sorted(work.glob("*.json"))]
first = runs[0]
paths = [row["path"] for row in first["rows"]]
summary = {"cpu": first["cpu"], "threads": first["threads"], "batch": first["batch"],
           "hxsim_blas_kernel": first["hxsim_blas_kernel"], "torch": first["torch"],
           "goal_hxsim_over_aihwkit": first["goal_hxsim_over_aihwkit"], "settings": {}}
lines = [f"# The peer comparison, {len(runs) // 2} runs in each setting",
         "",
         f"Written by `benchmarks/peers/repeat.sh`: each run is `benchmarks/peers/run.sh` "
         f"(batch {first['batch']}, 128 × 256, {first['threads']} threads, medians of "
         f"{first['rounds']} interleaved rounds) in a fresh process. CPU {first['cpu']}; "
         f"HXSim's OpenBLAS kernel {first['hxsim_blas_kernel'].removeprefix('Core: ')}; torch {first['torch']}.",
         ""]
for policy in ("default", "PASSIVE"):
    chosen = [r for r in runs if r["omp_wait_policy"] == policy]
    times = {p: [next(row["ms_per_batch"] for row in r["rows"] if row["path"] == p)
                 for r in chosen] for p in paths}
    ratios = [r["hxsim_over_aihwkit"] for r in chosen]
    summary["settings"][policy] = {
        "runs": len(chosen), "ms_per_batch": times, "hxsim_over_aihwkit": ratios,
        "median_hxsim_over_aihwkit": statistics.median(ratios)}
    lines += [f"## OMP_WAIT_POLICY {policy}", "",
              "| run | load average (1 min) | " + " | ".join(f"{p}, ms" for p in paths)
              + " | HXSim over aihwkit-lightning |",
              "| ---: | ---: | " + " | ".join("---:" for _ in paths) + " | ---: |"]
    for i, r in enumerate(chosen):
        lines.append(f"| {i + 1} | {r['load_average'][0]:.2f} | "
                     + " | ".join(f"{times[p][i]:.2f}" for p in paths) + f" | {ratios[i]:.2f} |")
    lines.append("| median | | " + " | ".join(f"{statistics.median(times[p]):.2f}" for p in paths)
                 + f" | {statistics.median(ratios):.2f} |")
    lines.append(f"| range | | " + " | ".join(f"{min(times[p]):.2f}–{max(times[p]):.2f}"
                                           for p in paths)
                 + f" | {min(ratios):.2f}–{max(ratios):.2f} |")
    lines.append("")
lines.append(f"Goal: HXSim ≥ {first['goal_hxsim_over_aihwkit']:g} × aihwkit-lightning's speed.")
(here / "repeats.json").write_text(json.dumps(summary, indent=1) + "\n")
(here / "repeats.md").write_text("\n".join(lines) + "\n")
print("\n".join(lines))
PY
