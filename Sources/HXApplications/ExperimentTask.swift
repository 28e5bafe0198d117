import HXData
import HXNetwork

/// The splits of a task, features already in chip units (activations 0…31) and shaped as the
/// network takes them (``Dataset/featureShape``, for example `[1, 28, 28]`).
public struct TaskData: Sendable {
    /// Training samples (without the validation samples).
    public var train: Dataset
    /// Samples that select the best epoch.
    public var validation: Dataset
    /// Held-out test samples.
    public var test: Dataset

    /// The three splits.
    public init(train: Dataset, validation: Dataset, test: Dataset) {
        self.train = train
        self.validation = validation
        self.test = test
    }

    /// Throws unless every split holds a sample. A data file cut short at a line boundary,
    /// which no format check can see, leaves a split empty, and a run would then train on
    /// nothing or report an accuracy over no samples.
    /// - Throws: ``ApplicationError/emptySplit(task:split:total:)``.
    public func requireSamples(task: String) throws {
        let total = train.count + validation.count + test.count
        for (split, set) in [("training", train), ("validation", validation), ("test", test)]
        where set.count == 0 {
            throw ApplicationError.emptySplit(task: task, split: split, total: total)
        }
    }

    /// The shape of one sample as the network takes it.
    public var sampleShape: [Int] { train.featureShape ?? [train.featureCount] }
}

/// One application of the chip: its data, its network and its defaults. A task is one file;
/// ``Tasks/all`` registers it.
public protocol ExperimentTask: Sendable {
    /// The name on the command line, for example `mnist`.
    var name: String { get }
    /// One line saying what it is.
    var summary: String { get }
    /// The settings `hxsim train NAME` uses when no option changes them.
    var defaults: ExperimentSettings { get }
    /// Loads the splits from the first folder of `location` that holds the data set, in chip
    /// units; `settings` limit the sizes and seed the held-out split.
    /// - Throws: ``ApplicationError/dataNotFound(task:looked:)``, or the loader's
    ///   ``DataError`` naming a truncated or corrupt file.
    func load(from location: DataLocation, settings: ExperimentSettings) throws -> TaskData
    /// The untrained network. `initialization` carries the gain the chip was measured with, so
    /// layers without a fixed numSends choose it from that gain as hxtorch's layers do.
    func makeModel(
        settings: ExperimentSettings, initialization: WeightInitialization, seed: UInt64
    ) throws -> Sequential
}

/// The registered tasks.
public enum Tasks {
    /// Every task, in the order of the help text.
    public static let all: [any ExperimentTask] = [
        YinYangTask(), ImageTask.mnist, ImageTask.fashionMNIST, DigitsTask(),
        TimeSeriesTask.basicMotions, TimeSeriesTask.uciHAR,
    ]

    /// The chip's input range 0…31 as the pixel range the image tasks scale their data to.
    static let chipInputRange =
        Float(VMMLimits.inputRange.lowerBound)...Float(VMMLimits.inputRange.upperBound)

    /// The names of ``all``.
    public static var names: [String] { all.map(\.name) }

    /// The task called `name`.
    /// - Throws: ``ApplicationError/unknownTask(_:known:)`` listing the known tasks.
    public static func named(_ name: String) throws -> any ExperimentTask {
        guard let task = all.first(where: { $0.name == name }) else {
            throw ApplicationError.unknownTask(name, known: names)
        }
        return task
    }
}

extension Dataset {
    /// The first `limit` samples (all when nil or larger).
    func prefix(_ limit: Int?) throws -> Dataset {
        guard let limit, limit < count else { return self }
        return try subset(Array(0..<limit))
    }

    /// The data set with features multiplied by `factor` and clamped into the chip's input
    /// range 0…31.
    func scaledToChipInputs(by factor: Float) throws -> Dataset {
        let top = Float(VMMLimits.inputRange.upperBound)
        return try withFeatures { $0.map { min(max($0 * factor, 0), top) } }
    }

    /// `validationSize` samples drawn at random (seeded) as the validation split, the rest
    /// for training, in their original order.
    func holdingOut(
        _ validationSize: Int, seed: UInt64
    ) throws -> (
        train: Dataset, validation: Dataset
    ) {
        let size = Swift.min(validationSize, count - 1)
        let order = Dataset.permutation(count: count, seed: seed)
        let held = Set(order.prefix(size))
        let trainIndices = (0..<count).filter { !held.contains($0) }
        var train = try subset(trainIndices)
        var validation = try subset(order.prefix(size).sorted())
        train.name = name
        validation.name = "\(name) (held out)"
        return (train, validation)
    }
}

extension TaskData {
    /// The splits of a task whose training file holds the validation samples too:
    /// `settings.validationSize` samples drawn with `settings.seed` validate, the rest, cut to
    /// `settings.trainLimit`, train.
    init(
        holdingOutValidationFrom full: Dataset, test: Dataset, settings: ExperimentSettings
    )
        throws
    {
        let (train, validation) = try full.holdingOut(settings.validationSize, seed: settings.seed)
        self.init(train: try train.prefix(settings.trainLimit), validation: validation, test: test)
    }
}

/// The network the convolutional tasks share after their first chip layer: `ConvertingReLU(1)`
/// → `pooling` → `Flatten` → `Linear(features → hidden)` → `ConvertingReLU(1)` →
/// `Linear(hidden → classes)`, no biases; the linear layers are seeded `seed + 1` and
/// `seed + 2` (the convolution takes `seed`).
func convolutionalClassifier(
    _ convolution: any Module, pooling: [any Module] = [], features: Int, hidden: Int,
    classes: Int, settings: ExperimentSettings, initialization: WeightInitialization,
    seed: UInt64
) throws -> Sequential {
    let wait = settings.waitBetweenEvents
    return Sequential(
        [convolution, try ConvertingReLU(shift: 1)] + pooling + [
            Flatten(),
            try Linear(
                inFeatures: features, outFeatures: hidden, bias: false, waitBetweenEvents: wait,
                initialization: initialization, seed: seed &+ 1),
            try ConvertingReLU(shift: 1),
            try Linear(
                inFeatures: hidden, outFeatures: classes, bias: false, waitBetweenEvents: wait,
                initialization: initialization, seed: seed &+ 2),
        ])
}

/// The network of the tasks on square one-channel images `[1, side, side]`, stated by its
/// geometry alone: `Conv2d(1 → filters, kernel, stride, padding, no bias)` seeded `seed`, then
/// ``convolutionalClassifier(_:pooling:features:hidden:classes:settings:initialization:seed:)``
/// on the `filters × outputSide²` features the convolution gives, where
/// `outputSide = (side + 2 padding − kernel) / stride + 1`.
func squareImageClassifier(
    side: Int, filters: Int, kernel: Int, stride: Int, padding: Int, hidden: Int, classes: Int,
    settings: ExperimentSettings, initialization: WeightInitialization, seed: UInt64
) throws -> Sequential {
    let outputSide = (side + 2 * padding - kernel) / stride + 1
    return try convolutionalClassifier(
        Conv2d(
            inChannels: 1, outChannels: filters, kernelSize: kernel, stride: stride,
            padding: padding, bias: false, waitBetweenEvents: settings.waitBetweenEvents,
            initialization: initialization, seed: seed),
        features: outputSide * outputSide * filters, hidden: hidden, classes: classes,
        settings: settings, initialization: initialization, seed: seed)
}
