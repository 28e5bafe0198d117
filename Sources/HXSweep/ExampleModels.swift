import HXData
import HXNetwork

/// The trained model of the example sweeps, made here until `hxsim train yinyang` exists.
///
/// The Yin-Yang network of the examples: `Linear(4, hidden)` → `ConvertingReLU(shift: 1)` →
/// `Linear(hidden, 3)`, hxtorch's initialisation (automatic `numSends`), trained with Adam on
/// the software back end (the chip's ideal linear model, gain 0.002) on the published training
/// split (5,000 samples, seed 42), features times 31 to fill the chip's input range 0…31.
public enum ExampleModels {
    /// A trained model and how well it does.
    public struct Trained: Sendable {
        /// The network.
        public var model: Sequential
        /// Accuracy on the training split after the last epoch [1].
        public var trainAccuracy: Double
        /// Accuracy on the published test split (1,000 samples, seed 40), software back end [1].
        public var testAccuracy: Double
    }

    /// Training epochs unless told otherwise.
    public static let defaultEpochs = 40

    /// The factor from Yin-Yang's features (0…1) to chip activations (0…31).
    public static let yinYangInputScale: Float = 31

    /// Trains the example Yin-Yang network.
    /// - Parameters:
    ///   - hidden: hidden units.
    ///   - epochs: passes over the training split.
    ///   - trainingSize: samples of the training split used (≤ 5,000 keeps the published split's
    ///     first samples; the generator is the published one).
    ///   - learningRate: Adam's learning rate (weights are in chip units, −63…63).
    ///   - seed: seed of the initial weights and of the shuffling.
    ///   - progress: called after every epoch.
    public static func yinYang(
        hidden: Int = 128, epochs: Int = defaultEpochs, trainingSize: Int = 5000,
        learningRate: Float = 0.5,
        backend: SweepBackend = .software, seed: UInt64 = 1,
        progress: (EpochSummary) -> Void = { _ in }
    ) throws -> Trained {
        let scale = yinYangInputScale
        let train = try YinYang.generate(size: trainingSize, seed: 42).withFeatures {
            $0.map { $0 * scale }
        }
        let test = try YinYang.generate(size: 1000, seed: 40).withFeatures {
            $0.map { $0 * scale }
        }
        var model = Sequential(
            try Linear(inFeatures: 4, outFeatures: hidden, seed: seed),
            try ConvertingReLU(shift: 1),
            try Linear(inFeatures: hidden, outFeatures: 3, seed: seed &+ 1))
        var optimizer = Adam(learningRate: learningRate)
        let loader = try DataLoader(
            features: train.features, labels: train.labels, batchSize: 64, seed: seed &+ 2)
        var context: ExecutionContext
        switch backend {
        case .software: context = .software
        case .mock: context = ExecutionContext(backend: .mock, seed: seed &+ 3)
        case .hardware:
            throw SweepError.invalidSetting(
                name: "example model", reason: "train on the software or mock back end")
        }
        let history = try HXNetwork.train(
            &model, optimizer: &optimizer, data: loader, epochs: epochs, context: &context,
            progress: progress)
        context = .software
        let testAccuracy = try evaluate(
            model, features: test.features, labels: test.labels, context: &context)
        return Trained(
            model: model, trainAccuracy: history.last?.accuracy ?? 0, testAccuracy: testAccuracy)
    }
}
