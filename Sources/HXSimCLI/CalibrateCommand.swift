import Foundation
import HXCalibration
import HXIO
import HXPhysics

/// `hxsim calibrate`: calibrates a chip, writes the result and its report.
enum CalibrateCommand: Subcommand {
    static let spec = CommandSpec(
        name: "calibrate",
        summary:
            "calibrate a chip as calix does (CADC range, synapse drivers, CADC offsets, "
            + "baselines, gains, digital fit); writes the result (JSON), a report and histograms",
        options: [
            CommonOptions.seed, CommonOptions.params,
            OptionSpec(
                "out", valueName: "FILE",
                help:
                    "result file; the report, tables and histograms go next to it; its "
                    + "directory is created if missing (default calibration/chip-<seed>.json)"),
        ],
        flags: [
            FlagSpec("quick", help: "fewer trials (a quarter to a half): faster, noisier trims"),
            FlagSpec("quiet", help: "no progress lines on stderr"),
        ])

    static func run(_ arguments: ParsedArguments, output: CommandOutput) throws {
        let seed = try arguments.uint64("seed")
        let out =
            try arguments.optionalString("out") != nil
            ? try arguments.path("out")
            : URL(fileURLWithPath: "calibration/chip-\(seed).json").standardizedFileURL.path
        // The output first: a calibration is not run for a result that cannot be written.
        _ = try OutputTarget.file(
            out, operand: "--out", createParents: true, allowsStandardOutput: false)
        var chip = try CommonOptions.chip(arguments)
        let settings =
            try arguments.flag("quick") ? CalibrationSettings.quick : CalibrationSettings()
        let quiet = try arguments.flag("quiet")
        let run = try Calibrator(settings: settings).calibrate(
            &chip, progress: quiet ? nil : output.err)
        try run.result.write(to: out, createParents: true)
        let written = try CalibrationReport(run: run).write(nextTo: out)
        let report = CalibrationReport(run: run)
        var text =
            "Calibration of chip \(seed): \(String(format: "%.2f", run.result.wallTime)) s\n\n"
        text += try report.summaryTable().markdown(precision: 3) + "\n"
        text += try report.stepTable().markdown(precision: 3) + "\n"
        text += try report.timingTable().markdown(precision: 3) + "\n"
        text += "wrote \(out)\n" + written.map { "wrote \($0)\n" }.joined()
        output.out(text)
    }
}
