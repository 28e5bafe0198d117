import Foundation
import HXApplications
import HXArguments
import HXIO

/// The benchmark suite's command, `hxsim bench` and `hxsim-bench` alike: the suite (or one case,
/// for `--case`), tables and plots under `--out`, the summary as JSON or Markdown on stdout.
public struct BenchmarkCommand: ParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "bench",
            summary:
                "measure VMM throughput (fast, GSL, mock, raw sgemm), the fast path's error, "
                + "scaling and memory")
    }

    @Option(
        valueName: "DIR",
        help:
            "write tables (CSV, Markdown), plots (SVG) and JSON here (full suite default: "
            + "\(BenchmarkOptions.defaultOutputDirectory))")
    var out: String?
    @Option(
        name: "case", valueName: "JSON",
        help: "run one benchmark case and print its result (the suite starts itself so)")
    var caseSpec: String?
    @Option(valueName: "DIR", help: "end-to-end networks' " + DataLocation.helpText)
    var data: String?
    @Flag(help: "the short suite (under a minute)") var quick = false
    @Flag(help: "print the summary as one JSON object on stdout") var json = false

    public init() {}

    /// The suite's options from the command line.
    public var options: BenchmarkOptions {
        BenchmarkOptions(quick: quick, json: json, outputDirectory: out, dataDirectory: data)
    }

    /// The path of the running executable (for starting cases in child processes).
    public static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
    }

    /// Runs the suite, or one case; each case runs in a child process started as this command
    /// was (`hxsim-bench --case …` or `hxsim bench --case …`).
    public func run(_ context: CommandContext) throws {
        if let caseSpec {
            context.out(try BenchmarkSuite.runCase(json: caseSpec) + "\n")
            return
        }
        var options = self.options
        // A data folder that is not there would leave MNIST "not measured" at the end of a
        // long run; the short suite reads none, which is said rather than passed over.
        if let data = options.dataDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory) else {
                throw BenchmarkError.invalidArgument("--data \(data): no such directory")
            }
            guard isDirectory.boolValue else {
                throw BenchmarkError.invalidArgument("--data \(data): not a directory")
            }
            if options.quick {
                context.err(
                    "hxsim bench: --data is not read by --quick: its end-to-end networks ("
                        + EndToEndNetwork.all.filter(\.quick).map(\.name).joined(separator: ", ")
                        + ") need no data set\n")
            }
        }
        if options.outputDirectory == nil, !options.quick {
            options.outputDirectory = BenchmarkOptions.defaultOutputDirectory
        }
        // The output directory is checked before the suite runs (created if missing).
        if let directory = options.outputDirectory {
            try OutputTarget.directory(directory, operand: "--out", create: true)
        }
        let command = [Self.currentExecutable] + context.path.dropFirst()
        let results = try BenchmarkSuite.run(
            options: options, command: command, log: { [context] in context.progress($0) })
        if let directory = options.outputDirectory {
            let written = try results.write(to: directory)
            context.err("hxsim bench: wrote \(written.count) files to \(directory)\n")
        }
        if options.json {
            context.out(
                String(decoding: try JSON.encode(results.summary, pretty: false), as: UTF8.self)
                    + "\n")
        } else {
            context.out(try results.markdown())
        }
    }
}
