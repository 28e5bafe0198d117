import Foundation
import HXCalibration
import HXData
import HXNetwork
import HXNumerics
import HXPhysics

/// The pipeline every task runs, as the chip's papers run their networks (Weis et al. 2020,
/// Spilger et al. 2020):
///
/// 0. measure the gain and noise of the first chip as hxtorch's `measure_mock_parameter` does
///    (or take `--mock-gain`/`--mock-noise`); layers choose numSends from that gain;
/// 1. train in software (the chip's ideal linear model with the measured gain), keeping the
///    epoch best on the validation split;
/// 2. for each chip seed: evaluate on hxtorch's mock (that chip's gain and noise), deploy on
///    the chip uncalibrated and calibrated, and fine-tune with the (calibrated) chip in the
///    loop, keeping the epoch best on the validation split measured on the chip;
/// 3. report test accuracy for each, and where the time went.
public enum Experiment {
    /// What one chip seed gave.
    public struct ChipResult: Sendable, Codable, Equatable {
        /// The seed of the (first) chip.
        public var chipSeed: UInt64
        /// The gain and noise measured on this chip (or the overrides).
        public var measured: MockParameter
        /// Test accuracy on hxtorch's mock with this chip's gain and noise.
        public var mock: Double
        /// The software network on the uncalibrated chip.
        public var physicsDeployed: Double
        /// The software network on the calibrated chip (nil without calibration).
        public var physicsCalibrated: Double?
        /// After fine-tuning with the chip in the loop.
        public var physicsHIL: Double
        /// The fine-tuning epoch selected (0: the deployed network was best).
        public var hilEpoch: Int
        /// Wall seconds of this chip's stages.
        public var seconds: Double
    }

    /// What the pipeline gave.
    public struct Report: Sendable, Codable, Equatable {
        /// The task's name.
        public var task: String
        /// Samples in the training, validation and test splits.
        public var sizes: [String: Int]
        /// Test accuracy of the network trained in software, in software.
        public var software: Double
        /// The software epoch selected (1-based; 0 is the untrained network).
        public var softwareEpoch: Int
        /// The gain and noise software training used.
        public var trainingParameter: MockParameter
        /// numSends of the VMM layers, in model order.
        public var numSends: [Int]
        /// One entry per chip seed.
        public var chips: [ChipResult]
        /// Wall seconds per stage (`calibration`, `software_training`, `chips`, `total`).
        public var seconds: [String: Double]
        /// The backward pass of fine-tuning with the chip in the loop.
        public var backward: BackwardChoice = .hxtorch
        /// Host phases of fine-tuning with the first chip in the loop, and of its inference of
        /// the test set, with the real chip's projected time.
        public var training: RuntimeAnalysis?
        public var inference: RuntimeAnalysis?

        /// Mean and sample standard deviation over chip seeds of one accuracy.
        public func statistics(_ value: (ChipResult) -> Double?) -> (mean: Double, std: Double)? {
            let values = chips.compactMap(value)
            return values.isEmpty ? nil : meanAndSampleDeviation(values)
        }
    }

    /// The report and the trained networks.
    public struct Outcome: Sendable {
        public var report: Report
        /// The network trained in software.
        public var software: Sequential
        /// The network fine-tuned with each chip in the loop, in the order of the chip seeds.
        public var hardware: [Sequential]
    }

    /// Runs the pipeline of `task` on `data`.
    /// - Parameters:
    ///   - clock: nanoseconds from a fixed origin (inject a fake one in tests).
    ///   - progress: receives one human-readable line per stage and epoch.
    /// - Throws: ``ApplicationError`` for bad settings; errors of the layers, the chip and
    ///   the calibration.
    public static func run(
        task: any ExperimentTask, settings: ExperimentSettings, data: TaskData,
        clock: @escaping @Sendable () -> UInt64 = Profiler.monotonicClock,
        progress: (String) -> Void = { _ in }
    ) throws -> Outcome {
        try settings.validate()
        try data.requireSamples(task: task.name)
        let start = clock()
        var seconds: [String: Double] = [:]
        func elapsed(since origin: UInt64) -> Double { Double(clock() &- origin) * 1e-9 }
        let sampleShape = data.sampleShape
        let loss = LossFunction.scaledCrossEntropy(scale: 1 / settings.logitScale)

        // 0. The first chip, and the gain software training and the layers' numSends use.
        let calibrationStart = clock()
        if settings.calibrate { progress(ChipPair.calibrating(settings.chipSeeds[0], settings)) }
        let first = try ChipPair(seed: settings.chipSeeds[0], settings: settings)
        seconds["calibration"] = elapsed(since: calibrationStart)
        let trainingParameter = try first.measure(settings: settings)
        progress(
            "measured on chip \(settings.chipSeeds[0]): gain \(format(trainingParameter.gain, 5)), "
                + "noise \(format(trainingParameter.noiseStd, 2)) LSB")

        // 1. Software training.
        let softwareStart = clock()
        var software = ExecutionContext(
            backend: .software, mockParameter: trainingParameter, seed: 0)
        let initial = try task.makeModel(
            settings: settings, initialization: WeightInitialization(gain: trainingParameter.gain),
            seed: settings.seed)
        let trained = try Stage(
            name: "software", epochs: settings.epochs, batchSize: settings.batchSize,
            learningRate: settings.learningRate, decay: settings.learningRateDecay,
            decayEvery: settings.decayEvery, seed: settings.seed, loss: loss
        ).run(initial, data: data, context: &software, clock: clock, progress: progress)
        let model = trained.model
        let softwareAccuracy = try accuracy(model, data.test, sampleShape, &software)
        seconds["software_training"] = elapsed(since: softwareStart)
        progress(
            "software: epoch \(trained.epoch) selected, test \(percent(softwareAccuracy))")

        // 2. Each chip.
        let layers = vmmLayers(of: model)
        var results: [ChipResult] = []
        var hardware: [Sequential] = []
        var trainingAnalysis: RuntimeAnalysis?
        var inferenceAnalysis: RuntimeAnalysis?
        let chipsStart = clock()
        for (index, chipSeed) in settings.chipSeeds.enumerated() {
            let chipStart = clock()
            if index > 0 && settings.calibrate {
                progress(ChipPair.calibrating(chipSeed, settings))
            }
            let pair = index == 0 ? first : try ChipPair(seed: chipSeed, settings: settings)
            let measured = index == 0 ? trainingParameter : try pair.measure(settings: settings)
            let label = "chip \(chipSeed)"
            var mockContext = ExecutionContext(
                backend: .mock, mockParameter: measured, seed: settings.seed ^ chipSeed)
            let mock = try accuracy(model, data.test, sampleShape, &mockContext)

            let raw = ProjectingExecutor(pair.raw, parameters: settings.parameters)
            var rawContext = ExecutionContext(
                backend: .hardware(raw), mockParameter: measured, seed: 0,
                profiler: Profiler(clock: clock))
            let deployed = try accuracy(model, data.test, sampleShape, &rawContext)
            if index == 0 {
                inferenceAnalysis = RuntimeAnalysis(
                    stage: "inference", samples: data.test.count,
                    batches: batches(data.test.count, evaluationBatch),
                    profile: rawContext.profiler?.profile ?? Profile(), calls: raw.calls,
                    layers: layers)
            }
            var calibrated: Double?
            let tuning = ProjectingExecutor(pair.tuning, parameters: settings.parameters)
            var chipContext = ExecutionContext(
                backend: .hardware(tuning), mockParameter: measured, seed: 0)
            if settings.calibrate {
                tuning.isRecording = false
                calibrated = try accuracy(model, data.test, sampleShape, &chipContext)
            }
            progress(
                "\(label): mock \(percent(mock)), deployed \(percent(deployed))"
                    + (calibrated.map { ", calibrated \(percent($0))" } ?? ""))
            if settings.fineTuneOnMock {
                chipContext = mockContext
            } else if settings.backward == .chip {
                chipContext.backward = .chip(
                    try measureResponse(on: pair.tuning, model: model, gain: measured.gain))
                progress("\(label): chip response measured for the chip-aware backward pass")
            }
            tuning.reset()
            let tuned = try Stage(
                name: "\(label) in the loop", epochs: settings.hilEpochs,
                batchSize: settings.hilBatchSize, learningRate: settings.hilLearningRate,
                decay: settings.learningRateDecay, decayEvery: settings.hilDecayEvery,
                seed: settings.seed, loss: loss, recorder: tuning
            ).run(model, data: data, context: &chipContext, clock: clock, progress: progress)
            if index == 0 {
                trainingAnalysis = RuntimeAnalysis(
                    stage: "training", samples: data.train.count * settings.hilEpochs,
                    batches: batches(data.train.count, settings.hilBatchSize) * settings.hilEpochs,
                    profile: tuned.profile, calls: tuning.calls, layers: layers)
            }
            tuning.isRecording = false
            let hil = try accuracy(tuned.model, data.test, sampleShape, &chipContext)
            progress("\(label) in the loop: epoch \(tuned.epoch) selected, test \(percent(hil))")
            results.append(
                ChipResult(
                    chipSeed: chipSeed, measured: measured, mock: mock, physicsDeployed: deployed,
                    physicsCalibrated: calibrated, physicsHIL: hil, hilEpoch: tuned.epoch,
                    seconds: elapsed(since: chipStart)))
            hardware.append(tuned.model)
        }
        seconds["chips"] = elapsed(since: chipsStart)
        seconds["total"] = elapsed(since: start)
        let report = Report(
            task: task.name,
            sizes: [
                "train": data.train.count, "validation": data.validation.count,
                "test": data.test.count,
            ],
            software: softwareAccuracy, softwareEpoch: trained.epoch,
            trainingParameter: trainingParameter, numSends: numSends(of: model), chips: results,
            seconds: seconds, backward: settings.backward, training: trainingAnalysis,
            inference: inferenceAnalysis)
        return Outcome(report: report, software: model, hardware: hardware)
    }

    /// Batch size of every evaluation.
    static let evaluationBatch = 256

    /// The test accuracy of `model` on `set`.
    static func accuracy(
        _ model: Sequential, _ set: Dataset, _ shape: [Int], _ context: inout ExecutionContext
    ) throws -> Double {
        try evaluate(
            model, features: set.features, labels: set.labels, batchSize: evaluationBatch,
            sampleShape: shape, context: &context)
    }

    static func batches(_ samples: Int, _ size: Int) -> Int { (samples + size - 1) / size }

    /// Each column's response on the chips of `executor` at every timing of `model`'s chip
    /// layers, for the chip-aware backward pass; the ramp is sized with `gain`.
    static func measureResponse(
        on executor: any HardwareExecutor, model: Sequential, gain: Double
    ) throws -> ChipResponse {
        var timings: [VMMSettings] = []
        for layer in model.chipLayers {
            let timing = VMMSettings(
                numSends: layer.numSends, waitBetweenEvents: layer.waitBetweenEvents)
            if !timings.contains(timing) { timings.append(timing) }
        }
        var options = ChipResponseOptions()
        options.expectedGain = gain
        return try measureChipResponse(on: executor, timings: timings, options: options)
    }

    /// The VMM layers of `model` by type name, in order.
    static func vmmLayers(of model: Sequential) -> [String] {
        model.layers.compactMap { layer in
            switch layer {
            case is Linear, is Conv1d, is Conv2d, is ExpandedConv1d:
                return String(describing: type(of: layer))
            default: return nil
            }
        }
    }

    /// numSends of the VMM layers of `model`, in order.
    static func numSends(of model: Sequential) -> [Int] {
        model.layers.compactMap { layer in
            switch layer {
            case let linear as Linear: return linear.numSends
            case let conv as Conv1d: return conv.numSends
            case let conv as Conv2d: return conv.numSends
            case let conv as ExpandedConv1d: return conv.numSends
            default: return nil
            }
        }
    }
}

/// One chip seed's executors: as drawn, and (the same chip) calibrated.
struct ChipPair {
    let raw: PhysicsExecutor
    let tuning: PhysicsExecutor

    init(seed: UInt64, settings: ExperimentSettings) throws {
        raw = try PhysicsExecutor(
            chipCount: settings.chips, firstSeed: seed, parameters: settings.parameters)
        tuning =
            settings.calibrate
            ? try PhysicsExecutor(
                chipCount: settings.chips, firstSeed: seed, parameters: settings.parameters,
                calibration: settings.calibration) : raw
    }

    /// The progress line before the chips of `seed` are calibrated (a silent pause otherwise).
    static func calibrating(_ seed: UInt64, _ settings: ExperimentSettings) -> String {
        let chips =
            settings.chips == 1
            ? "chip \(seed)" : "chips \(seed)…\(seed + UInt64(settings.chips - 1))"
        return "calibrating \(chips) (about a second per chip in a release build)"
    }

    /// hxtorch's `measure_mock_parameter` on the chip the network is fine-tuned on, with the
    /// overrides of `settings` applied.
    func measure(settings: ExperimentSettings) throws -> MockParameter {
        var measured = try measureMockParameter(on: tuning, seed: settings.seed).parameter
        if let gain = settings.mockGain { measured.gain = gain }
        if let noise = settings.mockNoise { measured.noiseStd = noise }
        return measured
    }
}

/// `value` as a percentage with one decimal, `95.7 %`.
func percent(_ value: Double) -> String { String(format: "%.1f %%", value * 100) }

/// `value` with `digits` decimals.
func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
