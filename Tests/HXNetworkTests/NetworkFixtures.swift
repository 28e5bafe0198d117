import HXNumerics
import Testing

@testable import HXNetwork

/// A tensor of `shape` with values uniform in `range`, from a counter-based stream.
func randomTensor(_ shape: [Int], seed: UInt64, in range: ClosedRange<Float> = -1...1) -> Tensor {
    var generator = SplitMix64(key: SeedSequence(seed).seed(SeedSequence.label("test")))
    let count = shape.reduce(1, *)
    let values = (0..<count).map { _ in
        range.lowerBound
            + Float(SplitMix64.unitDouble(generator.next())) * (range.upperBound - range.lowerBound)
    }
    return try! Tensor(shape: shape, storage: values)
}

/// Random integers in `range` as a float tensor (chip-unit test data).
func randomIntegers(_ shape: [Int], seed: UInt64, in range: ClosedRange<Int>) -> Tensor {
    var generator = SplitMix64(key: SeedSequence(seed).seed(SeedSequence.label("integers")))
    let span = UInt64(range.upperBound - range.lowerBound + 1)
    let values = (0..<shape.reduce(1, *)).map { _ in
        Float(range.lowerBound + Int(generator.next() % span))
    }
    return try! Tensor(shape: shape, storage: values)
}

/// The outcome of a gradient check: the worst element and how far the two gradients are apart.
struct GradientCheck: CustomStringConvertible {
    var worstInput = 0
    var worstIndex = 0
    var analytic = 0.0
    var numeric = 0.0
    var worstRatio = 0.0  // |analytic − numeric| / (atol + rtol · scale); ≤ 1 passes
    var checked = 0

    var passed: Bool { worstRatio <= 1 }

    var description: String {
        "worst at input \(worstInput)[\(worstIndex)]: analytic \(analytic), numeric \(numeric) "
            + "(error/tolerance \(worstRatio), \(checked) elements)"
    }
}

/// Compares the autodiff gradient of `Σ p ⊙ f(inputs)` (p a fixed random projection) with
/// central finite differences, accumulated in Double.
///
/// Tolerance per element: `atol + rtol · max(|analytic|, |numeric|, typical)` where `typical` is
/// the mean magnitude of the analytic gradient, so that float rounding in the forward pass does
/// not fail elements whose gradient is tiny.
func checkGradients(
    _ inputs: [Tensor], step: Float = 1e-2, rtol: Double = 1e-2, atol: Double = 1e-4,
    _ f: ([Tensor]) throws -> Tensor
) throws -> GradientCheck {
    let output = try f(inputs)
    let projection = randomTensor(output.shape, seed: 99, in: 0.5...1.5)
    func objective(_ values: [Tensor]) throws -> Double {
        let out = try f(values)
        return zip(out.storage, projection.storage).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
    let tracked = inputs.map { $0.trackingGradient() }
    let loss = (try f(tracked) * projection).sum()
    let analytic = try gradients(of: loss, withRespectTo: tracked)
    let typical =
        analytic.flatMap(\.storage).reduce(0.0) { $0 + abs(Double($1)) }
        / Double(max(analytic.reduce(0) { $0 + $1.count }, 1))

    var result = GradientCheck()
    for (inputIndex, input) in inputs.enumerated() {
        for index in 0..<input.count {
            var plus = inputs
            var minus = inputs
            plus[inputIndex].storage[index] += step
            minus[inputIndex].storage[index] -= step
            let numeric = (try objective(plus) - objective(minus)) / Double(2 * step)
            let exact = Double(analytic[inputIndex].storage[index])
            let tolerance = atol + rtol * max(abs(exact), abs(numeric), typical)
            let ratio = abs(exact - numeric) / tolerance
            result.checked += 1
            if ratio > result.worstRatio {
                result = GradientCheck(
                    worstInput: inputIndex, worstIndex: index, analytic: exact, numeric: numeric,
                    worstRatio: ratio, checked: result.checked)
            }
        }
    }
    return result
}

/// The largest absolute difference between two tensors of the same shape.
func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
    zip(a.storage, b.storage).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// A software context with hxtorch's default gain.
func softwareContext() -> ExecutionContext { ExecutionContext(backend: .software, seed: 1) }

extension HardwareBlock {
    /// A block on `chip`'s `hemisphere`: `batch` vectors of `rows` inputs, all `input`, onto
    /// `columns` columns whose weights are all `weight`.
    static func uniform(
        chip: Int, hemisphere: Int, batch: Int = 1, rows: Int, columns: Int, input: UInt8 = 1,
        weight: Int8 = 1
    ) -> HardwareBlock {
        HardwareBlock(
            placement: BlockPlacement(chip: chip, hemisphere: hemisphere),
            inputs: Matrix(rows: batch, columns: rows, repeating: input),
            weights: Matrix(rows: rows, columns: columns, repeating: weight))
    }
}

extension HardwareExecutor {
    /// The error running `block` alone (one send, wait 5) throws, before any work; an issue at
    /// the caller when it runs.
    @discardableResult
    func refusal(
        of block: HardwareBlock, sourceLocation: SourceLocation = #_sourceLocation
    ) -> NetworkError? {
        #expect(throws: NetworkError.self, sourceLocation: sourceLocation) {
            try execute([block], numSends: 1, waitBetweenEvents: 5)
        }
    }
}
