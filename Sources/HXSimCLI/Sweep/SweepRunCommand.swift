import Foundation
import HXArguments
import HXIO
import HXSweep

/// `hxsim sweep run SPEC`: runs a specification (or its shard), appending to its results file.
struct SweepRunCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(name: "run", summary: "run a sweep specification (JSON)")
    }

    @Argument(name: "SPEC", help: "the sweep specification (a .json file)") var spec: String
    @Option(
        valueName: "FILE",
        help:
            "results file (JSON Lines); default from the spec, with .shard-i-of-n added for a "
            + "shard")
    var results: String?
    @Option(
        valueName: "i/n",
        help:
            "only shard i of n (0-based); default SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT "
            + "when set, else all points")
    var shard: String?
    @Option(help: "stop after N points (continue with --resume)", in: 0...)
    var maxPoints: Int?
    @OptionGroup var threading: ThreadOptions
    @Flag(help: "continue the results file, skipping the points it holds") var resume = false
    @Flag(help: "check the spec and list its points, run nothing") var dryRun = false
    @OptionGroup var builds: MixedBuildsOptions

    func run(_ context: CommandContext) throws {
        let sweep = try Sweep.load(specPath: absolutePath(spec, option: "SPEC"))
        let shard: Shard
        if let text = self.shard {
            shard = try Shard(parsing: text)
        } else {
            shard = try Shard.fromSLURM(environment: ProcessInfo.processInfo.environment) ?? .whole
        }
        let results = try self.results.map { try absolutePath($0, option: "results") }
        if dryRun {
            let points = sweep.plan.points(in: shard)
            var text =
                "sweep \(sweep.spec.name): \(sweep.plan.points.count) points"
                + (shard.isWhole ? "" : ", \(points.count) in shard \(shard)")
                + "; results → \(results ?? sweep.defaultResultsPath(shard: shard))\n"
                + "spec hash \(sweep.hash)\n"
            for point in points { text += "  \(point.index)  \(point.key)\n" }
            context.out(text)
            return
        }
        let options = SweepRunOptions(
            resultsPath: results, resume: resume, shard: shard, maxPoints: maxPoints,
            threads: threading.threads, showsProgress: !context.isQuiet, log: context.output.err,
            acceptMixedBuilds: builds.acceptMixedBuilds)
        let summary = try SweepRunner.run(sweep, options: options)
        context.out(summary.description + "\n")
    }
}
