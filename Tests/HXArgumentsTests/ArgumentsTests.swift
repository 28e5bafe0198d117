import Foundation
import HXIO
import Testing

@testable import HXArguments

/// A program declared as the commands of `hxsim` are: a root with two subcommands.
struct TestProgram: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "hxsim", summary: "BrainScaleS-2 simulator.",
            subcommands: [ChipTest.self, VMMTest.self])
    }
}

struct ChipTest: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(name: "chip", summary: "Describe the chip.")
    }
    func run(_ context: CommandContext) throws {}
}

struct VMMTest: ParsableCommand {
    enum Backend: String, CaseIterable, ArgumentValue { case fast, physical }

    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "vmm", summary: "Multiply inputs by weights on the simulated chip.")
    }

    @Option(valueName: "FILE", help: "Input activations.") var inputs: String
    @Option(valueName: "FILE", help: "Signed weights.") var weights: String
    @Option(help: "Root seed.") var seed = 1
    @Option(help: "Gain factor.") var gain: Double?
    @Option(help: "Simulation back end.") var backend = Backend.fast
    @Flag(help: "Print JSON.") var json = false
    @Argument(help: "Where to write.") var output: String?

    func run(_ context: CommandContext) throws {}
}

@Suite("Command-line arguments")
struct ArgumentsTests {
    func run(_ line: String) throws -> VMMTest {
        let words = line.split(separator: " ").map(String.init)
        guard case .run(let command as VMMTest, _, _) = try TestProgram.parse(words) else {
            Issue.record("expected the vmm command to run for '\(line)'")
            throw ArgumentError.missingSubcommand(program: "test", available: [])
        }
        return command
    }

    func error(_ line: String) -> String? {
        do {
            _ = try TestProgram.parse(line.split(separator: " ").map(String.init))
            return nil
        } catch {
            return (error as? ArgumentError)?.description
        }
    }

    @Test("options in both spellings, flags, positionals and defaults are read back typed")
    func parsing() throws {
        let arguments = try run("vmm --inputs in.csv --weights=w.npy --gain -0.5 --json out.svg")
        #expect(arguments.inputs == "in.csv")
        #expect(arguments.weights == "w.npy")
        #expect(arguments.seed == 1)
        #expect(arguments.gain == -0.5)
        #expect(arguments.backend == .fast)
        #expect(arguments.json)
        #expect(arguments.output == "out.svg")
        let other = try run("vmm --inputs a --weights b --seed 7 --backend physical")
        #expect(other.seed == 7 && other.backend == .physical)
        #expect(other.json == false && other.output == nil)
        #expect(other.gain == nil)
    }

    @Test(
        "errors are single lines that name the option and what to type",
        arguments: [
            (
                "vmm --inputs a --weights b --sed 3",
                "unknown option '--sed' for 'hxsim vmm'; did you mean '--seed'?"
            ),
            (
                "vmm --inputs a --weights b --wieghts c",
                "unknown option '--wieghts' for 'hxsim vmm'; did you mean '--weights'?"
            ),
            (
                "vmm --inputs a --weights b --zzzzzzzz",
                "unknown option '--zzzzzzzz' for 'hxsim vmm'"
            ),
            ("vmm --inputs a --weights", "--weights needs a value: --weights <FILE>"),
            ("vmm --inputs --weights b", "--inputs needs a value: --inputs <FILE>"),
            ("vmm --inputs a --weights b --inputs c", "--inputs was given more than once"),
            ("vmm --inputs a", "missing required option --weights <FILE>"),
            (
                "vmm --inputs a --weights b --backend gpu",
                "--backend must be one of fast, physical, got 'gpu'"
            ),
            ("vmm --inputs a --weights b --json=yes", "--json is a flag and takes no value"),
            ("vmm --inputs a --weights b --json --json", "--json was given more than once"),
            ("vmm --inputs a --weights b x y", "unexpected argument 'y' for 'hxsim vmm'"),
            ("vnm", "unknown subcommand 'vnm'; did you mean 'vmm'? (see 'hxsim --help')"),
        ])
    func errors(line: String, message: String) {
        #expect(error(line) == message)
    }

    @Test("values are checked as they are parsed, and the error names the option")
    func typedErrors() throws {
        #expect(throws: ArgumentError.invalidInteger(option: "seed", got: "abc")) {
            try TestProgram.parse(["vmm", "--inputs", "a", "--weights", "b", "--seed", "abc"])
        }
        #expect(
            ArgumentError.invalidInteger(option: "seed", got: "abc").description
                == "--seed expects an integer, got 'abc'")
        #expect(throws: ArgumentError.invalidNumber(option: "gain", got: "nan")) {
            try TestProgram.parse(["vmm", "--inputs", "a", "--weights", "b", "--gain", "nan"])
        }
        #expect(throws: ArgumentError.outOfRange(option: "seed", got: "11", allowed: "0…10")) {
            try Ranged.parsed(["--seed", "11"])
        }
        #expect(try Ranged.parsed(["--seed", "10"]).seed == 10)
        #expect(try Ranged.parsed(["--threads", "4"]).threads == 4)
        #expect(throws: ArgumentError.outOfRange(option: "threads", got: "0", allowed: "1…64")) {
            try Ranged.parsed(["--threads", "0"])
        }
        #expect(throws: ArgumentError.missingRequired(option: "weights", valueName: "FILE")) {
            try TestProgram.parse(["vmm", "--inputs", "a"])
        }
        #expect(throws: ArgumentError.fileNotFound(option: "inputs", path: "a")) {
            try absolutePath("a", option: "inputs", mustExist: true)
        }
        #expect(
            try absolutePath("in.csv", option: "inputs")
                == FileManager.default.currentDirectoryPath + "/in.csv")
    }

    /// Options with ranges.
    struct Ranged: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(name: "ranged", summary: "Ranges.")
        }
        @Option(help: "A seed.", in: 0...10) var seed = 1
        @Option(help: "Threads.", in: 1...64) var threads: Int?
        func run(_ context: CommandContext) throws {}
    }

    @Test("a value after -- or a negative number is positional or a value, not an option")
    func terminator() throws {
        let arguments = try run("vmm --inputs a --weights b --seed -3 -- --json")
        #expect(arguments.seed == -3)
        #expect(arguments.output == "--json")
        #expect(arguments.json == false)
    }

    @Test("--help on any subcommand lists every option with its default, choices and range")
    func help() throws {
        let invocation = try TestProgram.parse(["vmm", "--inputs", "a", "--help"])
        guard let text = invocation.helpText else {
            Issue.record("expected help, got \(invocation)")
            return
        }
        #expect(text.hasPrefix("hxsim vmm: Multiply inputs by weights on the simulated chip.\n"))
        #expect(
            text.contains(
                "USAGE: hxsim vmm --inputs <FILE> --weights <FILE> [--seed <N>] [--gain <X>] "
                    + "[--backend <NAME>] [--json] [<output>]"))
        #expect(text.contains("  --seed <N>        Root seed. (default: 1)\n"))
        #expect(
            text.contains(
                "  --backend <NAME>  Simulation back end. (one of: fast, physical; default: fast)\n"
            ))
        #expect(text.contains("  --inputs <FILE>   Input activations. (required)\n"))
        #expect(text.contains("  --json  ") && text.contains("-h, --help"))
        #expect(try TestProgram.parse(["help", "vmm"]).helpText == text)
        guard let top = try TestProgram.parse(["-h"]).helpText else {
            Issue.record("expected the program's help")
            return
        }
        #expect(top.contains("  chip  Describe the chip.\n  vmm   Multiply inputs"))
        #expect(
            throws: ArgumentError.missingSubcommand(program: "hxsim", available: ["chip", "vmm"])
        ) {
            let invocation = try TestProgram.parse([])
            guard case .run(let command, _, let path) = invocation else { return }
            try command.run(CommandContext(output: .standard, path: path))
        }
        let ranged = try Ranged.parse(["--help"], programName: "ranged").helpText ?? ""
        #expect(ranged.contains("--seed <N>     A seed. (0…10; default: 1)\n"), "\(ranged)")
        #expect(ranged.contains("--threads <N>  Threads. (1…64)\n"), "\(ranged)")
    }

    @Test("edit distance is the Levenshtein distance")
    func distance() {
        #expect(Spelling.editDistance("kitten", "sitting") == 3)
        #expect(Spelling.editDistance("", "abc") == 3 && Spelling.editDistance("abc", "") == 3)
        #expect(Spelling.editDistance("--seed", "--seed") == 0)
        #expect(closest(to: "--sed", among: ["--seed", "--json"]) == "--seed")
    }

    @Test("option names are the properties' names in kebab case")
    func names() {
        #expect(kebabCase("_numSends") == "num-sends")
        #expect(kebabCase("_x") == "x" && kebabCase("_logX") == "log-x")
        #expect(kebabCase("_fineTuneOnMock") == "fine-tune-on-mock")
    }
}

@Suite("Repeating positional arguments")
struct RepeatingPositionalTests {
    struct Merge: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(name: "merge", summary: "join files")
        }
        @Argument(name: "OUT", help: "the output") var out: String
        @Argument(name: "INPUTS", help: "the inputs") var inputs: [String]
        func run(_ context: CommandContext) throws {}
    }

    struct Single: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(name: "x", summary: "")
        }
        @Argument(name: "A", help: "") var a: String
        func run(_ context: CommandContext) throws {}
    }

    @Test("the last positional takes every remaining argument, in order")
    func collects() throws {
        let parsed = try Merge.parsed(["out.jsonl", "a", "b", "c"])
        #expect(parsed.out == "out.jsonl")
        #expect(parsed.inputs == ["a", "b", "c"])
        let none = try Merge.parsed(["out.jsonl"])
        #expect(none.inputs.isEmpty)
        #expect((try Merge.parse(["--help"]).helpText ?? "").contains("[<INPUTS>...]"))
    }

    @Test("without a repeating positional, a surplus argument is still an error")
    func surplus() {
        #expect(throws: ArgumentError.self) { try Single.parse(["1", "2"]) }
    }
}

@Suite("Nested subcommands")
struct NestedCommandTests {
    /// `tool files run|plot`, `run` also the default for `tool files SPEC`.
    struct Tool: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(name: "tool", summary: "A tool.", subcommands: [Files.self])
        }
        @Flag(help: "Say less.") var quiet = false
        @Flag(help: "Print the version.") var version = false

        func prepare(_ context: inout CommandContext) throws -> String? {
            if version { return "tool 1.0\n" }
            if quiet { context.output.err = { _ in } }
            return nil
        }
    }

    struct Files: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(
                name: "files", summary: "Work on files.", subcommands: [Run.self, Plot.self],
                defaultSubcommand: Run.self)
        }
    }

    struct Run: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(name: "run", summary: "Run a spec.")
        }
        @Argument(help: "The spec.") var spec: String
        @Flag(help: "Continue.") var resume = false
        func run(_ context: CommandContext) throws {
            context.err("progress\n")
            context.out("run \(spec)\(resume ? " resumed" : "")\n")
        }
    }

    struct Plot: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(name: "plot", summary: "Plot results.")
        }
        @Argument(help: "The results.") var results: String
        @Option(help: "The horizontal axis.") var x: String?
        func run(_ context: CommandContext) throws { context.out("plot \(results) \(x ?? "-")\n") }
    }

    func main(_ line: String) -> (status: Int32, out: String, err: String) {
        let collected = Collected()
        let status = Tool.main(
            arguments: line.split(separator: " ").map(String.init),
            output: CommandOutput(out: { collected.add(out: $0) }, err: { collected.add(err: $0) }))
        return (status, collected.out, collected.err)
    }

    @Test("subcommands nest; each has its own help; the default takes a spec that is no action")
    func nesting() {
        #expect(main("files run a.json").out == "run a.json\n")
        #expect(main("files plot r.jsonl --x noise").out == "plot r.jsonl noise\n")
        #expect(main("files a.json --resume").out == "run a.json resumed\n")
        #expect(main("files --resume a.json").out == "run a.json resumed\n")
        let help = main("files plot --help")
        #expect(help.status == 0 && help.out.hasPrefix("tool files plot: Plot results.\n"))
        #expect(help.out.contains("--x <VALUE>") && !help.out.contains("--resume"))
        let group = main("files --help").out
        #expect(group.contains("  run   Run a spec.\n  plot  Plot results.\n"), "\(group)")
        // A mistyped action is an unknown subcommand with a suggestion, not a spec.
        let typo = main("files pl0t x")
        #expect(typo.status == 2)
        #expect(
            typo.err
                == "tool: unknown subcommand 'pl0t'; did you mean 'plot'? (see 'tool files --help')\n"
        )
        #expect(main("files plot r.jsonl --resume").status == 2)
    }

    @Test("a parent's options come before the subcommand and can change what it writes")
    func parentOptions() {
        #expect(main("files run a.json").err == "progress\n")
        let quiet = main("--quiet files run a.json")
        #expect(quiet.status == 0 && quiet.err.isEmpty && quiet.out == "run a.json\n")
        #expect(main("--version").out == "tool 1.0\n" && main("--version").status == 0)
        #expect(main("--version files run a.json").out == "tool 1.0\n")
        let missing = main("")
        #expect(
            missing.status == 2 && missing.err.contains("missing subcommand; use one of: files"))
    }

    /// Text written from the commands' closures.
    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var outText = ""
        private var errText = ""
        func add(out text: String) { lock.withLock { outText += text } }
        func add(err text: String) { lock.withLock { errText += text } }
        var out: String { lock.withLock { outText } }
        var err: String { lock.withLock { errText } }
    }
}
