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
    @Flag(help: "no progress lines on stderr") var quiet = false

    func run(_ context: CommandContext) throws {
        let seed = self.chip.seed
        let out = try absolutePath(self.out ?? "calibration/chip-\(seed).json", option: "out")
        // The output first: a calibration is not run for a result that cannot be written.
        _ = try OutputTarget.file(
            out, operand: "--out", createParents: true, allowsStandardOutput: false)
        var chip = try self.chip.chip()
        let settings = quick ? CalibrationSettings.quick : CalibrationSettings()
        let run = try Calibrator(settings: settings).calibrate(
            &chip, progress: quiet ? nil : context.output.err)
        try run.result.write(to: out, createParents: true)
        let written = try CalibrationReport(run: run).write(nextTo: out)
        let report = CalibrationReport(run: run)
        var text =
            "Calibration of chip \(seed): \(String(format: "%.2f", run.result.wallTime)) s\n\n"
        text += try report.summaryTable().markdown(precision: 3) + "\n"
        text += try report.stepTable().markdown(precision: 3) + "\n"
        text += try report.timingTable().markdown(precision: 3) + "\n"
        text += "wrote \(out)\n" + written.map { "wrote \($0)\n" }.joined()
        context.out(text)
    }
}
