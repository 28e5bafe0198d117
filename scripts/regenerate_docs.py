#!/usr/bin/env python3
"""Rewrites the generated blocks of the README and the docs from result files.

Every number the README and docs/ quote from a measurement stands between markers

    <!-- generated: NAME -->
    ...
    <!-- /generated -->

and this script writes each block from the files a command produced (scripts/regenerate-docs.sh
runs the commands), with the machine, the BLAS kernel, the date and the command that made it.
A block whose source is not given is left as it is. Standard library only.

    regenerate_docs.py --target DIR [--stamp FILE] [--demo DIR] [--bench FILE]
        [--calibration FILE] [--applications DIR] [--sweeps DIR] [--sweeps-seconds S]
        [--check]

--check rewrites nothing and exits 1 when a block of a given source would change.
"""
import argparse
import csv
import json
import os
import re
import subprocess
import sys

# The files whose blocks are rewritten, relative to the target folder.
DOCUMENTS = [
    "README.md", "docs/MODEL.md", "benchmarks/README.md", "benchmarks/sweeps/README.md",
    "calibration/README.md",
]
BLOCK = re.compile(r"(<!-- generated: ([\w-]+) -->\n)(.*?)(<!-- /generated -->)", re.S)


def stamp_text(stamp, command):
    """One italic line naming where, when and how a block was made."""
    if stamp.get("reused"):
        return "*From the committed results of %s (%s; %s).*" % (
            command, stamp.get("machine", "machine not recorded"), stamp.get("date", "date unknown"))
    return "*Measured on %s, OpenBLAS kernel %s, %s, commit %s, by `%s`%s.*" % (
        stamp["machine"], stamp["kernel"], stamp["date"], stamp["commit"], command,
        " (quick mode: smaller runs, not the published numbers)" if stamp.get("quick") else "")


def bench_kernel(summary_path, summary):
    """The OpenBLAS kernel of an `hxsim bench` run: the summary's key, or for results written
    before it had one, the kernel named in results.json's description of the machine."""
    if summary.get("blas_kernel"):
        return summary["blas_kernel"]
    results = os.path.join(os.path.dirname(summary_path), "results.json")
    if os.path.exists(results):
        described = json.load(open(results)).get("machine", {}).get("openBLAS", "")
        match = re.search(r"kernel (\w+)", described)
        if match:
            return match.group(1)
    return "not recorded"


def table_rows(path):
    """The body rows of the first Markdown table in `path`, as lists of cells."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line.startswith("|"):
                if rows:
                    break
                continue
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue
            rows.append(cells)
    return rows[1:]  # without the header


def number(text):
    match = re.search(r"[-+−]?\d+(?:\.\d+)?(?:e[-+]?\d+)?", text.replace("−", "-"))
    if not match:
        raise ValueError("no number in %r" % text)
    return float(match.group(0))


def anchors_block(demo, stamp):
    rows = {r[0]: r for r in table_rows(os.path.join(demo, "anchors.md"))}

    def measured(prefix):
        for key, row in rows.items():
            if key.startswith(prefix):
                return row[2]
        raise KeyError(prefix)
    gain = number(measured("measureMockParameter gain"))
    noise = number(measured("measureMockParameter noise"))
    median = number(measured("100 × [15]"))
    linear = measured("linear output range")
    numbers = re.findall(r"[-+]?\d+(?:\.\d+)?", linear.replace("±", ""))
    return (
        "- **The anchors of the specification** (`hxsim demo`,\n"
        "  [docs/figures/anchors.md](docs/figures/anchors.md)): hxtorch's `measure_mock_parameter` on\n"
        "  the default chip gives gain %.5f and noise %.2f LSB (hxtorch: 0.002 and 2.0); 100 inputs\n"
        "  of 15 with weights 21 give a median output of %.1f (55…63); the transfer curve\n"
        "  ([docs/figures/transfer-curve.svg](docs/figures/transfer-curve.svg)) is linear to ±%s LSB\n"
        "  and saturates at %s / %s LSB. %s\n"
        % (gain, noise, median, numbers[0], numbers[1], numbers[2],
           stamp_text(stamp, "hxsim demo")))


def yinyang_block(demo, stamp):
    rows = table_rows(os.path.join(demo, "yinyang.md"))
    values = {}
    for row in rows:
        label = row[0]
        key = ("software" if label.startswith("software") else
               "mock" if label.startswith("mock") else
               "uncalibrated" if "uncalibrated" in label else
               "loop" if "in the loop" in label else
               "calibrated" if "calibrated" in label else None)
        if key:
            values[key] = number(row[1])
    if all(v <= 1 for v in values.values()):  # fractions (tables of earlier versions)
        values = {k: 100 * v for k, v in values.items()}
    calibrated = (", calibrated %.1f %%" % values["calibrated"]) if "calibrated" in values else ""
    return (
        "- **Yin-Yang** (`hxsim train yinyang`, run by `hxsim demo`,\n"
        "  [docs/figures/yinyang.md](docs/figures/yinyang.md)): the network trained in software\n"
        "  reaches %.1f %%, %.1f %% on hxtorch's mock; deployed on the uncalibrated chip it reaches\n"
        "  %.1f %%%s; fine-tuned with the %s chip in the loop %.1f %%. %s\n"
        % (values["software"], values["mock"], values["uncalibrated"], calibrated,
           "calibrated" if calibrated else "uncalibrated", values["loop"],
           stamp_text(stamp, "hxsim demo")))


def fastpath_block(summary, stamp):
    return (
        "- **Physics against closed forms**: the GSL integration of the linear chain matches the\n"
        "  closed form to 1 µV, with and without the pseudo-leak (a bound checked by\n"
        "  `swift test --filter ClosedFormTests`); before quantisation and without noise, the fast\n"
        "  path stays within %.4f LSB RMS of GSL where the model is separable, %.3f LSB RMS with\n"
        "  every nonlinearity on and %.3f LSB RMS deep in saturation (`hxsim bench`). %s\n"
        % (summary["fast_vs_gsl_rms_lsb"], summary["fast_vs_gsl_rms_lsb_nonlinear"],
           summary["fast_vs_gsl_rms_lsb_saturating"], stamp_text(stamp, "hxsim bench")))


def fastpath_model_block(summary, stamp):
    return (
        "With every nonlinearity on, the fast path stays within ≈ %.2f LSB RMS of GSL on random\n"
        "inputs and ≈ %.2f LSB RMS deep in saturation at a short wait (noise off, before\n"
        "quantisation). %s\n"
        % (summary["fast_vs_gsl_rms_lsb_nonlinear"], summary["fast_vs_gsl_rms_lsb_saturating"],
           stamp_text(stamp, "hxsim bench")))


def speed_block(summary, stamp):
    low, high = summary["fast_over_chip"]
    load = summary.get("load_average")
    load_text = (" The 1-minute load average was %.1f before and %.1f after the run: on a busy\n"
                 "  machine the rates are lower, the ratios measured side by side hold better."
                 % (load[0], load[1])) if load else ""
    return (
        "- **Speed** (`hxsim bench`, [benchmarks/README.md](benchmarks/README.md)): the fast path\n"
        "  runs %s full-size VMMs (128 × 256) per second at batch %s with two threads, %.2f × raw\n"
        "  OpenBLAS `sgemm` of the same shape measured side by side, %.2f × faster on two threads\n"
        "  than on one, %s × the GSL reference and %.0f–%.0f × the real chip's published\n"
        "  end-to-end rate. %s%s\n"
        % (format(round(summary["fast_vmm_per_s"], -4), ",.0f"), format(summary["batch"], ","), summary["fast_over_sgemm"],
           summary["fast_2_over_1_thread"], format(round(summary["fast_over_gsl"], -2), ",.0f"),
           low, high, stamp_text(stamp, "hxsim bench"), load_text))


def bench_report_block(report, stamp):
    """benchmarks/results/report.md under the README's "Latest results", headings one level
    down, with the stamp."""
    with open(report, encoding="utf-8") as handle:
        text = handle.read().strip("\n")
    text = re.sub(r"^(#+) ", lambda m: "#" + m.group(1) + " ", text, flags=re.M)
    return text + "\n\n" + stamp_text(stamp, "hxsim bench") + "\n"


def calibration_block(path, stamp):
    rows = list(csv.DictReader(open(path, encoding="utf-8")))

    def mean(pattern, variant, field):
        values = [float(r[field]) for r in rows if r["pattern"] == pattern
                  and r["variant"] == variant]
        return sum(values) / len(values)
    seeds = sorted({int(r["seed"]) for r in rows})
    seconds = [float(r["calibration_s"]) for r in rows if r["pattern"] == "gain"
               and r["variant"] == "before"]
    return (
        "- **Calibration** (`hxsim calibrate`, [calibration/](calibration/),\n"
        "  [benchmarks/calibration/](benchmarks/calibration/)): on %d chips, measured independently\n"
        "  through `hxsim vmm`, the per-column gain spread falls from %.1f %% to %.2f %% and the\n"
        "  zero-net-input spread from %.1f to %.2f LSB, in %.1f s per chip. %s\n"
        % (len(seeds), mean("gain", "before", "sd_percent_of_mean"),
           mean("gain", "after", "sd_percent_of_mean"), mean("zero-net", "before", "sd_LSB"),
           mean("zero-net", "after", "sd_LSB"), sum(seconds) / len(seconds),
           stamp_text(stamp, "benchmarks/calibration/verify.sh")))


def applications_block(folder, stamp):
    with open(os.path.join(folder, "results.md"), encoding="utf-8") as handle:
        text = handle.read()
    table = "\n".join(line for line in text.splitlines() if line.startswith("|"))
    return table + "\n\n" + stamp_text(stamp, "benchmarks/applications/run.sh") + "\n"


def sweep_table(path, column_title, values_of_interest=None):
    """A table with one row per line of the plot and one column per x value, `mean ± σ %`."""
    rows = table_rows(path)
    lines = {}
    xs = []
    for line, x, accuracy, spread, *_ in rows:
        if x not in xs:
            xs.append(x)
        lines.setdefault(line, {})[x] = "%.1f ± %.1f %%" % (number(accuracy), number(spread))
    if values_of_interest:
        xs = [x for x in xs if x in values_of_interest]
    head = "| %s | %s |\n|---|%s\n" % (column_title, " | ".join(xs), "---:|" * len(xs))
    body = "".join("| %s | %s |\n" % (line, " | ".join(cells.get(x, "") for x in xs))
                   for line, cells in lines.items())
    return head + body


def sweeps_blocks(folder, stamp, seconds):
    command = "benchmarks/sweeps/run.sh"
    noise = os.path.join(folder, "noise.results-scale-noise-by-calibration.md")
    output = os.path.join(folder, "numsends.results-numSends-1-by-calibration.md")
    hidden = os.path.join(folder, "numsends-hidden.results-numSends-0-by-calibration.md")
    blocks = {}
    rows = table_rows(noise)
    at_default = {r[0]: (number(r[2]), number(r[3])) for r in rows if number(r[1]) == 1}
    off = at_default.get("calibration = off")
    on = at_default.get("calibration = on")
    if off and on:
        blocks["sweeps"] = (
            "- **Sweeps** ([benchmarks/sweeps/](benchmarks/sweeps/)): accuracy against noise,\n"
            "  numSends and calibration over ten chips; at the default noise, calibration lifts the\n"
            "  Yin-Yang network from %.1f %% to %.1f %% and shrinks the spread between chips from\n"
            "  σ %.1f to %.1f points. %s\n" % (off[0], on[0], off[1], on[1],
                                                stamp_text(stamp, command)))
    reference = table_rows(os.path.join(folder, "reference.results.md"))
    blocks["sweeps-reference"] = "".join(
        "- %s: %.1f ± %.1f %%\n" % (row[1], number(row[2]), number(row[3])) for row in reference
    ) + "\n" + stamp_text(stamp, command) + "\n"
    blocks["sweeps-noise"] = sweep_table(
        noise, "noise × default", {"0", "1", "2", "3", "4"}) + "\n" + stamp_text(stamp, command) + "\n"
    blocks["sweeps-numsends"] = sweep_table(output, "output layer `numSends`") + "\n" \
        + stamp_text(stamp, command) + "\n"
    blocks["sweeps-numsends-hidden"] = sweep_table(hidden, "hidden layer `numSends`") + "\n" \
        + stamp_text(stamp, command) + "\n"
    if seconds is not None:
        blocks["sweeps-runtime"] = (
            "The last run of `%s` took %d min %02d s (release build excluded). %s\n"
            % (command, int(seconds) // 60, int(seconds) % 60, stamp_text(stamp, command)))
    else:
        total = 0.0
        for name in os.listdir(folder):
            if name.endswith(".results.jsonl"):
                for line in open(os.path.join(folder, name), encoding="utf-8"):
                    if line.strip():
                        total += json.loads(line).get("wallSeconds", 0)
        blocks["sweeps-runtime"] = (
            "The points of the last run took %d min %02d s together (the sum of the wall times\n"
            "the results files record; process start and the release build not included). %s\n"
            % (int(total) // 60, int(total) % 60, stamp_text(stamp, command)))
    return blocks


def rewrite(target, blocks, check):
    """Replaces the named blocks in every document; returns the names found and changed."""
    found, changed = set(), []
    for name in DOCUMENTS:
        path = os.path.join(target, name)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as handle:
            text = handle.read()

        def replace(match):
            block = match.group(2)
            if block not in blocks:
                return match.group(0)
            found.add(block)
            return match.group(1) + blocks[block] + match.group(4)
        new = BLOCK.sub(replace, text)
        if new != text:
            changed.append(name)
            if not check:
                with open(path + ".tmp", "w", encoding="utf-8") as handle:
                    handle.write(new)
                os.replace(path + ".tmp", path)
    return found, changed


def git_date(root, path):
    try:
        return subprocess.run(["git", "-C", root, "log", "-1", "--format=%cs", "--", path],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="the folder whose documents to rewrite")
    parser.add_argument("--stamp", help="JSON: machine, kernel, date, commit, quick")
    parser.add_argument("--demo", help="a folder `hxsim demo --out` wrote")
    parser.add_argument("--bench", help="the summary.json of `hxsim bench`")
    parser.add_argument("--calibration", help="results.csv of benchmarks/calibration/verify.sh")
    parser.add_argument("--applications", help="the results folder of benchmarks/applications")
    parser.add_argument("--sweeps", help="the folder of the sweep results and tables")
    parser.add_argument("--sweeps-seconds", type=float, help="wall time of the sweeps")
    parser.add_argument("--check", action="store_true", help="rewrite nothing; exit 1 on change")
    parser.add_argument("--reuse", action="store_true",
                        help="sources are committed results: stamp each with its file's date")
    args = parser.parse_args()
    stamp = json.load(open(args.stamp)) if args.stamp else {}

    def stamp_for(path, machine=None):
        if not args.reuse:
            return stamp
        relative = os.path.relpath(path, args.target)
        return {"reused": True, "machine": machine or "machine not recorded",
                "date": git_date(args.target, relative) or "date unknown"}

    blocks = {}
    if args.demo:
        s = stamp_for(os.path.join(args.demo, "anchors.md"))
        blocks["anchors"] = anchors_block(args.demo, s)
        blocks["yinyang"] = yinyang_block(args.demo, s)
    if args.bench:
        summary = json.load(open(args.bench))
        s = stamp_for(args.bench, "%s, %s cores, OpenBLAS kernel %s" % (
            summary.get("cpu"), summary.get("cores"), bench_kernel(args.bench, summary)))
        blocks["fastpath"] = fastpath_block(summary, s)
        blocks["fastpath-model"] = fastpath_model_block(summary, s)
        blocks["speed"] = speed_block(summary, s)
        report = os.path.join(os.path.dirname(args.bench), "report.md")
        if os.path.exists(report):
            blocks["bench-report"] = bench_report_block(report, s)
    if args.calibration:
        blocks["calibration"] = calibration_block(args.calibration, stamp_for(args.calibration))
    if args.applications:
        machine = None
        machine_file = os.path.join(args.applications, "machine.txt")
        if os.path.exists(machine_file):
            lines = dict(line.split(": ", 1) for line in open(machine_file).read().splitlines()
                         if ": " in line)
            machine = "%s, %s" % (lines.get("machine", "?"),
                                  lines.get("blas", "OpenBLAS kernel not recorded"))
        blocks["applications"] = applications_block(
            args.applications, stamp_for(os.path.join(args.applications, "results.md"), machine))
    if args.sweeps:
        blocks.update(sweeps_blocks(
            args.sweeps, stamp_for(os.path.join(args.sweeps, "noise.results.jsonl")),
            args.sweeps_seconds))
    found, changed = rewrite(args.target, blocks, args.check)
    missing = sorted(set(blocks) - found)
    for name in missing:
        print("regenerate_docs: no block '%s' in the documents" % name, file=sys.stderr)
    for name in changed:
        print("regenerate_docs: %s %s" % ("would change" if args.check else "rewrote", name),
              file=sys.stderr)
    if missing or (args.check and changed):
        sys.exit(1)


if __name__ == "__main__":
    main()
