import Foundation
import HXIO

/// The benchmark's command line, shared by `hxsim-bench` and `hxsim bench`:
/// `[--quick] [--json] [--out DIR] [--case JSON]`.
public enum BenchmarkCommandLine {
    /// The usage text.
    public static let usage = """
        USAGE: hxsim-bench [--quick] [--json] [--out <DIR>]
          --quick      the short suite (under a minute)
          --json       print the summary as one JSON object on stdout
          --out DIR    write tables (CSV, Markdown), plots (SVG) and JSON to DIR
                       (default for the full suite: \(BenchmarkOptions.defaultOutputDirectory))
          --case JSON  run one case and print its result (used by the suite itself)

        """

    /// The path of the running executable (for starting cases in child processes).
    public static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
    }

    /// Parses `arguments` (without the program name).
    /// - Throws: ``BenchmarkError/invalidArgument(_:)`` for anything else.
    public static func parse(
        _ arguments: [String]
    ) throws -> (
        options: BenchmarkOptions, caseSpec: String?, help: Bool
    ) {
        var options = BenchmarkOptions()
        var caseSpec: String?
        var index = 0
        func value(_ name: String) throws -> String {
            index += 1
            guard index < arguments.count else {
                throw BenchmarkError.invalidArgument("\(name) needs a value")
            }
            return arguments[index]
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--quick": options.quick = true
            case "--json": options.json = true
            case "--out": options.outputDirectory = try value("--out")
            case "--case": caseSpec = try value("--case")
            case "--help", "-h": return (options, nil, true)
            default: throw BenchmarkError.invalidArgument(arguments[index])
            }
            index += 1
        }
        return (options, caseSpec, false)
    }

    /// Runs the suite (or one case, for `--case`) and writes what it was asked for: the
    /// summary JSON or the Markdown report on `out`, progress on `err`, files under the output
    /// directory. `command` starts a case in a child process (executable, then the arguments
    /// before `--case`).
    public static func execute(
        options: BenchmarkOptions, caseSpec: String?, command: [String],
        out: @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void
    ) throws {
        if let caseSpec {
            out(try BenchmarkSuite.runCase(json: caseSpec) + "\n")
            return
        }
        var options = options
        if options.outputDirectory == nil, !options.quick {
            options.outputDirectory = BenchmarkOptions.defaultOutputDirectory
        }
        // The output directory is checked before the suite runs (created if missing).
        if let directory = options.outputDirectory {
            try OutputTarget.directory(directory, operand: "--out", create: true)
        }
        let results = try BenchmarkSuite.run(options: options, command: command, log: err)
        if let directory = options.outputDirectory {
            let written = try results.write(to: directory)
            err("hxsim bench: wrote \(written.count) files to \(directory)\n")
        }
        if options.json {
            out(
                String(decoding: try JSON.encode(results.summary, pretty: false), as: UTF8.self)
                    + "\n")
        } else {
            out(try results.markdown())
        }
    }

    /// `hxsim-bench`'s main: parses, runs, and returns the exit status (0 success, 2 usage
    /// error, 1 failure), errors on one line of standard error.
    public static func main(arguments: [String]) -> Int32 {
        let out: @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }
        let err: @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
        do {
            let (options, caseSpec, help) = try parse(arguments)
            if help {
                out(usage)
                return 0
            }
            try execute(
                options: options, caseSpec: caseSpec, command: [currentExecutable], out: out,
                err: err)
            return 0
        } catch let error as BenchmarkError {
            err("hxsim-bench: \(error)\n")
            if case .invalidArgument = error { return 2 }
            return 1
        } catch {
            err("hxsim-bench: \(error)\n")
            return 1
        }
    }
}
