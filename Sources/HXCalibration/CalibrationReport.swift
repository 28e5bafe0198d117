import Foundation
import HXIO

/// The human side of a calibration: tables of the spreads before and after (Markdown and CSV),
/// per-column values (CSV) and histograms (SVG), written next to the result file.
public struct CalibrationReport: Sendable {
    /// The calibration reported on.
    public let run: CalibrationRun

    /// A report of `run`.
    public init(run: CalibrationRun) { self.run = run }

    /// A readable name of instance `index` of `count`: a column (512), a driver (256) or a
    /// hemisphere.
    static func instanceName(_ index: Int, count: Int) -> String {
        switch count {
        case 512: return ColumnIndex(flat: index).description
        case 256: return "h\(index / 128)d\(index % 128)"
        default: return "h\(index)"
        }
    }

    private static func cells(_ spread: Spread?, percent: Bool) -> [TableCell] {
        guard let spread else { return [.missing, .missing, .missing] }
        return [
            .number(percent ? spread.relativeStandardDeviation : spread.standardDeviation),
            .number(percent ? spread.relativeWorstDeviation : spread.worstDeviation),
            .text(Self.instanceName(spread.worstInstance, count: spread.count)),
        ]
    }

    /// The spreads of the surveyed quantities before, after, and after with the digital
    /// correction: standard deviation and worst column, in LSB and in percent of the gain.
    public func summaryTable() throws -> Table {
        let result = run.result
        var table = try Table(header: [
            "quantity", "unit", "before σ", "before worst", "worst column", "after σ",
            "after worst", "worst column", "after + digital σ", "after + digital worst",
            "worst column",
        ])
        guard let before = result.before, let after = result.after else { return table }
        let corrected = result.afterCorrection
        let rows: [(String, KeyPath<SurveySpreads, Spread>, Bool, Bool)] = [
            ("CADC read at the reference", \.cadcRead, false, false),
            ("baseline code", \.baseline, false, false),
            ("excitatory gain", \.excitatoryAmplitude, false, true),
            ("excitatory gain", \.excitatoryAmplitude, true, true),
            ("inhibitory gain", \.inhibitoryAmplitude, false, true),
            ("inhibitory gain", \.inhibitoryAmplitude, true, true),
            ("zero-net-input offset", \.zeroNetOutput, false, true),
            ("zero-net-input offset", \.zeroNetOutput, true, true),
            ("zero-input offset", \.zeroInputOutput, false, true),
        ]
        for (name, path, percent, correctable) in rows {
            try table.append(
                [.text(name), .text(percent ? "% of gain" : "LSB")]
                    + Self.cells(before[keyPath: path], percent: percent)
                    + Self.cells(after[keyPath: path], percent: percent)
                    + Self.cells(correctable ? corrected?[keyPath: path] : nil, percent: percent))
        }
        return table
    }

    /// One row per step report: target, tolerance, spread before and after, and how many
    /// instances ended out of tolerance or at the end of their trim range.
    public func stepTable() throws -> Table {
        var table = try Table(header: [
            "step", "quantity", "target", "tolerance", "before σ", "after σ", "after σ (%)",
            "after worst", "worst", "out of tolerance", "at range limit", "batches",
        ])
        for step in run.result.steps {
            try table.append([
                .text(step.step), .text(step.quantity), .number(step.target),
                .text(
                    step.relativeTolerance
                        ? "\(step.tolerance) %"
                        : step.step == "digital fit"
                            ? "\(step.tolerance) LSB rms residual"
                            : "\(step.tolerance) \(step.unit)"),
                .number(step.before.standardDeviation), .number(step.after.standardDeviation),
                step.relativeTolerance || step.unit == "1"
                    ? .number(step.after.relativeStandardDeviation) : .missing,
                .number(step.after.worstDeviation),
                .text(Self.instanceName(step.after.worstInstance, count: step.after.count)),
                .integer(step.outOfTolerance.count), .integer(step.atRangeLimit.count),
                .integer(step.batches),
            ])
        }
        return table
    }

    /// One line per step that left instances out of tolerance or at the end of their trim
    /// range, for the summary a user reads first: `synapse drivers: 10 of 256 drivers out of
    /// tolerance (0.15 activation; worst h1d59 at −0.292)`. Empty when every step converged.
    public func attentionLines() -> [String] {
        run.result.steps.compactMap { step -> String? in
            guard !step.outOfTolerance.isEmpty || !step.atRangeLimit.isEmpty else { return nil }
            let count = step.after.count
            let noun: String
            switch count {
            case 512: noun = step.step == "CADC offsets" ? "channels" : "columns"
            case 256: noun = "drivers"
            default: noun = "hemispheres"
            }
            let tolerance =
                step.relativeTolerance
                ? "\(step.tolerance) %" : "\(step.tolerance) \(step.unit)"
            var parts: [String] = []
            if !step.outOfTolerance.isEmpty {
                let worst =
                    step.relativeTolerance
                    ? String(format: "%+.3g %%", step.after.relativeWorstDeviation)
                    : String(format: "%+.3g ", step.after.worstDeviation) + step.unit
                let name = Self.instanceName(step.after.worstInstance, count: count)
                parts.append(
                    "\(step.outOfTolerance.count) of \(count) \(noun) out of tolerance "
                        + "(\(tolerance); worst \(name) at \(worst))")
            }
            if !step.atRangeLimit.isEmpty {
                parts.append("\(step.atRangeLimit.count) with the trim at the end of its range")
            }
            return "\(step.step) (\(step.quantity)): " + parts.joined(separator: ", ")
        }
    }

    /// The wall-clock time of each step.
    public func timingTable() throws -> Table {
        var table = try Table(header: ["step", "seconds", "batches"])
        for timing in run.result.timings {
            try table.append([
                .text(timing.step), .number(timing.seconds), .integer(timing.batches),
            ])
        }
        try table.append([.text("total"), .number(run.result.wallTime), .missing])
        return table
    }

    /// Per column: the trims, the digital fit and the surveyed values before and after.
    public func columnTable() throws -> Table {
        let result = run.result
        var table = try Table(header: [
            "hemisphere", "column", "reset cell", "excitatory OTA cell", "inhibitory OTA cell",
            "CADC digital offset", "fit offset (LSB)", "fit gain", "fit residual (LSB)",
            "before baseline", "after baseline", "before excitatory", "after excitatory",
            "before inhibitory", "after inhibitory", "before zero-net", "after zero-net",
            "before CADC read", "after CADC read",
        ])
        for index in 0..<(2 * 256) {
            let c = ColumnIndex(flat: index)
            let h = result.configuration.hemispheres[c.hemisphere]
            var row: [TableCell] = [
                .integer(c.hemisphere), .integer(c.column), .integer(h.resetPotential[c.column]),
                .integer(h.excitatoryOTABias[c.column]), .integer(h.inhibitoryOTABias[c.column]),
                .integer(h.cadcDigitalOffset[c.column]),
            ]
            if let fit = result.correction {
                row += [
                    .number(fit.offsets[c.hemisphere][c.column]),
                    .number(fit.gains[c.hemisphere][c.column]),
                    .number(fit.residuals[c.hemisphere][c.column]),
                ]
            } else {
                row += [.missing, .missing, .missing]
            }
            for path in [
                \ChipSurvey.baselines, \.excitatoryAmplitudes, \.inhibitoryAmplitudes,
                \.zeroNetOutputs, \.cadcReads,
            ] {
                row.append(run.before.map { .number($0[keyPath: path][index]) } ?? .missing)
                row.append(run.after.map { .number($0[keyPath: path][index]) } ?? .missing)
            }
            try table.append(row)
        }
        return table
    }

    /// The report as Markdown; `name` is the stem of the files written next to it.
    public func markdown(name: String) throws -> String {
        let result = run.result
        let targets = result.targets
        var text = "# Calibration of chip \(result.chipSeed)\n\n"
        text += "- Physics parameters: SHA-256 `\(result.parameterHash)`\n"
        text += "- Wall time: \(String(format: "%.2f", result.wallTime)) s; "
        text += "first trial \(result.firstTrial)\n"
        text += String(
            format:
                "- Targets: CADC reference read %.2f LSB, baseline %.2f LSB, amplitude %.2f LSB "
                + "(%.5f LSB per unit of Σ a·w)\n",
            targets.cadcReference, targets.baseline, targets.amplitude, targets.lsbPerInputWeight)
        text += "- Result: `\(name).json`; per-column values: `\(name)-columns.csv`\n\n"
        text += "## Spread over the 512 columns, before and after\n\n"
        text += "Measured by a survey with fresh trials (\(result.settings.surveyTrials) per "
        text += "quantity); σ is the standard deviation over columns, worst the largest "
        text += "deviation from the target (or the mean). \"% of gain\" is relative to the "
        text += "target amplitude. \"after + digital\" applies the digital fit to every "
        text += "output code, rounded back to integer codes with dither (unbiased on average). "
        text += "The digital fit's own rows in the step table compare its residuals before and "
        text += "after the correction on the sweep it was fitted to.\n\n"
        text += try summaryTable().markdown(precision: 3) + "\n"
        text += "## Steps\n\n"
        text += "Before and after are each step's own measurements of its quantity.\n\n"
        text += try stepTable().markdown(precision: 3) + "\n"
        text += "## Time\n\n"
        text += "Wall-clock time of each step (a batch is one execution of many vectors on both "
        text += "hemispheres, or one series of CADC reads).\n\n"
        text += try timingTable().markdown(precision: 3) + "\n"
        let flagged = result.steps.filter { !$0.outOfTolerance.isEmpty || !$0.atRangeLimit.isEmpty }
        if !flagged.isEmpty {
            text += "## Columns needing attention\n\n"
            for step in flagged {
                func list(_ instances: [Int]) -> String {
                    let names = instances.prefix(24).map {
                        Self.instanceName($0, count: step.before.count)
                    }
                    return names.joined(separator: ", ") + (instances.count > 24 ? ", …" : "")
                }
                if !step.atRangeLimit.isEmpty {
                    text += "- \(step.step): trim at the end of its range: "
                    text += list(step.atRangeLimit) + "\n"
                }
                if !step.outOfTolerance.isEmpty {
                    text += "- \(step.step): out of tolerance: " + list(step.outOfTolerance) + "\n"
                }
            }
            text += "\n"
        }
        if run.before != nil {
            text += "## Histograms\n\n"
            for kind in CalibrationFigures.Kind.allCases {
                text += "![\(kind.rawValue)](\(name)\(Self.suffix(kind)))\n\n"
            }
        }
        return text
    }

    /// Writes the report next to the result file at `resultPath` (`<stem>.json`):
    /// `<stem>-report.md`, `<stem>-summary.csv`, `<stem>-steps.csv`, `<stem>-columns.csv` and
    /// the histograms `<stem>-{gain,offset,baseline,cadc}.svg`. Returns the paths written.
    public func write(nextTo resultPath: String) throws -> [String] {
        var written: [String] = []
        func write(_ text: String, _ suffix: String) throws {
            let target = Self.path(nextTo: resultPath, suffix: suffix)
            do { try FileIO.writeAtomically(text, to: target) } catch let error as IOError {
                throw CalibrationError.io(error)
            }
            written.append(target)
        }
        let stem = URL(fileURLWithPath: resultPath).deletingPathExtension().lastPathComponent
        try write(markdown(name: stem), ReportFile.report.rawValue)
        try write(summaryTable().csv(), ReportFile.summary.rawValue)
        try write(stepTable().csv(), ReportFile.steps.rawValue)
        try write(columnTable().csv(), ReportFile.columns.rawValue)
        for (kind, figure) in try CalibrationFigures.figures(run: run) {
            try write(figure.svg(), Self.suffix(kind))
        }
        return written
    }

    /// The report and tables ``write(nextTo:)`` writes, by the suffix added to the result's
    /// name.
    enum ReportFile: String, CaseIterable {
        case report = "-report.md"
        case summary = "-summary.csv"
        case steps = "-steps.csv"
        case columns = "-columns.csv"
    }

    /// Every file ``write(nextTo:)`` may write beside a result at `resultPath`: the report, the
    /// tables and the histograms, so that a command can check them all before it calibrates.
    public static func files(nextTo resultPath: String) -> [String] {
        (ReportFile.allCases.map(\.rawValue) + CalibrationFigures.Kind.allCases.map(suffix)).map {
            path(nextTo: resultPath, suffix: $0)
        }
    }

    static func suffix(_ kind: CalibrationFigures.Kind) -> String { "-\(kind.rawValue).svg" }

    /// The result's path without its extension, plus `suffix`.
    static func path(nextTo resultPath: String, suffix: String) -> String {
        let url = URL(fileURLWithPath: resultPath)
        return url.deletingLastPathComponent()
            .appendingPathComponent(url.deletingPathExtension().lastPathComponent + suffix).path
    }
}
