import HXNumerics

/// Hardware-in-the-loop training as hxtorch does it: the forward pass runs on the chosen back end
/// (software, mock or hardware), the backward pass in software through each layer's linear model
/// (slope gain × numSends, straight through rounding, clamping and noise), and the optimizer
/// updates the float weights, which are then clamped to −63…63 as hxtorch's `clamp_weight_`.

/// The loss a training loop minimises over class labels.
public enum LossFunction: Sendable, Equatable {
    /// ``crossEntropy(_:labels:)`` of the outputs (LSB) as logits.
    case crossEntropy
    /// ``crossEntropy(_:labels:)`` of the outputs times `scale` (an inverse temperature), for
    /// outputs whose LSB range (±127) is too wide for a softmax.
    case scaledCrossEntropy(scale: Float)
    /// ``mseLoss(_:_:)`` against one-hot targets: `on` (LSB) at the label, `off` elsewhere.
    case meanSquaredError(on: Float, off: Float)

    /// The loss of `output` `[B, classes]` for `labels`.
    public func callAsFunction(_ output: Tensor, labels: [Int]) throws -> Tensor {
        switch self {
        case .crossEntropy:
            return try HXNetwork.crossEntropy(output, labels: labels)
        case .scaledCrossEntropy(let scale):
            return try HXNetwork.crossEntropy(output.scaled(by: scale), labels: labels)
        case .meanSquaredError(let on, let off):
            guard output.rank == 2 else {
                throw NetworkError.shapeMismatch(
                    operation: "mseLoss", expected: [-1, -1], got: output.shape)
            }
            return try mseLoss(output, oneHot(labels, classes: output.shape[1], on: on, off: off))
        }
    }
}

/// What one epoch of training achieved.
public struct EpochSummary: Sendable, Equatable, CustomStringConvertible {
    /// The epoch's index (it also selects the shuffling).
    public let epoch: Int
    /// The mean loss over the epoch's batches, weighted by batch size.
    public let meanLoss: Double
    /// The fraction of training samples classified correctly during the epoch (forward passes
    /// as trained, so noisy on mock and hardware).
    public let accuracy: Double

    /// A one-line human-readable form.
    public var description: String {
        "epoch \(epoch): loss \(meanLoss), training accuracy \(accuracy * 100) %"
    }
}

/// Trains `model` for `epochs` passes over `data`.
/// - Parameters:
///   - model: the network, updated in place.
///   - optimizer: the update rule; its state carries over between calls.
///   - data: the batches; epoch `firstEpoch + i` uses shuffling `firstEpoch + i`.
///   - loss: the loss over the network's outputs (default cross-entropy).
///   - clampWeights: clamp chip weights to −63…63 after every step (hxtorch's default
///     `clamp_weight_`).
///   - context: back end, gain, noise seed and profiler of the forward passes; backward and update
///     times go to its profiler too.
///   - progress: called after each epoch.
/// - Returns: one summary per epoch.
/// - Throws: ``NetworkError/nonFinite(tensor:)`` when the loss diverges; any error of the layers
///   or the executor.
public func train<M: Module, O: Optimizer>(
    _ model: inout M, optimizer: inout O, data: DataLoader, epochs: Int, firstEpoch: Int = 0,
    loss: LossFunction = .crossEntropy, clampWeights: Bool = true,
    context: inout ExecutionContext, progress: (EpochSummary) -> Void = { _ in }
) throws -> [EpochSummary] {
    try requireAtLeast(0, epochs, "epochs")
    var summaries: [EpochSummary] = []
    for epoch in firstEpoch..<(firstEpoch + epochs) {
        var lossSum: Double = 0
        var correct = 0
        for batch in data.batches(epoch: epoch) {
            let step = try trainingStep(
                &model, optimizer: &optimizer, batch: batch, loss: loss, clampWeights: clampWeights,
                context: &context)
            lossSum += Double(step.loss) * Double(batch.labels.count)
            correct += step.correct
        }
        let summary = EpochSummary(
            epoch: epoch, meanLoss: lossSum / Double(max(data.sampleCount, 1)),
            accuracy: Double(correct) / Double(max(data.sampleCount, 1)))
        summaries.append(summary)
        progress(summary)
    }
    return summaries
}

/// One optimisation step on one batch: forward on the context's back end, loss, backward in
/// software, update, optional clamp. Returns the batch's loss and its number of correct
/// classifications.
public func trainingStep<M: Module, O: Optimizer>(
    _ model: inout M, optimizer: inout O, batch: DataLoader.Batch,
    loss: LossFunction = .crossEntropy, clampWeights: Bool = true,
    context: inout ExecutionContext
) throws -> (loss: Float, correct: Int) {
    let parameters = model.parameters.map { $0.trackingGradient() }
    var tracked = model
    try tracked.setParameters(parameters)
    let output = try tracked(batch.features, context: &context)
    let value = try context.measure(.digital) { try loss(output, labels: batch.labels) }
    let lossValue = try value.item()
    guard lossValue.isFinite else { throw NetworkError.nonFinite(tensor: "training loss") }
    let gradients = try context.measure(.backward) {
        try HXNetwork.gradients(of: value, withRespectTo: parameters)
    }
    try context.measure(.update) {
        try optimizer.update(&model, gradients: gradients)
        if clampWeights { model.clampWeightsToChipRange() }
    }
    let predictions = try argmax(output.detached().flattened(startAxis: 1))
    let correct = zip(predictions, batch.labels).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
    return (lossValue, correct)
}

/// The fraction of samples whose largest output is their label, running `model` on the
/// context's back end in batches of `batchSize` (in order, no shuffling). Each row of
/// `features` reaches the model shaped `sampleShape` (for example `[1, 28, 28]`) when given.
/// - Throws: ``NetworkError`` for mismatched labels or a bad batch size; any error of the layers.
public func evaluate<M: Module>(
    _ model: M, features: Matrix<Float>, labels: [Int], batchSize: Int = 256,
    sampleShape: [Int]? = nil, context: inout ExecutionContext
) throws -> Double {
    let data = try DataLoader(
        features: features, labels: labels, batchSize: batchSize, shuffle: false, seed: 0,
        sampleShape: sampleShape)
    guard data.sampleCount > 0 else { return 0 }
    var correct = 0
    for batch in data.batches(epoch: 0) {
        let output = try model(batch.features, context: &context)
        let predictions = try argmax(output.flattened(startAxis: 1))
        correct += zip(predictions, batch.labels).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
    }
    return Double(correct) / Double(data.sampleCount)
}
