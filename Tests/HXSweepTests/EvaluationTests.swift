import Foundation
import HXNetwork
import HXPhysics
import HXTestSupport
import Synchronization
import Testing

@testable import HXSweep

@Suite("Evaluating points")
struct EvaluationTests {
    func sweep(
        _ axes: [AxisSpec], base: [String: SweepValue] = [:], repetitions: Int = 3,
        samples: Int = 100, calibration: ChipPreparer? = nil
    ) throws -> Sweep {
        let directory = try temporaryDirectory("evaluation")
        try TestModel.write(to: directory)
        return try Sweep(
            spec: testSpec(axes: axes, base: base, repetitions: repetitions, samples: samples),
            directory: directory, calibration: calibration)
    }

    @Test("a point's result is a function of the specification alone (same twice, any threads)")
    func deterministic() throws {
        let s = try sweep([AxisSpec("scale:noise", values: [.number(2)])])
        let point = s.plan.points[0]
        let once = try s.evaluate(point, threads: 1)
        let twice = try s.evaluate(point, threads: 2)
        #expect(once == twice)
        #expect(once.accuracies.count == 3 && once.samples == 100)
    }

    @Test("without trial-to-trial noise repetitions agree; with it they differ")
    func repetitions() throws {
        let s = try sweep([AxisSpec("scale:noise", values: [.number(0), .number(4)])])
        let quiet = try s.evaluate(s.plan.points[0])
        let noisy = try s.evaluate(s.plan.points[1])
        #expect(Set(quiet.accuracies).count == 1, "\(quiet.accuracies)")
        #expect(Set(noisy.accuracies).count > 1, "\(noisy.accuracies)")
        let record = SweepRecord(
            sweep: "t", specHash: "h", point: s.plan.points[0], pointCount: 2, result: quiet,
            wallSeconds: 0)
        #expect(record.accuracyStd == 0 && record.accuracyMean == quiet.accuracies[0])
    }

    @Test("accuracy falls with trial-to-trial noise (ideal chip: noise 0 beats noise 6× default)")
    func noiseLowersAccuracy() throws {
        let s = try sweep(
            [AxisSpec("scale:noise", values: [.number(0), .number(6)])],
            base: ["scale:mismatch": .number(0)], samples: 200)
        let clean = try s.evaluate(s.plan.points[0]).accuracies[0]
        let noisy = try s.evaluate(s.plan.points[1]).accuracies.reduce(0, +) / 3
        #expect(clean > noisy + 0.02, "noise 0: \(clean), noise 6×: \(noisy)")
        #expect(clean > 0.6, "the test model is far above chance (1/3) on an ideal chip")
    }

    @Test("software repeats itself exactly; the mock's noise follows mockNoise")
    func otherBackends() throws {
        let s = try sweep(
            [
                AxisSpec("backend", values: [.text("software"), .text("mock")]),
                AxisSpec("mockNoise", values: [.number(0), .number(20)]),
            ], samples: 200)
        let results = try s.plan.points.map { try s.evaluate($0) }
        #expect(Set(results[0].accuracies).count == 1 && results[0] == results[1])
        #expect(Set(results[2].accuracies).count == 1, "mock without noise is deterministic")
        #expect(Set(results[3].accuracies).count > 1)
        #expect(results[2].accuracies[0] > results[3].accuracies.max()!)
    }

    @Test("sweeps find every chip layer through the ChipLayer protocol, a new one included")
    func newChipLayer() throws {
        /// A chip layer the sweep module has never heard of.
        struct Scaled: ChipLayer {
            var weight: Tensor
            var bias: Tensor?
            var numSends = 1
            var waitBetweenEvents = 5
            var backend: Backend?
            func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor {
                try matmul(
                    input, weight.transposed(), numSends: numSends,
                    waitBetweenEvents: waitBetweenEvents, backend: backend, context: &context)
            }
            init(weight: Tensor) { self.weight = weight }
            init(from decoder: any Decoder) throws {
                throw NetworkError.notSerializable(type: "Scaled")
            }
            func encode(to encoder: any Encoder) throws {}
        }
        let model = Sequential(
            try Linear(inFeatures: 2, outFeatures: 2, seed: 1), ReLU(),
            Sequential(Scaled(weight: try Tensor([[1, 2], [3, 4]]))))
        #expect(ModelSettings.vmmLayerCount(of: model) == 2)
        let changed = ModelSettings.overriding(
            model, numSends: LayerOverride(layers: [1: 7]),
            waitBetweenEvents: LayerOverride(all: 9))
        #expect(ModelSettings.numSends(of: changed) == [model.chipLayers[0].numSends, 7])
        #expect(changed.chipLayers.map(\.waitBetweenEvents) == [9, 9])
        #expect(changed.chipLayers[1] is Scaled)
    }

    @Test("numSends overrides reach the model's layers, and change the result")
    func numSends() throws {
        let s = try sweep([AxisSpec("numSends@1", values: [.number(1), .number(12)])])
        #expect(s.vmmLayerCount == 2)
        let settings = try s.settings(for: s.plan.points[1])
        let model = ModelSettings.overriding(
            s.model, numSends: settings.numSends, waitBetweenEvents: settings.waitBetweenEvents)
        let original = ModelSettings.numSends(of: s.model)
        #expect(ModelSettings.numSends(of: model) == [original[0], 12])
        let one = try s.evaluate(s.plan.points[0])
        let twelve = try s.evaluate(s.plan.points[1])
        #expect(one != twelve)
    }

    @Test("calibration on runs the preparer on the point's chips; off leaves them nominal")
    func calibrationHook() throws {
        let calls = Mutex<[UInt64]>([])
        let marker = ChipPreparer(name: "test-marker") { chips, _, seed in
            calls.withLock { $0.append(seed) }
            #expect(chips.map(\.seed) == [seed, seed + 1])
        }
        let s = try sweep(
            [AxisSpec("calibration", values: [.text("off"), .text("on")])],
            base: ["chips": .number(2), "seed": .number(5)], repetitions: 1, samples: 20,
            calibration: marker)
        _ = try s.evaluate(s.plan.points[0])
        #expect(calls.withLock { $0 }.isEmpty)
        _ = try s.evaluate(s.plan.points[1])
        #expect(calls.withLock { $0 } == [5])
        // The procedure's name is part of the sweep's identity.
        let other = try sweep(
            [AxisSpec("calibration", values: [.text("off"), .text("on")])],
            base: ["chips": .number(2), "seed": .number(5)], repetitions: 1, samples: 20,
            calibration: ChipPreparer(name: "another", prepare: { _, _, _ in }))
        #expect(other.hash != s.hash)
    }

    @Test(
        "drift axes: calibration at power-up, or where the point runs with recalibration")
    func driftAxes() throws {
        let seen = Mutex<[ChipEnvironment]>([])
        let marker = ChipPreparer(name: "test-environment") { chips, _, _ in
            seen.withLock { $0.append(chips[0].environment) }
        }
        let s = try sweep(
            [AxisSpec("recalibration", values: [.text("off"), .text("on")])],
            base: ["calibration": .text("on"), "age": .number(7200), "temperature": .number(305)],
            repetitions: 1, samples: 20, calibration: marker)
        for point in s.plan.points { _ = try s.evaluate(point) }
        let nominal = ChipEnvironment.nominal(for: PhysicsParameters())
        #expect(seen.withLock { $0 } == [nominal, ChipEnvironment(age: 7200, temperature: 305)])
        // Age 0 at the nominal temperature is the point without the drift axes.
        let plain = try sweep([], repetitions: 2, samples: 60)
        let zero = try sweep(
            [], base: ["age": .number(0), "temperature": .number(nominal.temperature)],
            repetitions: 2, samples: 60)
        #expect(try plain.evaluate(plain.plan.points[0]) == zero.evaluate(zero.plan.points[0]))
    }

    @Test("the trial counter moves to the repetition's start, and not backwards")
    func trialCounter() throws {
        var chip = try Chip(seed: 3)
        Sweep.advance(&chip, toTrial: 1_000)
        #expect(chip.nextTrial == 1_000)
        Sweep.advance(&chip, toTrial: 10)
        #expect(chip.nextTrial == 1_000)
    }

    static let digits = SharedDatasets.path("digits/digits.csv.gz")

    @Test(
        "a data set named by path loads with its limit and input scale (8 × 8 digits)",
        .enabled(
            if: SharedDatasets.has("digits/digits.csv.gz"),
            Comment(rawValue: SharedDatasets.skipMessage("digits/digits.csv.gz"))))
    func datasetFromPath() throws {
        let directory = try temporaryDirectory("digits")
        let model = Sequential(
            try Linear(inFeatures: 64, outFeatures: 10, seed: 1), try ConvertingReLU(shift: 1))
        try ModelFile.save(model, to: URL(fileURLWithPath: directory + "/model.json"))
        let spec = SweepSpec(
            name: "digits", model: "model.json",
            dataset: DatasetSpec(kind: "digits", path: Self.digits, limit: 50, inputScale: 31),
            base: ["backend": .text("mock")], axes: [])
        let sweep = try Sweep(spec: spec, directory: directory, calibration: nil)
        #expect(sweep.labels.count == 50 && sweep.features.columns == 64)
        #expect(sweep.features.storage.max() == 31, "pixels 0…1 times 31")
        #expect(sweep.plan.points.count == 1 && sweep.plan.points[0].key == "{}")
        let result = try sweep.evaluate(sweep.plan.points[0])
        #expect(result.samples == 50)
    }
}
