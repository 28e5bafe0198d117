#!/usr/bin/env python3
"""Summarises the JSON reports of `hxsim train TASK --json` in a results folder (run.sh writes
them): results.md (accuracy per back end per task, mean ± σ over chip seeds, with wall time and
the real chip's projected rate), results.csv (one row per task, back end and chip seed) and
accuracy.svg (grouped bars with σ whiskers). Standard library only."""
import json
import os
import sys

BACKENDS = [
    ("software", "software"),
    ("mock", "mock"),
    ("physics_deployed", "chip, uncalibrated"),
    ("physics_calibrated", "chip, calibrated"),
    ("physics_hil", "chip in the loop"),
]
ORDER = ["yinyang", "mnist", "fashion-mnist", "digits", "basicmotions", "uci-har"]


def load(folder):
    reports = {}
    for name in os.listdir(folder):
        if name.endswith(".json") and not name.endswith(".model.json") \
                and not name.endswith(".time.json") and ".hil-chip" not in name:
            with open(os.path.join(folder, name)) as handle:
                report = json.load(handle)
            if "task" in report:
                timing = os.path.join(folder, report["task"] + ".time.json")
                if os.path.exists(timing):
                    with open(timing) as handle:
                        report["time"] = json.load(handle)
                load_file = os.path.join(folder, report["task"] + ".load")
                if os.path.exists(load_file):
                    report["load"] = open(load_file).read().strip()
                reports[report["task"]] = report
    return [reports[t] for t in ORDER if t in reports]


def per_chip(report, key):
    if key == "software":
        return [report["software"]] * len(report["chips"])
    mapping = {"mock": "mock", "physics_deployed": "physicsDeployed",
               "physics_calibrated": "physicsCalibrated", "physics_hil": "physicsHIL"}
    return [chip.get(mapping[key]) for chip in report["chips"]]


def markdown(reports):
    lines = ["| task | chips | " + " | ".join(label for _, label in BACKENDS)
             + " | wall s (user + sys) | load at end | sim. samples/s (inference) | real chip samples/s (projected) |",
             "| --- | ---: |" + " ---: |" * len(BACKENDS) + " ---: | ---: | ---: | ---: |"]
    for report in reports:
        cells = []
        for key, _ in BACKENDS:
            if key not in report or report[key] is None:
                cells.append("")
                continue
            sigma = report["std"].get(key, 0.0)
            cells.append("%.2f ± %.2f" % (100 * report[key], 100 * sigma)
                         if key != "software" else "%.2f" % (100 * report[key]))
        time = report.get("time")
        wall = ("%.0f (%.0f)" % (time["wall"], time["user"] + time["system"])) if time else \
            "%.0f" % report["seconds"].get("total", 0)
        inference = [r for r in report.get("runtime", []) if r["stage"] == "inference"]
        sim_rate = chip_rate = ""
        if inference:
            r = inference[0]
            host = sum(r["hostSeconds"].values())
            chip = sum(r["chipSeconds"])
            sim_rate = "%.0f" % (r["samples"] / host) if host > 0 else ""
            chip_rate = "%.0f" % (r["samples"] / chip) if chip > 0 else ""
        seeds = ",".join(str(c["chipSeed"]) for c in report["chips"])
        lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            report["task"], seeds, " | ".join(cells), wall, report.get("load", ""), sim_rate,
            chip_rate))
    return "\n".join(lines) + "\n"


def csv(reports):
    rows = ["task,backend,chip_seed,test_accuracy"]
    for report in reports:
        for key, _ in BACKENDS:
            for chip, value in zip(report["chips"], per_chip(report, key)):
                if value is not None:
                    rows.append("%s,%s,%d,%.6f" % (report["task"], key, chip["chipSeed"], value))
    return "\n".join(rows) + "\n"


def svg(reports):
    colors = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f"]
    width, left, top, bottom = 860, 60, 40, 80
    height = 360
    plot_h = height - top - bottom
    group = (width - left - 20) / max(len(reports), 1)
    bar = group / (len(BACKENDS) + 1)
    low = 50.0
    def y(value):
        return top + plot_h * (1 - (max(value, low) - low) / (100 - low))
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif">' % (width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="22" font-size="15" text-anchor="middle">Test accuracy per back end '
           '(mean ± σ over chip seeds)</text>' % (width / 2)]
    for tick in range(50, 101, 10):
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>' % (left, width - 20, y(tick), y(tick)))
        out.append('<text x="%d" y="%.1f" font-size="11" text-anchor="end">%d %%</text>' % (left - 5, y(tick) + 4, tick))
    for g, report in enumerate(reports):
        x0 = left + g * group + bar / 2
        for b, (key, _) in enumerate(BACKENDS):
            value = report.get(key)
            if value is None:
                continue
            mean, sigma = 100 * value, 100 * report["std"].get(key, 0.0)
            x = x0 + b * bar
            out.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s %.2f ± %.2f %%</title></rect>'
                       % (x, y(mean), bar * 0.9, y(low) - y(mean), colors[b], report["task"], key, mean, sigma))
            if sigma > 0:
                cx = x + bar * 0.45
                out.append('<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="black"/>' % (cx, cx, y(mean - sigma), y(mean + sigma)))
        out.append('<text x="%.1f" y="%d" font-size="12" text-anchor="middle">%s</text>'
                   % (left + g * group + group / 2, height - bottom + 18, report["task"]))
    for b, (_, label) in enumerate(BACKENDS):
        lx = left + b * 150
        out.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>' % (lx, height - 30, colors[b]))
        out.append('<text x="%d" y="%d" font-size="11">%s</text>' % (lx + 16, height - 20, label))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "results")
    reports = load(folder)
    if not reports:
        sys.exit("no reports in %s" % folder)
    for name, text in [("results.md", markdown(reports)), ("results.csv", csv(reports)),
                       ("accuracy.svg", svg(reports))]:
        path = os.path.join(folder, name)
        with open(path + ".tmp", "w") as handle:
            handle.write(text)
        os.replace(path + ".tmp", path)
    sys.stdout.write(markdown(reports))


if __name__ == "__main__":
    main()
