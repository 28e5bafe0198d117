import Foundation
import HXNetwork
import HXTestSupport
import Synchronization

@testable import HXSweep

/// The Yin-Yang network of the tests, trained once per process: the example network with ten
/// epochs instead of forty (about 3 s in a debug build; about 84 % on an ideal chip).
enum TestModel {
    private static let cache = Mutex<Sequential?>(nil)

    static func trained() throws -> Sequential {
        try cache.withLock { cached in
            if let cached { return cached }
            let model = try ExampleModels.yinYang(epochs: 10).model
            cached = model
            return model
        }
    }

    /// Writes the trained model to `directory/model.json`.
    static func write(to directory: String) throws {
        try ModelFile.save(trained(), to: URL(fileURLWithPath: directory + "/model.json"))
    }
}

/// A specification over the test model and `samples` Yin-Yang test samples.
func testSpec(
    axes: [AxisSpec], base: [String: SweepValue] = [:], repetitions: Int = 2,
    samples: Int = 60, seed: UInt64 = 7, sampling: SamplingSpec = SamplingSpec()
) -> SweepSpec {
    SweepSpec(
        name: "test", model: "model.json",
        dataset: DatasetSpec(kind: "yinyang", size: samples, seed: 40, inputScale: 31),
        seed: seed, repetitions: repetitions, base: base, axes: axes, sampling: sampling)
}

/// Writes `spec` as `name` into `directory` (with the test model beside it) and returns the
/// specification's path.
func writeSpec(
    _ spec: SweepSpec, named name: String = "spec.json", in directory: String
) throws
    -> String
{
    if !FileManager.default.fileExists(atPath: directory + "/model.json") {
        try TestModel.write(to: directory)
    }
    let path = directory + "/" + name
    try JSONEncoder().encode(spec).write(to: URL(fileURLWithPath: path))
    return path
}

/// Run options for tests: no progress lines, a clock that never moves (so wall times are 0 and
/// results files of different runs compare byte for byte), messages collected.
func quietOptions(
    results: String, resume: Bool = false, shard: Shard = .whole, maxPoints: Int? = nil
) -> SweepRunOptions {
    SweepRunOptions(
        resultsPath: results, resume: resume, shard: shard, maxPoints: maxPoints,
        showsProgress: false, log: { _ in }, clock: { 0 })
}

/// The grid of the runner tests: noise × chip seed on one chip, 6 points.
let runnerAxes = [
    AxisSpec("scale:noise", values: [.number(0), .number(1), .number(3)]),
    AxisSpec("seed", values: [.number(1), .number(2)]),
]

/// The sweep over ``runnerAxes`` in a new temporary directory, and the results file it wrote
/// there of its first `maxPoints` points (all when `nil`).
struct RunnerSweep {
    let directory: String
    let specPath: String
    let sweep: Sweep
    let results: String

    init(directoryLabel label: String, results name: String, maxPoints: Int? = nil) throws {
        directory = try temporaryDirectory(label)
        specPath = try writeSpec(testSpec(axes: runnerAxes), in: directory)
        sweep = try Sweep.load(specPath: specPath, calibration: nil)
        results = directory + "/" + name
        try SweepRunner.run(sweep, options: quietOptions(results: results, maxPoints: maxPoints))
    }
}

/// A suite whose tests each get a fresh ``RunnerSweep`` (Swift Testing makes one suite value
/// per test), with the fixture's directory and sweep under their own names.
protocol RunnerSweepSuite {
    var fixture: RunnerSweep { get }
}

extension RunnerSweepSuite {
    var directory: String { fixture.directory }
    var specPath: String { fixture.specPath }
    var sweep: Sweep { fixture.sweep }
}

/// The bytes of a file.
func contents(_ path: String) throws -> Data {
    try Data(contentsOf: URL(fileURLWithPath: path))
}
