import Foundation
import HXArguments
import HXCalibration
import HXIO
import HXPhysics

/// The calibration part of the demo: the demo chip trimmed and fitted, its report next to the
/// other demo files.
enum DemoCalibration {
    static func run(
        seed: UInt64, directory: String, output: CommandOutput,
        settings: CalibrationSettings = CalibrationSettings()
    ) throws {
        output.err("demo: calibrating chip \(seed) (both hemispheres, 512 columns)\n")
        var chip = try Chip(seed: seed)
        let start = ProcessInfo.processInfo.systemUptime
        let run = try Calibrator(settings: settings).calibrate(&chip)
        let seconds = ProcessInfo.processInfo.systemUptime - start
        let path = directory + "/calibration-chip-\(seed).json"
        try run.result.write(to: path)
        let report = CalibrationReport(run: run)
        _ = try report.write(nextTo: path)
        output.out(
            String(
                format:
                    "\nCalibration of chip %llu in %.2f s (report and histograms next to %@):\n\n",
                seed, seconds, path))
        output.out(try report.summaryTable().markdown(precision: 3))
    }
}
