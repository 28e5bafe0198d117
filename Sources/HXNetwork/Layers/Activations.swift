import Foundation

/// Rectified linear unit (hxtorch's `relu`), in LSB.
///
/// Software: `max(x, 0)`. Mock and hardware (the chip's processors): `clamp(floor(x), 0, 127)`.
/// Backward (all back ends, as hxtorch): `∂x = ∂y · [x > 0]`.
public func relu(_ input: Tensor, backend: Backend = .software) throws -> Tensor {
    try input.checkFinite("relu input")
    var out = input.storage
    out.withUnsafeMutableBufferPointer { y in
        if backend.isInteger {
            for i in y.indices { y[i] = min(max(y[i].rounded(.down), 0), 127) }
        } else {
            for i in y.indices { y[i] = max(y[i], 0) }
        }
    }
    let x = input.detached()
    return .result(shape: input.shape, storage: out, inputs: [input]) { gradient, _ in
        [positivePart(gradient, of: x, times: 1)]
    }
}

/// `gradient · [0 < x < ceiling] · factor`, the backward pass of the ReLUs.
private func positivePart(
    _ gradient: Tensor, of x: Tensor, times factor: Float, below ceiling: Float = .infinity
) -> Tensor {
    var back = gradient.storage
    back.withUnsafeMutableBufferPointer { g in
        x.storage.withUnsafeBufferPointer { v in
            for i in g.indices { g[i] = v[i] > 0 && v[i] < ceiling ? g[i] * factor : 0 }
        }
    }
    return Tensor(unchecked: x.shape, back)
}

/// ReLU followed by a right shift that turns 8-bit outputs (0…127) into 5-bit chip inputs (0…31)
/// (hxtorch's `converting_relu`).
///
/// Software: `min(max(x, 0) / 2^shift, 31)`, nothing rounded: the ideal model keeps the 5-bit
/// input range of the next layer (a chip input cannot exceed 31), so that a network trained in
/// software does not come to rely on activations no chip can send. Mock and hardware:
/// `clamp(floor(clamp(floor(x), 0, 127) / 2^shift), 0, 31)` (hxtorch's
/// `converting_relu_mock_forward`). Backward: mock and hardware as hxtorch,
/// `∂x = ∂y · [x > 0] / 2^shift` (straight through the clamp at 31); software the exact
/// derivative of its forward, `∂y · [0 < x < 31 · 2^shift] / 2^shift`.
/// - Throws: ``NetworkError/outOfRange(name:value:allowed:)`` for a shift outside 0…7;
///   ``NetworkError/nonFinite(tensor:)`` for NaN or infinite input.
public func convertingReLU(
    _ input: Tensor, shift: Int, backend: Backend = .software
) throws
    -> Tensor
{
    guard (0...7).contains(shift) else {
        throw NetworkError.outOfRange(
            name: "converting ReLU shift", value: Double(shift), allowed: 0...7)
    }
    try input.checkFinite("convertingReLU input")
    let divisor = Float(1 << shift)
    var out = input.storage
    out.withUnsafeMutableBufferPointer { y in
        if backend.isInteger {
            for i in y.indices {
                let relu = min(max(y[i].rounded(.down), 0), 127)
                y[i] = min((relu / divisor).rounded(.down), 31)
            }
        } else {
            for i in y.indices { y[i] = min(max(y[i], 0) / divisor, 31) }
        }
    }
    let x = input.detached()
    let ceiling: Float = backend.isInteger ? .infinity : 31 * divisor
    return .result(shape: input.shape, storage: out, inputs: [input]) { gradient, _ in
        [positivePart(gradient, of: x, times: 1 / divisor, below: ceiling)]
    }
}

/// Addition of `other` (broadcast) to `input` on the chip's processors (hxtorch's `add`), in LSB.
///
/// Software: `input + other`. Mock and hardware: both operands floored and clamped to
/// −128…127, summed, the sum clamped to −128…127 (hxtorch's `add_mock_forward`). Backward (all
/// back ends): the gradient passes to both operands unchanged (summed over broadcast axes).
public func add(_ input: Tensor, _ other: Tensor, backend: Backend = .software) throws -> Tensor {
    guard other.rank <= input.rank else {
        throw NetworkError.shapeMismatch(operation: "add", expected: input.shape, got: other.shape)
    }
    let sum = try input + other
    guard backend.isInteger else { return sum }
    try input.checkFinite("add input")
    try other.checkFinite("add other")
    func saturated(_ t: Tensor) -> Tensor {
        Tensor(unchecked: t.shape, t.storage.map { min(max($0.rounded(.down), -128), 127) })
    }
    let exact = Tensor.broadcastApply(
        .add, saturated(input), saturated(other), shape: sum.shape
    ).map { min(max($0, -128), 127) }
    // The integer values with the float sum's graph: the straight-through gradient of hxtorch.
    return Tensor(unchecked: sum.shape, exact, node: sum.node)
}

/// The index of the largest element of each row (last axis) of a rank-2 tensor; the first index
/// wins ties. Mock and hardware floor and clamp the values to −128…127 first, as hxtorch's
/// `argmax_mock`, so near-equal outputs tie as they would on the chip.
public func argmax(_ input: Tensor, backend: Backend = .software) throws -> [Int] {
    guard input.rank == 2, input.shape[1] > 0 else {
        throw NetworkError.shapeMismatch(operation: "argmax", expected: [-1, -1], got: input.shape)
    }
    try input.checkFinite("argmax input")
    let (rows, columns) = (input.shape[0], input.shape[1])
    let integer = backend.isInteger
    return (0..<rows).map { row in
        var best = 0
        var bestValue = -Float.infinity
        for column in 0..<columns {
            var value = input.storage[row * columns + column]
            if integer { value = min(max(value.rounded(.down), -128), 127) }
            if value > bestValue {
                best = column
                bestValue = value
            }
        }
        return best
    }
}

/// Softmax over the last axis (differentiable), computed stably by subtracting the row maximum.
public func softmax(_ input: Tensor) throws -> Tensor {
    let (rows, columns) = try rowsAndColumns(input, operation: "softmax")
    var out = input.storage
    for range in rowRanges(rows, columns) {
        let peak = out[range].max() ?? 0
        for index in range { out[index] = exp(out[index] - peak) }
        let total = out[range].reduce(0, +)
        for index in range { out[index] /= total }
    }
    let y = out
    return .result(shape: input.shape, storage: out, inputs: [input]) { gradient, _ in
        // ∂x = y ⊙ (∂y − Σ ∂y ⊙ y) per row.
        var back = [Float](repeating: 0, count: y.count)
        for range in rowRanges(rows, columns) {
            let dot = range.reduce(0) { $0 + gradient.storage[$1] * y[$1] }
            for index in range { back[index] = y[index] * (gradient.storage[index] - dot) }
        }
        return [Tensor(unchecked: input.shape, back)]
    }
}

/// Log-softmax over the last axis (differentiable), computed stably.
public func logSoftmax(_ input: Tensor) throws -> Tensor {
    let (rows, columns) = try rowsAndColumns(input, operation: "logSoftmax")
    var out = input.storage
    for range in rowRanges(rows, columns) {
        let peak = out[range].max() ?? 0
        // (x − peak) − log Σ keeps the precision that peak + log Σ would round away.
        let logTotal = log(out[range].reduce(0) { $0 + exp($1 - peak) })
        for index in range { out[index] = (out[index] - peak) - logTotal }
    }
    let y = out
    return .result(shape: input.shape, storage: out, inputs: [input]) { gradient, _ in
        // ∂x = ∂y − softmax · Σ ∂y per row.
        var back = [Float](repeating: 0, count: y.count)
        for range in rowRanges(rows, columns) {
            let total = gradient.storage[range].reduce(0, +)
            for index in range { back[index] = gradient.storage[index] - exp(y[index]) * total }
        }
        return [Tensor(unchecked: input.shape, back)]
    }
}

/// The index ranges of the rows of a row-major `rows × columns` buffer, in order.
private func rowRanges(_ rows: Int, _ columns: Int) -> [Range<Int>] {
    (0..<rows).map { ($0 * columns)..<(($0 + 1) * columns) }
}

/// Scales the input so that its largest element becomes 31, the top of the chip's input range
/// (hxtorch's `scale_input`; the factor is computed over the whole tensor and treated as a
/// constant by the backward pass). A tensor without positive elements is returned unchanged.
public func scaleInput(_ input: Tensor) throws -> Tensor {
    try input.checkFinite("scaleInput input")
    let peak = input.storage.max() ?? 0
    return peak > 0 ? input.scaled(by: Float(VMMLimits.inputRange.upperBound) / peak) : input
}

/// Scales the weights so that the largest magnitude becomes 63, the top of the chip's weight
/// range (hxtorch's `scale_weight`; the factor is a constant for the backward pass). An all-zero
/// tensor is returned unchanged.
public func scaleWeight(_ weight: Tensor) throws -> Tensor {
    try weight.checkFinite("scaleWeight input")
    let peak = weight.storage.reduce(Float(0)) { max($0, abs($1)) }
    return peak > 0 ? weight.scaled(by: Float(VMMLimits.weightRange.upperBound) / peak) : weight
}

/// `input` with axes `startAxis...` merged into one (PyTorch's `torch.flatten(input, start_dim)`).
public func flatten(_ input: Tensor, startAxis: Int = 1) throws -> Tensor {
    try input.flattened(startAxis: startAxis)
}

/// The number of rows (all axes but the last, multiplied) and columns (the last axis).
func rowsAndColumns(_ input: Tensor, operation: String) throws -> (Int, Int) {
    guard input.rank >= 1, input.shape[input.rank - 1] > 0 else {
        throw NetworkError.shapeMismatch(operation: operation, expected: [-1], got: input.shape)
    }
    let columns = input.shape[input.rank - 1]
    return (input.count / columns, columns)
}
