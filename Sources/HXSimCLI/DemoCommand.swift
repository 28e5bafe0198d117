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
                "the tour: a chip, a VMM, a membrane trace, the anchors of the specification it "
                + "reproduces, calibration and a Yin-Yang network with the chip in the loop")
    }

    @Option(help: "chip seed: fixes the chip's mismatch") var seed: UInt64 = 1
    @OptionGroup var physics: ParameterOptions
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
        let parameters = try physics.parameters()
        try OutputTarget.createDirectories(directory)
        try DemoPhysics.run(
            seed: seed, parameters: parameters, directory: directory, context: context)
        try DemoCalibration.run(
            seed: seed, parameters: parameters, directory: directory,
            settings: quick ? Self.quickCalibration : CalibrationSettings(), context: context)
        var task = YinYangTask()
        var settings = task.defaults
        if quick { (task, settings) = Self.quickYinYang }
        settings.parameters = parameters
        settings.chipSeeds = [seed]
        context.progress(
            "demo: [5/5] the Yin-Yang experiment"
                + (quick ? "" : " (about a minute in a release build)") + "\n")
        let report = try Experiment.run(
            task: task, settings: settings,
            data: task.load(from: DataLocation(explicit: nil), settings: settings),
            progress: { context.progress("demo: yinyang: \($0)\n") }
        ).report
        context.out(
            "\nYin-Yang, \(report.numSends) sends per layer, test accuracy of one network on each "
                + "back end (`hxsim train yinyang`):\n\n")
        let table = try report.accuracyTable()
        try table.writeMarkdown(to: directory + "/\(DemoPhysics.Files.yinYang).md")
        context.out(table.markdown(precision: 4))
    }

    /// The calibration of `--quick`: the quick settings with half their survey and fit trials,
    /// so that the demo's smoke run (tests, CI) stays short.
    static var quickCalibration: CalibrationSettings {
        var settings = CalibrationSettings.quick
        settings.surveyTrials = 16
        settings.gain.trials = 32
        settings.digitalFit.trials = 16
        return settings
    }

    /// The Yin-Yang experiment of `--quick`: few samples, neurons and epochs, no calibration.
    static var quickYinYang: (YinYangTask, ExperimentSettings) {
        var task = YinYangTask()
        task.hidden = 32
        task.hiddenAveraging = 1
        task.inputRepetition = 2
        task.outputAveraging = 2
        var settings = task.defaults
        settings.trainLimit = 500
        settings.testLimit = 200
        settings.validationSize = 100
        settings.epochs = 20
        settings.hilEpochs = 1
        settings.calibrate = false
        return (task, settings)
    }
}
