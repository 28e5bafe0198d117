import Foundation
import HXIO

/// An option that takes a value: `--name VALUE` or `--name=VALUE`.
public struct OptionSpec: Sendable, Equatable {
    /// The name without dashes, for example `seed`.
    public var name: String
    /// The placeholder shown in usage, for example `N` or `FILE`.
    public var valueName: String
    /// One line of help.
    public var help: String
    /// The value used when the option is absent.
    public var defaultValue: String?
    /// Whether parsing fails when the option is absent (and has no default).
    public var isRequired: Bool
    /// The allowed values, checked while parsing; nil allows any.
    public var choices: [String]?

    /// An option declaration.
    public init(
        _ name: String, valueName: String = "VALUE", help: String,
        default defaultValue: String? = nil,
        required: Bool = false, choices: [String]? = nil
    ) {
        self.name = name
        self.valueName = valueName
        self.help = help
        self.defaultValue = defaultValue
        self.isRequired = required
        self.choices = choices
    }
}

/// A flag: `--name`, true when present.
public struct FlagSpec: Sendable, Equatable {
    /// The name without dashes, for example `json`.
    public var name: String
    /// One line of help.
    public var help: String

    /// A flag declaration.
    public init(_ name: String, help: String) {
        self.name = name
        self.help = help
    }
}

/// A positional argument, taken in declaration order.
public struct PositionalSpec: Sendable, Equatable {
    /// The name shown in usage.
    public var name: String
    /// One line of help.
    public var help: String
    /// Whether parsing fails when it is absent.
    public var isRequired: Bool
    /// Whether it takes every remaining argument (only the last positional may), as
    /// `merge OUT SHARD...` takes a shell-expanded list of files.
    public var isRepeating: Bool

    /// A positional argument declaration.
    public init(_ name: String, help: String, required: Bool = true, repeating: Bool = false) {
        self.name = name
        self.help = help
        self.isRequired = required
        self.isRepeating = repeating
    }
}

/// What a command line asks for: help text to print, or a command to run.
public enum Invocation: Sendable, Equatable {
    /// `--help` was given: print this text to stdout and exit 0.
    case help(String)
    /// Run `command` with the parsed arguments.
    case run(command: String, arguments: ParsedArguments)
}

/// A subcommand's declaration: the data from which parsing and help are derived.
public struct CommandSpec: Sendable, Equatable {
    /// The subcommand, for example `vmm`.
    public var name: String
    /// One line saying what it does.
    public var summary: String
    /// Its options.
    public var options: [OptionSpec]
    /// Its flags.
    public var flags: [FlagSpec]
    /// Its positional arguments.
    public var positionals: [PositionalSpec]

    /// A subcommand declaration.
    public init(
        name: String, summary: String, options: [OptionSpec] = [], flags: [FlagSpec] = [],
        positionals: [PositionalSpec] = []
    ) {
        self.name = name
        self.summary = summary
        self.options = options
        self.flags = flags
        self.positionals = positionals
    }

    /// Parses the arguments that follow the subcommand's name. `programName` is only used in
    /// help and messages.
    /// - Throws: ``ArgumentError`` for unknown or repeated options, missing or bad values,
    ///   missing required options, and surplus or missing positional arguments.
    public func parse(_ arguments: [String], programName: String = "hxsim") throws -> Invocation {
        let fullName = "\(programName) \(name)"
        let beforeTerminator = arguments.prefix { $0 != "--" }
        if beforeTerminator.contains(where: { $0 == "--help" || $0 == "-h" }) {
            return .help(usage(programName: programName))
        }
        var values: [String: String] = [:]
        var flagsSet: Set<String> = []
        var positionalValues: [String: String] = [:]
        var repeatedValues: [String] = []
        var positionalCount = 0
        var index = 0
        var terminated = false
        func addPositional(_ value: String) throws {
            if positionalCount == positionals.count, positionals.last?.isRepeating == true {
                repeatedValues.append(value)
                return
            }
            guard positionalCount < positionals.count else {
                throw ArgumentError.unexpectedArgument(value, command: fullName)
            }
            positionalValues[positionals[positionalCount].name] = value
            if positionals[positionalCount].isRepeating { repeatedValues.append(value) }
            positionalCount += 1
        }
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if terminated || !argument.hasPrefix("-") || argument == "-" || isNumber(argument) {
                try addPositional(argument)
                continue
            }
            if argument == "--" {
                terminated = true
                continue
            }
            let body = argument.drop { $0 == "-" }
            let parts = body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            let inline = parts.count > 1 ? String(parts[1]) : nil
            if let option = options.first(where: { $0.name == name }), argument.hasPrefix("--") {
                guard values[name] == nil else { throw ArgumentError.repeatedOption(name) }
                let value: String
                if let inline {
                    value = inline
                } else if index < arguments.count, !isOptionLike(arguments[index]) {
                    value = arguments[index]
                    index += 1
                } else {
                    throw ArgumentError.missingValue(option: name, valueName: option.valueName)
                }
                if let choices = option.choices, !choices.contains(value) {
                    throw ArgumentError.invalidChoice(option: name, got: value, choices: choices)
                }
                values[name] = value
            } else if flags.contains(where: { $0.name == name }), argument.hasPrefix("--") {
                guard inline == nil else { throw ArgumentError.flagWithValue(name) }
                guard flagsSet.insert(name).inserted else {
                    throw ArgumentError.repeatedOption(name)
                }
            } else {
                let known =
                    options.map { "--" + $0.name } + flags.map { "--" + $0.name } + ["--help"]
                let typed = "--" + name
                throw ArgumentError.unknownOption(
                    inline == nil ? argument : "--" + name, command: fullName,
                    suggestion: closest(to: typed, among: known))
            }
        }
        for option in options where values[option.name] == nil {
            if let defaultValue = option.defaultValue {
                values[option.name] = defaultValue
            } else if option.isRequired {
                throw ArgumentError.missingRequired(
                    option: option.name, valueName: option.valueName)
            }
        }
        for positional in positionals where positional.isRequired {
            guard positionalValues[positional.name] != nil else {
                throw ArgumentError.missingPositional(positional.name)
            }
        }
        return .run(
            command: name,
            arguments: ParsedArguments(
                command: name, options: values, flags: flagsSet, positionals: positionalValues,
                repeated: repeatedValues,
                declared: Set(options.map(\.name) + flags.map(\.name) + positionals.map(\.name)),
                valueNames: Dictionary(
                    options.map { ($0.name, $0.valueName) }, uniquingKeysWith: { a, _ in a })))
    }

    /// The help text: summary, usage line, arguments, options with defaults and choices.
    public func usage(programName: String = "hxsim") -> String {
        var line = "USAGE: \(programName) \(name)"
        for option in options {
            let part = "--\(option.name) <\(option.valueName)>"
            line += option.isRequired && option.defaultValue == nil ? " \(part)" : " [\(part)]"
        }
        for flag in flags { line += " [--\(flag.name)]" }
        for positional in positionals {
            let shown = "<\(positional.name)>" + (positional.isRepeating ? "..." : "")
            line += positional.isRequired ? " \(shown)" : " [\(shown)]"
        }
        var text = "\(programName) \(name): \(summary)\n\n\(line)\n"
        if !positionals.isEmpty {
            text += "\nARGUMENTS:\n"
            text += table(positionals.map { ("<\($0.name)>", $0.help) })
        }
        var rows = options.map { option -> (String, String) in
            var help = option.help
            var notes: [String] = []
            if let choices = option.choices {
                notes.append("one of: " + choices.joined(separator: ", "))
            }
            if let value = option.defaultValue { notes.append("default: \(value)") }
            if option.isRequired && option.defaultValue == nil { notes.append("required") }
            if !notes.isEmpty { help += " (" + notes.joined(separator: "; ") + ")" }
            return ("--\(option.name) <\(option.valueName)>", help)
        }
        rows += flags.map { ("--\($0.name)", $0.help) }
        rows.append(("-h, --help", "Show this help."))
        text += "\nOPTIONS:\n" + table(rows)
        return text
    }
}

/// A top-level program with subcommands.
public struct CommandLineInterface: Sendable, Equatable {
    /// The program's name, for example `hxsim`.
    public var programName: String
    /// One line saying what the program does.
    public var summary: String
    /// The subcommands.
    public var commands: [CommandSpec]

    /// A program declaration.
    public init(programName: String, summary: String, commands: [CommandSpec]) {
        self.programName = programName
        self.summary = summary
        self.commands = commands
    }

    /// Parses a whole command line (without the program name): a subcommand, then its
    /// arguments. `--help`, `-h` or `help` alone give the program's help; `help CMD` or
    /// `CMD --help` the subcommand's.
    public func parse(_ arguments: [String]) throws -> Invocation {
        guard let first = arguments.first else {
            throw ArgumentError.missingSubcommand(
                program: programName, available: commands.map(\.name))
        }
        if ["--help", "-h", "help"].contains(first) {
            if first == "help", arguments.count > 1 {
                return try command(named: arguments[1]).parse(["--help"], programName: programName)
            }
            return .help(usage())
        }
        return try command(named: first).parse(
            Array(arguments.dropFirst()), programName: programName)
    }

    /// The program's help: summary and the list of subcommands.
    public func usage() -> String {
        "\(programName): \(summary)\n\nUSAGE: \(programName) <subcommand> [options]\n\n"
            + "SUBCOMMANDS:\n" + table(commands.map { ($0.name, $0.summary) })
            + "\nSee '\(programName) <subcommand> --help' for a subcommand's options.\n"
    }

    private func command(named name: String) throws -> CommandSpec {
        guard let command = commands.first(where: { $0.name == name }) else {
            throw ArgumentError.unknownSubcommand(
                name, program: programName,
                suggestion: closest(to: name, among: commands.map(\.name)))
        }
        return command
    }
}

/// Two aligned columns, indented by two spaces; long left entries put their help below.
private func table(_ rows: [(String, String)]) -> String {
    let width = min(28, rows.map(\.0.count).max() ?? 0)
    return rows.map { left, right in
        if left.count > width {
            return "  \(left)\n  " + String(repeating: " ", count: width + 2) + right + "\n"
        }
        return "  " + left + String(repeating: " ", count: width - left.count + 2) + right + "\n"
    }.joined()
}

/// Whether `text` is a number such as `-3` or `-0.5e-3` (a value, not an option).
private func isNumber(_ text: String) -> Bool { Double(text) != nil }

/// Whether `text` looks like an option, so cannot be the value of the one before it.
private func isOptionLike(_ text: String) -> Bool {
    text.hasPrefix("-") && text != "-" && !isNumber(text)
}

/// The candidate closest to `typed` by edit distance, if within a third of its length (at
/// least two edits), as swift-argument-parser suggests.
func closest(to typed: String, among candidates: [String]) -> String? {
    Spelling.closest(to: typed, among: candidates, allowance: 2)
}
