import HXNumerics
import HXPhysics

/// A matrix with every element `value`.
public func filled(_ rows: Int, _ columns: Int, _ value: Int) -> Matrix<Int> {
    Matrix(rows: rows, columns: columns, repeating: value)
}

/// A matrix of integers uniform in `range`, from a SplitMix64 stream keyed by `seed`.
public func randomMatrix(
    _ rows: Int, _ columns: Int, in range: ClosedRange<Int>, seed: UInt64
) throws -> Matrix<Int> {
    var rng = SplitMix64(key: seed)
    let width = UInt64(range.upperBound - range.lowerBound + 1)
    return try Matrix(
        rows: rows, columns: columns,
        storage: (0..<rows * columns).map { _ in range.lowerBound + Int(rng.next() % width) })
}

/// The operands of a random VMM: `batch` input vectors of `rows` activations and a `rows` ×
/// `columns` weight matrix, uniform in `inputs` and `weights` (by default the chip's whole
/// ranges, ``ChipGeometry/inputRange`` and ``ChipGeometry/weightRange``). The inputs come from
/// the stream keyed `seed` and the weights from the one keyed `seed + 1`, as two
/// ``randomMatrix(_:_:in:seed:)`` calls would draw them.
public func randomOperands(
    batch: Int, rows: Int, columns: Int, seed: UInt64,
    inputs inputRange: ClosedRange<Int> = ChipGeometry.inputRange,
    weights weightRange: ClosedRange<Int> = ChipGeometry.weightRange
) throws -> (inputs: Matrix<Int>, weights: Matrix<Int>) {
    (
        try randomMatrix(batch, rows, in: inputRange, seed: seed),
        try randomMatrix(rows, columns, in: weightRange, seed: seed + 1)
    )
}

/// Per-column mean and standard deviation of outputs (or CADC codes) over the batch (trials).
public func columnStatistics<Code: BinaryInteger>(
    _ outputs: Matrix<Code>
) -> [(mean: Double, std: Double)] {
    (0..<outputs.columns).map { j in meanAndStd((0..<outputs.rows).map { Double(outputs[$0, j]) }) }
}

extension PhysicsParameters {
    /// These parameters with a linear chain: a linear OTA and no output limits, the regime of
    /// docs/MODEL.md's closed form.
    public var withLinearChain: PhysicsParameters {
        var p = self
        p.otaSaturates = false
        p.membraneCompliance = false
        return p
    }
}

/// A chip without mismatch and noise: the ideal of the model.
public func idealChip(
    seed: UInt64 = 1, _ change: (inout PhysicsParameters) -> Void = { _ in }
) throws -> Chip {
    var parameters = PhysicsParameters().withoutMismatchOrNoise
    change(&parameters)
    return try Chip(seed: seed, parameters: parameters)
}
