import Foundation
import HXApplications
import HXIO
import HXNetwork

/// `hxsim train yinyang`: the Yin-Yang experiment on software, mock and simulated chip.
enum TrainCommand: Subcommand {
    static let spec = CommandSpec(
        name: "train",
        summary:
            "train the Yin-Yang network in software, deploy it, fine-tune with the simulated chip in the loop",
        options: [
            OptionSpec(
                "seed", valueName: "N", help: "seed of data order, weights and mock noise",
                default: "1"),
            OptionSpec(
                "chip-seed", valueName: "N", help: "seed of the simulated chip", default: "1"),
            OptionSpec("epochs", valueName: "N", help: "software training epochs", default: "100"),
            OptionSpec(
                "hil-epochs", valueName: "N", help: "epochs with the chip in the loop",
                default: "100"
            ),
            OptionSpec(
                "train-size", valueName: "N", help: "training samples (≤ 5000)", default: "5000"),
            CommonOptions.params,
            OptionSpec(
                "learning-rate", valueName: "R", help: "Adam learning rate in software",
                default: "0.02"),
            OptionSpec(
                "hil-learning-rate", valueName: "R",
                help: "Adam learning rate with the chip in the loop", default: "0.005"),
            OptionSpec(
                "batch-size", valueName: "N", help: "mini-batch size in software", default: "50"),
            OptionSpec(
                "hil-batch-size", valueName: "N", help: "mini-batch size with the chip in the loop",
                default: "50"),
            OptionSpec(
                "logit-scale", valueName: "LSB", help: "outputs are divided by this in the loss",
                default: "10"),
            OptionSpec(
                "decay-every", valueName: "N",
                help: "halve the software learning rate every N epochs", default: "1000"),
            OptionSpec(
                "hil-decay-every", valueName: "N",
                help: "halve the chip-in-the-loop learning rate every N epochs", default: "25"),
            OptionSpec(
                "wait", valueName: "CYCLES", help: "FPGA cycles between events, both layers",
                default: "2"),
            OptionSpec(
                "hidden-avg", valueName: "N", help: "copies of each hidden neuron averaged",
                default: "4"),
            OptionSpec(
                "repeat-inputs", valueName: "N", help: "send each feature on N synapse rows",
                default: "16"),
            OptionSpec(
                "avg", valueName: "N", help: "copies of each output neuron averaged", default: "10"),
            OptionSpec(
                "save", valueName: "DIR",
                help: "save both trained models (JSON model files) here (created if missing)"),
        ],
        flags: [
            FlagSpec("json", help: "print the accuracies as one JSON object"),
            FlagSpec("no-calibration", help: "fine-tune on the uncalibrated chip"),
            FlagSpec("fine-tune-on-mock", help: "fine-tune on the mock instead (a control)"),
            FlagSpec(
                "profile",
                help: "print the per-phase time of chip-in-the-loop training and inference"),
        ],
        positionals: [PositionalSpec("task", help: "the task to train: yinyang")])

    static func run(_ arguments: ParsedArguments, output: CommandOutput) throws {
        guard let task = try arguments.positional("task"), task == "yinyang" else {
            throw ArgumentError.invalidChoice(
                option: "task", got: (try? arguments.positional("task")) ?? "", choices: ["yinyang"]
            )
        }
        // The output first: the training is not run for models that cannot be saved.
        let saveDirectory = try arguments.optionalString("save").map {
            try OutputTarget.directory($0, operand: "--save", create: true)
        }
        for name in ["yinyang-software.json", "yinyang-hil.json"] {
            if let directory = saveDirectory {
                _ = try OutputTarget.file(
                    directory + "/" + name, operand: "--save", createParents: true,
                    allowsStandardOutput: false)
            }
        }
        var settings = YinYangExperiment.Settings()
        settings.seed = try arguments.uint64("seed")
        settings.chipSeed = try arguments.uint64("chip-seed")
        settings.parameters = try CommonOptions.parameters(arguments)
        settings.softwareEpochs = try arguments.int("epochs", in: 0...10_000)
        settings.hardwareEpochs = try arguments.int("hil-epochs", in: 0...10_000)
        settings.trainSize = try arguments.int("train-size", in: 1...5000)
        settings.learningRate = Float(try arguments.double("learning-rate", in: 1e-6...10))
        settings.fineTuningLearningRate = Float(
            try arguments.double("hil-learning-rate", in: 1e-6...10))
        settings.batchSize = try arguments.int("batch-size", in: 1...5000)
        settings.fineTuningBatchSize = try arguments.int("hil-batch-size", in: 1...5000)
        settings.decayEvery = try arguments.int("decay-every", in: 1...100_000)
        settings.fineTuningDecayEvery = try arguments.int("hil-decay-every", in: 1...100_000)
        settings.outputAveraging = try arguments.int("avg", in: 1...80)
        settings.inputRepetition = try arguments.int("repeat-inputs", in: 1...32)
        settings.calibrate = !(try arguments.flag("no-calibration"))
        settings.fineTuneOnMock = try arguments.flag("fine-tune-on-mock")
        settings.waitBetweenEvents = try arguments.int("wait", in: 1...1023)
        settings.hiddenAveraging = try arguments.int("hidden-avg", in: 1...4)
        settings.logitScale = Float(try arguments.double("logit-scale", in: 1e-3...1e3))
        let (report, software, hardware) = try YinYangExperiment.run(
            settings: settings,
            progress: {
                output.err("train: \($0)\n")
            })
        if let directory = saveDirectory {
            try OutputTarget.createDirectories(directory)
            try ModelFile.save(
                software, to: URL(fileURLWithPath: directory + "/yinyang-software.json"))
            try ModelFile.save(hardware, to: URL(fileURLWithPath: directory + "/yinyang-hil.json"))
        }
        if try arguments.flag("json") {
            var object: [String: Double] = [
                "software": report.software, "mock": report.mock,
                "physics_deployed": report.physicsDeployed, "physics_hil": report.physicsHIL,
            ]
            object["physics_calibrated"] = report.physicsCalibrated
            output.out(
                String(decoding: try JSON.encode(object, pretty: false), as: UTF8.self) + "\n")
        } else {
            output.out(try table(report).markdown(precision: 4))
        }
        if try arguments.flag("profile") {
            output.out("\nTime per phase, chip-in-the-loop training:\n\(report.trainingProfile)\n")
            output.out(
                "\nTime per phase, inference of the test set on the chip:\n\(report.inferenceProfile)\n"
            )
        }
    }

    /// The accuracies side by side.
    static func table(_ report: YinYangExperiment.Report) throws -> Table {
        let measured = report.measuredMockParameter
        let mock = String(
            format: "mock (hxtorch's model, measured gain %.5f, noise %.2f LSB)", measured.gain,
            measured.noiseStd)
        var rows: [[TableCell]] = [
            [.text("software (float, ideal linear chip model)"), .number(report.software)],
            [.text(mock), .number(report.mock)],
            [
                .text("simulated chip, software-trained, uncalibrated"),
                .number(report.physicsDeployed),
            ],
        ]
        if let calibrated = report.physicsCalibrated {
            rows.append([
                .text("simulated chip, software-trained, calibrated"), .number(calibrated),
            ])
        }
        rows.append([
            .text(
                "simulated chip\(report.physicsCalibrated == nil ? "" : " (calibrated)"), "
                    + "fine-tuned with the chip in the loop"),
            .number(report.physicsHIL),
        ])
        return try Table(header: ["back end", "test accuracy"], rows: rows)
    }
}
