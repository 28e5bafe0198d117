import Foundation
import HXData
import HXNetwork
import HXNumerics
import HXPhysics

/// Activity recognition from multichannel inertial time series `[channels, steps]`, as in the
/// hxtorch paper (Spilger et al. 2020): `ExpandedConv1d(2 × channels → 32, kernel 10, stride
/// 5)` (kernel copies unrolled onto the 128 rows of a block) → `ConvertingReLU(1)` → average
/// over all positions (the activity, not when it happens) → `Linear(32 → 32)` →
/// `ConvertingReLU(1)` → `Linear(32 → classes)`, no biases, numSends from the measured gain.
///
/// Each signed channel reaches the chip as two unsigned ones (``SignedChannels``), so the
/// network sees `[2 × channels, steps]`.
public struct TimeSeriesTask: ExperimentTask {
    public let name: String
    public let summary: String
    /// How the splits are found and read.
    let source: Source

    enum Source: Sendable {
        /// `<NAME>_TRAIN.ts` and `<NAME>_TEST.ts` (UEA/UCR archive).
        case uea(problem: String, folders: [String])
        /// The published layout of UCI HAR: `train/`, `test/` with `Inertial Signals/`.
        case uciHAR(folders: [String])
    }

    /// BasicMotions (smartwatch, 6 channels × 100 steps, 4 activities, 40 + 40 samples).
    public static let basicMotions = TimeSeriesTask(
        name: "basicmotions", summary: "BasicMotions smartwatch activities, ExpandedConv1d network",
        source: .uea(problem: "BasicMotions", folders: ["basicmotions", "BasicMotions"]))

    /// UCI HAR (smartphone, 9 channels × 128 steps, 6 activities) in its published layout.
    public static let uciHAR = TimeSeriesTask(
        name: "uci-har", summary: "UCI HAR smartphone activities (published layout), same network",
        source: .uciHAR(folders: ["uci-har", "UCI HAR Dataset", "uci-har/UCI HAR Dataset"]))

    public var defaults: ExperimentSettings {
        let size: (validation: Int, epochs: Int, hilEpochs: Int, batch: Int) =
            switch source {
            // 40 training samples: 8 held out to select the epoch, full-batch-like steps.
            case .uea: (validation: 8, epochs: 150, hilEpochs: 20, batch: 8)
            case .uciHAR: (validation: 700, epochs: 30, hilEpochs: 3, batch: 50)
            }
        var settings = ExperimentSettings(
            epochs: size.epochs, hilEpochs: size.hilEpochs, batchSize: size.batch,
            learningRate: 0.2, hilLearningRate: 0.05, learningRateDecay: 0.97, decayEvery: 1,
            hilDecayEvery: 1)
        settings.validationSize = size.validation
        settings.chipSeeds = [1, 2, 3, 4, 5]
        return settings
    }

    /// The data set's shape as the network is built for it: channels and steps of a series,
    /// and classes (BasicMotions: 6 sensor axes of 100 steps, 4 activities).
    var dataShape: (channels: Int, steps: Int, classes: Int) {
        switch source {
        case .uea: return (6, 100, 4)
        case .uciHAR: return (UCIHAR.signals.count, UCIHAR.windowLength, 6)
        }
    }

    public func load(from location: DataLocation, settings: ExperimentSettings) throws -> TaskData {
        var (train, test): (Dataset, Dataset)
        let paths: (train: String, test: String)
        switch source {
        case .uea(let problem, let folders):
            let files = ["\(problem)_TRAIN.ts", "\(problem)_TEST.ts"]
            let folder = try location.find(folders, task: name) {
                DataLocation.holds($0, files: files)
            }
            paths = (folder + "/" + files[0], folder + "/" + files[1])
            train = try UEATimeSeries.load(path: paths.train)
            test = try UEATimeSeries.load(path: paths.test, classNames: train.classNames)
        case .uciHAR(let folders):
            let folder = try location.find(folders, task: name) {
                DataLocation.holds($0, files: ["train/y_train.txt", "test/y_test.txt"])
            }
            paths = (folder + "/train", folder + "/test")
            train = try UCIHAR.load(splitDirectory: paths.train)
            test = try UCIHAR.load(splitDirectory: paths.test)
        }
        // A file that declares another series shape or more classes would load, and fail only
        // in training, naming no file.
        let shape = dataShape
        for (set, path) in [(train, paths.train), (test, paths.test)] {
            guard set.featureShape == [shape.channels, shape.steps] else {
                throw DataError.dimensionMismatch(
                    path: path, what: "[channels, steps] of a series",
                    expected: [shape.channels, shape.steps], got: set.featureShape ?? [])
            }
            guard set.classCount == shape.classes else {
                throw DataError.dimensionMismatch(
                    path: path, what: "number of classes", expected: [shape.classes],
                    got: [set.classCount])
            }
        }
        let scaler = try SignedChannels(fitting: train)
        train = try scaler.apply(train)
        test = try scaler.apply(test).prefix(settings.testLimit)
        return try TaskData(holdingOutValidationFrom: train, test: test, settings: settings)
    }

    public func makeModel(
        settings: ExperimentSettings, initialization: WeightInitialization, seed: UInt64
    ) throws -> Sequential {
        let shape = dataShape
        // Each channel becomes a positive and a negative part (SignedChannels).
        let (channels, steps, classes) = (2 * shape.channels, shape.steps, shape.classes)
        let (kernel, stride, filters, hidden) = (10, 5, 32, 32)
        let positions = (steps - kernel) / stride + 1
        return try convolutionalClassifier(
            ExpandedConv1d(
                inChannels: channels, outChannels: filters, kernelSize: kernel, stride: stride,
                bias: false, waitBetweenEvents: settings.waitBetweenEvents,
                initialization: initialization, seed: seed),
            pooling: [AvgPool1d(kernelSize: positions)], features: filters, hidden: hidden,
            classes: classes, settings: settings, initialization: initialization, seed: seed)
    }
}

/// Signed sensor channels on the chip's unsigned inputs: each channel is standardised by its
/// mean and standard deviation over a training set and split into its positive and its
/// negative part, each scaled so that 3 σ reach the top input 31 (clipped beyond). A sample
/// `[channels, steps]` becomes `[2 × channels, steps]`: channel c's positive part is channel
/// 2c, its negative part 2c + 1. A signal at its mean sends no events, so the VMM sums carry no
/// common offset that would saturate the outputs.
struct SignedChannels {
    let mean: [Double]
    let deviation: [Double]
    let steps: Int
    /// Standard deviations mapped onto the full input range.
    static let reach = 3.0

    init(fitting set: Dataset) throws {
        guard let shape = set.featureShape, shape.count == 2 else {
            throw DataError.invalidArgument("\(set.name): expected [channels, steps] samples")
        }
        let (channels, steps) = (shape[0], shape[1])
        var sum = [Double](repeating: 0, count: channels)
        var square = [Double](repeating: 0, count: channels)
        for (index, value) in set.features.storage.enumerated() {
            let channel = (index % set.featureCount) / steps
            sum[channel] += Double(value)
            square[channel] += Double(value) * Double(value)
        }
        let n = Double(set.count * steps)
        mean = sum.map { $0 / n }
        deviation = zip(sum, square).map { s, q in max(q / n - (s / n) * (s / n), 0).squareRoot() }
        self.steps = steps
    }

    func apply(_ set: Dataset) throws -> Dataset {
        let channels = mean.count
        guard set.featureShape == [channels, steps] else {
            throw DataError.invalidArgument(
                "\(set.name): samples are \(set.featureShape ?? [set.featureCount]), the training "
                    + "set's [\(channels), \(steps)]")
        }
        let top = Double(VMMLimits.inputRange.upperBound)
        var storage = [Float](repeating: 0, count: set.count * 2 * channels * steps)
        for sample in 0..<set.count {
            let row = set.features.row(sample)
            let base = row.startIndex
            for channel in 0..<channels {
                let scale = deviation[channel] > 0 ? top / (Self.reach * deviation[channel]) : 0
                for step in 0..<steps {
                    let z = (Double(row[base + channel * steps + step]) - mean[channel]) * scale
                    let out = sample * 2 * channels * steps + 2 * channel * steps + step
                    storage[out] = Float(min(max(z, 0), top))
                    storage[out + steps] = Float(min(max(-z, 0), top))
                }
            }
        }
        return try Dataset(
            name: set.name,
            features: Matrix(rows: set.count, columns: 2 * channels * steps, storage: storage),
            labels: set.labels, classCount: set.classCount, classNames: set.classNames,
            featureShape: [2 * channels, steps])
    }
}
