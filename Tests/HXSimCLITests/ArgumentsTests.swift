import Foundation
import HXIO
import HXTestSupport
import Testing

@testable import HXSimCLI

@Suite("Command-line arguments")
struct ArgumentsTests {
    enum Backend: String, CaseIterable { case fast, physical }

    static let vmm = CommandSpec(
        name: "vmm", summary: "Multiply inputs by weights on the simulated chip.",
        options: [
            OptionSpec("inputs", valueName: "FILE", help: "Input activations.", required: true),
            OptionSpec("weights", valueName: "FILE", help: "Signed weights.", required: true),
            OptionSpec("seed", valueName: "N", help: "Root seed.", default: "1"),
            OptionSpec("gain", valueName: "X", help: "Gain factor."),
            OptionSpec(
                "backend", valueName: "NAME", help: "Simulation back end.", default: "fast",
                choices: ["fast", "physical"]),
        ],
        flags: [FlagSpec("json", help: "Print JSON.")],
        positionals: [PositionalSpec("output", help: "Where to write.", required: false)])
    static let cli = CommandLineInterface(
        programName: "hxsim", summary: "BrainScaleS-2 simulator.",
        commands: [CommandSpec(name: "chip", summary: "Describe the chip."), vmm])

    func run(_ line: String) throws -> ParsedArguments {
        let words = line.split(separator: " ").map(String.init)
        guard case .run(_, let arguments) = try Self.cli.parse(words) else {
            Issue.record("expected a command to run for '\(line)'")
            throw ArgumentError.missingSubcommand(program: "test", available: [])
        }
        return arguments
    }

    func error(_ line: String) -> String? {
        do {
            _ = try Self.cli.parse(line.split(separator: " ").map(String.init))
            return nil
        } catch {
            return (error as? ArgumentError)?.description
        }
    }

    @Test("options in both spellings, flags, positionals and defaults are read back typed")
    func parsing() throws {
        let arguments = try run("vmm --inputs in.csv --weights=w.npy --gain -0.5 --json out.svg")
        #expect(try arguments.string("inputs") == "in.csv")
        #expect(try arguments.string("weights") == "w.npy")
        #expect(try arguments.int("seed") == 1)
        #expect(try arguments.uint64("seed") == 1)
        #expect(try arguments.double("gain") == -0.5)
        #expect(try arguments.choice("backend", as: Backend.self) == .fast)
        #expect(try arguments.flag("json"))
        #expect(try arguments.positional("output") == "out.svg")
        #expect(
            try arguments.path("inputs") == FileManager.default.currentDirectoryPath + "/in.csv")
        let other = try run("vmm --inputs a --weights b --seed 7 --backend physical")
        #expect(try other.int("seed", in: 0...10) == 7)
        #expect(try other.flag("json") == false && other.positional("output") == nil)
        #expect(try other.optionalString("gain") == nil)
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

    @Test("typed accessors reject bad values with the option's name")
    func typedErrors() throws {
        let arguments = try run("vmm --inputs a --weights b --seed abc --gain nan")
        #expect(throws: ArgumentError.invalidInteger(option: "seed", got: "abc")) {
            try arguments.int("seed")
        }
        #expect(
            ArgumentError.invalidInteger(option: "seed", got: "abc").description
                == "--seed expects an integer, got 'abc'")
        #expect(throws: ArgumentError.invalidNumber(option: "gain", got: "nan")) {
            try arguments.double("gain")
        }
        let ranged = try run("vmm --inputs a --weights b --seed 11")
        #expect(throws: ArgumentError.outOfRange(option: "seed", got: "11", allowed: "0...10")) {
            try ranged.int("seed", in: 0...10)
        }
        #expect(throws: ArgumentError.fileNotFound(option: "inputs", path: "a")) {
            try ranged.path("inputs", mustExist: true)
        }
        #expect(throws: ArgumentError.undeclared("sead")) { try ranged.int("sead") }
        #expect(throws: ArgumentError.missingRequired(option: "gain", valueName: "X")) {
            try ranged.double("gain")
        }
    }

    @Test("a value after -- or a negative number is positional or a value, not an option")
    func terminator() throws {
        let arguments = try run("vmm --inputs a --weights b --seed -3 -- --json")
        #expect(try arguments.int("seed") == -3)
        #expect(try arguments.positional("output") == "--json")
        #expect(try arguments.flag("json") == false)
    }

    @Test("--help on any subcommand lists every option with its default and choices")
    func help() throws {
        let invocation = try Self.cli.parse(["vmm", "--inputs", "a", "--help"])
        guard case .help(let text) = invocation else {
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
        #expect(try Self.cli.parse(["help", "vmm"]) == invocation)
        guard case .help(let top) = try Self.cli.parse(["-h"]) else {
            Issue.record("expected the program's help")
            return
        }
        #expect(top.contains("  chip  Describe the chip.\n  vmm   Multiply inputs"))
        #expect(
            throws: ArgumentError.missingSubcommand(program: "hxsim", available: ["chip", "vmm"])
        ) {
            try Self.cli.parse([])
        }
    }

    @Test("edit distance is the Levenshtein distance")
    func distance() {
        #expect(Spelling.editDistance("kitten", "sitting") == 3)
        #expect(Spelling.editDistance("", "abc") == 3 && Spelling.editDistance("abc", "") == 3)
        #expect(Spelling.editDistance("--seed", "--seed") == 0)
        #expect(closest(to: "--sed", among: ["--seed", "--json"]) == "--seed")
    }
}

@Suite("Repeating positional arguments")
struct RepeatingPositionalTests {
    private let spec = CommandSpec(
        name: "merge", summary: "join files",
        positionals: [
            PositionalSpec("OUT", help: "the output"),
            PositionalSpec("INPUTS", help: "the inputs", required: false, repeating: true),
        ])

    @Test("the last positional takes every remaining argument, in order")
    func collects() throws {
        guard case .run(_, let parsed) = try spec.parse(["out.jsonl", "a", "b", "c"]) else {
            Issue.record("no run")
            return
        }
        #expect(try parsed.positional("OUT") == "out.jsonl")
        #expect(try parsed.positionalList("INPUTS") == ["a", "b", "c"])
        guard case .run(_, let none) = try spec.parse(["out.jsonl"]) else { return }
        #expect(try none.positionalList("INPUTS").isEmpty)
        #expect(spec.usage().contains("[<INPUTS>...]"))
    }

    @Test("without a repeating positional, a surplus argument is still an error")
    func surplus() {
        let fixed = CommandSpec(
            name: "x", summary: "", positionals: [PositionalSpec("A", help: "")])
        #expect(throws: ArgumentError.self) { try fixed.parse(["1", "2"]) }
    }
}
