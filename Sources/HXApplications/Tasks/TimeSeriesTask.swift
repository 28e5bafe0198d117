import Foundation
import HXData
import HXNetwork
import HXNumerics
import HXPhysics

/// Activity recognition from multichannel inertial time series `[channels, steps]`, as in the
/// hxtorch paper (Spilger et al. 2020): `ExpandedConv1d(channels → 16, kernel 10, stride 5)`
/// (kernel copies unrolled onto the 128 rows of a block) → `ConvertingReLU(1)` →
/// `Linear(16 × positions → 64)` → `ConvertingReLU(1)` → `Linear(64 → classes)`, no biases,
/// numSends from the measured gain.
///
/// Each channel is mapped linearly onto the chip's inputs 0…31 by its minimum and maximum over
/// the training split (test values beyond them clip), so the sign of a signal becomes an offset
/// the network learns around.
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
        var settings = ExperimentSettings()
        switch source {
        case .uea:
            // 40 training samples: 8 held out to select the epoch, full-batch-like steps.
            settings.validationSize = 8
            settings.epochs = 150
            settings.hilEpochs = 20
            settings.batchSize = 8
            settings.hilBatchSize = 8
        case .uciHAR:
            settings.validationSize = 700
            settings.epochs = 30
            settings.hilEpochs = 3
            settings.batchSize = 50
            settings.hilBatchSize = 50
        }
        settings.learningRate = 0.2
        settings.hilLearningRate = 0.05
        settings.learningRateDecay = 0.97
        settings.chipSeeds = [1, 2, 3, 4, 5]
        return settings
    }

    public func load(from location: DataLocation, settings: ExperimentSettings) throws -> TaskData
    {
        var (train, test): (Dataset, Dataset)
        switch source {
        case .uea(let problem, let folders):
            let files = ["\(problem)_TRAIN.ts", "\(problem)_TEST.ts"]
            let folder = try location.find(folders, task: name) {
                DataLocation.holds($0, files: files)
            }
            train = try UEATimeSeries.load(path: folder + "/" + files[0])
            test = try UEATimeSeries.load(
                path: folder + "/" + files[1], classNames: train.classNames)
        case .uciHAR(let folders):
            let folder = try location.find(folders, task: name) {
                DataLocation.holds($0, files: ["train/y_train.txt", "test/y_test.txt"])
            }
            train = try UCIHAR.load(splitDirectory: folder + "/train")
            test = try UCIHAR.load(splitDirectory: folder + "/test")
        }
        let scaler = try ChannelRange(fitting: train)
        train = try scaler.apply(train)
        test = try scaler.apply(test).prefix(settings.testLimit)
        let (kept, validation) = try train.holdingOut(settings.validationSize, seed: settings.seed)
        return TaskData(
            train: try kept.prefix(settings.trainLimit), validation: validation, test: test)
    }

    public func makeModel(
        settings: ExperimentSettings, initialization: WeightInitialization, seed: UInt64
    ) throws -> Sequential {
        let (channels, steps, classes): (Int, Int, Int)
        switch source {
        case .uea: (channels, steps, classes) = (6, 100, 4)
        case .uciHAR: (channels, steps, classes) = (UCIHAR.signals.count, UCIHAR.windowLength, 6)
        }
        let (kernel, stride, filters) = (10, 5, 16)
        let positions = (steps - kernel) / stride + 1
        let wait = settings.waitBetweenEvents
        return Sequential(
            try ExpandedConv1d(
                inChannels: channels, outChannels: filters, kernelSize: kernel, stride: stride,
                bias: false, waitBetweenEvents: wait, initialization: initialization, seed: seed),
            try ConvertingReLU(shift: 1),
            Flatten(),
            try Linear(
                inFeatures: filters * positions, outFeatures: 64, bias: false,
                waitBetweenEvents: wait, initialization: initialization, seed: seed &+ 1),
            try ConvertingReLU(shift: 1),
            try Linear(
                inFeatures: 64, outFeatures: classes, bias: false, waitBetweenEvents: wait,
                initialization: initialization, seed: seed &+ 2))
    }
}

/// Per-channel linear map of `[channels, steps]` samples onto the chip's inputs 0…31 by each
/// channel's extremes over a training set.
struct ChannelRange {
    let minimum: [Float]
    let maximum: [Float]
    let steps: Int

    init(fitting set: Dataset) throws {
        guard let shape = set.featureShape, shape.count == 2 else {
            throw DataError.invalidArgument("\(set.name): expected [channels, steps] samples")
        }
        let (channels, steps) = (shape[0], shape[1])
        var low = [Float](repeating: .infinity, count: channels)
        var high = [Float](repeating: -.infinity, count: channels)
        for (index, value) in set.features.storage.enumerated() {
            let channel = (index % set.featureCount) / steps
            low[channel] = min(low[channel], value)
            high[channel] = max(high[channel], value)
        }
        (minimum, maximum, self.steps) = (low, high, steps)
    }

    func apply(_ set: Dataset) throws -> Dataset {
        guard set.featureShape == [minimum.count, steps] else {
            throw DataError.invalidArgument(
                "\(set.name): samples are \(set.featureShape ?? [set.featureCount]), the training "
                    + "set's [\(minimum.count), \(steps)]")
        }
        let top = Float(VMMLimits.inputRange.upperBound)
        let width = set.featureCount
        return try set.withFeatures { features in
            var result = features
            result.withUnsafeMutableStorage { storage in
                for index in storage.indices {
                    let channel = (index % width) / steps
                    let span = maximum[channel] - minimum[channel]
                    let value = span > 0 ? (storage[index] - minimum[channel]) / span * top : 0
                    storage[index] = min(max(value, 0), top)
                }
            }
            return result
        }
    }
}
