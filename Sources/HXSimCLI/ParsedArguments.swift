import Foundation

/// The values of one parsed command line, read through typed accessors that throw
/// ``ArgumentError`` with the option's name, so that the message says what to fix.
public struct ParsedArguments: Sendable, Equatable {
    /// The subcommand.
    public let command: String
    /// Option values as given, or their defaults.
    public let options: [String: String]
    /// The flags given.
    public let flags: Set<String>
    /// Positional arguments by name (the first value of a repeating one).
    public let positionals: [String: String]
    /// Every value of the repeating last positional, if the command declares one.
    public let repeated: [String]
    /// Every declared name, so that reading an undeclared one is caught.
    let declared: Set<String>
    /// The placeholders of the options, for messages.
    let valueNames: [String: String]

    /// The option's value (given or default).
    /// - Throws: ``ArgumentError/missingRequired(option:valueName:)`` when it has neither.
    public func string(_ name: String) throws -> String {
        guard let value = try optionalString(name) else {
            throw ArgumentError.missingRequired(
                option: name, valueName: valueNames[name] ?? "VALUE")
        }
        return value
    }

    /// The option's value, or nil when it was not given and has no default.
    public func optionalString(_ name: String) throws -> String? {
        guard declared.contains(name) else { throw ArgumentError.undeclared(name) }
        return options[name]
    }

    /// The option as an integer, optionally checked against `range`.
    /// - Throws: ``ArgumentError/invalidInteger(option:got:)`` ("--seed expects an integer,
    ///   got 'abc'") or ``ArgumentError/outOfRange(option:got:allowed:)``.
    public func int(_ name: String, in range: ClosedRange<Int>? = nil) throws -> Int {
        let text = try string(name)
        guard let value = Int(text) else {
            throw ArgumentError.invalidInteger(option: name, got: text)
        }
        if let range, !range.contains(value) {
            throw ArgumentError.outOfRange(
                option: name, got: text, allowed: "\(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// The option as an integer, or nil when absent without default.
    public func optionalInt(_ name: String, in range: ClosedRange<Int>? = nil) throws -> Int? {
        try optionalString(name) == nil ? nil : try int(name, in: range)
    }

    /// The option as an unsigned 64-bit integer, for seeds.
    public func uint64(_ name: String) throws -> UInt64 {
        let text = try string(name)
        guard let value = UInt64(text) else {
            throw ArgumentError.invalidInteger(option: name, got: text)
        }
        return value
    }

    /// The option as a finite number, optionally checked against `range`.
    /// - Throws: ``ArgumentError/invalidNumber(option:got:)`` or
    ///   ``ArgumentError/outOfRange(option:got:allowed:)``.
    public func double(_ name: String, in range: ClosedRange<Double>? = nil) throws -> Double {
        let text = try string(name)
        guard let value = Double(text), value.isFinite else {
            throw ArgumentError.invalidNumber(option: name, got: text)
        }
        if let range, !range.contains(value) {
            throw ArgumentError.outOfRange(
                option: name, got: text, allowed: "\(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// The option as a file path: a leading `~` expanded, relative paths resolved against the
    /// current directory. With `mustExist`, the file must be there.
    public func path(_ name: String, mustExist: Bool = false) throws -> String {
        let text = try string(name)
        let expanded = (text as NSString).expandingTildeInPath
        let absolute = URL(fileURLWithPath: expanded).standardizedFileURL.path
        if mustExist && !FileManager.default.fileExists(atPath: absolute) {
            throw ArgumentError.fileNotFound(option: name, path: text)
        }
        return absolute
    }

    /// The option as a case of a string enumeration.
    /// - Throws: ``ArgumentError/invalidChoice(option:got:choices:)`` listing the cases.
    public func choice<T: RawRepresentable & CaseIterable>(
        _ name: String, as type: T.Type
    ) throws
        -> T where T.RawValue == String
    {
        let text = try string(name)
        guard let value = T(rawValue: text) else {
            throw ArgumentError.invalidChoice(
                option: name, got: text, choices: T.allCases.map(\.rawValue))
        }
        return value
    }

    /// Whether the flag was given.
    public func flag(_ name: String) throws -> Bool {
        guard declared.contains(name) else { throw ArgumentError.undeclared(name) }
        return flags.contains(name)
    }

    /// The positional argument's value, or nil when an optional one was not given.
    public func positional(_ name: String) throws -> String? {
        guard declared.contains(name) else { throw ArgumentError.undeclared(name) }
        return positionals[name]
    }

    /// Every value of the repeating positional `name` (empty when none was given).
    public func positionalList(_ name: String) throws -> [String] {
        guard declared.contains(name) else { throw ArgumentError.undeclared(name) }
        return positionals[name] == nil ? [] : repeated
    }
}

/// A command line that does not fit the command's declaration. The ``description`` is one line
/// that says what to type instead; the CLI prints it and exits non-zero.
public enum ArgumentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No subcommand was given.
    case missingSubcommand(program: String, available: [String])
    /// A subcommand that does not exist; `suggestion` is the closest one, if any is close.
    case unknownSubcommand(String, program: String, suggestion: String?)
    /// An option or flag the command does not declare.
    case unknownOption(String, command: String, suggestion: String?)
    /// An option at the end of the line, or followed by another option, without its value.
    case missingValue(option: String, valueName: String)
    /// A value that is not an integer.
    case invalidInteger(option: String, got: String)
    /// A value that is not a finite number.
    case invalidNumber(option: String, got: String)
    /// A number outside the allowed range.
    case outOfRange(option: String, got: String, allowed: String)
    /// A value that is none of the allowed choices.
    case invalidChoice(option: String, got: String, choices: [String])
    /// An option or flag given twice.
    case repeatedOption(String)
    /// A required option that was not given.
    case missingRequired(option: String, valueName: String)
    /// A flag written with a value (`--json=yes`).
    case flagWithValue(String)
    /// More positional arguments than the command takes.
    case unexpectedArgument(String, command: String)
    /// A required positional argument that was not given.
    case missingPositional(String)
    /// A path option naming a file that does not exist.
    case fileNotFound(option: String, path: String)
    /// The program asked for an option it did not declare (a bug in the command, not in the
    /// command line).
    case undeclared(String)

    public var description: String {
        switch self {
        case .missingSubcommand(let program, let available):
            return
                "missing subcommand; use one of: \(available.joined(separator: ", ")) "
                + "(see '\(program) --help')"
        case .unknownSubcommand(let name, let program, let suggestion):
            return "unknown subcommand '\(name)'" + hint(suggestion)
                + " (see '\(program) --help')"
        case .unknownOption(let name, let command, let suggestion):
            return "unknown option '\(name)' for '\(command)'" + hint(suggestion)
        case .missingValue(let option, let valueName):
            return "--\(option) needs a value: --\(option) <\(valueName)>"
        case .invalidInteger(let option, let got):
            return "--\(option) expects an integer, got '\(got)'"
        case .invalidNumber(let option, let got):
            return "--\(option) expects a number, got '\(got)'"
        case .outOfRange(let option, let got, let allowed):
            return "--\(option) must be in \(allowed), got \(got)"
        case .invalidChoice(let option, let got, let choices):
            return
                "--\(option) must be one of \(choices.joined(separator: ", ")), got '\(got)'"
        case .repeatedOption(let name):
            return "--\(name) was given more than once"
        case .missingRequired(let option, let valueName):
            return "missing required option --\(option) <\(valueName)>"
        case .flagWithValue(let name):
            return "--\(name) is a flag and takes no value"
        case .unexpectedArgument(let argument, let command):
            return "unexpected argument '\(argument)' for '\(command)'"
        case .missingPositional(let name):
            return "missing argument <\(name)>"
        case .fileNotFound(let option, let path):
            return "--\(option): no such file '\(path)'"
        case .undeclared(let name):
            return "internal error: the command reads '\(name)', which it does not declare"
        }
    }

    private func hint(_ suggestion: String?) -> String {
        suggestion.map { "; did you mean '\($0)'?" } ?? ""
    }
}
