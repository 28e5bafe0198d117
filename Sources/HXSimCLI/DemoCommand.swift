import Foundation
import HXApplications
import HXCalibration
import HXIO
import HXPhysics

/// `hxsim demo`: the main job. Grows with the project.
enum DemoCommand: Subcommand {
    static let spec = CommandSpec(
        name: "demo",
        summary:
            "the tour: a chip, a VMM, a membrane trace and the anchors of PHYSICS.md it reproduces",
        options: [
            CommonOptions.seed,
            OptionSpec(
                "out", valueName: "DIR", help: "directory for the plots and tables",
                default: "demo-output"),
        ],
        flags: [
            FlagSpec(
                "quick",
                help:
                    "a short tour: quick calibration, a small Yin-Yang network on the "
                    + "uncalibrated chip (seconds; the numbers are not the README's)")
        ])

    static func run(_ arguments: ParsedArguments, output: CommandOutput) throws {
        let directory = try arguments.path("out")
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true)
        let seed = try arguments.uint64("seed")
        let quick = try arguments.flag("quick")
        try DemoPhysics.run(seed: seed, directory: directory, output: output)
        try DemoCalibration.run(
            seed: seed, directory: directory, output: output,
            settings: quick ? quickCalibration : CalibrationSettings())
        output.err("demo: the Yin-Yang experiment (about a minute in a release build)\n")
        let (report, _, _) = try YinYangExperiment.run(
            settings: quick ? quickYinYang : YinYangExperiment.Settings(), progress: { _ in })
        output.out(
            "\nYin-Yang, \(report.numSends) sends per layer, test accuracy of one network on each "
                + "back end (`hxsim train yinyang`):\n\n")
        let table = try TrainCommand.table(report)
        try table.writeMarkdown(to: directory + "/yinyang.md")
        output.out(table.markdown(precision: 4))
    }

    /// The calibration of `--quick`: the quick settings with half their survey and fit trials.
    static var quickCalibration: CalibrationSettings {
        var settings = CalibrationSettings.quick
        settings.surveyTrials = 16
        settings.gain.trials = 32
        settings.digitalFit.trials = 16
        return settings
    }

    /// The Yin-Yang experiment of `--quick`: few samples, neurons and epochs, no calibration.
    static var quickYinYang: YinYangExperiment.Settings {
        var settings = YinYangExperiment.Settings()
        settings.trainSize = 500
        settings.testSize = 200
        settings.hidden = 32
        settings.hiddenAveraging = 1
        settings.inputRepetition = 2
        settings.outputAveraging = 2
        settings.softwareEpochs = 20
        settings.hardwareEpochs = 1
        settings.calibrate = false
        return settings
    }
}
