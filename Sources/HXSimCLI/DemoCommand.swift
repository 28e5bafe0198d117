import Foundation
import HXApplications
import HXArguments
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

    func run(_ context: CommandContext) throws {
        let directory = try OutputTarget.directory(
            absolutePath(out, option: "out"), operand: "--out", create: true)
        try OutputTarget.createDirectories(directory)
        try DemoPhysics.run(seed: seed, directory: directory, output: context.output)
        try DemoCalibration.run(seed: seed, directory: directory, output: context.output)
        context.err("demo: the Yin-Yang experiment (about a minute in a release build)\n")
        let task = YinYangTask()
        let report = try Experiment.run(
            task: task, settings: task.defaults,
            data: task.load(from: DataLocation(explicit: nil), settings: task.defaults)
        ).report
        context.out(
            "\nYin-Yang, \(report.numSends) sends per layer, test accuracy of one network on each "
                + "back end (`hxsim train yinyang`):\n\n")
        let table = try report.accuracyTable()
        try table.writeMarkdown(to: directory + "/yinyang.md")
        context.out(table.markdown(precision: 4))
    }
}
