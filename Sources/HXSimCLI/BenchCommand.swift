import Foundation
import HXBenchmarks

/// `hxsim bench`: the benchmark suite (benchmarks/README.md), the same as `hxsim-bench`.
enum BenchCommand: Subcommand {
    static let spec = CommandSpec(
        name: "bench",
        summary:
            "measure VMM throughput (fast, GSL, mock, raw sgemm), the fast path's error, scaling "
            + "and memory",
        options: [
            OptionSpec(
                "out", valueName: "DIR",
                help:
                    "write tables (CSV, Markdown), plots (SVG) and JSON here (full suite default: "
                    + "\(BenchmarkOptions.defaultOutputDirectory))"),
            OptionSpec(
                "case", valueName: "JSON",
                help: "run one benchmark case and print its result (the suite starts itself so)"),
        ],
        flags: [
            FlagSpec("quick", help: "the short suite (under a minute)"),
            FlagSpec("json", help: "print the summary as one JSON object on stdout"),
        ])

    static func run(_ arguments: ParsedArguments, output: CommandOutput) throws {
        let options = BenchmarkOptions(
            quick: try arguments.flag("quick"), json: try arguments.flag("json"),
            outputDirectory: try arguments.optionalString("out"))
        try BenchmarkCommandLine.execute(
            options: options, caseSpec: try arguments.optionalString("case"),
            command: [BenchmarkCommandLine.currentExecutable, "bench"], out: output.out,
            err: output.err)
    }
}
