import Foundation
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
    }
}
