import HXApplications
import HXData
import HXNetwork
import HXNumerics
import HXPhysics

/// A network measured end to end: how it is built and what it reads. Another network plugs
/// in as one more entry of ``EndToEndNetwork/all``.
public struct EndToEndNetwork: Sendable {
    /// What a measurement needs: the (untrained) model, training and test data in chip units,
    /// the loss and the mini-batch size of training.
    public struct Setup {
        public var model: Sequential
        public var train: (features: Matrix<Float>, labels: [Int])
        public var test: (features: Matrix<Float>, labels: [Int])
        public var loss: LossFunction
        public var batchSize: Int

        public init(
            model: Sequential, train: (features: Matrix<Float>, labels: [Int]),
            test: (features: Matrix<Float>, labels: [Int]), loss: LossFunction, batchSize: Int
        ) {
            self.model = model
            self.train = train
            self.test = test
            self.loss = loss
            self.batchSize = batchSize
        }
    }

    /// The name in reports and on the command line.
    public var name: String
    /// Builds the setup (data sets are generated or read here).
    public var setup: @Sendable () throws -> Setup

    public init(name: String, setup: @escaping @Sendable () throws -> Setup) {
        self.name = name
        self.setup = setup
    }

    /// The Yin-Yang network of `hxsim train yinyang` (HXApplications): 64 inputs (four
    /// features on sixteen rows each) → 128 hidden × 4 copies → 3 outputs × 10 copies, events
    /// two cycles apart; 5,000 training and 1,000 test samples, mini-batches of 50.
    public static let yinYang = EndToEndNetwork(name: "yinyang") {
        let settings = YinYangExperiment.Settings()
        let splits = try YinYang.standardDatasets()
        func chipUnits(_ dataset: Dataset, _ count: Int) throws -> (Matrix<Float>, [Int]) {
            let subset = try dataset.subset(Array(0..<min(count, dataset.count)))
            return (
                try YinYangExperiment.chipFeatures(
                    subset, repetition: settings.inputRepetition),
                subset.labels
            )
        }
        return Setup(
            model: try YinYangExperiment.makeModel(settings: settings),
            train: try chipUnits(splits.train, settings.trainSize),
            test: try chipUnits(splits.test, settings.testSize),
            loss: .scaledCrossEntropy(scale: 1 / settings.logitScale),
            batchSize: settings.fineTuningBatchSize)
    }

    /// Every network the benchmarks measure end to end.
    public static let all: [EndToEndNetwork] = [.yinYang]

    /// The network called `name`.
    public static func named(_ name: String) throws -> EndToEndNetwork {
        guard let network = all.first(where: { $0.name == name }) else {
            throw BenchmarkError.invalidArgument(
                "no end-to-end network \(name) (\(all.map(\.name).joined(separator: ", ")))")
        }
        return network
    }
}

/// Images per second of a network on one simulated chip (fast path): inference of the test
/// set, and one epoch of training with the chip in the loop (forward on the chip, backward and
/// update in software, as hxtorch trains), each beside the time the real chip would take for
/// the same executions (``PhysicsExecutor/projectedChipTime``).
public struct EndToEndMeasurement: Sendable, Codable, Equatable {
    public var network: String
    /// Test images, wall time of their inference and the chip's projected time, in seconds.
    public var inferenceImages: Int
    public var inferenceSeconds: Double
    public var inferenceChipSeconds: Double
    /// Training images of one epoch, its wall time and the chip's projected time of its
    /// forward passes, in seconds.
    public var trainingImages: Int
    public var trainingSeconds: Double
    public var trainingChipSeconds: Double

    public var inferenceImagesPerSecond: Double { Double(inferenceImages) / inferenceSeconds }
    public var trainingImagesPerSecond: Double { Double(trainingImages) / trainingSeconds }
    public var chipInferenceImagesPerSecond: Double {
        Double(inferenceImages) / inferenceChipSeconds
    }
    public var chipTrainingImagesPerSecond: Double {
        Double(trainingImages) / trainingChipSeconds
    }

    /// The batch of inference (as hxtorch's examples evaluate).
    public static let inferenceBatchSize = 250

    /// Measures `network` on one chip drawn from `chipSeed`: inference as the median of
    /// `repeats` passes over the test set, then one training epoch (after one warm-up batch).
    public static func measure(
        _ network: EndToEndNetwork, repeats: Int = 3, chipSeed: UInt64 = 1
    ) throws -> EndToEndMeasurement {
        var setup = try network.setup()
        let executor = try PhysicsExecutor(chipCount: 1, firstSeed: chipSeed)
        var context = ExecutionContext(backend: .hardware(executor), seed: 1)
        let test = setup.test
        let warmUp = try DataLoader(
            features: test.features, labels: test.labels, batchSize: setup.batchSize,
            shuffle: false, seed: 0)
        if let batch = warmUp.batches(epoch: 0).first {
            _ = try setup.model(batch.features, context: &context)
        }
        var times: [Double] = []
        var chipTimes: [Double] = []
        for _ in 0..<max(1, repeats) {
            executor.resetProjectedChipTime()
            let watch = Stopwatch()
            _ = try evaluate(
                setup.model, features: test.features, labels: test.labels,
                batchSize: inferenceBatchSize, context: &context)
            times.append(watch.elapsed)
            chipTimes.append(executor.projectedChipTime)
        }
        let data = try DataLoader(
            features: setup.train.features, labels: setup.train.labels,
            batchSize: setup.batchSize, shuffle: true, seed: 1)
        var optimizer = Adam(learningRate: 0.005)
        executor.resetProjectedChipTime()
        let watch = Stopwatch()
        for batch in data.batches(epoch: 0) {
            _ = try trainingStep(
                &setup.model, optimizer: &optimizer, batch: batch, loss: setup.loss,
                context: &context)
        }
        let trainingSeconds = watch.elapsed
        return EndToEndMeasurement(
            network: network.name, inferenceImages: test.labels.count,
            inferenceSeconds: ThroughputRunner.median(times),
            inferenceChipSeconds: ThroughputRunner.median(chipTimes),
            trainingImages: data.sampleCount, trainingSeconds: trainingSeconds,
            trainingChipSeconds: executor.projectedChipTime)
    }
}
