import Foundation
import HXApplications
import HXArguments
import HXIO
import HXNetwork
import HXPhysics

extension BackwardChoice: ArgumentValue {}

/// `hxsim train TASK`: the experiment pipeline of ``Experiment`` on one task. The logic lives
/// in ``TrainingJob``; this file only maps options onto its settings. Options without a value
/// keep the task's default, listed per task in the help.
struct TrainCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "train",
            summary:
                "train a task's network in software, deploy it on mock and simulated chips, "
                + "fine-tune with the chip in the loop")
    }

    /// Each task's default of a setting, for the help: `yinyang 100, mnist 12, …`.
    static func defaults<T>(_ value: (ExperimentSettings) -> T) -> String {
        let values = Tasks.all.map { "\(value($0.defaults))" }
        if Set(values).count == 1 { return "default \(values[0]) for every task" }
        return "default "
            + zip(Tasks.all, values).map { "\($0.name) \($1)" }.joined(separator: ", ")
    }

    private static let shared = ExperimentSettings()

    @Option(valueName: "DIR", help: DataLocation.helpText) var data: String?
    @Option(help: "seed of data order, held-out split, weights, mock noise")
    var seed = shared.seed
    @Option(
        valueName: "LIST",
        help:
            "comma-separated chip seeds, one deployment each ("
            + defaults { $0.chipSeeds.map(String.init).joined(separator: ",") } + ")")
    var chipSeeds: SeedList?
    @Option(help: "simulated chips per deployment", in: PhysicsExecutor.chipCountRange) var chips =
        shared.chips
    @Option(help: "software epochs (\(defaults(\.epochs)))", in: 0...100_000) var epochs: Int?
    @Option(help: "epochs with the chip in the loop (\(defaults(\.hilEpochs)))", in: 0...100_000)
    var hilEpochs: Int?
    @Option(
        valueName: "R", help: "Adam rate in software, chip units (\(defaults(\.learningRate)))",
        in: Float(1e-9)...1e6)
    var learningRate: Float?
    @Option(
        valueName: "R",
        help: "Adam rate with the chip in the loop (\(defaults(\.hilLearningRate)))",
        in: Float(1e-9)...1e6)
    var hilLearningRate: Float?
    @Option(
        valueName: "F", help: "learning-rate factor per step (\(defaults(\.learningRateDecay)))",
        in: ExperimentSettings.learningRateDecayRange)
    var decay: Float?
    @Option(help: "software epochs per decay step (\(defaults(\.decayEvery)))", in: 1...100_000)
    var decayEvery: Int?
    @Option(
        help: "chip-in-the-loop epochs per decay step (\(defaults(\.hilDecayEvery)))",
        in: 1...100_000)
    var hilDecayEvery: Int?
    @Option(help: "software mini-batch (\(defaults(\.batchSize)))", in: 1...100_000)
    var batchSize: Int?
    @Option(help: "chip-in-the-loop mini-batch (\(defaults(\.hilBatchSize)))", in: 1...100_000)
    var hilBatchSize: Int?
    @Option(
        valueName: "LSB",
        help: "outputs are divided by this in the loss (\(defaults(\.logitScale)))",
        in: Float(1e-9)...1e6)
    var logitScale: Float?
    @Option(
        valueName: "CYCLES",
        help: "FPGA cycles between events, every layer (\(defaults(\.waitBetweenEvents)))",
        in: ChipGeometry.waitBetweenEventsRange)
    var wait: Int?
    @Option(help: "use only the first N training samples", in: 1...) var trainLimit: Int?
    @Option(help: "use only the first N test samples", in: 1...) var testLimit: Int?
    @Option(
        help: "samples held out to select the epoch (\(defaults(\.validationSize)))",
        in: 1...)
    var validationSize: Int?
    @Option(
        valueName: "G", help: "use this gain (LSB per unit² per send) instead of the measured one",
        in: 1e-9...1)
    var mockGain: Double?
    @Option(valueName: "LSB", help: "use this noise instead of the measured one", in: 0...1e6)
    var mockNoise: Double?
    @OptionGroup var physics: ParameterOptions
    @Option(
        valueName: "MODEL",
        help:
            "save the trained network (model file; its directory is created if missing); "
            + "fine-tuned ones go beside it")
    var save: String?
    @Option(valueName: "FILE", help: "write where the time goes as a stacked-bar SVG")
    var profileSvg: String?
    @Flag(help: "print the accuracies as one JSON object") var json = false
    @Flag(help: "print host time per phase and the real chip's projected time") var profile = false
    @Flag(help: "fine-tune on the uncalibrated chip") var noCalibration = false
    @Flag(help: "fine-tune on the mock instead (a control)") var fineTuneOnMock = false
    @Option(
        help:
            "backward pass with the chip in the loop: hxtorch (one gain) or chip (each column's "
            + "measured gains, no gradient where outputs saturated)")
    var backward = shared.backward
    @Argument(help: "the task: " + Tasks.names.joined(separator: ", ")) var task: String

    func run(_ context: CommandContext) throws {
        guard Tasks.names.contains(task) else {
            throw ArgumentError.invalidArgumentChoice(
                argument: "task", got: task, choices: Tasks.names)
        }
        var job = TrainingJob(task: try Tasks.named(task), location: DataLocation(explicit: data))
        var s = job.settings
        s.seed = seed
        if let chipSeeds { s.chipSeeds = chipSeeds.seeds }
        s.chips = chips
        s.epochs = epochs ?? s.epochs
        s.hilEpochs = hilEpochs ?? s.hilEpochs
        s.learningRate = learningRate ?? s.learningRate
        s.hilLearningRate = hilLearningRate ?? s.hilLearningRate
        s.learningRateDecay = decay ?? s.learningRateDecay
        s.decayEvery = decayEvery ?? s.decayEvery
        s.hilDecayEvery = hilDecayEvery ?? s.hilDecayEvery
        s.batchSize = batchSize ?? s.batchSize
        s.hilBatchSize = hilBatchSize ?? s.hilBatchSize
        s.logitScale = logitScale ?? s.logitScale
        s.waitBetweenEvents = wait ?? s.waitBetweenEvents
        s.trainLimit = trainLimit ?? s.trainLimit
        s.testLimit = testLimit ?? s.testLimit
        s.validationSize = validationSize ?? s.validationSize
        if let mockGain { s.mockGain = mockGain }
        if let mockNoise { s.mockNoise = mockNoise }
        s.parameters = try physics.parameters()
        s.calibrate = !noCalibration
        s.fineTuneOnMock = fineTuneOnMock
        s.backward = backward
        job.settings = s
        job.saveModel = try save.map { try absolutePath($0, option: "save") }
        job.profileFigure = try profileSvg.map { try absolutePath($0, option: "profile-svg") }
        try OutputTarget.refuseOverlaps(
            outputs: [("--save", job.saveModel), ("--profile-svg", job.profileFigure)],
            inputs: physics.inputFiles)
        job.json = json
        job.profile = profile
        let (text, _) = try job.run { line in
            context.progress("train: \(line)\n")
        }
        context.out(text)
    }
}

/// A comma-separated list of chip seeds (`1,2,3`).
struct SeedList: ArgumentValue {
    /// The seeds, in the order given.
    var seeds: [UInt64]

    init?(argument text: String) {
        var seeds: [UInt64] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let seed = UInt64(item.trimmingCharacters(in: .whitespaces)) else { return nil }
            seeds.append(seed)
        }
        guard !seeds.isEmpty else { return nil }
        self.seeds = seeds
    }

    static var expectation: ArgumentExpectation { .form("comma-separated integers ≥ 0") }
    var argumentText: String { seeds.map(String.init).joined(separator: ",") }
}
