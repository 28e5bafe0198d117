import Foundation
import HXApplications
import HXArguments
import HXCalibration
import HXIO
import HXNetwork

/// `hxsim budget MODEL --task TASK`: how many points each error source of the chip costs a
/// trained network; the logic lives in ``BudgetJob`` and ``ErrorBudget``.
struct BudgetCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "budget",
            summary:
                "the error budget of a trained network on simulated chips: the points each "
                + "source costs (noise, quantisation, saturation, drift, mismatch by kind), "
                + "by switching it off")
    }

    private static let defaults = ErrorBudget.Settings()

    @OptionGroup var evaluated: EvaluatedTaskOptions
    @Option(help: "which split of the task") var split = defaults.split
    @Option(
        valueName: "LIST", help: "comma-separated chip seeds, one deployment each (default 1)")
    var chipSeeds: SeedList?
    @Option(help: "simulated chips per deployment", in: PhysicsExecutor.chipCountRange) var chips =
        defaults.chips
    @Option(help: "seed of the held-out split") var seed = defaults.seed
    @OptionGroup var physics: ParameterOptions
    @OptionGroup var drift: EnvironmentOptions
    @Flag(help: "calibrate the chips in memory for every variant (calix's procedure)")
    var calibrate = false
    @Flag(help: "quick calibration (fewer trials; with --calibrate)") var quick = false
    @Flag(
        help:
            "with --calibrate: calibrate at power-up (age 0, nominal temperature), then let the "
            + "chips drift to --age and --temperature")
    var calibrateAtPowerUp = false
    @Option(valueName: "FILE", help: "write the table here as well (.md or .csv)") var table:
        String?
    @Option(valueName: "FILE", help: "write the bar chart (SVG)") var svg: String?
    @Flag(help: "no progress on stderr") var quiet = false
    @Argument(help: "the model file (hxsim train --save)") var model: String

    func run(_ context: CommandContext) throws {
        for (name, given) in [("quick", quick), ("calibrate-at-power-up", calibrateAtPowerUp)]
        where given && !calibrate {
            throw ArgumentError.requiresOption(name, requires: "--calibrate")
        }
        let task = try evaluated.selected()
        var job = BudgetJob(
            modelPath: try absolutePath(model, option: "model", mustExist: true), task: task,
            location: evaluated.location)
        var settings = job.settings
        settings.chipSeeds = chipSeeds?.seeds ?? settings.chipSeeds
        settings.chips = chips
        settings.split = split
        settings.seed = seed
        settings.calibrate = calibrate
        settings.calibration = quick ? .quick : CalibrationSettings()
        settings.calibrateAtPowerUp = calibrateAtPowerUp
        settings.parameters = try physics.parameters()
        settings.environment = drift.environment(for: settings.parameters)
        job.settings = settings
        job.table = try table.map { try absolutePath($0, option: "table") }
        job.figure = try svg.map { try absolutePath($0, option: "svg") }
        try OutputTarget.refuseOverlaps(
            outputs: [("--table", job.table), ("--svg", job.figure)],
            inputs: [("MODEL", job.modelPath)] + physics.inputFiles)
        let total = job.evaluations
        var done = 0
        let start = Date()
        let (text, _) = try job.run { line in
            done += 1
            guard !quiet else { return }
            let seconds = Date().timeIntervalSince(start)
            let remaining = seconds / Double(done) * Double(total - done)
            context.err(
                "budget: \(done)/\(total) \(line) "
                    + "(\(String(format: "%.2f", Double(done) / max(seconds, 1e-9))) "
                    + "evaluations/s, ETA \(String(format: "%.0f", remaining)) s)\n")
        }
        context.out(text)
    }
}
