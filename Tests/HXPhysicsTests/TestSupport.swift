import Foundation
import HXNumerics

@testable import HXPhysics

/// Mean and sample standard deviation.
func meanAndStd(_ values: [Double]) -> (mean: Double, std: Double) {
    let mean = values.reduce(0, +) / Double(values.count)
    let variance =
        values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(1, values.count - 1))
    return (mean, variance.squareRoot())
}

/// The median.
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : 0.5 * (sorted[middle - 1] + sorted[middle])
}

/// Per-column mean and standard deviation of outputs over the batch (trials).
func columnStatistics(_ outputs: Matrix<Int8>) -> [(mean: Double, std: Double)] {
    (0..<outputs.columns).map { j in meanAndStd((0..<outputs.rows).map { Double(outputs[$0, j]) }) }
}

/// A chip without mismatch and noise: the ideal of the model.
func idealChip(_ change: (inout PhysicsParameters) -> Void = { _ in }) throws -> Chip {
    var parameters = PhysicsParameters().withoutMismatchOrNoise
    change(&parameters)
    return try Chip(seed: 1, parameters: parameters)
}

/// A matrix with every element `value`.
func filled(_ rows: Int, _ columns: Int, _ value: Int) -> Matrix<Int> {
    Matrix(rows: rows, columns: columns, repeating: value)
}
