import Foundation
import HXData
import HXNetwork
import HXPhysics

/// The 8 × 8 handwritten digits (UCI, as shipped with scikit-learn; `digits/digits.csv.gz`):
/// 1,797 images `[1, 8, 8]`, pixels 0…16 scaled to 0…31. No published split: a seeded fifth
/// (360 samples) is the test set. A small conv network: `Conv2d(1 → 16, kernel 4, stride 2,
/// padding 1)` → `ConvertingReLU(1)` → `Linear(256 → 64)` → `ConvertingReLU(1)` →
/// `Linear(64 → 10)`, no biases, numSends from the measured gain.
public struct DigitsTask: ExperimentTask {
    /// Samples of the test split.
    public var testSize = 360

    /// The reference split.
    public init() {}

    public var name: String { "digits" }
    public var summary: String { "8×8 digits (UCI), small conv network" }

    public var defaults: ExperimentSettings {
        var settings = ExperimentSettings(
            epochs: 40, hilEpochs: 5, batchSize: 50, learningRate: 0.5, hilLearningRate: 0.1,
            learningRateDecay: 0.95, decayEvery: 1, hilDecayEvery: 1)
        settings.validationSize = 200
        settings.chipSeeds = [1, 2, 3]
        return settings
    }

    public func load(from location: DataLocation, settings: ExperimentSettings) throws -> TaskData {
        let file = "digits.csv.gz"
        let folder = try location.find(["digits"], task: name) {
            DataLocation.holds($0, files: [file])
        }
        let all = try Digits.load(path: folder + "/" + file, pixelRange: Tasks.chipInputRange)
        // The test fifth is fixed (seed 0), so every training seed is tested on the same images.
        let (rest, test) = try all.holdingOut(testSize, seed: 0)
        return try TaskData(
            holdingOutValidationFrom: rest, test: try test.prefix(settings.testLimit),
            settings: settings)
    }

    public func makeModel(
        settings: ExperimentSettings, initialization: WeightInitialization, seed: UInt64
    ) throws -> Sequential {
        try squareImageClassifier(
            side: 8, filters: 16, kernel: 4, stride: 2, padding: 1, hidden: 64, classes: 10,
            settings: settings, initialization: initialization, seed: seed)
    }
}
