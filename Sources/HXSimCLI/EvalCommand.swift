import Foundation
import HXApplications
import HXArguments
import HXCalibration
import HXIO
import HXNetwork

extension ModelEvaluation.Backend: ArgumentValue {}
extension ModelEvaluation.Split: ArgumentValue {}

/// `hxsim eval MODEL --task TASK`: a saved model on a task's data set on any back end; the
/// logic lives in ``EvaluationJob``.
struct EvalCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "eval",
            summary:
                "evaluate a saved model on a task's data set (software, mock or simulated chips)")
    }

    private static let defaults = ModelEvaluation.Settings()

    @OptionGroup var evaluated: EvaluatedTaskOptions
    @Option(help: "where the model runs") var backend = defaults.backend
    @Option(help: "which split of the task") var split = defaults.split
    @Option(help: "simulated chips (physics)", in: PhysicsExecutor.chipCountRange) var chips =
        defaults.chips
    @Option(help: "seed of the first chip") var chipSeed = defaults.chipSeed
    @Option(
        valueName: "PATH",
        help: "calibration file (one chip) or folder of chip-<seed>.json (physics)")
    var calibration: String?
    @Option(valueName: "G", help: "gain of mock and software (default: measured)", in: 1e-9...1)
    var mockGain: Double?
    @Option(valueName: "LSB", help: "noise of the mock (default: measured)", in: 0...1e6)
    var mockNoise: Double?
    @Option(help: "seed of the mock noise and the held-out split") var seed = defaults.seed
    @OptionGroup var physics: ParameterOptions
    @OptionGroup var drift: EnvironmentOptions
    @Option(
        valueName: "FILE", help: "write logits, prediction and label per sample (.npy or .csv)")
    var out: String?
    @Option(help: "evaluate only the first N samples of the split", in: 1...) var limit: Int?
    @Flag(help: "calibrate the simulated chips in memory first") var calibrate = false
    @Flag(
        help:
            "calibrate in memory with fewer trials (a quarter to a half): faster, noisier trims")
    var quickCalibration = false
    @Flag(help: "print the accuracy as one JSON object") var json = false
    @Argument(help: "the model file (hxsim train --save)") var model: String

    func run(_ context: CommandContext) throws {
        let task = try evaluated.selected()
        var job = EvaluationJob(
            modelPath: try absolutePath(model, option: "model"), task: task,
            location: evaluated.location)
        var s = job.settings
        s.backend = backend
        s.split = split
        s.chips = chips
        s.chipSeed = chipSeed
        s.seed = seed
        s.calibrate = calibrate || quickCalibration
        if quickCalibration { s.calibration = .quick }
        s.calibrationPath = try calibration.map {
            try absolutePath($0, option: "calibration", mustExist: true)
        }
        s.mockGain = mockGain ?? s.mockGain
        s.mockNoise = mockNoise ?? s.mockNoise
        s.parameters = try physics.parameters()
        s.environment = drift.environment(for: s.parameters)
        job.settings = s
        job.out = try out.map { try absolutePath($0, option: "out") }
        try OutputTarget.refuseOverlaps(
            outputs: [("--out", job.out)],
            inputs: [("MODEL", job.modelPath), ("--calibration", s.calibrationPath)]
                + physics.inputFiles)
        job.json = json
        job.limit = limit
        if s.calibrate && s.backend == .physics {
            context.progress("eval: calibrating \(chips) chip\(chips == 1 ? "" : "s") first\n")
        }
        var progress: ProgressReporter?
        let (text, result) = try job.run { done, total in
            if progress == nil { progress = context.progressReporter(label: "eval", total: total) }
            progress?.update(done: done)
            if done == total { progress?.finish() }
        }
        for warning in result.warnings { context.err(warning + "\n") }
        context.out(text)
    }
}
