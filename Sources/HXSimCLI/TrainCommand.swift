import Foundation
import HXApplications
import HXIO
import HXNetwork

/// `hxsim train TASK`: the experiment pipeline of ``Experiment`` on one task. The logic lives
/// in ``TrainingJob``; this file only maps options onto its settings. Options without a value
/// keep the task's default, listed per task in the help.
enum TrainCommand: Subcommand {
    /// Each task's default of a setting, for the help: `yinyang 100, mnist 12, …`.
    static func defaults<T>(_ value: (ExperimentSettings) -> T) -> String {
        let values = Tasks.all.map { "\(value($0.defaults))" }
        if Set(values).count == 1 { return "default \(values[0]) for every task" }
        return "default "
            + zip(Tasks.all, values).map { "\($0.name) \($1)" }.joined(separator: ", ")
    }

    static let spec = CommandSpec(
        name: "train",
        summary:
            "train a task's network in software, deploy it on mock and simulated chips, "
            + "fine-tune with the chip in the loop",
        options: [
            OptionSpec(
                "data", valueName: "DIR",
                help:
                    "data-set folder (default $\(DataLocation.environmentVariable), then "
                    + "\(DataLocation.sharedRoot); also \(DataLocation.systemRoot))"),
            OptionSpec(
                "seed", valueName: "N",
                help: "seed of data order, held-out split, weights, mock noise",
                default: String(ExperimentSettings().seed)),
            OptionSpec(
                "chip-seeds", valueName: "LIST",
                help:
                    "comma-separated chip seeds, one deployment each (\(defaults { $0.chipSeeds.map(String.init).joined(separator: ",") }))"
            ),
            OptionSpec(
                "chips", valueName: "N", help: "simulated chips per deployment",
                default: String(ExperimentSettings().chips)),
            OptionSpec("epochs", valueName: "N", help: "software epochs (\(defaults(\.epochs)))"),
            OptionSpec(
                "hil-epochs", valueName: "N",
                help: "epochs with the chip in the loop (\(defaults(\.hilEpochs)))"),
            OptionSpec(
                "learning-rate", valueName: "R",
                help: "Adam rate in software, chip units (\(defaults(\.learningRate)))"),
            OptionSpec(
                "hil-learning-rate", valueName: "R",
                help: "Adam rate with the chip in the loop (\(defaults(\.hilLearningRate)))"),
            OptionSpec(
                "decay", valueName: "F",
                help: "learning-rate factor per step (\(defaults(\.learningRateDecay)))"),
            OptionSpec(
                "decay-every", valueName: "N",
                help: "software epochs per decay step (\(defaults(\.decayEvery)))"),
            OptionSpec(
                "hil-decay-every", valueName: "N",
                help: "chip-in-the-loop epochs per decay step (\(defaults(\.hilDecayEvery)))"),
            OptionSpec(
                "batch-size", valueName: "N", help: "software mini-batch (\(defaults(\.batchSize)))"
            ),
            OptionSpec(
                "hil-batch-size", valueName: "N",
                help: "chip-in-the-loop mini-batch (\(defaults(\.hilBatchSize)))"),
            OptionSpec(
                "logit-scale", valueName: "LSB",
                help: "outputs are divided by this in the loss (\(defaults(\.logitScale)))"),
            OptionSpec(
                "wait", valueName: "CYCLES",
                help: "FPGA cycles between events, every layer (\(defaults(\.waitBetweenEvents)))"),
            OptionSpec(
                "train-limit", valueName: "N", help: "use only the first N training samples"),
            OptionSpec("test-limit", valueName: "N", help: "use only the first N test samples"),
            OptionSpec(
                "validation-size", valueName: "N",
                help: "samples held out to select the epoch (\(defaults(\.validationSize)))"),
            OptionSpec(
                "mock-gain", valueName: "G",
                help: "use this gain (LSB per unit² per send) instead of the measured one"),
            OptionSpec(
                "mock-noise", valueName: "LSB", help: "use this noise instead of the measured one"),
            CommonOptions.params,
            OptionSpec(
                "save", valueName: "MODEL",
                help: "save the trained network (model file); fine-tuned ones go beside it"),
            OptionSpec(
                "profile-svg", valueName: "FILE",
                help: "write where the time goes as a stacked-bar SVG"),
        ],
        flags: [
            FlagSpec("json", help: "print the accuracies as one JSON object"),
            FlagSpec(
                "profile", help: "print host time per phase and the real chip's projected time"),
            FlagSpec("quiet", help: "no progress on stderr"),
            FlagSpec("no-calibration", help: "fine-tune on the uncalibrated chip"),
            FlagSpec("fine-tune-on-mock", help: "fine-tune on the mock instead (a control)"),
        ],
        positionals: [
            PositionalSpec("task", help: "the task: " + Tasks.names.joined(separator: ", "))
        ])

    static func run(_ arguments: ParsedArguments, output: CommandOutput) throws {
        let task = try Tasks.named(try arguments.positional("task") ?? "")
        var job = TrainingJob(
            task: task, location: DataLocation(explicit: try arguments.optionalString("data")))
        var s = job.settings
        s.seed = try arguments.uint64("seed")
        if let list = try arguments.optionalString("chip-seeds") {
            s.chipSeeds = try list.split(separator: ",").map { item in
                guard let seed = UInt64(item.trimmingCharacters(in: .whitespaces)) else {
                    throw ArgumentError.invalidInteger(option: "chip-seeds", got: String(item))
                }
                return seed
            }
        }
        s.chips = try arguments.int("chips", in: 1...64)
        s.epochs = try arguments.optionalInt("epochs", in: 0...100_000) ?? s.epochs
        s.hilEpochs = try arguments.optionalInt("hil-epochs", in: 0...100_000) ?? s.hilEpochs
        s.learningRate = try optionalFloat(arguments, "learning-rate") ?? s.learningRate
        s.hilLearningRate = try optionalFloat(arguments, "hil-learning-rate") ?? s.hilLearningRate
        s.learningRateDecay = try optionalFloat(arguments, "decay") ?? s.learningRateDecay
        s.decayEvery = try arguments.optionalInt("decay-every", in: 1...100_000) ?? s.decayEvery
        s.hilDecayEvery =
            try arguments.optionalInt("hil-decay-every", in: 1...100_000) ?? s.hilDecayEvery
        s.batchSize = try arguments.optionalInt("batch-size", in: 1...100_000) ?? s.batchSize
        s.hilBatchSize =
            try arguments.optionalInt("hil-batch-size", in: 1...100_000) ?? s.hilBatchSize
        s.logitScale = try optionalFloat(arguments, "logit-scale") ?? s.logitScale
        s.waitBetweenEvents = try arguments.optionalInt("wait", in: 1...1023) ?? s.waitBetweenEvents
        s.trainLimit = try arguments.optionalInt("train-limit", in: 1...Int.max) ?? s.trainLimit
        s.testLimit = try arguments.optionalInt("test-limit", in: 1...Int.max) ?? s.testLimit
        s.validationSize =
            try arguments.optionalInt("validation-size", in: 1...Int.max) ?? s.validationSize
        if try arguments.optionalString("mock-gain") != nil {
            s.mockGain = try arguments.double("mock-gain", in: 1e-9...1)
        }
        if try arguments.optionalString("mock-noise") != nil {
            s.mockNoise = try arguments.double("mock-noise", in: 0...1e6)
        }
        s.parameters = try CommonOptions.parameters(arguments)
        s.calibrate = !(try arguments.flag("no-calibration"))
        s.fineTuneOnMock = try arguments.flag("fine-tune-on-mock")
        job.settings = s
        job.saveModel =
            try arguments.optionalString("save") == nil ? nil : try arguments.path("save")
        job.profileFigure =
            try arguments.optionalString("profile-svg") == nil
            ? nil : try arguments.path("profile-svg")
        job.json = try arguments.flag("json")
        job.profile = try arguments.flag("profile")
        let quiet = try arguments.flag("quiet")
        let (text, _) = try job.run { line in
            if !quiet { output.err("train: \(line)\n") }
        }
        output.out(text)
    }

    /// An optional positive number option as `Float`.
    static func optionalFloat(_ arguments: ParsedArguments, _ name: String) throws -> Float? {
        guard try arguments.optionalString(name) != nil else { return nil }
        return Float(try arguments.double(name, in: 1e-9...1e6))
    }
}
