import Foundation
import HXCalibration
import HXData
import HXIO
import HXNetwork
import HXNumerics
import HXPhysics

/// `hxsim eval`: a saved model on a task's data set, on any back end, with its logits and
/// predictions.
public enum ModelEvaluation {
    /// Where the model runs.
    public enum Backend: String, Sendable, CaseIterable {
        /// The float reference (the chip's ideal linear model).
        case software
        /// hxtorch's mock model of the chip.
        case mock
        /// Simulated chips.
        case physics
    }

    /// Which split of the task is evaluated.
    public enum Split: String, Sendable, CaseIterable {
        case test, validation, train
    }

    /// What to run.
    public struct Settings: Sendable, Equatable {
        /// The back end.
        public var backend: Backend = .physics
        /// The split of the task.
        public var split: Split = .test
        /// Simulated chips (physics), seeds `chipSeed`, `chipSeed + 1`, …
        public var chips = 1
        /// The seed of the first chip.
        public var chipSeed: UInt64 = 1
        /// Calibrate the chips before evaluating (physics), in memory.
        public var calibrate = false
        /// How they are calibrated.
        public var calibration = CalibrationSettings()
        /// A calibration file (`hxsim calibrate`) for one chip, or a folder with
        /// `chip-<seed>.json` for every chip (physics); its configuration and digital fit are
        /// applied.
        public var calibrationPath: String?
        /// Gain and noise of the mock and of the software model; nil fields are measured on
        /// chip `chipSeed` (calibrated as the physics back end would be).
        public var mockGain: Double?
        public var mockNoise: Double?
        /// Seed of the mock noise and of the measurement.
        public var seed: UInt64 = 1
        /// The physics of the simulated chips.
        public var parameters = PhysicsParameters()
        /// The chips' age and temperature (slow drift); nil: power-up at the nominal
        /// temperature. Calibration in memory runs there; a calibration file made elsewhere is
        /// applied with a warning when the chip has drifted too far since
        /// (``CalibrationStaleness``).
        public var environment: ChipEnvironment?
        /// Where in-memory calibration (``calibrate``) runs: nil at ``environment``; else the
        /// chips are calibrated there and then drift to ``environment`` (a calibration as old
        /// as the age difference, made at another temperature).
        public var calibrationEnvironment: ChipEnvironment?
        /// Samples per batch.
        public var batchSize = 256

        /// Defaults: test split on one uncalibrated simulated chip of seed 1.
        public init() {}
    }

    /// What a run gave.
    public struct Result: Sendable {
        /// Fraction of samples whose largest logit is their label.
        public var accuracy: Double
        /// The network's outputs, samples × classes (LSB on mock and physics).
        public var logits: Matrix<Float>
        /// The predicted class of each sample.
        public var predictions: [Int]
        /// The labels.
        public var labels: [Int]
        /// The gain and noise used.
        public var mockParameter: MockParameter
        /// Warnings for the user: calibration files applied to chips that have drifted since.
        public var warnings: [String] = []
    }

    /// Evaluates `model` on the `settings.split` of `data`; `progress` hears `(samples done,
    /// samples)` after every batch.
    /// - Throws: ``ApplicationError/modelDoesNotFitTask(task:reason:)`` when the model does not
    ///   take the task's samples, has no layers or not one output per class; calibration and
    ///   executor errors.
    public static func run(
        model: Sequential, task: String, data: TaskData, settings: Settings,
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws -> Result {
        let set: Dataset
        switch settings.split {
        case .test: set = data.test
        case .validation: set = data.validation
        case .train: set = data.train
        }
        let shape = data.sampleShape
        try check(model, fits: set, shape: shape, task: task)
        if settings.backend == .physics {
            try ExperimentSettings.checkChipSeeds([settings.chipSeed], chips: settings.chips)
        }
        var executor: PhysicsExecutor?
        var warnings: [String] = []
        func chips() throws -> PhysicsExecutor {
            if let executor { return executor }
            let made = try makeExecutor(settings, warnings: &warnings)
            executor = made
            return made
        }
        var parameter = MockParameter()
        if settings.mockGain == nil || settings.mockNoise == nil {
            parameter = try measureMockParameter(on: try chips(), seed: settings.seed).parameter
        }
        if let gain = settings.mockGain { parameter.gain = gain }
        if let noise = settings.mockNoise { parameter.noiseStd = noise }
        var context: ExecutionContext
        switch settings.backend {
        case .software:
            context = ExecutionContext(backend: .software, mockParameter: parameter, seed: 0)
        case .mock:
            context = ExecutionContext(
                backend: .mock, mockParameter: parameter, seed: settings.seed)
        case .physics:
            context = ExecutionContext(
                backend: .hardware(try chips()), mockParameter: parameter, seed: 0)
        }
        let loader = try DataLoader(
            features: set.features, labels: set.labels, batchSize: settings.batchSize,
            shuffle: false, seed: 0, sampleShape: shape)
        var logits: [Float] = []
        var predictions: [Int] = []
        var classes = 0
        for batch in loader.batches(epoch: 0) {
            let output = try model(batch.features, context: &context).flattened(startAxis: 1)
            classes = output.shape[1]
            logits += output.storage
            predictions += try argmax(output)
            progress(predictions.count, set.count)
        }
        let correct = zip(predictions, set.labels).filter { $0 == $1 }.count
        return Result(
            accuracy: set.count > 0 ? Double(correct) / Double(set.count) : 0,
            logits: try Matrix(rows: set.count, columns: classes, storage: logits),
            predictions: predictions, labels: set.labels, mockParameter: parameter,
            warnings: warnings)
    }

    /// The executor of `settings`: fresh chips at the settings' environment, calibrated in
    /// memory or from files; a warning for each calibration file the chip has drifted away
    /// from goes to `warnings`.
    static func makeExecutor(
        _ settings: Settings, warnings: inout [String]
    ) throws -> PhysicsExecutor {
        if settings.calibrate {
            let executor = try PhysicsExecutor(
                chipCount: settings.chips, firstSeed: settings.chipSeed,
                parameters: settings.parameters,
                environment: settings.calibrationEnvironment ?? settings.environment,
                calibration: settings.calibration)
            if settings.calibrationEnvironment != nil {
                let target = settings.environment ?? .nominal(for: settings.parameters)
                for index in 0..<settings.chips {
                    try executor.withChip(index) { try $0.setEnvironment(target) }
                }
            }
            return executor
        }
        let environment = settings.environment ?? .nominal(for: settings.parameters)
        var chips = try PhysicsExecutor.chipSeeds(first: settings.chipSeed, count: settings.chips)
            .map { try Chip(seed: $0, parameters: settings.parameters, environment: environment) }
        guard let path = settings.calibrationPath else { return try PhysicsExecutor(chips: chips) }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ApplicationError.invalidSetting(
                name: "calibration", value: path, reason: "no such file or folder")
        }
        var results: [CalibrationResult?] = []
        for index in chips.indices {
            let file = isFolder.boolValue ? "\(path)/chip-\(chips[index].seed).json" : path
            if !isFolder.boolValue && chips.count > 1 {
                throw ApplicationError.invalidSetting(
                    name: "calibration", value: path,
                    reason: "\(chips.count) chips need a folder with chip-<seed>.json per chip")
            }
            let result = try CalibrationResult(contentsOf: file)
            try result.apply(to: &chips[index])
            if let warning = result.stalenessWarning(for: chips[index]) { warnings.append(warning) }
            results.append(result.correction == nil ? nil : result)
        }
        return try PhysicsExecutor(chips: chips, corrections: results)
    }

    /// Throws unless `model` has layers and one sample of `set` in `shape` goes through it (in
    /// software) and gives exactly one output per class: an output more would be a predicted
    /// class that does not exist, an output fewer a class that is never predicted.
    static func check(_ model: Sequential, fits set: Dataset, shape: [Int], task: String) throws {
        guard set.count > 0 else {
            throw ApplicationError.modelDoesNotFitTask(task: task, reason: "the split is empty")
        }
        guard !model.layers.isEmpty else {
            throw ApplicationError.modelDoesNotFitTask(
                task: task, reason: "the model has no layers")
        }
        var context = ExecutionContext.software
        let outputs: Int
        do {
            let input = try Tensor(shape: [1] + shape, storage: Array(set.features.row(0)))
            outputs = try model(input, context: &context).count
        } catch {
            throw ApplicationError.modelDoesNotFitTask(
                task: task, reason: "it does not take samples of shape \(shape): \(error)")
        }
        guard outputs == set.classCount else {
            throw ApplicationError.modelDoesNotFitTask(
                task: task, reason: "\(outputs) outputs for \(set.classCount) classes")
        }
    }

    /// The file formats of ``write(_:to:)``, by extension.
    /// Writes logits and predictions to `target` (``MatrixTarget/output(_:operand:)``), in the
    /// format its extension names: a float32 array samples × (classes + 2) — the logits, then the
    /// prediction, then the label — as `.npy`, or the same columns as CSV with a header; a file
    /// is written atomically.
    public static func write(_ result: Result, to target: OutputTarget) throws {
        let classes = result.logits.columns
        var storage: [Float] = []
        storage.reserveCapacity(result.labels.count * (classes + 2))
        for sample in 0..<result.labels.count {
            storage += result.logits.row(sample)
            storage += [Float(result.predictions[sample]), Float(result.labels[sample])]
        }
        let table = try Matrix(rows: result.labels.count, columns: classes + 2, storage: storage)
        let header = (0..<classes).map { "logit_\($0)" } + ["prediction", "label"]
        try MatrixTarget.write(table, to: target, csvHeader: header) { _ in }
    }
}
