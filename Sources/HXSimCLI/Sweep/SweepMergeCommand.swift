import Foundation
import HXArguments
import HXIO
import HXSweep

/// `hxsim sweep merge OUT SHARDS…`: joins the results files of a sweep's shards.
struct SweepMergeCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(name: "merge", summary: "join the results files of a sweep's shards")
    }

    @Argument(name: "OUT", help: "the merged results file to write") var out: String
    @Argument(
        name: "SHARDS",
        help:
            "the shards' results files, as separate arguments (a shell glob), comma-separated, or "
            + "a quoted glob such as 'noise.results.shard-*.jsonl'")
    var shards: [String]
    @Option(
        valueName: "SPEC",
        help:
            "the specification: checks the shards were made from it and names missing points by "
            + "their coordinates")
    var spec: String?
    @OptionGroup var builds: MixedBuildsOptions

    func run(_ context: CommandContext) throws {
        guard !shards.isEmpty else {
            throw ArgumentError.missingPositional("SHARDS (the shards' results files)")
        }
        // The output first (SweepMerge checks it again, with the inputs).
        let output = try absolutePath(out, option: "OUT")
        _ = try OutputTarget.file(output, operand: "OUT", allowsStandardOutput: false)
        let sweep = try spec.map { try Sweep.load(specPath: absolutePath($0, option: "spec")) }
        let inputs = try shards.flatMap { try SweepMerge.expand($0) }.map {
            try absolutePath($0, option: "SHARDS")
        }
        let summary = try SweepMerge.merge(
            inputs: inputs, output: output, sweep: sweep,
            acceptMixedBuilds: builds.acceptMixedBuilds)
        context.out(summary.description + "\n")
    }
}
