import Foundation
import HXIO

/// A command line that does not fit the command's declaration. The ``description`` is one line
/// that says what to type instead; the CLI prints it and exits non-zero.
public enum ArgumentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No subcommand was given to `program` (the command's words, for example `hxsim sweep`).
    case missingSubcommand(program: String, available: [String])
    /// A subcommand of `program` that does not exist; `suggestion` is the closest one, if any
    /// is close.
    case unknownSubcommand(String, program: String, suggestion: String?)
    /// An option or flag the command does not declare.
    case unknownOption(String, command: String, suggestion: String?)
    /// An option at the end of the line, or followed by another option, without its value.
    case missingValue(option: String, valueName: String)
    /// A value that is not an integer.
    case invalidInteger(option: String, got: String)
    /// A value that is not a finite number.
    case invalidNumber(option: String, got: String)
    /// A well-formed number too large for the option's type (an integer beyond 64 bits, a
    /// decimal beyond the largest finite double).
    case unrepresentable(option: String, got: String)
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
    /// A positional argument that is none of the allowed choices.
    case invalidArgumentChoice(argument: String, got: String, choices: [String])
    /// A value that is not of the form the option reads (``ArgumentExpectation/form(_:)``).
    case invalidForm(option: String, got: String, expected: String)
    /// A flag or option that does something only with another (`--calibrate`) or a kind of
    /// output (`CSV output`), given without it.
    case requiresOption(String, requires: String)

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
        case .unrepresentable(let option, let got):
            return "--\(option): \(got) is out of range (too large in magnitude)"
        case .outOfRange(let option, let got, let allowed):
            let bound = allowed.hasPrefix("≥") || allowed.hasPrefix("≤")
            return "--\(option) must be \(bound ? "" : "in ")\(allowed), got \(got)"
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
        case .invalidArgumentChoice(let argument, let got, let choices):
            return "unknown \(argument) '\(got)'" + hint(closest(to: got, among: choices))
                + "; use one of: \(choices.joined(separator: ", "))"
        case .invalidForm(let option, let got, let expected):
            return "--\(option) expects \(expected), got '\(got)'"
        case .requiresOption(let name, let other):
            return "--\(name) has an effect only with \(other): add it, or leave --\(name) out"
        }
    }

    private func hint(_ suggestion: String?) -> String {
        suggestion.map { "; " + Spelling.didYouMean($0) } ?? ""
    }
}

/// The candidate closest to `typed` by edit distance, if within a third of its length (at
/// least two edits), as swift-argument-parser suggests.
func closest(to typed: String, among candidates: [String]) -> String? {
    Spelling.closest(to: typed, among: candidates, allowance: 2)
}
