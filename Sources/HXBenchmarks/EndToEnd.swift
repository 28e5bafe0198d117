import HXApplications
import HXData
import HXNetwork
import HXNumerics
import HXPhysics

/// A network measured end to end: how it is built and what it reads. Another network plugs
/// in as one more entry of ``EndToEndNetwork/all``, for example
/// `EndToEndNetwork(task: DigitsTask(), quick: false)` for any task of `hxsim train`.
public struct EndToEndNetwork: Sendable {
    /// What a measurement needs: the (untrained) model, training and test data in chip units,
    /// the shape one sample takes in the model, the loss and the mini-batch size of training.
    public struct Setup {
        public var model: Sequential
        public var train: (features: Matrix<Float>, labels: [Int])
        public var test: (features: Matrix<Float>, labels: [Int])
        /// The shape of one sample as the model takes it (nil: flat vectors).
        public var sampleShape: [Int]?
        public var loss: LossFunction
        public var batchSize: Int

        public init(
            model: Sequential, train: (features: Matrix<Float>, labels: [Int]),
            test: (features: Matrix<Float>, labels: [Int]), sampleShape: [Int]? = nil,
            loss: LossFunction, batchSize: Int
        ) {
            self.model = model
            self.train = train
            self.test = test
            self.sampleShape = sampleShape
            self.loss = loss
            self.batchSize = batchSize
        }
    }

    /// The name in reports and on the command line.
    public var name: String
    /// Whether the short suite (`hxsim bench --quick`, under a minute) measures it too: only
    /// networks that take seconds and need no data set.
    public var quick: Bool
    /// Builds the setup; a data set is read from the folders of the location given.
    public var setup: @Sendable (DataLocation) throws -> Setup

    public init(
        name: String, quick: Bool = false,
        setup: @escaping @Sendable (DataLocation) throws -> Setup
    ) {
        self.name = name
        self.quick = quick
        self.setup = setup
    }

    /// The network, data and defaults of an `hxsim train` task (HXApplications): its
    /// untrained model, its training and test splits (read from the location the measurement
    /// is given), its loss and its chip-in-the-loop mini-batch size.
    public init(task: any ExperimentTask, quick: Bool) {
        self.init(name: task.name, quick: quick) { location in
            let settings = task.defaults
            let data = try task.load(from: location, settings: settings)
            return Setup(
                model: try task.makeModel(
                    settings: settings, initialization: WeightInitialization(),
                    seed: settings.seed),
                train: (data.train.features, data.train.labels),
                test: (data.test.features, data.test.labels), sampleShape: data.sampleShape,
                loss: .scaledCrossEntropy(scale: 1 / settings.logitScale),
                batchSize: settings.hilBatchSize)
        }
    }

    /// The Yin-Yang network of `hxsim train yinyang` (generated data, no folder needed).
    public static let yinYang = EndToEndNetwork(task: YinYangTask(), quick: true)

    /// The convolutional MNIST network of `hxsim train mnist` (hxtorch's example: Conv2d, two
    /// Linear layers; 58,000 training and 10,000 test images read from the `mnist` folder).
    /// Without the data set the suite reports it as not measured.
    public static let mnist = EndToEndNetwork(task: ImageTask.mnist, quick: false)

    /// Every network the benchmarks measure end to end.
    public static let all: [EndToEndNetwork] = [.yinYang, .mnist]

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
/// the same executions (``ProjectingExecutor`` of HXApplications).
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

    /// ``measure(_:data:repeats:chipSeed:)``, or why the network was not measured: a data set
    /// that no folder of `data` holds is a network this machine cannot measure, not a failed
    /// run (a damaged data set is an error).
    public static func measureIfFound(
        _ network: EndToEndNetwork, data: DataLocation, repeats: Int = 3, chipSeed: UInt64 = 1
    ) throws -> (measurement: EndToEndMeasurement?, notMeasured: String?) {
        do {
            return (try measure(network, data: data, repeats: repeats, chipSeed: chipSeed), nil)
        } catch let error as ApplicationError {
            guard case .dataNotFound = error else { throw error }
            return (nil, error.description)
        }
    }

    /// Measures `network` on one chip drawn from `chipSeed`: inference as the median of
    /// `repeats` passes over the test set, then one training epoch (after one warm-up batch).
    /// A data set is read from the first folder of `data` that holds it.
    /// - Throws: `ApplicationError.dataNotFound` when no folder of `data` holds the network's
    ///   data set; the loader's errors for a damaged one; the errors of the execution.
    public static func measure(
        _ network: EndToEndNetwork, data: DataLocation = DataLocation(roots: []),
        repeats: Int = 3, chipSeed: UInt64 = 1
    ) throws -> EndToEndMeasurement {
        var setup = try network.setup(data)
        let physics = try PhysicsExecutor(chipCount: 1, firstSeed: chipSeed)
        let executor = ProjectingExecutor(physics, parameters: PhysicsParameters())
        var context = ExecutionContext(backend: .hardware(executor), seed: 1)
        func projectedSeconds() -> Double { executor.calls.reduce(0) { $0 + $1.seconds } }
        let test = setup.test
        let warmUp = try DataLoader(
            features: test.features, labels: test.labels, batchSize: setup.batchSize,
            shuffle: false, seed: 0, sampleShape: setup.sampleShape)
        if let batch = warmUp.batches(epoch: 0).first {
            _ = try setup.model(batch.features, context: &context)
        }
        var times: [Double] = []
        var chipTimes: [Double] = []
        for _ in 0..<max(1, repeats) {
            executor.reset()
            let watch = Stopwatch()
            _ = try evaluate(
                setup.model, features: test.features, labels: test.labels,
                batchSize: inferenceBatchSize, sampleShape: setup.sampleShape, context: &context)
            times.append(watch.elapsed)
            chipTimes.append(projectedSeconds())
        }
        let data = try DataLoader(
            features: setup.train.features, labels: setup.train.labels,
            batchSize: setup.batchSize, shuffle: true, seed: 1, sampleShape: setup.sampleShape)
        var optimizer = Adam(learningRate: 0.005)
        executor.reset()
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
            trainingChipSeconds: projectedSeconds())
    }
}
