import HXData
import HXNetwork
import HXPhysics

/// Yin-Yang (Kriener et al. 2021), the task of the chip's own demos: two-layer network
/// `Linear(4 × 16 → 128, 4 copies averaged) → ConvertingReLU(shift 1) → Linear(128 → 3, 10
/// copies averaged)`. The four features (x, y, 1 − x, 1 − y) ∈ [0, 1] become 5-bit activations
/// (× 31), each sent on 16 synapse rows; the 4 × 128 hidden copies fill a hemisphere's 256
/// columns twice. Generated from the published seeds, so it needs no data folder.
public struct YinYangTask: ExperimentTask {
    /// Hidden neurons.
    public var hidden = 128
    /// Copies of each hidden neuron averaged (hxtorch's `avg`).
    public var hiddenAveraging = 4
    /// Copies of each output neuron averaged.
    public var outputAveraging = 10
    /// Each feature is sent on this many synapse rows.
    public var inputRepetition = 16

    /// The reference network.
    public init() {}

    public var name: String { "yinyang" }
    public var summary: String { "Yin-Yang (generated), 2-layer network with averaged copies" }

    public var defaults: ExperimentSettings {
        var settings = ExperimentSettings(
            epochs: 100, hilEpochs: 100, batchSize: 50, learningRate: 0.02, hilLearningRate: 0.005,
            learningRateDecay: 0.5, decayEvery: 1000, hilDecayEvery: 25)
        settings.logitScale = 10
        return settings
    }

    public func load(from location: DataLocation, settings: ExperimentSettings) throws -> TaskData {
        let splits = try YinYang.standardDatasets()
        func chip(_ set: Dataset, _ limit: Int?) throws -> Dataset {
            let scaled = try set.prefix(limit).scaledToChipInputs(
                by: Float(VMMLimits.inputRange.upperBound))
            // Repeated features go to a linear layer: flat vectors.
            let repeated = try scaled.repeatingFeatures(inputRepetition)
            return try Dataset(
                name: repeated.name, features: repeated.features, labels: repeated.labels,
                classCount: repeated.classCount, classNames: repeated.classNames,
                featureShape: [repeated.featureCount])
        }
        return TaskData(
            train: try chip(splits.train, settings.trainLimit),
            validation: try chip(splits.validation, settings.validationSize),
            test: try chip(splits.test, settings.testLimit))
    }

    public func makeModel(
        settings: ExperimentSettings, initialization: WeightInitialization, seed: UInt64
    ) throws -> Sequential {
        Sequential(
            try Linear(
                inFeatures: 4 * inputRepetition, outFeatures: hidden,
                waitBetweenEvents: settings.waitBetweenEvents, avg: hiddenAveraging,
                initialization: initialization, seed: seed),
            try ConvertingReLU(shift: 1),
            try Linear(
                inFeatures: hidden, outFeatures: 3, waitBetweenEvents: settings.waitBetweenEvents,
                avg: outputAveraging, initialization: initialization, seed: seed &+ 1))
    }
}
