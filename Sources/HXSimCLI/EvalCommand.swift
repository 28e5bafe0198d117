import Foundation
import HXApplications
import HXIO
import HXNetwork

/// `hxsim eval MODEL --task TASK`: a saved model on a task's data set on any back end; the
/// logic lives in ``EvaluationJob``.
enum EvalCommand: Subcommand {
    static let spec = CommandSpec(
        name: "eval",
        summary: "evaluate a saved model on a task's data set (software, mock or simulated chips)",
        options: [
            OptionSpec(
                "task", valueName: "TASK", help: "the task whose data set is evaluated",
                required: true, choices: Tasks.names),
            OptionSpec(
                "data", valueName: "DIR",
                help:
                    "data-set folder (default $\(DataLocation.environmentVariable), then "
                    + "\(DataLocation.sharedRoot))"),
            OptionSpec(
                "backend", valueName: "NAME", help: "where the model runs",
                default: ModelEvaluation.Settings().backend.rawValue,
                choices: ModelEvaluation.Backend.allCases.map(\.rawValue)),
            OptionSpec(
                "split", valueName: "NAME", help: "which split of the task",
                default: ModelEvaluation.Settings().split.rawValue,
                choices: ModelEvaluation.Split.allCases.map(\.rawValue)),
            OptionSpec(
                "chips", valueName: "N", help: "simulated chips (physics)",
                default: String(ModelEvaluation.Settings().chips)),
            OptionSpec(
                "chip-seed", valueName: "N", help: "seed of the first chip",
                default: String(ModelEvaluation.Settings().chipSeed)),
            OptionSpec(
                "calibration", valueName: "PATH",
                help: "calibration file (one chip) or folder of chip-<seed>.json (physics)"),
            OptionSpec(
                "mock-gain", valueName: "G", help: "gain of mock and software (default: measured)"),
            OptionSpec(
                "mock-noise", valueName: "LSB", help: "noise of the mock (default: measured)"),
            OptionSpec(
                "seed", valueName: "N", help: "seed of the mock noise and the held-out split",
                default: String(ModelEvaluation.Settings().seed)),
            CommonOptions.params,
            OptionSpec(
                "out", valueName: "FILE",
                help: "write logits, prediction and label per sample (.npy or .csv)"),
        ],
        flags: [
            FlagSpec("calibrate", help: "calibrate the simulated chips in memory first"),
            FlagSpec("json", help: "print the accuracy as one JSON object"),
        ],
        positionals: [PositionalSpec("model", help: "the model file (hxsim train --save)")])

    static func run(_ arguments: ParsedArguments, output: CommandOutput) throws {
        let given = try arguments.positional("model") ?? ""
        let model = URL(fileURLWithPath: (given as NSString).expandingTildeInPath)
            .standardizedFileURL.path
        var job = EvaluationJob(
            modelPath: model, task: try Tasks.named(try arguments.string("task")),
            location: DataLocation(explicit: try arguments.optionalString("data")))
        var s = job.settings
        s.backend = try arguments.choice("backend", as: ModelEvaluation.Backend.self)
        s.split = try arguments.choice("split", as: ModelEvaluation.Split.self)
        s.chips = try arguments.int("chips", in: 1...64)
        s.chipSeed = try arguments.uint64("chip-seed")
        s.seed = try arguments.uint64("seed")
        s.calibrate = try arguments.flag("calibrate")
        if try arguments.optionalString("calibration") != nil {
            s.calibrationPath = try arguments.path("calibration", mustExist: true)
        }
        if try arguments.optionalString("mock-gain") != nil {
            s.mockGain = try arguments.double("mock-gain", in: 1e-9...1)
        }
        if try arguments.optionalString("mock-noise") != nil {
            s.mockNoise = try arguments.double("mock-noise", in: 0...1e6)
        }
        s.parameters = try CommonOptions.parameters(arguments)
        job.settings = s
        job.out = try arguments.optionalString("out") == nil ? nil : try arguments.path("out")
        job.json = try arguments.flag("json")
        output.out(try job.run().text)
    }
}
