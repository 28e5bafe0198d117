import Foundation
import HXIO
import HXPhysics
import HXTestSupport
import Testing

@testable import HXCalibration

@Suite("Settings and targets")
struct SettingsTests {
    @Test(
        "out-of-range targets and settings are refused before the chip is touched",
        arguments: [
            { (s: inout CalibrationSettings) in s.baseline.target = .value(250) },
            { (s: inout CalibrationSettings) in s.gain.target = .value(-3) },
            { (s: inout CalibrationSettings) in s.cadcOffsets.target = .value(.nan) },
            { (s: inout CalibrationSettings) in s.gain.weight = 64 },
            { (s: inout CalibrationSettings) in s.gain.trials = 0 },
            { (s: inout CalibrationSettings) in s.digitalFit.levels = [0, 0] },
            { (s: inout CalibrationSettings) in s.digitalFit.levels = [-30, 30] },
            { (s: inout CalibrationSettings) in s.cadcRange.highReferenceVoltage = 0.2 },
            { (s: inout CalibrationSettings) in s.baseline.searchRange = 500...2000 },
        ] as [@Sendable (inout CalibrationSettings) -> Void])
    func refused(change: @Sendable (inout CalibrationSettings) -> Void) throws {
        var settings = CalibrationSettings.quick
        change(&settings)
        var chip = try Chip(seed: 1)
        let before = chip.configuration
        #expect(throws: CalibrationError.self) {
            try Calibrator(settings: settings).calibrate(&chip)
        }
        #expect(chip.configuration == before)
        #expect(chip.nextTrial == 0)
    }

    @Test("a target is \"median\" or a number in JSON; settings survive a round trip")
    func targetCoding() throws {
        #expect(
            String(
                decoding: try JSON.encode(CalibrationTarget.median, pretty: false), as: UTF8.self)
                == "\"median\"")
        #expect(try JSON.decode(CalibrationTarget.self, from: Data("120.5".utf8)) == .value(120.5))
        #expect(throws: (any Error).self) {
            try JSON.decode(CalibrationTarget.self, from: Data("\"mean\"".utf8))
        }
        let settings = CalibrationSettings()
        #expect(try JSON.decode(CalibrationSettings.self, from: JSON.encode(settings)) == settings)
    }

    @Test("every error names what to fix in one line")
    func errorText() {
        let errors: [CalibrationError] = [
            .settingOutOfRange(name: "baseline.target", value: "250", allowed: "30…210"),
            .chipMismatch(calibratedSeed: 2, chipSeed: 3),
            .parameterMismatch(calibratedHash: String(repeating: "a", count: 64), chipHash: "b"),
            .unsupportedVersion(path: "x.json", found: 2, supported: 1),
        ]
        for error in errors {
            #expect(!error.description.contains("\n"))
        }
        // What to fix, in words every command's options fit (eval names its chip --chip-seed).
        #expect(
            errors[1].description.contains("run on chip 2")
                && errors[1].description.contains("`hxsim calibrate --seed 3`"))
    }
}

@Suite("Module boundary")
struct ModuleBoundaryTests {
    @Test("calibration sees the chip only through HXPhysics's public API (no @testable import)")
    func publicInterfaceOnly() throws {
        let sources = PackageRoot.url.appendingPathComponent("Sources/HXCalibration")
        let files = try FileManager.default.contentsOfDirectory(atPath: sources.path)
            .filter { $0.hasSuffix(".swift") }
        #expect(files.count > 5)
        for file in files {
            let text = try String(
                contentsOfFile: sources.appendingPathComponent(file).path, encoding: .utf8)
            #expect(!text.contains("@testable"), "\(file) uses @testable")
            #expect(!text.contains("mismatch."), "\(file) names the chip's mismatch")
        }
    }
}
