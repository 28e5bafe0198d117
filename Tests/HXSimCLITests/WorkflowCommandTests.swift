import Foundation
import HXCalibration
import HXIO
import HXNetwork
import HXPhysics
import HXTestSupport
import Testing

/// `hxsim calibrate`, `train`, `demo` and `bench` through the command's entry point, with tiny
/// settings.
@Suite("hxsim calibrate, train, demo, bench")
struct WorkflowCommandTests {
    @Test(
        "hxsim calibrate writes a result that loads, belongs to its chip and holds the trims, with its report beside it"
    )
    func calibrate() throws {
        let directory = try CLIFixtures.calibration()
        let result = try CalibrationResult(contentsOf: directory + "/chip-3.json")
        #expect(result.chipSeed == 3 && result.correction != nil)
        try result.check(for: try Chip(seed: 3))
        #expect(result.configuration != ChipConfiguration(nominalFor: PhysicsParameters()))
        #expect(result.settings == CalibrationSettings.quick)
        for suffix in ["-report.md", "-summary.csv", "-steps.csv", "-gain.svg", "-offset.svg"] {
            #expect(
                FileManager.default.fileExists(atPath: directory + "/chip-3" + suffix),
                "chip-3\(suffix) missing")
        }
        // The survey after calibration, as the report states it: gain spread well below the
        // ≈ 10 % of an uncalibrated chip.
        let after = try #require(result.after)
        let before = try #require(result.before)
        #expect(after.excitatoryAmplitude.relativeStandardDeviation < 2)
        #expect(before.excitatoryAmplitude.relativeStandardDeviation > 5)
    }

    @Test(
        "hxsim calibrate: bad values are usage errors (2); an unreadable parameter file fails (1)")
    func calibrateErrors() throws {
        let seed = hxsim(["calibrate", "--seed", "x"])
        #expect(seed.status == ExitStatus.usage && seed.err.contains("seed"), "\(seed.err)")
        let dir = try TemporaryDirectory()
        try dir.write(
            "p.json",
            "{\"format\": \"hxsim-physics-parameters\", \"version\": 1, \"parameters\": {\"readNoise\": -3}}"
        )
        let params = hxsim(["calibrate", "--params", dir.file("p.json"), "--quick", "--quiet"])
        #expect(
            params.status == ExitStatus.failure && params.err.contains("readNoise"), "\(params.err)"
        )
        let unknown = hxsim(["calibrate", "--fast"])
        #expect(unknown.status == ExitStatus.usage && unknown.err.contains("--fast"))
    }

    /// A tiny Yin-Yang run: 100 training and test samples, two software epochs, one with the
    /// chip in the loop, no calibration.
    static let tinyTraining = [
        "train", "yinyang", "--epochs", "2", "--hil-epochs", "1", "--train-limit", "100",
        "--test-limit", "100", "--validation-size", "50", "--no-calibration",
    ]

    @Test(
        "hxsim train yinyang: accuracies on every back end as JSON, both models saved and loadable; the table and the profile"
    )
    func train() throws {
        let dir = try TemporaryDirectory()
        let json = hxsim(Self.tinyTraining + ["--json", "--save", dir.file("m.json")])
        #expect(json.status == ExitStatus.success, "\(json.err)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        for key in ["software", "mock", "physics_deployed", "physics_hil"] {
            let value = try #require(object[key] as? Double, "\(key) missing")
            #expect((0...1).contains(value), "\(key) = \(value)")
        }
        #expect(object["task"] as? String == "yinyang")
        let sizes = try #require(object["sizes"] as? [String: Int])
        #expect(sizes["train"] == 100 && sizes["test"] == 100 && sizes["validation"] == 50)
        #expect(json.err.contains("yinyang"))
        for name in ["m.json", "m.hil-chip1.json"] {
            let model = try ModelFile.load(from: URL(fileURLWithPath: dir.file(name)))
            #expect(model.layers.count == 3, "\(name)")
        }
        let table = hxsim(Self.tinyTraining + ["--fine-tune-on-mock", "--profile"])
        #expect(table.status == ExitStatus.success, "\(table.err)")
        #expect(table.out.contains("software") && table.out.contains("mock"), "\(table.out)")
        #expect(table.out.contains("encode") && table.out.contains("simulate"), "\(table.out)")
    }

    @Test(
        "hxsim train: an unknown task or a value out of range is a usage error (2)",
        arguments: [
            (["train", "cifar"], "yinyang"),
            (["train", "yinyang", "--train-limit", "0"], "train-limit"),
            (["train", "yinyang", "--learning-rate", "-1"], "learning-rate"),
            (["train", "yinyang", "--hidden-avg", "5"], "hidden-avg"),
        ])
    func trainErrors(arguments: [String], mention: String) {
        let run = hxsim(arguments)
        #expect(run.status == ExitStatus.usage, "\(arguments): \(run.status) \(run.err)")
        #expect(run.err.contains(mention), "\(run.err)")
    }

    @Test(
        "hxsim demo --quick writes every figure and table; every anchor of docs/SPECIFICATION.md §5 is reproduced"
    )
    func demo() throws {
        let dir = try TemporaryDirectory()
        let run = hxsim(["demo", "--quick", "--seed", "1", "--out", dir.path])
        #expect(run.status == ExitStatus.success, "\(run.err)")
        for name in [
            "membrane-trace.svg", "membrane-trace.csv", "transfer-curve.svg", "anchors.md",
            "calibration-chip-1.json", "calibration-chip-1-report.md", "yinyang.md",
        ] {
            #expect(FileManager.default.fileExists(atPath: dir.file(name)), "\(name) missing")
        }
        let anchors = try FileIO.readText(path: dir.file("anchors.md"))
        #expect(anchors.contains("| yes") && !anchors.contains("| NO"), "\(anchors)")
        #expect(run.out.contains("Anchors") && run.out.contains("Calibration of chip 1"))
        #expect(
            try CalibrationResult(contentsOf: dir.file("calibration-chip-1.json")).chipSeed == 1)
    }

    @Test(
        "hxsim bench --case runs one small case in process; the separable regime's fast path matches GSL"
    )
    func bench() throws {
        let throughput = hxsim([
            "bench", "--case",
            #"{"throughput":{"batch":8,"tasks":[{"path":"fast","threads":1},{"path":"mock","threads":1}],"rounds":1,"warmUp":false}}"#,
        ])
        #expect(throughput.status == ExitStatus.success, "\(throughput.err)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(throughput.out.utf8)) as? [String: Any])
        let rows = try #require(object["throughput"] as? [[String: Any]])
        #expect(rows.count == 2)
        #expect(Set(rows.compactMap { $0["path"] as? String }) == ["fast", "mock"])
        let accuracy = hxsim([
            "bench", "--case", #"{"accuracy":{"regime":"separable","samples":2}}"#,
        ])
        #expect(accuracy.status == ExitStatus.success, "\(accuracy.err)")
        let measured = try #require(
            try JSONSerialization.jsonObject(with: Data(accuracy.out.utf8)) as? [String: Any])
        let rms = try #require((measured["accuracy"] as? [String: Any])?["rmsLSB"] as? Double)
        // docs/MODEL.md: exact where separable, ≈ 0.002 LSB RMS.
        #expect(rms < 0.01, "RMS \(rms) LSB")
        let help = hxsim(["bench", "--help"])
        #expect(help.status == ExitStatus.success && help.out.contains("--quick"))
        let unknown = hxsim(["bench", "--fast"])
        #expect(unknown.status == ExitStatus.usage && unknown.err.contains("--fast"))
    }
}
