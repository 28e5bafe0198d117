import Foundation
import HXArguments
import HXCalibration
import HXIO
import HXPhysics

/// The calibration part of the demo: the demo chip trimmed and fitted, its report next to the
/// other demo files.
enum DemoCalibration {
    static func run(
        seed: UInt64, parameters: PhysicsParameters, directory: String,
        settings: CalibrationSettings = CalibrationSettings(), context: CommandContext
    ) throws {
        context.progress("demo: [4/5] calibrating chip \(seed) (both hemispheres, 512 columns)\n")
        var chip = try Chip(seed: seed, parameters: parameters)
        let start = ProcessInfo.processInfo.systemUptime
        let run = try Calibrator(settings: settings).calibrate(
            &chip, progress: context.progressSink)
        let seconds = ProcessInfo.processInfo.systemUptime - start
        let path = directory + "/calibration-chip-\(seed).json"
        try run.result.write(to: path)
        let report = CalibrationReport(run: run)
        _ = try report.write(nextTo: path)
        context.out(
            "\nCalibration of chip \(seed) in \(HumanFormat.seconds(seconds)) (report and "
                + "histograms next to \(path)):\n\n")
        context.out(try report.summaryTable().markdown(precision: 3))
        context.out("\n" + CalibrateCommand.attention(report))
    }
}
