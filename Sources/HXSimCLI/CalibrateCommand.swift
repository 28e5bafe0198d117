import Foundation
import HXArguments
import HXCalibration
import HXIO
import HXPhysics

/// `hxsim calibrate`: calibrates a chip, writes the result and its report.
struct CalibrateCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "calibrate",
            summary:
                "calibrate a chip as calix does (CADC range, synapse drivers, CADC offsets, "
                + "baselines, gains, digital fit); writes the result (JSON), a report and "
                + "histograms")
    }

    @OptionGroup var chip: ChipOptions
    @Option(
        valueName: "FILE",
        help:
            "result file; the report, tables and histograms go next to it; its directory is "
            + "created if missing (default calibration/chip-<seed>.json)")
    var out: String?
    @Flag(help: "fewer trials (a quarter to a half): faster, noisier trims") var quick = false

    func run(_ context: CommandContext) throws {
        let seed = self.chip.seed
        let out = try absolutePath(self.out ?? "calibration/chip-\(seed).json", option: "out")
        // The output first: a calibration is not run for a result that cannot be written.
        // The report, tables and histograms beside it too, so that none of them fails after
        // the work.
        let outputs =
            [("--out", out)]
            + CalibrationReport.files(nextTo: out).map { ("--out (its report)", $0) }
        for (operand, path) in outputs {
            _ = try OutputTarget.file(
                path, operand: operand, createParents: true, allowsStandardOutput: false)
        }
        try OutputTarget.refuseOverlaps(
            outputs: outputs.map { ($0.0, $0.1) }, inputs: self.chip.inputFiles)
        var chip = try self.chip.chip()
        let settings = quick ? CalibrationSettings.quick : CalibrationSettings()
        let run = try Calibrator(settings: settings).calibrate(
            &chip, progress: context.progressSink)
        try run.result.write(to: out, createParents: true)
        let written = try CalibrationReport(run: run).write(nextTo: out)
        let report = CalibrationReport(run: run)
        var text =
            "Calibration of chip \(seed): \(String(format: "%.2f", run.result.wallTime)) s\n\n"
        text += try report.summaryTable().markdown(precision: 3) + "\n"
        text += try report.stepTable().markdown(precision: 3) + "\n"
        text += try report.timingTable().markdown(precision: 3) + "\n"
        text += Self.attention(report)
        text += "wrote \(out)\n" + written.map { "wrote \($0)\n" }.joined()
        context.out(text)
    }

    /// The steps that left drivers, columns or channels out of tolerance, as a list a reader
    /// cannot miss; or a line saying that every step converged.
    static func attention(_ report: CalibrationReport) -> String {
        let lines = report.attentionLines()
        guard !lines.isEmpty else { return "Every step ended within its tolerance.\n\n" }
        return "Out of tolerance after calibration (listed in the report):\n"
            + lines.map { "- \($0)\n" }.joined() + "\n"
    }
}
