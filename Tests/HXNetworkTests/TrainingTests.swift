import Foundation
import HXNumerics
import Synchronization
import Testing

@testable import HXNetwork

/// A seeded, separable two-class problem in chip units: each class scatters (σ = 5, clamped to
/// 0…31) around its own random prototype in 16 dimensions.
func twoClassData(samples: Int, seed: UInt64) throws -> (features: Matrix<Float>, labels: [Int]) {
    let prototypes = randomTensor([2, 16], seed: 1000, in: 4...27)
    let random = GSLRandom(seed: SeedSequence(seed).seed(SeedSequence.label("data")))
    var values: [Float] = []
    var labels: [Int] = []
    for index in 0..<samples {
        let label = index % 2
        labels.append(label)
        for j in 0..<16 {
            values.append(min(max(prototypes[label, j] + Float(random.gaussian(sigma: 5)), 0), 31))
        }
    }
    return (try Matrix(rows: samples, columns: 16, storage: values), labels)
}

func twoClassModel(seed: UInt64) throws -> Sequential {
    Sequential(
        try Linear(inFeatures: 16, outFeatures: 32, seed: seed),
        try ConvertingReLU(shift: 1),
        try Linear(inFeatures: 32, outFeatures: 2, seed: seed + 1))
}

/// What the seeded two-class run tells: the model it trained, the test accuracy before and
/// after, and the mean loss of each epoch.
struct TwoClassRun {
    var model: Sequential
    var before: Double
    var after: Double
    var losses: [Double]
}

/// Trains ``twoClassModel(seed:)`` with Adam (η 0.3) for 6 epochs of batches of 32 on 256
/// samples of ``twoClassData(samples:seed:)`` and tests it on 256 others, in `context`.
func twoClassRun(context: inout ExecutionContext) throws -> TwoClassRun {
    let trainSet = try twoClassData(samples: 256, seed: 1)
    let testSet = try twoClassData(samples: 256, seed: 2)
    var model = try twoClassModel(seed: 3)
    var optimizer = Adam(learningRate: 0.3)
    let loader = try DataLoader(
        features: trainSet.features, labels: trainSet.labels, batchSize: 32, seed: 4)
    let before = try evaluate(
        model, features: testSet.features, labels: testSet.labels, context: &context)
    let history = try train(
        &model, optimizer: &optimizer, data: loader, epochs: 6, context: &context)
    let after = try evaluate(
        model, features: testSet.features, labels: testSet.labels, context: &context)
    return TwoClassRun(model: model, before: before, after: after, losses: history.map(\.meanLoss))
}

/// A counter clock: every reading is 1 µs after the previous one.
final class FakeClock: Sendable {
    private let ticks = Mutex<UInt64>(0)
    func read() -> UInt64 {
        ticks.withLock {
            $0 += 1_000; return $0
        }
    }
}

@Suite("Training in the loop")
struct TrainingTests {
    func context(_ backend: String, seed: UInt64) throws -> ExecutionContext {
        switch backend {
        case "software": return ExecutionContext(backend: .software, seed: seed)
        case "mock": return ExecutionContext(backend: .mock, seed: seed)
        default:
            // The hardware interface with the mock formula behind it (ReferenceExecutor); the
            // simulated chip in the loop is PhysicsLoopTests.trainingOnTheChip.
            return ExecutionContext(
                backend: .hardware(try ReferenceExecutor(chipCount: 2, seed: seed)), seed: seed)
        }
    }

    @Test(
        "a seeded two-class problem: the loss falls tenfold and test accuracy reaches 95 %",
        arguments: ["software", "mock", "reference executor behind the hardware interface"])
    func tinyTrainingRun(backend: String) throws {
        var context = try context(backend, seed: 5)
        let run = try twoClassRun(context: &context)
        let (losses, before, after) = (run.losses, run.before, run.after)
        #expect(losses.last! < losses.first! / 10, "\(backend) losses per epoch: \(losses)")
        #expect(after >= 0.95, "\(backend) test accuracy \(after) (before training \(before))")
        #expect(
            run.model.parameters.allSatisfy {
                $0.rank == 1 || $0.storage.allSatisfy { abs($0) <= 63 }
            })
    }

    @Test("training is bit-reproducible from its seeds on the mock")
    func reproducible() throws {
        let data = try twoClassData(samples: 64, seed: 1)
        func run() throws -> [UInt32] {
            var model = try twoClassModel(seed: 3)
            var optimizer = SGD(learningRate: 0.05, momentum: 0.9)
            let loader = try DataLoader(
                features: data.features, labels: data.labels, batchSize: 16, seed: 4)
            var context = ExecutionContext(backend: .mock, seed: 5)
            _ = try train(&model, optimizer: &optimizer, data: loader, epochs: 2, context: &context)
            return model.parameters.flatMap(\.storage).map(\.bitPattern)
        }
        #expect(try run() == run())
    }

    @Test("the data loader visits every sample once per epoch, in a seeded order")
    func dataLoader() throws {
        let features = try Matrix(rows: 10, columns: 2, storage: (0..<20).map(Float.init))
        let loader = try DataLoader(
            features: features, labels: Array(0..<10), batchSize: 4, seed: 7)
        let batches = loader.batches(epoch: 0)
        #expect(batches.map(\.labels.count) == [4, 4, 2])
        let seen = batches.flatMap(\.labels)
        #expect(seen.sorted() == Array(0..<10))
        #expect(seen != Array(0..<10), "shuffled")
        // Features travel with their labels.
        for batch in batches {
            for (row, label) in batch.labels.enumerated() {
                #expect(batch.features[row, 0] == Float(2 * label))
            }
        }
        #expect(loader.order(epoch: 1) != loader.order(epoch: 0))
        #expect(
            try DataLoader(features: features, labels: Array(0..<10), batchSize: 4, seed: 7).order(
                epoch: 0) == loader.order(epoch: 0))
        let ordered = try DataLoader(
            features: features, labels: Array(0..<10), batchSize: 3, shuffle: false, seed: 0)
        #expect(ordered.batches(epoch: 5).flatMap(\.labels) == Array(0..<10))
        #expect(
            throws: NetworkError.shapeMismatch(
                operation: "DataLoader labels", expected: [10], got: [9])
        ) {
            try DataLoader(features: features, labels: Array(0..<9), batchSize: 4, seed: 0)
        }
    }

    @Test("the profile accounts every phase with the injected clock and prints a table")
    func profile() throws {
        let data = try twoClassData(samples: 32, seed: 1)
        var model = try twoClassModel(seed: 3)
        var optimizer = Adam(learningRate: 0.1)
        let loader = try DataLoader(
            features: data.features, labels: data.labels, batchSize: 16, seed: 4)
        let clock = FakeClock()
        let executor = try ReferenceExecutor(chipCount: 1, seed: 1)
        var context = ExecutionContext(
            backend: .hardware(executor), seed: 5, profiler: Profiler(clock: { clock.read() }))
        _ = try train(&model, optimizer: &optimizer, data: loader, epochs: 1, context: &context)
        let profile = context.profiler!.profile
        // Two batches: two VMM layers each (encode, execute, decode), two digital layers each
        // (ReLU, bias add) plus the loss, one backward and one update each.
        #expect(profile.counts[.encode] == 4)
        #expect(profile.counts[.execute] == 4)
        #expect(profile.counts[.decode] == 4)
        #expect(profile.counts[.backward] == 2)
        #expect(profile.counts[.update] == 2)
        #expect(profile.counts[.digital] == 8)
        // Sections do not nest: each is exactly one 1 µs tick long.
        #expect(
            ProfilePhase.allCases.allSatisfy {
                profile.nanoseconds[$0] == 1_000 * UInt64(profile.counts[$0]!)
            })
        #expect(profile.description.contains("backward"))
        #expect(executor.callCount == 4)
    }
}
