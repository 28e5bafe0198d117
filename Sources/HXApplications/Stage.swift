import Foundation
import HXData
import HXNetwork

/// One training stage of the pipeline (software, or fine-tuning with a chip in the loop): Adam
/// with a step schedule (the rate times `decay` every `decayEvery` epochs, hxtorch's
/// `StepLR`), keeping the model of the epoch best on the validation split evaluated on the same
/// back end. Epoch 0 is the model handed in.
struct Stage {
    let name: String
    let epochs: Int
    let batchSize: Int
    let learningRate: Float
    let decay: Float
    let decayEvery: Int
    let seed: UInt64
    let loss: LossFunction
    /// Recording of the real chip's projected time is paused while validating.
    var recorder: ProjectingExecutor?

    init(
        name: String, epochs: Int, batchSize: Int, learningRate: Float, decay: Float,
        decayEvery: Int, seed: UInt64, loss: LossFunction, recorder: ProjectingExecutor? = nil
    ) {
        self.name = name
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.decay = decay
        self.decayEvery = decayEvery
        self.seed = seed
        self.loss = loss
        self.recorder = recorder
    }

    /// The selected model, its epoch and validation accuracy, and the host profile of the
    /// training steps (validation excluded).
    struct Result {
        var model: Sequential
        var epoch: Int
        var validation: Double
        var profile: Profile
    }

    func run(
        _ model: Sequential, data: TaskData, context: inout ExecutionContext,
        clock: @escaping @Sendable () -> UInt64, progress: (String) -> Void
    ) throws -> Result {
        let shape = data.sampleShape
        let loader = try DataLoader(
            features: data.train.features, labels: data.train.labels, batchSize: batchSize,
            shuffle: true, seed: seed, sampleShape: shape)
        func validate(_ candidate: Sequential, _ context: inout ExecutionContext) throws -> Double {
            let profiler = context.profiler
            context.profiler = nil
            recorder?.isRecording = false
            defer {
                context.profiler = profiler
                recorder?.isRecording = true
            }
            return try Experiment.accuracy(candidate, data.validation, shape, &context)
        }
        var best = Result(
            model: model, epoch: 0, validation: try validate(model, &context), profile: Profile())
        if epochs > 0 { progress("\(name) epoch 0/\(epochs)  val \(percent(best.validation))") }
        var current = model
        var optimizer = Adam(learningRate: learningRate)
        context.profiler = Profiler(clock: clock)
        recorder?.isRecording = true
        let start = clock()
        for epoch in 1...max(epochs, 1) where epochs > 0 {
            let steps = Float((epoch - 1) / max(1, decayEvery))
            optimizer.learningRate = learningRate * pow(decay, steps)
            let summary = try train(
                &current, optimizer: &optimizer, data: loader, epochs: 1, firstEpoch: epoch,
                loss: loss, context: &context)[0]
            let validation = try validate(current, &context)
            let seconds = Double(clock() &- start) * 1e-9
            let remaining = seconds / Double(epoch) * Double(epochs - epoch)
            progress(
                "\(name) epoch \(epoch)/\(epochs)  loss \(format(summary.meanLoss, 3))  "
                    + "train \(percent(summary.accuracy))  val \(percent(validation))  "
                    + "(\(format(Double(data.train.count * epoch) / max(seconds, 1e-9), 0)) "
                    + "samples/s, ETA \(format(remaining, 0)) s)")
            if validation >= best.validation {
                best = Result(
                    model: current, epoch: epoch, validation: validation, profile: Profile())
            }
        }
        best.profile = context.profiler?.profile ?? Profile()
        context.profiler = nil
        recorder?.isRecording = false
        return best
    }
}
