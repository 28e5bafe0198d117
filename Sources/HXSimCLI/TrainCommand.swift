import Foundation
import HXApplications
import HXArguments
import HXIO
import HXNetwork
import HXPhysics

/// `hxsim train yinyang`: the Yin-Yang experiment on software, mock and simulated chip.
struct TrainCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "train",
            summary:
                "train the Yin-Yang network in software, deploy it, fine-tune with the simulated "
                + "chip in the loop")
    }

    /// The experiment's own defaults, which the options start from.
    private static let defaults = YinYangExperiment.Settings()

    @Option(help: "seed of data order, weights and mock noise") var seed = defaults.seed
    @Option(help: "seed of the simulated chip") var chipSeed = defaults.chipSeed
    @Option(help: "software training epochs", in: 0...10_000) var epochs = defaults.softwareEpochs
    @Option(help: "epochs with the chip in the loop", in: 0...10_000)
    var hilEpochs = defaults.hardwareEpochs
    @Option(help: "training samples", in: 1...5000) var trainSize = defaults.trainSize
    @OptionGroup var physics: ParameterOptions
    @Option(valueName: "R", help: "Adam learning rate in software", in: 1e-6...10)
    var learningRate = defaults.learningRate
    @Option(valueName: "R", help: "Adam learning rate with the chip in the loop", in: 1e-6...10)
    var hilLearningRate = defaults.fineTuningLearningRate
    @Option(help: "mini-batch size in software", in: 1...5000) var batchSize = defaults.batchSize
    @Option(help: "mini-batch size with the chip in the loop", in: 1...5000)
    var hilBatchSize = defaults.fineTuningBatchSize
    @Option(valueName: "LSB", help: "outputs are divided by this in the loss", in: 1e-3...1e3)
    var logitScale = defaults.logitScale
    @Option(help: "halve the software learning rate every N epochs", in: 1...100_000)
    var decayEvery = defaults.decayEvery
    @Option(help: "halve the chip-in-the-loop learning rate every N epochs", in: 1...100_000)
    var hilDecayEvery = defaults.fineTuningDecayEvery
    @Option(
        valueName: "CYCLES", help: "FPGA cycles between events, both layers",
        in: ChipGeometry.waitBetweenEventsRange)
    var wait = defaults.waitBetweenEvents
    @Option(help: "copies of each hidden neuron averaged", in: 1...4)
    var hiddenAvg = defaults.hiddenAveraging
    @Option(help: "send each feature on N synapse rows", in: 1...32)
    var repeatInputs = defaults.inputRepetition
    @Option(help: "copies of each output neuron averaged", in: 1...80)
    var avg = defaults.outputAveraging
    @Option(valueName: "DIR", help: "save both trained models (JSON model files) here")
    var save: String?
    @Flag(help: "print the accuracies as one JSON object") var json = false
    @Flag(help: "fine-tune on the uncalibrated chip") var noCalibration = false
    @Flag(help: "fine-tune on the mock instead (a control)") var fineTuneOnMock = false
    @Flag(help: "print the per-phase time of chip-in-the-loop training and inference")
    var profile = false
    @Argument(help: "the task to train: yinyang") var task: String

    func run(_ context: CommandContext) throws {
        guard task == "yinyang" else {
            throw ArgumentError.invalidChoice(option: "task", got: task, choices: ["yinyang"])
        }
        var settings = Self.defaults
        settings.seed = seed
        settings.chipSeed = chipSeed
        settings.parameters = try physics.parameters()
        settings.softwareEpochs = epochs
        settings.hardwareEpochs = hilEpochs
        settings.trainSize = trainSize
        settings.learningRate = learningRate
        settings.fineTuningLearningRate = hilLearningRate
        settings.batchSize = batchSize
        settings.fineTuningBatchSize = hilBatchSize
        settings.decayEvery = decayEvery
        settings.fineTuningDecayEvery = hilDecayEvery
        settings.outputAveraging = avg
        settings.inputRepetition = repeatInputs
        settings.calibrate = !noCalibration
        settings.fineTuneOnMock = fineTuneOnMock
        settings.waitBetweenEvents = wait
        settings.hiddenAveraging = hiddenAvg
        settings.logitScale = logitScale
        let (report, software, hardware) = try YinYangExperiment.run(
            settings: settings, progress: { context.err("train: \($0)\n") })
        if let directory = save {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true)
            try ModelFile.save(
                software, to: URL(fileURLWithPath: directory + "/yinyang-software.json"))
            try ModelFile.save(hardware, to: URL(fileURLWithPath: directory + "/yinyang-hil.json"))
        }
        if json {
            var object: [String: Double] = [
                "software": report.software, "mock": report.mock,
                "physics_deployed": report.physicsDeployed, "physics_hil": report.physicsHIL,
            ]
            object["physics_calibrated"] = report.physicsCalibrated
            context.out(
                String(decoding: try JSON.encode(object, pretty: false), as: UTF8.self) + "\n")
        } else {
            context.out(try Self.table(report).markdown(precision: 4))
        }
        if profile {
            context.out("\nTime per phase, chip-in-the-loop training:\n\(report.trainingProfile)\n")
            context.out(
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
