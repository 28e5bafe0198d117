#!/usr/bin/env python3
"""Tables, figure and answer of the drift study (benchmarks/drift/run.sh).

For every sweep (yinyang-age, yinyang-temperature, mnist-age, mnist-temperature) and every
value of its drift axis, the accuracy of chips calibrated at power-up ("recalibration off":
the calibration is as old as the chips, or was made at the nominal temperature) and of chips
recalibrated where they run ("on"), and the loss: on minus off, per chip seed (paired: same
chips, same trial noise), in points, mean and standard error over the seeds. The answer: the
longest time since calibration, and the temperature offsets, within which the mean loss stays
at or below 0.5 points (interpolated between the measured points, log-linearly in time).

    python3 benchmarks/drift/analyze.py benchmarks/drift

writes results.md, results.csv and drift-loss.svg in that folder.
"""
import json
import math
import sys
from pathlib import Path

THRESHOLD = 0.5  # points
NOMINAL_TEMPERATURE = 300.0  # K, PhysicsParameters.nominalTemperature
SPECTRAL_EXPONENT = 1.5  # β, PhysicsParameters.driftSpectralExponent
LONGEST_PERIOD = 2_592_000.0  # s, PhysicsParameters.driftLongestPeriod


def load(path):
    """{(x, recalibration, seed): accuracy mean} of a results file."""
    points = {}
    axis = None
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        c = record["coordinates"]
        axis = "age" if "age" in c else "temperature"
        points[(c[axis], c["recalibration"], c["seed"])] = record["accuracyMean"]
    return axis, points


def load_scale(path):
    """(axis name, age in s, {(k, recalibration, seed): accuracy mean}) of a drift-scale
    sweep's results file."""
    points, key, age = {}, None, None
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        c = record["coordinates"]
        key = next(k for k in c if k.startswith("scale"))
        points[(c[key], c["recalibration"], c["seed"])] = record["accuracyMean"]
    spec = json.loads((path.parent / path.name.replace(".results.jsonl", ".json")).read_text())
    age = spec["base"]["age"]
    return key, age, points


def summarise(points):
    """Rows (x, off mean, on mean, loss mean, loss standard error, seeds), sorted by x."""
    rows = []
    for x in sorted({k[0] for k in points}):
        seeds = sorted({k[2] for k in points if k[0] == x})
        pairs = [
            (points[(x, "off", s)], points[(x, "on", s)])
            for s in seeds
            if (x, "off", s) in points and (x, "on", s) in points
        ]
        if not pairs:
            continue
        off = [100 * p[0] for p in pairs]
        on = [100 * p[1] for p in pairs]
        loss = [b - a for a, b in zip(off, on)]
        n = len(loss)
        mean = sum(loss) / n
        sd = math.sqrt(sum((v - mean) ** 2 for v in loss) / (n - 1)) if n > 1 else 0.0
        rows.append((x, sum(off) / n, sum(on) / n, mean, sd / math.sqrt(n), n))
    return rows


def crossing(rows, transform, inverse):
    """The first x (from the start of `rows`) at which the mean loss passes THRESHOLD,
    interpolated linearly in transform(x); the first x itself when it already does; None if
    it never does."""
    previous = None
    for row in rows:
        x, loss = row[0], row[3]
        if loss > THRESHOLD:
            if previous is None:
                return x
            x0, l0 = previous
            t0, t1 = transform(x0), transform(x)
            return inverse(t0 + (THRESHOLD - l0) / (loss - l0) * (t1 - t0))
        previous = (x, loss)
    return None


def age_answer(rows):
    return crossing([r for r in rows if r[0] > 0], math.log, math.exp)


def temperature_answer(rows):
    up = [r for r in rows if r[0] >= NOMINAL_TEMPERATURE]
    down = sorted([r for r in rows if r[0] <= NOMINAL_TEMPERATURE], key=lambda r: -r[0])
    same = lambda x: x
    high = crossing(up, same, same)
    low = crossing(down, same, same)
    return (
        None if low is None else low - NOMINAL_TEMPERATURE,
        None if high is None else high - NOMINAL_TEMPERATURE,
    )


def hours(seconds):
    return seconds / 3600


def svg(panels):
    """Loss against hours since calibration (log axis) and against temperature offset."""
    width, height = 900, 380
    margin = dict(left=60, right=20, top=50, bottom=55)
    panel_width = (width - 40) / 2
    colors = {"yinyang": "#4e79a7", "mnist": "#e15759"}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{width / 2}" y="22" font-size="15" text-anchor="middle">Accuracy lost '
        "without recalibration (points, mean ± standard error over 5 chip seeds)</text>",
    ]
    for index, (title, xlabel, series, log, ticks) in enumerate(panels):
        x0 = 20 + index * panel_width + margin["left"]
        x1 = 20 + (index + 1) * panel_width - margin["right"]
        y0, y1 = height - margin["bottom"], margin["top"]
        xs = [p[0] for s in series.values() for p in s]
        ys = [v for s in series.values() for p in s for v in (p[1] - p[2], p[1] + p[2])]
        lo_x, hi_x = min(xs + ticks), max(xs + ticks)
        if log:
            lo_x, hi_x = math.log10(lo_x), math.log10(hi_x)
        lo_y, hi_y = min(-0.2, min(ys)), max(THRESHOLD * 2, max(ys)) * 1.05

        def px(v):
            v = math.log10(v) if log else v
            return x0 + (v - lo_x) / (hi_x - lo_x) * (x1 - x0)

        def py(v):
            return y0 - (v - lo_y) / (hi_y - lo_y) * (y0 - y1)

        out.append(f'<text x="{(x0 + x1) / 2}" y="{y1 - 8}" font-size="13" '
                   f'text-anchor="middle">{title}</text>')
        out.append(f'<line x1="{x0}" x2="{x1}" y1="{y0}" y2="{y0}" stroke="black"/>')
        out.append(f'<line x1="{x0}" x2="{x0}" y1="{y0}" y2="{y1}" stroke="black"/>')
        for t in ticks:
            out.append(f'<line x1="{px(t):.1f}" x2="{px(t):.1f}" y1="{y0}" y2="{y0 + 4}" '
                       'stroke="black"/>')
            out.append(f'<text x="{px(t):.1f}" y="{y0 + 16}" font-size="10" '
                       f'text-anchor="middle">{t:g}</text>')
        step = 0.5 if hi_y - lo_y < 6 else 1 if hi_y - lo_y < 12 else 2
        v = math.ceil(lo_y / step) * step
        while v <= hi_y:
            out.append(f'<text x="{x0 - 6}" y="{py(v) + 3:.1f}" font-size="10" '
                       f'text-anchor="end">{v:g}</text>')
            out.append(f'<line x1="{x0}" x2="{x1}" y1="{py(v):.1f}" y2="{py(v):.1f}" '
                       'stroke="#eeeeee"/>')
            v += step
        out.append(f'<line x1="{x0}" x2="{x1}" y1="{py(THRESHOLD):.1f}" '
                   f'y2="{py(THRESHOLD):.1f}" stroke="#59a14f" stroke-dasharray="5,3"/>')
        out.append(f'<text x="{x1 - 2}" y="{py(THRESHOLD) - 4:.1f}" font-size="10" '
                   'text-anchor="end" fill="#59a14f">0.5 points</text>')
        out.append(f'<text x="{(x0 + x1) / 2}" y="{height - 14}" font-size="11" '
                   f'text-anchor="middle">{xlabel}</text>')
        for name, points in series.items():
            color = colors.get(name, "black")
            path = " ".join(f"{px(x):.1f},{py(m):.1f}" for x, m, _ in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{color}" '
                       'stroke-width="2"/>')
            for x, m, e in points:
                out.append(f'<line x1="{px(x):.1f}" x2="{px(x):.1f}" y1="{py(m - e):.1f}" '
                           f'y2="{py(m + e):.1f}" stroke="{color}"/>')
                out.append(f'<circle cx="{px(x):.1f}" cy="{py(m):.1f}" r="3" fill="{color}"/>')
        for k, name in enumerate(series):
            out.append(f'<rect x="{x0 + 10}" y="{y1 + 8 + 16 * k}" width="12" height="3" '
                       f'fill="{colors.get(name, "black")}"/>')
            out.append(f'<text x="{x0 + 27}" y="{y1 + 13 + 16 * k}" font-size="11">'
                       f"{name}</text>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
    results = {}
    for task in ("yinyang", "mnist"):
        for kind in ("age", "temperature"):
            path = folder / f"{task}-{kind}.results.jsonl"
            if path.exists():
                results[(task, kind)] = summarise(load(path)[1])
    lines = ["# Drift study: results", ""]
    lines.append(
        "Accuracy (%) of chips calibrated at power-up at the nominal temperature "
        "(*off*) and recalibrated where they run (*on*), mean over the chip seeds; the loss "
        "is on − off per seed (same chips, same trial noise), in points, mean ± standard "
        "error. Made by `benchmarks/drift/run.sh` (machine in `machine.txt`)."
    )
    csv = ["task,axis,value,accuracy_off,accuracy_on,loss_points,loss_stderr,seeds"]
    answers = []
    for (task, kind), rows in results.items():
        lines += ["", f"## {task}, {'hours since calibration' if kind == 'age' else 'temperature'}",
                  ""]
        head = "hours" if kind == "age" else "offset (K)"
        lines += [f"| {head} | off % | on % | loss (points) |", "| ---: | ---: | ---: | ---: |"]
        for x, off, on, loss, se, n in rows:
            shown = f"{hours(x):g}" if kind == "age" else f"{x - NOMINAL_TEMPERATURE:+g}"
            lines.append(f"| {shown} | {off:.2f} | {on:.2f} | {loss:+.2f} ± {se:.2f} |")
            csv.append(f"{task},{kind},{x},{off:.4f},{on:.4f},{loss:.4f},{se:.4f},{n}")
        if kind == "age":
            t = age_answer(rows)
            answers.append(
                f"- {task}: the loss stays within {THRESHOLD} points "
                + (f"for about {hours(t):.1f} h after calibration" if t is not None
                   else f"over the whole range measured ({hours(rows[-1][0]):g} h)")
            )
        else:
            low, high = temperature_answer(rows)
            first = rows[0][0] - NOMINAL_TEMPERATURE
            last = rows[-1][0] - NOMINAL_TEMPERATURE
            fmt = lambda v, edge: (f"{v:+.1f} K" if v is not None
                                   else f"at least {edge:+g} K (the edge of the range measured)")
            answers.append(
                f"- {task}: the loss stays within {THRESHOLD} points for temperature offsets "
                f"from {fmt(low, first)} to {fmt(high, last)}"
            )
    for task in ("yinyang", "mnist"):
        path = folder / f"{task}-drift-scale.results.jsonl"
        if not path.exists():
            continue
        key, age, points = load_scale(path)
        rows = summarise(points)
        lines += ["", f"## {task}, slow-drift amplitudes × k at {hours(age):g} h since "
                  "calibration", "",
                  "| k | off % | on % | loss (points) |", "| ---: | ---: | ---: | ---: |"]
        for x, off, on, loss, se, n in rows:
            lines.append(f"| {x:g} | {off:.2f} | {on:.2f} | {loss:+.2f} ± {se:.2f} |")
            csv.append(f"{task},{key},{x},{off:.4f},{on:.4f},{loss:.4f},{se:.4f},{n}")
        k = crossing(rows, math.log, math.exp)
        # rms drift ∝ age^((β−1)/2) inside the spectrum's band: k× the amplitude at `age`
        # is as far as the assumed amplitude gets at age·k^(2/(β−1)).
        power = 2 / (SPECTRAL_EXPONENT - 1)
        if k is None:
            answers.append(
                f"- {task}: even {rows[-1][0]:g}× the assumed drift amplitudes cost at most "
                f"{THRESHOLD} points {hours(age):g} h after calibration")
        else:
            answers.append(
                f"- {task}: {hours(age):g} h after calibration the loss reaches {THRESHOLD} "
                f"points at {k:.1f}× the assumed drift amplitudes; with β = "
                f"{SPECTRAL_EXPONENT:g} (rms ∝ age^{(SPECTRAL_EXPONENT - 1) / 2:g}) a chip "
                f"whose drift is c× the assumed one must be recalibrated every ≈ "
                f"{hours(age):g} h × ({k:.1f}/c)^{power:g} (e.g. c = 2: "
                f"{hours(age) * (k / 2) ** power:.0f} h, c = 4: "
                f"{hours(age) * (k / 4) ** power:.1f} h), while that is inside the spectrum's "
                f"band ({hours(LONGEST_PERIOD):g} h)")
    lines += ["", "## Answer", ""] + answers
    (folder / "results.md").write_text("\n".join(lines) + "\n")
    (folder / "results.csv").write_text("\n".join(csv) + "\n")
    panels = []
    age = {t: [(hours(r[0]), r[3], r[4]) for r in results[(t, "age")] if r[0] > 0]
           for t in ("yinyang", "mnist") if (t, "age") in results}
    if age:
        panels.append(("against time since calibration", "hours since calibration (log)", age,
                       True, [0.25, 1, 4, 16, 48, 168, 336]))
    temp = {t: [(r[0] - NOMINAL_TEMPERATURE, r[3], r[4]) for r in results[(t, "temperature")]]
            for t in ("yinyang", "mnist") if (t, "temperature") in results}
    if temp:
        panels.append(("against temperature offset", "temperature − calibration temperature (K)",
                       temp, False, [-10, -5, -2, 0, 2, 5, 10]))
    if panels:
        (folder / "drift-loss.svg").write_text(svg(panels))
    print("\n".join(answers))


if __name__ == "__main__":
    main()
