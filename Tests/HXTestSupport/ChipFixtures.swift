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

/// Per-column mean and standard deviation of outputs over the batch (trials).
public func columnStatistics(_ outputs: Matrix<Int8>) -> [(mean: Double, std: Double)] {
    (0..<outputs.columns).map { j in meanAndStd((0..<outputs.rows).map { Double(outputs[$0, j]) }) }
}

/// A chip without mismatch and noise: the ideal of the model.
public func idealChip(
    seed: UInt64 = 1, _ change: (inout PhysicsParameters) -> Void = { _ in }
) throws -> Chip {
    var parameters = PhysicsParameters().withoutMismatchOrNoise
    change(&parameters)
    return try Chip(seed: seed, parameters: parameters)
}
