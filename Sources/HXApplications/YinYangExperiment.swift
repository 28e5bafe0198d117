import Foundation
import HXCalibration
import HXData
import HXNetwork
import HXNumerics
import HXPhysics

/// The Yin-Yang classification experiment of the chip's own demos (Kriener et al. 2021): a
/// two-layer network `Linear(4, 128) → ConvertingReLU(shift 1) → Linear(128, 3)` with output
/// averaging, trained in software, deployed on the mock and on a simulated chip, then fine-tuned
/// with the simulated chip in the loop (forward on the chip, backward in software), as hxtorch
/// does on the real chip.
///
/// Inputs: the four features (x, y, 1 − x, 1 − y) ∈ [0, 1] are scaled by 31 to 5-bit activations
/// (chip units); the chip rounds them. Outputs are the averaged int8 codes of the three output
/// neurons (LSB), used as logits divided by ``Settings/logitScale``.
public enum YinYangExperiment {
    /// What to run.
    public struct Settings: Sendable, Equatable {
        /// Training, validation and test set sizes (the reference sizes: 5000, 1000, 1000).
        public var trainSize = 5000
        public var testSize = 1000
        /// Hidden neurons.
        public var hidden = 128
        /// Copies of each output neuron averaged (hxtorch's `avg`).
        public var outputAveraging = 10
        /// Copies of each hidden neuron averaged (2 fills the 256 columns of one hemisphere).
        public var hiddenAveraging = 4
        /// Software training epochs and hardware-in-the-loop fine-tuning epochs.
        public var softwareEpochs = 100
        public var hardwareEpochs = 100
        /// Mini-batch size in software and with the chip in the loop.
        public var batchSize = 50
        public var fineTuningBatchSize = 50
        /// Adam learning rates of software training and of fine-tuning.
        public var learningRate: Float = 0.02
        public var fineTuningLearningRate: Float = 0.005
        /// The learning rate of each stage is multiplied by this every `decayEvery` (software)
        /// or `fineTuningDecayEvery` (chip in the loop) epochs of the stage: a step schedule,
        /// as hxtorch's examples use.
        public var learningRateDecay: Float = 0.5
        public var decayEvery = 1000
        public var fineTuningDecayEvery = 25
        /// Each of the four features is sent on this many synapse rows.
        public var inputRepetition = 16
        /// Outputs (LSB) are divided by this before the softmax of the loss.
        public var logitScale: Float = 10
        /// Seed of the data order, the weights and the mock noise.
        public var seed: UInt64 = 1
        /// Seed of the simulated chip.
        public var chipSeed: UInt64 = 1
        /// FPGA cycles between events.
        public var waitBetweenEvents = 2
        /// The physics of the simulated chip.
        public var parameters = PhysicsParameters()
        /// Calibrate the chip before fine-tuning with it in the loop (deployment without
        /// calibration is always measured too).
        public var calibrate = true
        /// Fine-tune on the mock instead of the chip (a control: what the procedure reaches on
        /// hxtorch's model with the chip's measured gain and noise).
        public var fineTuneOnMock = false

        /// The reference settings.
        public init() {}
    }

    /// Test accuracies (fractions) of the same network on each back end, and timings.
    public struct Report: Sendable, Codable, Equatable {
        /// Trained and evaluated in float software (the chip's ideal linear model).
        public var software: Double
        /// The software-trained network on hxtorch's mock model.
        public var mock: Double
        /// The software-trained network deployed on the simulated chip, uncalibrated.
        public var physicsDeployed: Double
        /// The software-trained network deployed on the same chip, calibrated (nil when the
        /// experiment does not calibrate).
        public var physicsCalibrated: Double?
        /// The network after fine-tuning with the simulated chip in the loop.
        public var physicsHIL: Double
        /// The numSends of the two layers (derived from the initialisation as hxtorch does).
        public var numSends: [Int]
        /// Gain and noise measured on the chip (hxtorch's `measure_mock_parameter`), used by
        /// software training, the mock and the backward pass.
        public var measuredMockParameter: MockParameter
        /// Wall time of each stage, in seconds.
        public var seconds: [String: Double]
        /// Per-phase time of hardware-in-the-loop training and of chip inference, in seconds.
        public var trainingProfile: Profile
        public var inferenceProfile: Profile

        enum CodingKeys: String, CodingKey {
            case software, mock
            case physicsDeployed = "physics_deployed"
            case physicsCalibrated = "physics_calibrated"
            case physicsHIL = "physics_hil"
            case numSends = "num_sends"
            case measuredMockParameter = "measured_mock_parameter"
            case seconds
            case trainingProfile = "training_profile"
            case inferenceProfile = "inference_profile"
        }
    }

    /// The chip-unit features of a Yin-Yang set: features × 31.
    public static func chipFeatures(
        _ dataset: Dataset, repetition: Int = 1
    ) throws
        -> Matrix<Float>
    {
        try dataset.repeatingFeatures(repetition).features.map { $0 * Float(ChipGeometry.maxInput) }
    }

    /// The untrained network.
    public static func makeModel(settings: Settings) throws -> Sequential {
        Sequential(
            try Linear(
                inFeatures: 4 * settings.inputRepetition, outFeatures: settings.hidden,
                waitBetweenEvents: settings.waitBetweenEvents, avg: settings.hiddenAveraging,
                seed: settings.seed),
            try ConvertingReLU(shift: 1),
            try Linear(
                inFeatures: settings.hidden, outFeatures: 3,
                waitBetweenEvents: settings.waitBetweenEvents, avg: settings.outputAveraging,
                seed: settings.seed &+ 1))
    }

    /// Trains epoch by epoch, multiplying the learning rate by `learningRateDecay` every
    /// `decayEvery` epochs, and returns the model of the epoch with the best accuracy on the
    /// validation set (evaluated on the same back end), with that epoch and accuracy.
    static func trainWithSelection(
        _ model: Sequential, optimizer: inout Adam, data: DataLoader, epochs: Int,
        firstEpoch: Int, decayEvery: Int, settings: Settings, loss: LossFunction,
        validation: (features: Matrix<Float>, labels: [Int]), context: inout ExecutionContext,
        progress: (String) -> Void
    ) throws -> (model: Sequential, epoch: Int, accuracy: Double) {
        var current = model
        var best = (
            model: model, epoch: firstEpoch - 1,
            accuracy: try evaluate(
                model, features: validation.features, labels: validation.labels, context: &context)
        )
        let initial = optimizer.learningRate
        for epoch in 0..<epochs {
            let steps = Float(epoch / max(1, decayEvery))
            optimizer.learningRate = initial * pow(settings.learningRateDecay, steps)
            let summary = try train(
                &current, optimizer: &optimizer, data: data, epochs: 1,
                firstEpoch: firstEpoch + epoch, loss: loss, context: &context)
            let accuracy = try evaluate(
                current, features: validation.features, labels: validation.labels,
                context: &context)
            progress("\(summary[0]), validation accuracy \(accuracy * 100) %")
            if accuracy > best.accuracy { best = (current, firstEpoch + epoch, accuracy) }
        }
        return best
    }

    /// Runs the whole experiment; `progress` receives one line per stage and epoch.
    public static func run(
        settings: Settings, clock: @escaping @Sendable () -> UInt64 = Profiler.monotonicClock,
        progress: (String) -> Void = { _ in }
    ) throws -> (report: Report, software: Sequential, hardware: Sequential) {
        let splits = try YinYang.standardDatasets()
        let trainSet = try splits.train.subset(
            Array(0..<min(settings.trainSize, splits.train.count)))
        let test = try splits.test.subset(Array(0..<min(settings.testSize, splits.test.count)))
        let trainFeatures = try chipFeatures(trainSet, repetition: settings.inputRepetition)
        let testFeatures = try chipFeatures(test, repetition: settings.inputRepetition)
        let loader = try DataLoader(
            features: trainFeatures, labels: trainSet.labels, batchSize: settings.batchSize,
            shuffle: true, seed: settings.seed)
        let loss = LossFunction.scaledCrossEntropy(scale: 1 / settings.logitScale)
        var seconds: [String: Double] = [:]
        func timed<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
            let start = clock()
            defer { seconds[stage] = Double(clock() - start) * 1e-9 }
            return try body()
        }

        // 0. The chips: as drawn, and (the same chip) calibrated. The gain and noise of the
        // chip the network will be fine-tuned on are measured as hxtorch measures them, and
        // they set the linear model of software training, the mock and the backward pass.
        let raw = try PhysicsExecutor(
            chipCount: 1, firstSeed: settings.chipSeed, parameters: settings.parameters)
        let tuningExecutor =
            settings.calibrate
            ? try timed("calibration") {
                try PhysicsExecutor(
                    chipCount: 1, firstSeed: settings.chipSeed, parameters: settings.parameters,
                    calibration: CalibrationSettings())
            } : raw
        let measured = try measureMockParameter(on: tuningExecutor, seed: settings.seed).parameter
        progress("measured on the chip: \(measured)")

        // 1. Software training, keeping the epoch best on the validation set.
        var software = ExecutionContext(backend: .software, mockParameter: measured, seed: 0)
        var adam = Adam(learningRate: settings.learningRate)
        let validationSet = (
            features: try chipFeatures(splits.validation, repetition: settings.inputRepetition),
            labels: splits.validation.labels
        )
        let selected = try timed("software_training") {
            try trainWithSelection(
                makeModel(settings: settings), optimizer: &adam, data: loader,
                epochs: settings.softwareEpochs, firstEpoch: 0, decayEvery: settings.decayEvery,
                settings: settings, loss: loss,
                validation: validationSet, context: &software
            ) { progress("software \($0)") }
        }
        let model = selected.model
        let softwareAccuracy = try evaluate(
            model, features: testFeatures, labels: test.labels, context: &software)
        progress("software: epoch \(selected.epoch) selected, test accuracy \(softwareAccuracy)")

        // 2. Deployment on the mock and on the simulated chip, uncalibrated and calibrated.
        var mockContext = ExecutionContext(
            backend: .mock, mockParameter: measured, seed: settings.seed)
        let mockAccuracy = try evaluate(
            model, features: testFeatures, labels: test.labels, context: &mockContext)
        progress("mock test accuracy \(mockAccuracy)")
        var chipContext = ExecutionContext(
            backend: .hardware(raw), mockParameter: measured, seed: settings.seed,
            profiler: Profiler(clock: clock))
        let deployed = try timed("physics_inference") {
            try evaluate(model, features: testFeatures, labels: test.labels, context: &chipContext)
        }
        let inferenceProfile = chipContext.profiler?.profile ?? Profile()
        progress("deployed on the simulated chip, uncalibrated: test accuracy \(deployed)")
        var calibratedAccuracy: Double?
        chipContext = ExecutionContext(
            backend: .hardware(tuningExecutor), mockParameter: measured, seed: settings.seed)
        if settings.calibrate {
            calibratedAccuracy = try evaluate(
                model, features: testFeatures, labels: test.labels, context: &chipContext)
            progress("deployed on the calibrated chip: test accuracy \(calibratedAccuracy!)")
        }

        // 3. Fine-tuning with the chip in the loop, keeping the epoch best on the validation
        // set measured on the chip.
        if settings.fineTuneOnMock { chipContext = mockContext }
        var fineTuning = Adam(learningRate: settings.fineTuningLearningRate)
        let fineTuningLoader = try DataLoader(
            features: trainFeatures, labels: trainSet.labels,
            batchSize: settings.fineTuningBatchSize, shuffle: true, seed: settings.seed)
        chipContext.profiler = Profiler(clock: clock)
        let tuned = try timed("hil_training") {
            try trainWithSelection(
                model, optimizer: &fineTuning, data: fineTuningLoader,
                epochs: settings.hardwareEpochs,
                firstEpoch: selected.epoch + 1, decayEvery: settings.fineTuningDecayEvery,
                settings: settings, loss: loss,
                validation: validationSet, context: &chipContext
            ) { progress("chip in the loop \($0)") }
        }
        let trainingProfile = chipContext.profiler?.profile ?? Profile()
        chipContext.profiler = nil
        let hardwareModel = tuned.model
        let hil = try evaluate(
            hardwareModel, features: testFeatures, labels: test.labels, context: &chipContext)
        progress(
            "chip in the loop: epoch \(tuned.epoch) selected, test accuracy \(hil)")

        let sends = model.layers.compactMap { ($0 as? Linear)?.numSends }
        let report = Report(
            software: softwareAccuracy, mock: mockAccuracy, physicsDeployed: deployed,
            physicsCalibrated: calibratedAccuracy, physicsHIL: hil, numSends: sends,
            measuredMockParameter: measured, seconds: seconds, trainingProfile: trainingProfile,
            inferenceProfile: inferenceProfile)
        return (report, model, hardwareModel)
    }
}
