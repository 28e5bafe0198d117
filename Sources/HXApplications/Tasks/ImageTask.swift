import Foundation
import HXData
import HXIO
import HXNetwork
import HXPhysics

/// 28 × 28 grey images in IDX files (MNIST, Fashion-MNIST) with the network of hxtorch's MNIST
/// example (Weis et al. 2020): `Conv2d(1 → 20, kernel 10, stride 5, padding 1, no bias)` →
/// `ConvertingReLU(shift 1)` → `Linear(500 → 128, no bias)` → `ConvertingReLU(shift 1)` →
/// `Linear(128 → 10, no bias)`, wait 2, numSends chosen from the measured gain (hxtorch's
/// `num_sends=None`), pixels 0…255 scaled to 0…31. The 500 × 128 layer takes four 128-row
/// partitions, summed digitally.
public struct ImageTask: ExperimentTask {
    public let name: String
    public let summary: String
    /// Folder names under a data root.
    let folders: [String]
    /// Class names, index by label.
    let classNames: [String]

    /// MNIST handwritten digits (`mnist/` of the data-set folder).
    public static let mnist = ImageTask(
        name: "mnist", summary: "MNIST digits, hxtorch's conv network (Weis et al. 2020)",
        folders: ["mnist", "MNIST"], classNames: (0...9).map(String.init))

    /// Fashion-MNIST (Debian's `dataset-fashion-mnist`, `/usr/share/datasets/fashion-mnist`).
    public static let fashionMNIST = ImageTask(
        name: "fashion-mnist", summary: "Fashion-MNIST, the same conv network",
        folders: ["fashion-mnist", "fashion_mnist", "FashionMNIST"],
        classNames: [
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
            "Bag", "Ankle boot",
        ])

    public var defaults: ExperimentSettings {
        // Fine-tuning starts from a converged network: a tenth of hxtorch-like rates keeps
        // the validation accuracy of the calibrated chip (0.05 lost 0.3 points per epoch).
        var settings = ExperimentSettings(
            epochs: 15, hilEpochs: 2, batchSize: 100, learningRate: 0.5, hilLearningRate: 0.005,
            learningRateDecay: 0.8, decayEvery: 1, hilDecayEvery: 1)
        settings.validationSize = 2000
        settings.logitScale = 10
        settings.chipSeeds = [1, 2, 3]
        return settings
    }

    /// The images' side in pixels, which the network is built for: MNIST and Fashion-MNIST
    /// are 28 × 28.
    static let side = 28

    /// Whether `folder` holds both splits' IDX files under one of MNIST's usual names.
    static func holdsIDX(_ folder: String) -> Bool {
        ["t10k", "train"].allSatisfy { prefix in
            ["images-idx3-ubyte", "images.idx3-ubyte"].contains { stem in
                ["", ".gz"].contains {
                    FileIO.exists(path: "\(folder)/\(prefix)-\(stem)\($0)")
                }
            }
        }
    }

    public func load(from location: DataLocation, settings: ExperimentSettings) throws -> TaskData {
        let folder = try location.find(folders, task: name, containing: Self.holdsIDX)
        func named(_ set: Dataset, _ split: String) throws -> Dataset {
            try Dataset(
                name: "\(name) \(split)", features: set.features, labels: set.labels,
                classCount: classNames.count, classNames: classNames,
                featureShape: set.featureShape)
        }
        let full = try named(
            MNIST.load(
                directory: folder, split: .train, pixelRange: Tasks.chipInputRange,
                limit: settings.trainLimit.map { $0 + settings.validationSize }, side: Self.side),
            "train")
        let test = try named(
            MNIST.load(
                directory: folder, split: .test, pixelRange: Tasks.chipInputRange,
                limit: settings.testLimit, side: Self.side),
            "test")
        return try TaskData(holdingOutValidationFrom: full, test: test, settings: settings)
    }

    public func makeModel(
        settings: ExperimentSettings, initialization: WeightInitialization, seed: UInt64
    ) throws -> Sequential {
        try squareImageClassifier(
            side: Self.side, filters: 20, kernel: 10, stride: 5, padding: 1, hidden: 128,
            classes: 10,
            settings: settings, initialization: initialization, seed: seed)
    }
}
