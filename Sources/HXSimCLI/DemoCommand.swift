import Foundation
import HXApplications
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
                "out", valueName: "DIR",
                help: "directory for the plots and tables (created if missing)",
                default: "demo-output"),
        ])

    static func run(_ arguments: ParsedArguments, output: CommandOutput) throws {
        let directory = try OutputTarget.directory(
            arguments.path("out"), operand: "--out", create: true)
        try OutputTarget.createDirectories(directory)
        let seed = try arguments.uint64("seed")
        try DemoPhysics.run(seed: seed, directory: directory, output: output)
        try DemoCalibration.run(seed: seed, directory: directory, output: output)
        output.err("demo: the Yin-Yang experiment (about a minute in a release build)\n")
        let (report, _, _) = try YinYangExperiment.run(
            settings: YinYangExperiment.Settings(), progress: { _ in })
        output.out(
            "\nYin-Yang, \(report.numSends) sends per layer, test accuracy of one network on each "
                + "back end (`hxsim train yinyang`):\n\n")
        let table = try TrainCommand.table(report)
        try table.writeMarkdown(to: directory + "/yinyang.md")
        output.out(table.markdown(precision: 4))
    }
}
