import Foundation
import HXNetwork
import HXTestSupport
import Testing

@testable import HXSweep

/// A malformed specification must be refused with an error that names the problem, before any
/// point runs (the issue's last requirement). Every check here runs `Sweep.load`, which is what
/// `hxsim sweep SPEC` calls before it touches the results file.
@Suite("Specification validation")
struct SpecValidationTests {
    /// Loads `spec` from a fresh directory and returns the error, checking that no results
    /// file was created.
    func error(_ spec: SweepSpec) throws -> SweepError? {
        let directory = try temporaryDirectory("validation")
        let path = try writeSpec(spec, in: directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            _ = try Sweep.load(specPath: path, calibration: nil)
            return nil
        } catch let error as SweepError {
            #expect(!FileManager.default.fileExists(atPath: directory + "/spec.results.jsonl"))
            if case .inSpecification(let named, _) = error { #expect(named == path) }
            return error.underlying
        }
    }

    func axisError(_ axis: AxisSpec) throws -> SweepError? {
        try error(testSpec(axes: [axis]))
    }

    @Test("an unknown parameter is refused with the closest name as suggestion")
    func unknownParameter() throws {
        let found = try axisError(AxisSpec("parameter:readNoize", values: [.number(1)]))
        #expect(
            found
                == .unknownParameter(
                    axis: "parameter:readNoize", name: "readNoize", suggestion: "readNoise"))
        #expect(found?.description.contains("did you mean 'readNoise'") == true)
        // A bare parameter name is pointed to its axis spelling.
        #expect(
            try axisError(AxisSpec("readNoise", values: [.number(1)]))
                == .unknownAxis(name: "readNoise", suggestion: "parameter:readNoise"))
        #expect(
            try axisError(AxisSpec("numSend", values: [.number(1)]))
                == .unknownAxis(name: "numSend", suggestion: "numSends"))
        #expect(
            try axisError(AxisSpec("scale:nosie", values: [.number(1)]))
                == .unknownParameter(axis: "scale:nosie", name: "nosie", suggestion: "noise"))
        // Loaded from a file, the error names the file.
        let directory = try temporaryDirectory("validation-named")
        let path = try writeSpec(
            testSpec(axes: [AxisSpec("numSend", values: [.number(1)])]), in: directory)
        #expect(
            errorText { try Sweep.load(specPath: path, calibration: nil) }?
                .hasPrefix("sweep specification \(path): unknown axis 'numSend'") == true)
    }

    @Test("an empty axis is refused: an empty list, or neither values nor range")
    func emptyAxis() throws {
        #expect(try axisError(AxisSpec("seed", values: [])) == .emptyAxis("seed"))
        #expect(try axisError(AxisSpec("seed")) == .emptyAxis("seed"))
        let both = try axisError(
            AxisSpec("seed", values: [.number(1)], range: RangeSpec(from: 1, to: 2, steps: 2)))
        guard case .invalidSetting = both else {
            Issue.record("values and range together gave \(String(describing: both))")
            return
        }
    }

    @Test(
        "bad ranges are refused with the reason",
        arguments: [
            (RangeSpec(from: 0, to: 4, steps: 0), "parameter:readNoise", "at least 1"),
            (RangeSpec(from: 0, to: 4, steps: 1), "parameter:readNoise", "one step"),
            (RangeSpec(from: 0, to: 4, steps: 3, spacing: .log), "parameter:readNoise", "positive"),
            (RangeSpec(from: 1, to: 4, steps: 3), "numSends", "not an integer"),
            (RangeSpec(from: 0, to: 1, steps: 2), "calibration", "not numeric"),
        ])
    func badRange(range: RangeSpec, axis: String, phrase: String) throws {
        let found = try axisError(AxisSpec(axis, range: range))
        guard case .badRange(let name, let reason) = found else {
            Issue.record("\(axis) \(range) gave \(String(describing: found))")
            return
        }
        #expect(name == axis)
        #expect(reason.contains(phrase), "reason: \(reason)")
    }

    @Test("values outside a parameter's range, and scales that push one outside, are refused")
    func outOfRange() throws {
        let found = try axisError(AxisSpec("parameter:pulseJitter", values: [.number(2)]))
        guard case .invalidValue(let axis, let value, let reason) = found else {
            Issue.record("gave \(String(describing: found))")
            return
        }
        #expect(axis == "parameter:pulseJitter" && value == "2" && reason.contains("0.0…1.0"))
        // pulseJitter 0.12 × 10 = 1.2 > 1: found when the points are resolved, still before work.
        let scaled = try axisError(AxisSpec("scale:noise", values: [.number(1), .number(10)]))
        guard case .invalidValue(let scaleAxis, _, let scaleReason) = scaled else {
            Issue.record("gave \(String(describing: scaled))")
            return
        }
        #expect(scaleAxis == "scale:noise" && scaleReason.contains("pulseJitter"))
        #expect(
            try axisError(AxisSpec("numSends", values: [.number(0)]))
                == .invalidValue(axis: "numSends", value: "0", reason: "an integer in 1…255"))
        #expect(
            try axisError(AxisSpec("calibration", values: [.text("maybe")]))
                == .invalidValue(axis: "calibration", value: "maybe", reason: "\"on\" or \"off\""))
    }

    @Test(
        "axes that set the same thing conflict: a scale and a value of one parameter, numSends of every layer and of one",
        arguments: [
            [
                AxisSpec("scale:noise", values: [.number(1)]),
                AxisSpec("parameter:readNoise", values: [.number(1)]),
            ],
            [
                AxisSpec("numSends", values: [.number(1)]),
                AxisSpec("numSends@1", values: [.number(2)]),
            ],
        ])
    func conflictingAxes(_ axes: [AxisSpec]) throws {
        let found = try error(testSpec(axes: axes))
        guard case .conflictingAxes = found else {
            Issue.record("gave \(String(describing: found))")
            return
        }
    }

    @Test("repeated values and axes of layers the model does not have are refused")
    func conflicts() throws {
        #expect(
            try axisError(AxisSpec("seed", values: [.number(1), .number(1)]))
                == .duplicateValue(axis: "seed", value: "1"))
        let beyond = try error(testSpec(axes: [AxisSpec("numSends@5", values: [.number(2)])]))
        #expect(beyond?.description.contains("VMM layer 5 does not exist") == true)
    }

    @Test("a model without exactly one output per class of the data set is refused")
    func outputsPerClass() throws {
        // Yin-Yang: 4 features, 3 classes. 5 outputs would predict classes that do not exist.
        for (outputs, found) in [(5, 5), (2, 2), (nil, 4)] {
            let directory = try temporaryDirectory("outputs")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let model =
                try outputs.map { Sequential(try Linear(inFeatures: 4, outFeatures: $0, seed: 1)) }
                ?? Sequential()
            try ModelFile.save(model, to: URL(fileURLWithPath: directory + "/model.json"))
            let spec = SweepSpec(
                name: "x", model: "model.json",
                dataset: DatasetSpec(kind: "yinyang", size: 10, inputScale: 31), axes: [])
            #expect(
                throws: SweepError.invalidSetting(
                    name: "dataset", reason: "the model has \(found) outputs for 3 classes")
            ) {
                try Sweep(spec: spec, directory: directory, calibration: nil)
            }
        }
    }

    @Test("calibration on without a calibration wired in is refused before any work")
    func calibrationUnavailable() throws {
        let spec = testSpec(axes: [AxisSpec("calibration", values: [.text("off"), .text("on")])])
        #expect(try error(spec) == .calibrationUnavailable)
    }

    @Test("unknown keys, wrong types and missing files are named")
    func fileProblems() throws {
        let directory = try temporaryDirectory("files")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/typo.json"
        try Data(
            #"{"name": "x", "model": "m.json", "dataset": {"kind": "yinyang"}, "axis": []}"#.utf8
        ).write(to: URL(fileURLWithPath: path))
        do {
            _ = try Sweep.load(specPath: path, calibration: nil)
            Issue.record("a spec with 'axis' for 'axes' was accepted")
        } catch let error as SweepError {
            #expect(error.description.contains("unknown key 'axis', did you mean 'axes'?"))
        }
        try Data(
            #"{"name": "x", "model": "m.json", "dataset": {"kind": "yinyang"}, "axes": [{"axis": "seed", "values": [[1]]}]}"#
                .utf8
        ).write(to: URL(fileURLWithPath: path))
        do {
            _ = try Sweep.load(specPath: path, calibration: nil)
            Issue.record("a nested array value was accepted")
        } catch let error as SweepError {
            #expect(error.description.contains("axes[0].values[0]"), "\(error)")
        }
        let missing = try error(
            SweepSpec(
                name: "x", model: "nowhere.json",
                dataset: DatasetSpec(kind: "yinyang", size: 10), axes: []))
        guard case .missingFile(let role, _, _) = missing else {
            Issue.record("gave \(String(describing: missing))")
            return
        }
        #expect(role == "model file")
        // A damaged model: its path is named once, by the sweep's error.
        let damagedDirectory = try temporaryDirectory("validation-model")
        let damaged = damagedDirectory + "/damaged.json"
        try Data(#"{"format": "other"}"#.utf8).write(to: URL(fileURLWithPath: damaged))
        let specPath = try writeSpec(
            SweepSpec(
                name: "x", model: "damaged.json", dataset: DatasetSpec(kind: "yinyang", size: 10),
                axes: []), in: damagedDirectory)
        let text = errorText { try Sweep.load(specPath: specPath, calibration: nil) } ?? ""
        #expect(
            text.hasPrefix("cannot read the model file \(damaged): not an HXNetwork model")
                && text.components(separatedBy: damaged).count == 2, "\(text)")
        // A model or parameter file of another version, a data set that is a folder: each
        // named once (review of this stop: the first two gave their path twice).
        let newer = damagedDirectory + "/newer.json"
        try Data(#"{"format": "hxsim.hxnetwork.model", "version": 9}"#.utf8)
            .write(to: URL(fileURLWithPath: newer))
        let parameters = damagedDirectory + "/p.json"
        try Data(#"{"format": "hxsim-physics-parameters", "version": 3, "parameters": {}}"#.utf8)
            .write(to: URL(fileURLWithPath: parameters))
        try FileManager.default.createDirectory(
            atPath: damagedDirectory + "/folder", withIntermediateDirectories: true)
        try ModelFile.save(
            Sequential(try Linear(inFeatures: 64, outFeatures: 10, seed: 1)),
            to: URL(fileURLWithPath: damagedDirectory + "/digits.json"))
        for (spec, start, file) in [
            (
                SweepSpec(
                    name: "x", model: "newer.json", dataset: DatasetSpec(kind: "yinyang", size: 10),
                    axes: []),
                "cannot read the model file \(newer): format version 9; this HXSim reads version 1",
                newer
            ),
            (
                SweepSpec(
                    name: "x", model: "newer.json", dataset: DatasetSpec(kind: "yinyang", size: 10),
                    parameters: "p.json", axes: []),
                "cannot read the parameter file \(parameters): format version 3; this HXSim reads",
                parameters
            ),
            (
                SweepSpec(
                    name: "x", model: "digits.json",
                    dataset: DatasetSpec(kind: "digits", path: "folder"), axes: []),
                "cannot read the digits data set \(damagedDirectory)/folder: ",
                damagedDirectory + "/folder"
            ),
        ] {
            let path = try writeSpec(spec, in: damagedDirectory)
            let text = errorText { try Sweep.load(specPath: path, calibration: nil) } ?? ""
            #expect(text.hasPrefix(start), "\(text)")
            #expect(text.components(separatedBy: file).count == 2, "\(text)")
        }
        #expect(throws: SweepError.self) { try SweepSpec.load(path: directory + "/absent.json") }
        let kind = try error(
            SweepSpec(
                name: "x", model: "model.json", dataset: DatasetSpec(kind: "yinyan"), axes: []))
        #expect(kind?.description.contains("did you mean 'yinyang'") == true)
    }

    @Test("a valid specification round-trips through JSON unchanged")
    func roundTrip() throws {
        let spec = testSpec(
            axes: [
                AxisSpec("scale:noise", range: RangeSpec(from: 0, to: 4, steps: 9)),
                AxisSpec(
                    "scale:calibratable", values: [.number(0), .number(1)],
                    parameters: ["otaMismatch", "resetMismatch"]),
                AxisSpec("parameter:otaSaturates", values: [.flag(true), .flag(false)]),
                AxisSpec("numSends@1", values: [.number(2), .number(4)]),
            ],
            base: ["backend": .text("physics"), "calibration": .flag(false)],
            sampling: SamplingSpec(mode: .random, count: 5, seed: 3))
        let data = try JSONEncoder().encode(spec)
        #expect(try SweepSpec.decode(data) == spec)
    }
}
