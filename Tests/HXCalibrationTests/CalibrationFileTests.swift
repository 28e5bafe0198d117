import Foundation
import HXIO
import HXPhysics
import Testing

@testable import HXCalibration

/// Loading a calibration: a damaged, foreign or mismatched file is refused with a clear error,
/// and the chip it was meant for stays as it was.
@Suite("Calibration files")
struct CalibrationFileTests {
    /// A fresh scratch directory.
    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("hxcalibration-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static var result: CalibrationResult { get throws { try Fixtures.chip2.get().run.result } }

    /// Loads `data` from a file and applies it to a fresh chip 2; returns the error and checks
    /// that the chip is unchanged.
    static func refused(_ data: Data, chip: Chip? = nil) throws -> CalibrationError? {
        let path = try directory() + "/calibration.json"
        try data.write(to: URL(fileURLWithPath: path))
        var target = try chip ?? Chip(seed: 2)
        let before = target.configuration
        do {
            let loaded = try CalibrationResult(contentsOf: path)
            try loaded.apply(to: &target)
        } catch let error as CalibrationError {
            #expect(target.configuration == before, "the chip changed after \(error)")
            #expect(!error.description.isEmpty)
            return error
        }
        return nil
    }

    @Test("a result written and read back is the same result and configures the same chip")
    func roundTrip() throws {
        let result = try Self.result
        let path = try Self.directory() + "/chip-2.json"
        try result.write(to: path)
        let loaded = try CalibrationResult(contentsOf: path)
        #expect(loaded == result)
        var chip = try Chip(seed: 2)
        try loaded.apply(to: &chip)
        #expect(chip.configuration == result.configuration)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("\"hxsim-calibration\""))
    }

    @Test("seeds keep all 64 bits through JSON")
    func largeSeed() throws {
        var result = try Self.result
        result.chipSeed = .max
        result.firstTrial = 1 << 60 + 3
        let loaded = try CalibrationResult(json: result.jsonData())
        #expect(loaded.chipSeed == .max)
        #expect(loaded.firstTrial == 1 << 60 + 3)
    }

    @Test("truncated, corrupt, empty and missing files are malformed")
    func damaged() throws {
        let data = try Self.result.jsonData()
        let truncated = try Self.refused(data.prefix(data.count / 2))
        #expect(
            truncated.map { if case .malformedFile = $0 { true } else { false } } == true,
            "\(String(describing: truncated))")
        // The file is named once, and "not valid JSON" said once (review of this stop).
        let text = truncated.map { "\($0)" } ?? ""
        #expect(text.components(separatedBy: "calibration.json").count == 2, "\(text)")
        #expect(text.components(separatedBy: "not valid JSON").count == 2, "\(text)")
        #expect(text.hasSuffix(" (a truncated or damaged file?)"), "\(text)")
        var corrupt = data
        corrupt.replaceSubrange(100..<140, with: Data(repeating: 0xFF, count: 40))
        let garbled = try Self.refused(corrupt)
        #expect(garbled.map { if case .malformedFile = $0 { true } else { false } } == true)
        let empty = try Self.refused(Data())
        #expect(empty.map { "\($0)".contains("empty") } == true, "\(String(describing: empty))")
        #expect(throws: CalibrationError.self) {
            try CalibrationResult(contentsOf: "/nonexistent/calibration.json")
        }
    }

    @Test("another format, a newer version, a wrong field type are refused")
    func foreign() throws {
        let parameters = PhysicsParameters().jsonData()
        let other = try Self.refused(parameters)
        #expect(
            other.map { "\($0)".contains("hxsim-physics-parameters") } == true,
            "\(String(describing: other))")

        var object = try #require(
            try JSONSerialization.jsonObject(with: Self.result.jsonData()) as? [String: Any])
        object["version"] = 2
        let newer = try Self.refused(JSONSerialization.data(withJSONObject: object))
        #expect(
            newer.map { if case .unsupportedVersion(_, 2, 1) = $0 { true } else { false } } == true)

        object["version"] = 1
        object["chipSeed"] = "two"
        let typed = try Self.refused(JSONSerialization.data(withJSONObject: object))
        #expect(
            typed.map {
                if case .invalidContent = $0 { "\($0)".contains("chipSeed") } else { false }
            } == true, "\(String(describing: typed))")
    }

    @Test("a changed value fails the checksum; an out-of-range trim fails validation")
    func tampered() throws {
        let result = try Self.result
        var edited = result
        edited.configuration.hemispheres[0].resetPotential[3] += 1
        let checksum = try Self.refused(JSON.encode(edited))
        #expect(
            checksum.map { "\($0)".contains("checksum") } == true, "\(String(describing: checksum))"
        )

        var outOfRange = result
        outOfRange.configuration.hemispheres[1].excitatoryOTABias[7] = 5000
        let range = try Self.refused(outOfRange.jsonData())
        #expect(
            range.map { "\($0)".contains("excitatoryOTABias[7] = 5000") } == true,
            "\(String(describing: range))")

        var shape = result
        shape.correction?.gains[0].removeLast()
        let short = try Self.refused(shape.jsonData())
        #expect(
            short.map { "\($0)".contains("correction.gains") } == true,
            "\(String(describing: short))")
    }

    @Test("a result for another chip or parameter set is refused and changes nothing")
    func mismatched() throws {
        let data = try Self.result.jsonData()
        let seed = try Self.refused(data, chip: Chip(seed: 3))
        #expect(seed == .chipMismatch(calibratedSeed: 2, chipSeed: 3))
        var parameters = PhysicsParameters()
        parameters.readNoise = 1.3
        let params = try Self.refused(data, chip: Chip(seed: 2, parameters: parameters))
        #expect(params.map { if case .parameterMismatch = $0 { true } else { false } } == true)
        #expect(params.map { "\($0)".contains("--params") } == true)
    }
}
