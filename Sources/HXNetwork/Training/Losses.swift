import Foundation

/// Mean cross-entropy of `logits` `[B, C]` (LSB, as the last layer returns them) against class
/// `labels` (B values in 0..<C), as PyTorch's `cross_entropy` with mean reduction.
/// Differentiable in `logits`: `∂logits = (softmax − onehot) / B`.
/// - Throws: ``NetworkError/shapeMismatch(operation:expected:got:)`` for a label count that is
///   not B; ``NetworkError/outOfRange(name:value:allowed:)`` for a label outside 0..<C;
///   ``NetworkError/nonFinite(tensor:)`` for NaN or infinite logits.
public func crossEntropy(_ logits: Tensor, labels: [Int]) throws -> Tensor {
    guard logits.rank == 2, logits.shape[1] > 0, logits.shape[0] > 0 else {
        throw NetworkError.shapeMismatch(
            operation: "crossEntropy", expected: [-1, -1], got: logits.shape)
    }
    let (rows, classes) = (logits.shape[0], logits.shape[1])
    guard labels.count == rows else {
        throw NetworkError.shapeMismatch(
            operation: "crossEntropy labels", expected: [rows], got: [labels.count])
    }
    for label in labels where !(0..<classes).contains(label) {
        throw NetworkError.outOfRange(
            name: "class label", value: Double(label), allowed: 0...Double(classes - 1))
    }
    try logits.checkFinite("crossEntropy logits")
    var probabilities = [Float](repeating: 0, count: logits.count)
    var total: Double = 0
    logits.storage.withUnsafeBufferPointer { x in
        for row in 0..<rows {
            let base = row * classes
            var peak = -Float.infinity
            for j in 0..<classes { peak = max(peak, x[base + j]) }
            var sum: Double = 0
            for j in 0..<classes {
                let e = exp(Double(x[base + j] - peak))
                probabilities[base + j] = Float(e)
                sum += e
            }
            for j in 0..<classes {
                probabilities[base + j] = Float(Double(probabilities[base + j]) / sum)
            }
            total += log(sum) + Double(peak) - Double(x[base + labels[row]])
        }
    }
    let loss = Float(total / Double(rows))
    let shape = logits.shape
    let softmaxValues = probabilities
    return .result(shape: [], storage: [loss], inputs: [logits]) { gradient, _ in
        let scale = gradient.storage[0] / Float(rows)
        var back = softmaxValues
        for row in 0..<rows { back[row * classes + labels[row]] -= 1 }
        for index in back.indices { back[index] *= scale }
        return [Tensor(unchecked: shape, back)]
    }
}

/// Mean squared error between `prediction` and `target` of the same shape (PyTorch's
/// `mse_loss` with mean reduction). Differentiable in both.
public func mseLoss(_ prediction: Tensor, _ target: Tensor) throws -> Tensor {
    guard prediction.shape == target.shape else {
        throw NetworkError.shapeMismatch(
            operation: "mseLoss", expected: prediction.shape, got: target.shape)
    }
    let difference = try prediction - target
    return try (difference * difference).mean()
}

/// One-hot rows for `labels` over `classes` classes: `on` at the label, `off` elsewhere.
public func oneHot(_ labels: [Int], classes: Int, on: Float = 1, off: Float = 0) throws -> Tensor {
    var values = [Float](repeating: off, count: labels.count * classes)
    for (row, label) in labels.enumerated() {
        guard (0..<classes).contains(label) else {
            throw NetworkError.outOfRange(
                name: "class label", value: Double(label), allowed: 0...Double(max(classes - 1, 0)))
        }
        values[row * classes + label] = on
    }
    return Tensor(unchecked: [labels.count, classes], values)
}
