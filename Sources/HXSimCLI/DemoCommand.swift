import Foundation
import HXApplications
import HXArguments
import HXCalibration
import HXIO
import HXPhysics

/// `hxsim demo`: the main job. Grows with the project.
struct DemoCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "demo",
            summary:
                "the tour: a chip, a VMM, a membrane trace and the anchors of PHYSICS.md it "
                + "reproduces")
    }

    @Option(help: "chip seed: fixes the chip's mismatch") var seed: UInt64 = 1
    @Option(valueName: "DIR", help: "directory for the plots and tables (created if missing)")
    var out = "demo-output"
    @Flag(
        help:
            "a short tour: quick calibration, a small Yin-Yang network on the uncalibrated chip "
            + "(seconds; the numbers are not the README's)")
    var quick = false

    func run(_ context: CommandContext) throws {
        let directory = try OutputTarget.directory(
            absolutePath(out, option: "out"), operand: "--out", create: true)
        try OutputTarget.createDirectories(directory)
        try DemoPhysics.run(seed: seed, directory: directory, output: context.output)
        try DemoCalibration.run(
            seed: seed, directory: directory, output: context.output,
            settings: quick ? Self.quickCalibration : CalibrationSettings())
        context.err("demo: the Yin-Yang experiment (about a minute in a release build)\n")
        let task = quick ? Self.quickYinYang : YinYangTask()
        let settings = quick ? Self.quickSettings(task) : task.defaults
        let report = try Experiment.run(
            task: task, settings: settings,
            data: task.load(from: DataLocation(explicit: nil), settings: settings)
        ).report
        context.out(
            "\nYin-Yang, \(report.numSends) sends per layer, test accuracy of one network on each "
                + "back end (`hxsim train yinyang`):\n\n")
        let table = try report.accuracyTable()
        try table.writeMarkdown(to: directory + "/yinyang.md")
        context.out(table.markdown(precision: 4))
    }

    /// The calibration of `--quick`: the quick settings with half their survey and fit trials.
    static var quickCalibration: CalibrationSettings {
        var settings = CalibrationSettings.quick
        settings.surveyTrials = 16
        settings.gain.trials = 32
        settings.digitalFit.trials = 16
        return settings
    }

    /// The Yin-Yang network of `--quick`: few neurons and copies.
    static var quickYinYang: YinYangTask {
        var task = YinYangTask()
        task.hidden = 32
        task.hiddenAveraging = 1
        task.inputRepetition = 2
        task.outputAveraging = 2
        return task
    }

    /// The Yin-Yang experiment of `--quick`: few samples and epochs, no calibration.
    static func quickSettings(_ task: YinYangTask) -> ExperimentSettings {
        var settings = task.defaults
        settings.trainLimit = 500
        settings.testLimit = 200
        settings.validationSize = 100
        settings.epochs = 20
        settings.hilEpochs = 1
        settings.calibrate = false
        return settings
    }
}
