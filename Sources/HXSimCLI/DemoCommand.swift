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
                "out", valueName: "DIR", help: "directory for the plots and tables",
                default: "demo-output"),
        ])

    static func run(_ arguments: ParsedArguments, output: CommandOutput) throws {
        let directory = try arguments.path("out")
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true)
        let seed = try arguments.uint64("seed")
        try DemoPhysics.run(seed: seed, directory: directory, output: output)
        try DemoCalibration.run(seed: seed, directory: directory, output: output)
        output.err("demo: the Yin-Yang experiment (about a minute in a release build)\n")
        let task = YinYangTask()
        let report = try Experiment.run(
            task: task, settings: task.defaults,
            data: task.load(from: DataLocation(explicit: nil), settings: task.defaults)
        ).report
        output.out(
            "\nYin-Yang, \(report.numSends) sends per layer, test accuracy of one network on each "
                + "back end (`hxsim train yinyang`):\n\n")
        let table = try report.accuracyTable()
        try table.writeMarkdown(to: directory + "/yinyang.md")
        output.out(table.markdown(precision: 4))
    }
}
