import Foundation
import HXCalibration
import HXNumerics
import HXPhysics

/// A ``HardwareExecutor`` made of simulated HICANN-X chips (HXPhysics): the physics back end of
/// the front end.
///
/// Each chip is its own ``Chip`` instance with its own seed, mismatch and configuration
/// (calibrate them before handing them over). Blocks placed on one chip run one execution at a
/// time, pairing the next block of hemisphere 0 with the next block of hemisphere 1 when their
/// batches match, as the real chip runs both hemispheres at once; different chips run in
/// parallel. Results do not depend on the number of threads. The E executions of one call on a
/// chip interleave their trials (vector b of execution e is trial T + b·E + e), so that a
/// batch split into parts of rows, one call each, gets the trials of one call of the whole.
public final class PhysicsExecutor: HardwareExecutor, @unchecked Sendable {
    /// Number of chips.
    public let chipCount: Int
    /// How each execution runs (integrator, numerics); `numSends` and `waitBetweenEvents` come
    /// from the layer.
    public let options: ExecutionOptions
    /// Per chip, the calibration whose digital fit corrects the outputs on readout, or nil.
    public let corrections: [CalibrationResult?]
    private var chips: [Chip]
    private let lock = NSLock()

    /// An executor over `chips` (at least one), as they are (calibrate or configure them
    /// first). `corrections`, if given (one entry per chip), are calibration results whose
    /// digital fit is applied to every output of their chip.
    public init(
        chips: [Chip], options: ExecutionOptions = ExecutionOptions(),
        corrections: [CalibrationResult?]? = nil
    ) throws {
        try Self.checkChipCount(chips.count)
        let corrections = corrections ?? Array(repeating: nil, count: chips.count)
        guard corrections.count == chips.count else {
            throw NetworkError.invalidArgument(
                "\(corrections.count) corrections for \(chips.count) chips")
        }
        for (chip, correction) in zip(chips, corrections) {
            guard let correction else { continue }
            do {
                try correction.check(for: chip)
                _ = try correction.requireCorrection()
            } catch {
                throw NetworkError.invalidArgument("chip \(chip.seed): \(error)")
            }
        }
        self.chips = chips
        self.chipCount = chips.count
        self.options = options
        self.corrections = corrections
    }

    /// An executor over `chipCount` fresh chips with seeds `firstSeed`, `firstSeed + 1`, …,
    /// at `environment` (age and temperature; nil: power-up at the nominal temperature),
    /// each calibrated with `calibration` when it is given (in parallel over the chips;
    /// deterministic). With `digitalCorrection`, the digital fit of each chip's calibration
    /// corrects its outputs on readout.
    public convenience init(
        chipCount: Int, firstSeed: UInt64, parameters: PhysicsParameters = PhysicsParameters(),
        environment: ChipEnvironment? = nil, options: ExecutionOptions = ExecutionOptions(),
        calibration: CalibrationSettings? = nil, digitalCorrection: Bool = false
    ) throws {
        var chips = try Self.chipSeeds(first: firstSeed, count: chipCount).map {
            try Chip(
                seed: $0, parameters: parameters,
                environment: environment ?? .nominal(for: parameters))
        }
        var results = [CalibrationResult?](repeating: nil, count: chipCount)
        if let calibration {
            let calibrator = Calibrator(settings: calibration)
            try chips.withUnsafeMutableBufferPointer { chipBuffer in
                try results.withUnsafeMutableBufferPointer { resultBuffer in
                    let sharedChips = SharedBuffer(chipBuffer)
                    let sharedResults = SharedBuffer(resultBuffer)
                    try Parallel.forEachChunk(count: chipCount, chunkSize: 1) { range in
                        for c in range {
                            var chip = sharedChips[c]
                            sharedResults[c] = try calibrator.calibrate(&chip, clock: { 0 }).result
                            sharedChips[c] = chip
                        }
                    }
                }
            }
        } else if digitalCorrection {
            throw NetworkError.invalidArgument("a digital correction needs a calibration")
        }
        try self.init(
            chips: chips, options: options, corrections: digitalCorrection ? results : nil)
    }

    /// How many chips one executor may spread a model over. Every chip is a full simulated
    /// HICANN-X with its own mismatch and configuration, so the bound keeps the memory of a
    /// deployment bounded; the command line's `--chips`, the sweeps' `chips` axis, the
    /// benchmarks, the C API (`hxsim_limit("max_chips")`) and the Python package all take it
    /// from here.
    public static let chipCountRange = 1...64

    /// The seeds `first`, `first + 1`, … of `count` chips: the chips of one deployment.
    /// Throws when `count` is outside ``chipCountRange`` or `first` is above
    /// ``largestFirstSeed(count:)``.
    public static func chipSeeds(first: UInt64, count: Int) throws -> [UInt64] {
        try checkChipCount(count)
        if let reason = seedOverflow(first: first, count: count) {
            throw NetworkError.invalidArgument("\(count) chips from seed \(first): \(reason)")
        }
        return Array(first...(first + UInt64(count - 1)))
    }

    /// Why `count` chips cannot start at seed `first` (their last seed would pass
    /// `UInt64.max`), in the words every check of chip seeds uses; nil when they can.
    public static func seedOverflow(first: UInt64, count: Int) -> String? {
        let largest = largestFirstSeed(count: count)
        guard first > largest else { return nil }
        return "the last chip's seed would pass \(UInt64.max); the largest first seed of "
            + "\(count) chips is \(largest)"
    }

    /// The largest seed the first of `count` chips (1…) may have: the last one's is
    /// `UInt64.max` then.
    public static func largestFirstSeed(count: Int) -> UInt64 {
        UInt64.max - UInt64(max(1, count) - 1)
    }

    private static func checkChipCount(_ count: Int) throws {
        try requireWithin(chipCountRange, count, "chips of a physics executor")
    }

    /// Copies of the chips in their current state.
    public var currentChips: [Chip] {
        lock.lock()
        defer { lock.unlock() }
        return chips
    }

    /// Runs `body` on chip `index` (for example to calibrate it) under the executor's lock.
    /// When `body` throws, the chip stays as it was before the call.
    public func withChip<Result>(
        _ index: Int, _ body: (inout Chip) throws -> Result
    ) throws -> Result {
        lock.lock()
        defer { lock.unlock() }
        guard chips.indices.contains(index) else {
            throw NetworkError.invalidArgument("chip \(index) does not exist (0..<\(chipCount))")
        }
        var chip = chips[index]
        let result = try body(&chip)
        chips[index] = chip
        return result
    }

    public func execute(
        _ blocks: [HardwareBlock], numSends: Int, waitBetweenEvents: Int
    ) throws
        -> [Matrix<Int8>]
    {
        lock.lock()
        defer { lock.unlock() }
        // Blocks per chip and hemisphere, in array order.
        var queues = Array(repeating: [[Int]](repeating: [], count: 2), count: chipCount)
        for (index, block) in blocks.enumerated() {
            let placement = block.placement
            guard (0..<chipCount).contains(placement.chip), (0..<2).contains(placement.hemisphere)
            else {
                throw NetworkError.invalidArgument(
                    "block \(index) is placed on \(placement), outside \(chipCount) chip(s)")
            }
            queues[placement.chip][placement.hemisphere].append(index)
        }
        var options = self.options
        options.numSends = numSends
        options.waitBetweenEvents = waitBetweenEvents
        let busy = queues.filter { !$0[0].isEmpty || !$0[1].isEmpty }.count
        // Parallel over chips, sequential inside one: one worker thread per chip is enough.
        if busy > 1 { options.threads = 1 }
        let innerOptions = options
        let corrections = self.corrections
        var results = [Matrix<Int8>?](repeating: nil, count: blocks.count)
        try chips.withUnsafeMutableBufferPointer { chipBuffer in
            try results.withUnsafeMutableBufferPointer { resultBuffer in
                let sharedChips = SharedBuffer(chipBuffer)
                let sharedResults = SharedBuffer(resultBuffer)
                let allQueues = queues
                try Parallel.forEachChunk(count: chipCount, chunkSize: 1) { range in
                    for c in range {
                        var chip = sharedChips[c]
                        defer { sharedChips[c] = chip }
                        try Self.run(
                            queues: allQueues[c], blocks: blocks, chip: &chip,
                            options: innerOptions, correction: corrections[c],
                            into: sharedResults)
                    }
                }
            }
        }
        return try results.enumerated().map { index, result in
            guard let result else {
                throw NetworkError.executorResult("block \(index) produced no result")
            }
            return result
        }
    }

    /// Runs the queued blocks of one chip, pairing hemispheres where the batches match.
    ///
    /// The E executions of one call interleave their trials: vector b of execution e is trial
    /// `T + b·E + e` (T the chip's count, or `options.firstTrial`), and the count ends at
    /// `T + B·E`. So a batch run in parts of rows, each part one call, gives every vector the
    /// trial (and so the noise and dither) it has in one call of the whole batch. The digital
    /// correction's dither is keyed by the chip, the hemisphere and each output's trial.
    private static func run(
        queues: [[Int]], blocks: [HardwareBlock], chip: inout Chip, options: ExecutionOptions,
        correction: CalibrationResult?, into results: SharedBuffer<Matrix<Int8>?>
    ) throws {
        let executions = schedule(queues: queues, blocks: blocks)
        let stride = UInt64(max(1, executions.count))
        let first = options.firstTrial ?? chip.nextTrial
        for (e, pending) in executions.enumerated() {
            var inputs: HemispherePair<Matrix<UInt8>?> = [nil, nil]
            for h in 0..<2 {
                guard let index = pending[h] else { continue }
                // As int8, as the blocks hold them; weights a hemisphere already holds cost
                // only a comparison.
                try chip.writeWeights(blocks[index].weights, hemisphere: h)
                inputs[h] = blocks[index].inputs
            }
            var executionOptions = options
            executionOptions.firstTrial = first &+ UInt64(e)
            executionOptions.trialStride = stride
            let outcome = try chip.execute(inputs: inputs, options: executionOptions)
            for h in 0..<2 {
                guard let index = pending[h], let outputs = outcome.outputs[h] else { continue }
                if let correction {
                    let dither = SeedSequence(chip.seed).seed(
                        SeedSequence.label("correction"), UInt64(h))
                    results[index] = try correction.correct(
                        outputs, hemisphere: h, columns: 0..<outputs.columns, ditherSeed: dither,
                        firstRow: Int(truncatingIfNeeded: outcome.firstTrial),
                        rowStride: Int(truncatingIfNeeded: stride))
                } else {
                    results[index] = outputs
                }
            }
        }
    }

    /// The executions of one chip's queued blocks, in order: the next block of each hemisphere,
    /// paired only when their batches agree (one execution sends one vector to each hemisphere).
    private static func schedule(
        queues: [[Int]], blocks: [HardwareBlock]
    ) -> [HemispherePair<Int?>] {
        var executions: [HemispherePair<Int?>] = []
        var next = [0, 0]
        while next[0] < queues[0].count || next[1] < queues[1].count {
            var pending: HemispherePair<Int?> = [nil, nil]
            for h in 0..<2 where next[h] < queues[h].count { pending[h] = queues[h][next[h]] }
            if let a = pending[0], let b = pending[1],
                blocks[a].inputs.rows != blocks[b].inputs.rows
            {
                pending[1] = nil
            }
            for h in 0..<2 where pending[h] != nil { next[h] += 1 }
            executions.append(pending)
        }
        return executions
    }
}
