import HXNumerics
import Synchronization

/// A deterministic stand-in for the chip: a ``HardwareExecutor`` that computes hxtorch's mock
/// formula per block, `clamp(floor(gain × numSends × Σ a·w + ε), −128, 127)` with
/// `ε ~ N(0, noiseStd²)`.
///
/// It checks every block as a chip would have to (placement, size, value ranges) and throws
/// ``NetworkError`` otherwise. The noise of output (sample, column) of block `i` of the `c`-th
/// call is a counter-based draw keyed by (seed, c, i, sample, column): results depend on the
/// blocks' logical order, not on their placement, so a network gives the same outputs on any
/// number of chips. It ignores `waitBetweenEvents`.
///
/// Use it to test code above the ``HardwareExecutor`` protocol, and as the reference the
/// physics simulator's statistics are compared with.
public final class ReferenceExecutor: HardwareExecutor {
    /// Number of chips blocks may be placed on.
    public let chipCount: Int
    /// Gain and noise of the formula.
    public let parameter: MockParameter
    /// Root seed of the noise.
    public let seed: UInt64
    private let state = Mutex(State())

    private struct State {
        var calls: UInt64 = 0
        var placements: [[BlockPlacement]] = []
    }

    /// An executor of `chipCount` chips computing the mock formula with `parameter`.
    /// - Throws: ``NetworkError/countOutOfRange(name:value:allowed:)`` for fewer than one chip,
    ///   ``NetworkError/outOfRange(name:value:allowed:)`` for a parameter outside hxtorch's
    ///   domain.
    public init(chipCount: Int, parameter: MockParameter = MockParameter(), seed: UInt64) throws {
        try requireAtLeast(1, chipCount, "chip count")
        try parameter.validate()
        self.chipCount = chipCount
        self.parameter = parameter
        self.seed = seed
    }

    /// Number of `execute` calls so far.
    public var callCount: Int { Int(state.withLock { $0.calls }) }

    /// The placements of the blocks of every call so far, one array per call.
    public var placementHistory: [[BlockPlacement]] { state.withLock { $0.placements } }

    /// Checks and runs `blocks` with the mock formula; see the type's documentation.
    public func execute(
        _ blocks: [HardwareBlock], numSends: Int, waitBetweenEvents: Int
    ) throws
        -> [Matrix<Int8>]
    {
        try VMMSettings(numSends: numSends, waitBetweenEvents: waitBetweenEvents).validate()
        for (index, block) in blocks.enumerated() { try check(block, index: index) }
        let call = state.withLock { state -> UInt64 in
            state.placements.append(blocks.map(\.placement))
            defer { state.calls += 1 }
            return state.calls
        }
        let scale = parameter.gain * Double(numSends)
        let callKey = SeedSequence(seed).seed(SeedSequence.label("reference-executor"), call)
        return try blocks.enumerated().map { index, block in
            try run(block, scale: scale, key: SplitMix64.mix(callKey &+ UInt64(index)))
        }
    }

    /// One block: exact integer products, the mock formula, int8 codes.
    private func run(_ block: HardwareBlock, scale: Double, key: UInt64) throws -> Matrix<Int8> {
        let (batch, rows, columns) = (
            block.inputs.rows, block.inputs.columns, block.weights.columns
        )
        let a = block.inputs.storage.map(Float.init)
        let w = block.weights.storage.map(Float.init)
        let product = Tensor.gemm(a, w, m: batch, n: columns, k: rows)
        var codes = [Int8](repeating: 0, count: batch * columns)
        let sigma = parameter.noiseStd
        for b in 0..<batch {
            for c in 0..<columns {
                let noise =
                    sigma > 0
                    ? sigma
                        * CounterGaussian.standardNormal(
                            key: CounterGaussian.key(key, b, c), index: 0)
                    : 0
                codes[b * columns + c] = Int8(
                    ChipEncoding.mockCode(
                        product: product[b * columns + c], scale: scale, noise: noise))
            }
        }
        return try Matrix(rows: batch, columns: columns, storage: codes)
    }

    /// Throws for a block no hemisphere could run.
    private func check(_ block: HardwareBlock, index: Int) throws {
        let placement = block.placement
        guard (0..<chipCount).contains(placement.chip),
            (0..<VMMLimits.hemispheresPerChip).contains(placement.hemisphere)
        else {
            throw NetworkError.invalidArgument(
                "block \(index) placed on \(placement), but the executor has \(chipCount) chips "
                    + "of \(VMMLimits.hemispheresPerChip) hemispheres")
        }
        guard block.inputs.columns == block.weights.rows else {
            throw NetworkError.shapeMismatch(
                operation: "block \(index)", expected: [block.inputs.columns, -1],
                got: block.weights.shape)
        }
        guard block.weights.rows <= VMMLimits.rowsPerBlock,
            block.weights.columns <= VMMLimits.columnsPerBlock
        else {
            throw NetworkError.shapeMismatch(
                operation: "block \(index) weights",
                expected: [VMMLimits.rowsPerBlock, VMMLimits.columnsPerBlock],
                got: block.weights.shape)
        }
        let maxInput = UInt8(VMMLimits.inputRange.upperBound)
        if let bad = block.inputs.storage.first(where: { $0 > maxInput }) {
            throw NetworkError.outOfRange(
                name: "block \(index) input", value: Double(bad), allowed: 0...Double(maxInput))
        }
        let weightRange =
            Int8(VMMLimits.weightRange.lowerBound)...Int8(VMMLimits.weightRange.upperBound)
        if let bad = block.weights.storage.first(where: { !weightRange.contains($0) }) {
            throw NetworkError.outOfRange(
                name: "block \(index) weight", value: Double(bad),
                allowed: Double(weightRange.lowerBound)...Double(weightRange.upperBound))
        }
    }
}
