import HXCalibration
import HXNetwork
import HXNumerics
import HXPhysics

/// Which backward pass fine-tuning with the chip in the loop uses.
public enum BackwardChoice: String, Sendable, CaseIterable, Codable {
    /// hxtorch's: the linear model with one slope, gain · numSends (the default).
    case hxtorch
    /// A pass that knows the chip (HXNetwork's `BackwardModel.chip`): every column's gains,
    /// measured on the chip the network is fine-tuned on before fine-tuning starts
    /// (`measureChipResponse`), and no gradient where an output saturated.
    case chip
}

/// What one run of the experiment pipeline does (see ``Experiment``). Every task starts from
/// its own defaults (``ExperimentTask/defaults``); the command line changes single fields.
///
/// Learning rates are in chip units: weights are −63…63, so a rate of 0.5 moves a weight by up
/// to half a step per update (Adam).
public struct ExperimentSettings: Sendable, Equatable {
    /// Samples of the training split used (nil: all); the validation split is held out first.
    public var trainLimit: Int?
    /// Samples of the test split used (nil: all).
    public var testLimit: Int?
    /// Samples held out of the training split to select the best epoch on (tasks with a
    /// published validation split use that instead).
    public var validationSize: Int
    /// Software training epochs.
    public var epochs: Int
    /// Fine-tuning epochs with the chip in the loop.
    public var hilEpochs: Int
    /// Mini-batch sizes in software and with the chip in the loop.
    public var batchSize: Int
    public var hilBatchSize: Int
    /// Adam learning rates in software and with the chip in the loop.
    public var learningRate: Float
    public var hilLearningRate: Float
    /// Each stage's learning rate is multiplied by this every `decayEvery` (software) or
    /// `hilDecayEvery` (chip in the loop) epochs: hxtorch's `StepLR`.
    public var learningRateDecay: Float
    public var decayEvery: Int
    public var hilDecayEvery: Int
    /// Outputs (LSB) are divided by this before the softmax of the loss.
    public var logitScale: Float
    /// Seed of the data order, the held-out split, the weights and the mock noise.
    public var seed: UInt64
    /// One simulated chip (or set of ``chips``) per seed; the pipeline deploys and fine-tunes
    /// on each and reports mean ± σ over them.
    public var chipSeeds: [UInt64]
    /// Chips per executor (seeds `s`, `s + 1`, …); blocks are spread over all of them.
    public var chips: Int
    /// FPGA cycles (8 ns) between input events, every VMM layer.
    public var waitBetweenEvents: Int
    /// The physics of the simulated chips.
    public var parameters: PhysicsParameters
    /// Calibrate each chip (deployment without calibration is measured too) and fine-tune on
    /// the calibrated chip.
    public var calibrate: Bool
    /// How each chip is calibrated (calix's procedure; ``CalibrationSettings/quick`` for
    /// tests).
    public var calibration: CalibrationSettings
    /// Fine-tune on the mock instead of the chip (a control).
    public var fineTuneOnMock: Bool
    /// Replace the gain measured on the chip (LSB per chip unit² per send), as hxtorch's
    /// example's `--mock-gain`.
    public var mockGain: Double?
    /// Replace the noise measured on the chip (LSB), as hxtorch's example's `--mock-noise-std`.
    public var mockNoise: Double?
    /// Measure where the time goes: host phases and the real chip's projected time.
    public var profile: Bool
    /// The backward pass of fine-tuning with the chip in the loop.
    public var backward: BackwardChoice

    /// Neutral defaults; tasks start from their own.
    public init() {
        trainLimit = nil
        testLimit = nil
        validationSize = 1000
        epochs = 20
        hilEpochs = 2
        batchSize = 100
        hilBatchSize = 100
        learningRate = 0.5
        hilLearningRate = 0.1
        learningRateDecay = 0.9
        decayEvery = 1
        hilDecayEvery = 1
        logitScale = 10
        seed = 1
        chipSeeds = [1]
        chips = 1
        waitBetweenEvents = 2
        parameters = PhysicsParameters()
        calibrate = true
        calibration = CalibrationSettings()
        fineTuneOnMock = false
        mockGain = nil
        mockNoise = nil
        profile = false
        backward = .hxtorch
    }

    /// Neutral defaults with a task's schedule: `epochs` of software training, then `hilEpochs`
    /// of fine-tuning with the chip in the loop, both stages in mini-batches of `batchSize`, at
    /// Adam rates `learningRate` and `hilLearningRate`, each multiplied by `learningRateDecay`
    /// every `decayEvery` and `hilDecayEvery` epochs. Each line below sets one setting of both
    /// stages.
    public init(
        epochs: Int, hilEpochs: Int, batchSize: Int, learningRate: Float, hilLearningRate: Float,
        learningRateDecay: Float, decayEvery: Int, hilDecayEvery: Int
    ) {
        self.init()
        (self.epochs, self.hilEpochs) = (epochs, hilEpochs)
        (self.batchSize, self.hilBatchSize) = (batchSize, batchSize)
        (self.learningRate, self.hilLearningRate) = (learningRate, hilLearningRate)
        (self.decayEvery, self.hilDecayEvery) = (decayEvery, hilDecayEvery)
        self.learningRateDecay = learningRateDecay
    }

    /// The factor the learning rate is multiplied by per decay step: at most 1 (no decay), and
    /// above 0; below 10⁻⁶ one step would end the training.
    public static let learningRateDecayRange: ClosedRange<Float> = 1e-6...1

    /// Checks a list of chip seeds, each the first of `chips` chips (seeds s, s + 1, …): at
    /// least one seed, none twice (a seed twice would count one chip as two in the spread over
    /// chips), `chips` in ``PhysicsExecutor/chipCountRange``, and no chip's seed past
    /// `UInt64.max`.
    /// - Throws: ``ApplicationError/invalidSetting(name:value:reason:)``.
    public static func checkChipSeeds(_ seeds: [UInt64], chips: Int) throws {
        guard !seeds.isEmpty else {
            throw ApplicationError.invalidSetting(
                name: "chip seeds", value: "[]", reason: "name at least one chip seed")
        }
        var seen = Set<UInt64>()
        for seed in seeds where !seen.insert(seed).inserted {
            throw ApplicationError.invalidSetting(
                name: "chip seeds", value: "\(seeds)",
                reason: "chip seed \(seed) is listed twice; every chip must be distinct")
        }
        let counts = PhysicsExecutor.chipCountRange
        guard counts.contains(chips) else {
            throw ApplicationError.invalidSetting(
                name: "chips", value: "\(chips)", reason: "must be in \(ValueText.range(counts))")
        }
        for seed in seeds {
            if let reason = PhysicsExecutor.seedOverflow(first: seed, count: chips) {
                throw ApplicationError.invalidSetting(
                    name: "chip seeds", value: "\(seed)", reason: reason)
            }
        }
    }

    /// Checks every field's domain.
    /// - Throws: ``ApplicationError/invalidSetting(name:value:reason:)`` for the first bad one.
    public func validate() throws {
        func check(_ ok: Bool, _ name: String, _ value: Any, _ reason: String) throws {
            if !ok {
                throw ApplicationError.invalidSetting(name: name, value: "\(value)", reason: reason)
            }
        }
        try check((trainLimit ?? 1) >= 1, "train limit", trainLimit ?? 0, "must be at least 1")
        try check((testLimit ?? 1) >= 1, "test limit", testLimit ?? 0, "must be at least 1")
        try check(validationSize >= 1, "validation size", validationSize, "must be at least 1")
        try check(epochs >= 0, "epochs", epochs, "must not be negative")
        try check(hilEpochs >= 0, "hil epochs", hilEpochs, "must not be negative")
        try check(batchSize >= 1, "batch size", batchSize, "must be at least 1")
        try check(hilBatchSize >= 1, "hil batch size", hilBatchSize, "must be at least 1")
        for (name, rate) in [
            ("learning rate", learningRate), ("hil learning rate", hilLearningRate),
        ] {
            try check(rate.isFinite && rate > 0, name, rate, "must be a positive number")
        }
        try check(
            Self.learningRateDecayRange.contains(learningRateDecay), "learning rate decay",
            learningRateDecay,
            "must be in \(ValueText.range(Self.learningRateDecayRange))"
        )
        try check(decayEvery >= 1, "decay every", decayEvery, "must be at least 1")
        try check(hilDecayEvery >= 1, "hil decay every", hilDecayEvery, "must be at least 1")
        try check(
            logitScale.isFinite && logitScale > 0, "logit scale", logitScale, "must be positive")
        try Self.checkChipSeeds(chipSeeds, chips: chips)
        let waits = ChipGeometry.waitBetweenEventsRange
        try check(
            waits.contains(waitBetweenEvents), "wait", waitBetweenEvents,
            "must be in \(ValueText.range(waits)) FPGA cycles")
        if let mockGain {
            try check(mockGain > 0 && mockGain <= 1, "mock gain", mockGain, "must be in (0, 1]")
        }
        if let mockNoise {
            try check(
                mockNoise.isFinite && mockNoise >= 0, "mock noise", mockNoise,
                "must be finite and ≥ 0 LSB")
        }
    }
}
