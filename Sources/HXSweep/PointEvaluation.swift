import HXNetwork
import HXNumerics
import HXPhysics

/// The accuracy of one point over its repetitions.
public struct PointResult: Sendable, Equatable {
    /// The fraction of samples classified correctly, per repetition.
    public var accuracies: [Double]
    /// Samples evaluated per repetition.
    public var samples: Int

    /// A result of `accuracies` over `samples` samples each.
    public init(accuracies: [Double], samples: Int) {
        self.accuracies = accuracies
        self.samples = samples
    }
}

/// Chips drawn and prepared for recent points, so that points sharing chips (same seeds, count,
/// parameters and calibration) prepare them once. Preparation is a pure function of the key,
/// so the cache changes speed, never results.
struct ChipCache {
    struct Key: Hashable {
        var seed: UInt64
        var chips: Int
        var parameters: PhysicsParameters
        var calibration: Bool
        /// Where the chips were calibrated (calibration on) or nil.
        var calibratedAt: ChipEnvironment?
    }

    /// Entries kept; the least recently used goes first.
    let capacity: Int
    private var entries: [(key: Key, chips: [Chip])] = []

    init(capacity: Int = 4) { self.capacity = capacity }

    mutating func chips(for key: Key, make: () throws -> [Chip]) rethrows -> [Chip] {
        if let index = entries.firstIndex(where: { $0.key == key }) {
            let entry = entries.remove(at: index)
            entries.append(entry)
            return entry.chips
        }
        let chips = try make()
        entries.append((key, chips))
        if entries.count > capacity { entries.removeFirst() }
        return chips
    }
}

extension Sweep {
    /// The trial of the first input vector of repetition `r` on the hardware back end, on every
    /// chip: `SeedSequence(seed).seed(label("trials"), r) >> 24`, so repetitions draw distinct,
    /// far-apart stretches of each chip's trial-to-trial noise.
    ///
    /// It depends on the specification's seed and the repetition only, not on the point: points
    /// that share chips see the same noise draws (common random numbers), so differences
    /// between neighbouring points of an axis are not blurred by independent noise. Change
    /// `seed` for an independent realisation.
    public func trialStart(repetition: Int) -> UInt64 {
        SeedSequence(spec.seed).seed(SeedSequence.label("trials"), UInt64(repetition)) >> 24
    }

    /// The noise seed of the mock back end in repetition `r` (the same rule as ``trialStart(repetition:)``).
    public func mockSeed(repetition: Int) -> UInt64 {
        SeedSequence(spec.seed).seed(SeedSequence.label("mock"), UInt64(repetition))
    }

    /// Evaluates `point`: every repetition on the point's back end, in order.
    /// - Parameter threads: worker threads of the hardware back end (nil: all cores); results do
    ///   not depend on it.
    public func evaluate(_ point: SweepPoint, threads: Int? = nil) throws -> PointResult {
        var cache = ChipCache(capacity: 0)
        return try evaluate(point, threads: threads, cache: &cache)
    }

    func evaluate(_ point: SweepPoint, threads: Int?, cache: inout ChipCache) throws -> PointResult
    {
        let settings = try self.settings(for: point)
        let network = ModelSettings.overriding(
            model, numSends: settings.numSends, waitBetweenEvents: settings.waitBetweenEvents)
        let batchSize = spec.evaluation.batchSize
        func accuracy(_ context: inout ExecutionContext) throws -> Double {
            try HXNetwork.evaluate(
                network, features: features, labels: labels, batchSize: batchSize,
                sampleShape: sampleShape, context: &context)
        }
        var accuracies: [Double] = []
        switch settings.backend {
        case .software:
            // The float model draws no random numbers: every repetition gives this.
            var context = ExecutionContext(
                backend: .software, mockParameter: settings.mock, seed: 0)
            let value = try accuracy(&context)
            accuracies = Array(repeating: value, count: settings.repetitions)
        case .mock:
            for repetition in 0..<settings.repetitions {
                var context = ExecutionContext(
                    backend: .mock, mockParameter: settings.mock,
                    seed: mockSeed(repetition: repetition))
                accuracies.append(try accuracy(&context))
            }
        case .hardware:
            // Chips are prepared where they are calibrated, then drift to where the point runs.
            let calibratedAt = settings.calibration ? settings.calibrationEnvironment : nil
            let key = ChipCache.Key(
                seed: settings.seed, chips: settings.chips, parameters: settings.parameters,
                calibration: settings.calibration, calibratedAt: calibratedAt)
            var prepared = try cache.chips(for: key) {
                var chips = try PhysicsExecutor.chipSeeds(
                    first: settings.seed, count: settings.chips
                )
                .map {
                    try Chip(
                        seed: $0, parameters: settings.parameters,
                        environment: calibratedAt ?? .nominal(for: settings.parameters))
                }
                let preparer =
                    settings.calibration
                    ? (calibration ?? ChipPreparer.nominal) : ChipPreparer.nominal
                try preparer.prepare(&chips, settings.parameters, settings.seed)
                return chips
            }
            for index in prepared.indices {
                try prepared[index].setEnvironment(settings.environment)
            }
            let options = ExecutionOptions(integrator: integrator, threads: threads)
            for repetition in 0..<settings.repetitions {
                var chips = prepared
                for index in chips.indices {
                    Self.advance(&chips[index], toTrial: trialStart(repetition: repetition))
                }
                let executor = try PhysicsExecutor(chips: chips, options: options)
                var context = ExecutionContext(
                    backend: .hardware(executor), mockParameter: settings.mock, seed: 0)
                accuracies.append(try accuracy(&context))
            }
        }
        return PointResult(accuracies: accuracies, samples: labels.count)
    }

    /// Moves the trial counter of `chip` to `trial` (if it is not past it already), so that the
    /// next input vector draws the noise of trial `trial`.
    static func advance(_ chip: inout Chip, toTrial trial: UInt64) {
        if trial > chip.nextTrial { chip.setNextTrial(trial) }
    }
}
