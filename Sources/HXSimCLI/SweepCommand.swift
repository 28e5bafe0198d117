import Foundation
import HXIO
import HXNetwork
import HXSweep

/// `hxsim sweep`: inference-accuracy sweeps. The first argument picks the action:
///
/// - `hxsim sweep SPEC [--resume] [--shard i/n] [--results FILE] [--max-points N] [--dry-run]`
///   runs a specification;
/// - `hxsim sweep merge OUT SHARDS [--spec SPEC]` joins shards' results files;
/// - `hxsim sweep plot RESULTS --x AXIS [--lines AXIS] [--out DIR] [--log-x]` draws them;
/// - `hxsim sweep example-model FILE [--epochs N]` trains the example Yin-Yang model.
enum SweepCommand: Subcommand {
    static let spec = CommandSpec(
        name: "sweep",
        summary: "inference-accuracy sweeps over physics, calibration and back ends; merge; plot",
        options: [
            OptionSpec(
                "results", valueName: "FILE",
                help:
                    "run: results file (JSON Lines); default from the spec, with "
                    + ".shard-i-of-n added for a shard"),
            OptionSpec(
                "shard", valueName: "i/n",
                help:
                    "run: only shard i of n (0-based); default SLURM_ARRAY_TASK_ID of "
                    + "SLURM_ARRAY_TASK_COUNT when set, else all points"),
            OptionSpec(
                "max-points", valueName: "N",
                help: "run: stop after N points (continue with --resume)"),
            CommonOptions.threads,
            OptionSpec(
                "spec", valueName: "SPEC",
                help:
                    "merge: the specification: checks the shards were made from it and names "
                    + "missing points by their coordinates"),
            OptionSpec(
                "x", valueName: "AXIS",
                help:
                    "plot: the horizontal axis, numeric (e.g. scale:noise, or just noise); "
                    + "without it, plot writes the table only"),
            OptionSpec(
                "lines", valueName: "AXES",
                help: "plot: one line per value of this axis (several: comma-separated)"),
            OptionSpec(
                "mean-over", valueName: "AXES",
                help:
                    "plot: pool points over these axes (e.g. seed): mean, and the std of the "
                    + "pooled means as error bar"),
            OptionSpec(
                "out", valueName: "DIR",
                help:
                    "plot: directory for the SVG, Markdown and CSV, created if missing (default: "
                    + "beside RESULTS)"),
            OptionSpec("title", valueName: "TEXT", help: "plot: the figure's title"),
            OptionSpec(
                "epochs", valueName: "N", help: "example-model: training epochs (default 40)"),
        ],
        flags: [
            FlagSpec(
                "resume", help: "run: continue the results file, skipping the points it holds"),
            FlagSpec("dry-run", help: "run: check the spec and list its points, run nothing"),
            FlagSpec("quiet", help: "run: no progress lines on stderr"),
            FlagSpec("log-x", help: "plot: logarithmic horizontal axis"),
            FlagSpec(
                "accept-mixed-builds",
                help:
                    "run, merge: combine records computed by different builds, BLAS kernels or "
                    + "CPUs (refused by default: their results can differ)"),
        ],
        positionals: [
            PositionalSpec(
                "ACTION",
                help:
                    "SPEC (a .json file) runs that sweep; 'merge OUT SHARDS' joins shards' "
                    + "results; 'plot RESULTS [--x AXIS]' draws one; 'example-model FILE' trains "
                    + "the example Yin-Yang model"),
            PositionalSpec(
                "FILE",
                help:
                    "merge: the merged results file to write; plot: the results file to draw; "
                    + "example-model: the model file to write", required: false),
            PositionalSpec(
                "SHARDS",
                help:
                    "merge: the shards' results files, as separate arguments (a shell glob), "
                    + "comma-separated, or a quoted glob such as 'noise.results.shard-*.jsonl'",
                required: false, repeating: true),
        ])

    /// The options and flags each action takes.
    private static let accepted: [String: Set<String>] = [
        "run": [
            "results", "shard", "max-points", "threads", "resume", "dry-run", "quiet",
            "accept-mixed-builds",
        ],
        "merge": ["spec", "accept-mixed-builds"],
        "plot": ["x", "lines", "mean-over", "out", "title", "log-x"],
        "example-model": ["epochs"],
    ]

    static func run(_ arguments: ParsedArguments, output: CommandOutput) throws {
        let action = try arguments.positional("ACTION") ?? ""
        switch action {
        case "merge": try merge(arguments, output: output)
        case "plot": try plot(arguments, output: output)
        case "example-model": try exampleModel(arguments, output: output)
        default: try runSpec(action, arguments, output: output)
        }
    }

    /// Rejects options of other actions, and positionals the action does not take.
    private static func check(
        _ arguments: ParsedArguments, action: String, positionals: Set<String>
    ) throws {
        let allowed = accepted[action] ?? []
        // No option of this command has a default, so every key present was given.
        let given = Set(arguments.flags).union(arguments.options.keys)
        for name in given.sorted() where !allowed.contains(name) {
            throw ArgumentError.unknownOption(
                "--\(name)", command: "hxsim sweep \(action == "run" ? "SPEC" : action)",
                suggestion: nil)
        }
        for name in ["FILE", "SHARDS"] where !positionals.contains(name) {
            if let value = try arguments.positional(name) {
                throw ArgumentError.unexpectedArgument(
                    value, command: "hxsim sweep \(action == "run" ? "SPEC" : action)")
            }
        }
    }

    private static func absolute(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        return URL(fileURLWithPath: expanded).standardizedFileURL.path
    }

    // MARK: Run

    private static func runSpec(
        _ specArgument: String, _ arguments: ParsedArguments, output: CommandOutput
    ) throws {
        try check(arguments, action: "run", positionals: [])
        let sweep = try Sweep.load(specPath: absolute(specArgument))
        let shard: Shard
        if let text = try arguments.optionalString("shard") {
            shard = try Shard(parsing: text)
        } else {
            shard = try Shard.fromSLURM(environment: ProcessInfo.processInfo.environment) ?? .whole
        }
        let results = try arguments.optionalString("results").map(absolute)
        if try arguments.flag("dry-run") {
            let points = sweep.plan.points(in: shard)
            var text =
                "sweep \(sweep.spec.name): \(sweep.plan.points.count) points"
                + (shard.isWhole ? "" : ", \(points.count) in shard \(shard)")
                + "; results → \(results ?? sweep.defaultResultsPath(shard: shard))\n"
                + "spec hash \(sweep.hash)\n"
            for point in points { text += "  \(point.index)  \(point.key)\n" }
            output.out(text)
            return
        }
        let options = SweepRunOptions(
            resultsPath: results, resume: try arguments.flag("resume"), shard: shard,
            maxPoints: try arguments.optionalInt("max-points", in: 0...Int.max),
            threads: try arguments.optionalInt("threads", in: 1...1024),
            showsProgress: !(try arguments.flag("quiet")), log: output.err,
            acceptMixedBuilds: try arguments.flag("accept-mixed-builds"))
        let summary = try SweepRunner.run(sweep, options: options)
        output.out(summary.description + "\n")
    }

    // MARK: Merge

    private static func merge(_ arguments: ParsedArguments, output: CommandOutput) throws {
        try check(arguments, action: "merge", positionals: ["FILE", "SHARDS"])
        guard let out = try arguments.positional("FILE") else {
            throw ArgumentError.missingPositional("FILE (the merged results file)")
        }
        let shards = try arguments.positionalList("SHARDS")
        guard !shards.isEmpty else {
            throw ArgumentError.missingPositional("SHARDS (the shards' results files)")
        }
        // The output first (SweepMerge checks it again, with the inputs).
        _ = try OutputTarget.file(absolute(out), operand: "OUT", allowsStandardOutput: false)
        let sweep = try arguments.optionalString("spec").map {
            try Sweep.load(specPath: absolute($0))
        }
        let inputs = try shards.flatMap { try SweepMerge.expand($0) }.map(absolute)
        let summary = try SweepMerge.merge(
            inputs: inputs, output: absolute(out), sweep: sweep,
            acceptMixedBuilds: try arguments.flag("accept-mixed-builds"))
        output.out(summary.description + "\n")
    }

    // MARK: Plot

    private static func plot(_ arguments: ParsedArguments, output: CommandOutput) throws {
        try check(arguments, action: "plot", positionals: ["FILE"])
        guard let file = try arguments.positional("FILE") else {
            throw ArgumentError.missingPositional("FILE (the results file)")
        }
        let path = absolute(file)
        // The output directory first (created if missing).
        let directory = try OutputTarget.directory(
            arguments.optionalString("out").map(absolute)
                ?? URL(fileURLWithPath: path).deletingLastPathComponent().path,
            operand: "--out", create: true)
        // Plots also read files older than record checksums; edited records are refused.
        let (records, truncated) = try SweepResults.read(
            path: path, mustExist: true, requireChecksums: false)
        guard !records.isEmpty else { throw SweepError.noResults(path: path) }
        if truncated {
            output.err("sweep plot: \(path) ends in an incomplete record, which is left out\n")
        }
        try OutputTarget.createDirectories(directory)
        var stem = URL(fileURLWithPath: path).lastPathComponent
        if stem.hasSuffix(".jsonl") { stem = String(stem.dropLast(6)) }
        let table = try SweepPlot.table(records)
        try table.writeMarkdown(to: "\(directory)/\(stem).md", precision: 2)
        try table.writeCSV(to: "\(directory)/\(stem).csv")
        guard let x = try arguments.optionalString("x") else {
            for name in ["lines", "mean-over", "title", "log-x"]
            where try arguments.optionalString(name) != nil || arguments.flags.contains(name) {
                throw ArgumentError.missingRequired(option: "x", valueName: "AXIS")
            }
            output.out(
                table.markdown(precision: 2)
                    + "\nwrote \(directory)/\(stem).md and .csv (every point)\n")
            return
        }
        func list(_ name: String) throws -> [String] {
            try arguments.optionalString(name).map {
                $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            } ?? []
        }
        let lines = try list("lines")
        let meanOver = try list("mean-over")
        let figure = try SweepPlot.figure(
            records, x: x, lines: lines, meanOver: meanOver, logX: try arguments.flag("log-x"),
            title: try arguments.optionalString("title"))
        let series = try SweepPlot.series(records, x: x, lines: lines, meanOver: meanOver)
        let plotName =
            "\(directory)/\(stem)-\(SweepPlot.fileName(series.x))"
            + (series.lines.isEmpty
                ? "" : "-by-" + series.lines.map(SweepPlot.fileName).joined(separator: "-"))
        try figure.write(to: plotName + ".svg")
        let summary = try SweepPlot.seriesTable(series)
        try summary.writeMarkdown(to: plotName + ".md", precision: 2)
        output.out(
            summary.markdown(precision: 2) + "\nwrote \(plotName).svg and .md (the plotted "
                + "numbers), \(directory)/\(stem).md and .csv (every point)\n")
    }

    // MARK: Example model

    private static func exampleModel(_ arguments: ParsedArguments, output: CommandOutput) throws {
        try check(arguments, action: "example-model", positionals: ["FILE"])
        guard let file = try arguments.positional("FILE") else {
            throw ArgumentError.missingPositional("FILE (the model file to write)")
        }
        let epochs = try arguments.optionalInt("epochs", in: 1...10_000) ?? 40
        // The output first: the model is not trained for a file that cannot be written.
        _ = try OutputTarget.file(absolute(file), operand: "FILE", allowsStandardOutput: false)
        let trained = try ExampleModels.yinYang(epochs: epochs) { summary in
            output.err("example-model: \(summary)\n")
        }
        try ModelFile.save(trained.model, to: URL(fileURLWithPath: absolute(file)))
        let accuracies = String(
            format: "training accuracy %.1f %%, test accuracy %.1f %%",
            100 * trained.trainAccuracy, 100 * trained.testAccuracy)
        output.out(
            "Yin-Yang model: \(accuracies) (software back end); saved to \(absolute(file))\n")
    }
}
