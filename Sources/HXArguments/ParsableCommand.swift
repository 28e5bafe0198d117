import Foundation
import HXIO

/// A type whose stored properties declare command-line arguments (``Option``, ``Flag``,
/// ``Argument``, ``OptionGroup``). A group of options several commands share is one.
public protocol ParsableArguments {
    /// An instance with every argument at its default; the parser reflects over it.
    init()
}

/// A command: its name, summary and subcommands, its arguments (stored properties), and what
/// it does. A command with subcommands dispatches to them (`hxsim sweep plot …`); its own
/// options, if it declares any, come before the subcommand's name and apply to every
/// subcommand through ``prepare(_:)`` (`hxsim --quiet sweep …`).
///
/// A new command is one file: a type conforming to this protocol, listed in its parent's
/// ``CommandConfiguration/subcommands``.
public protocol ParsableCommand: ParsableArguments {
    /// Name, summary and subcommands.
    static var configuration: CommandConfiguration { get }

    /// Does the command's work with the parsed arguments.
    /// - Throws: ``ArgumentError`` for a usage error (exit status 2), anything else for a
    ///   failure (exit status 1).
    func run(_ context: CommandContext) throws

    /// Called on every command of the line, outermost first, with its parsed options, before
    /// the last one runs: may change the context (a global `--quiet` silences progress) or
    /// finish with a text to print instead of running anything (a global `--version`, which
    /// works without a subcommand too).
    func prepare(_ context: inout CommandContext) throws -> String?
}

extension ParsableCommand {
    /// A command with subcommands needs one.
    public func run(_ context: CommandContext) throws {
        throw ArgumentError.missingSubcommand(
            program: context.commandName,
            available: Self.configuration.subcommands.map { $0.configuration.name })
    }

    /// Nothing to prepare.
    public func prepare(_ context: inout CommandContext) throws -> String? { nil }
}

/// A command's name, summary and subcommands.
public struct CommandConfiguration {
    /// The word that selects the command, for example `plot`.
    public var name: String
    /// One line saying what it does.
    public var summary: String
    /// More help, printed after the summary.
    public var discussion: String?
    /// Its subcommands, in the order of the help.
    public var subcommands: [any ParsableCommand.Type]
    /// The subcommand that runs when the first word is no subcommand's name and does not look
    /// like a mistyped one, so that `hxsim sweep SPEC` stays short for `hxsim sweep run SPEC`.
    public var defaultSubcommand: (any ParsableCommand.Type)?

    /// A command's configuration.
    public init(
        name: String, summary: String, discussion: String? = nil,
        subcommands: [any ParsableCommand.Type] = [],
        defaultSubcommand: (any ParsableCommand.Type)? = nil
    ) {
        self.name = name
        self.summary = summary
        self.discussion = discussion
        self.subcommands = subcommands
        self.defaultSubcommand = defaultSubcommand
    }
}

/// Where a command writes: standard output for results, standard error for progress and
/// messages. Tests pass closures that collect the text.
public struct CommandOutput: Sendable {
    /// Writes result text (stdout).
    public var out: @Sendable (String) -> Void
    /// Writes progress and messages (stderr).
    public var err: @Sendable (String) -> Void

    /// Output to closures.
    public init(
        out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void
    ) {
        self.out = out
        self.err = err
    }

    /// The process's standard output and standard error.
    public static let standard = CommandOutput(
        out: { FileHandle.standardOutput.write(Data($0.utf8)) },
        err: { FileHandle.standardError.write(Data($0.utf8)) })
}

/// What a running command knows besides its arguments: where to write and how it was called.
public struct CommandContext: Sendable {
    /// Where to write.
    public var output: CommandOutput
    /// The command's words from the program on, for example `["hxsim", "sweep", "plot"]`.
    public var path: [String]

    /// A context writing to `output` for the command `path`.
    public init(output: CommandOutput, path: [String]) {
        self.output = output
        self.path = path
    }

    /// The command's words joined, for messages: `hxsim sweep plot`.
    public var commandName: String { path.joined(separator: " ") }

    /// Writes result text.
    public func out(_ text: String) { output.out(text) }
    /// Writes progress or a message.
    public func err(_ text: String) { output.err(text) }
}

/// What a command line asks for.
public enum Invocation {
    /// `--help`: print this text to stdout and exit 0.
    case help(String)
    /// Run `command` (parsed) after preparing it and its `parents` (parsed, outermost first),
    /// in a context for `path`.
    case run(command: any ParsableCommand, parents: [any ParsableCommand], path: [String])

    /// The help text, if this is help.
    public var helpText: String? {
        if case .help(let text) = self { return text }
        return nil
    }
}

extension ParsableCommand {
    /// Parses a whole command line (without the program's name); `programName` replaces the
    /// command's own name in help and messages (`hxsim-bench` for the `bench` command).
    /// - Throws: ``ArgumentError`` for a command line that does not fit the declarations.
    public static func parse(_ arguments: [String], programName: String? = nil) throws -> Invocation
    {
        try parseCommand(
            Self.self, arguments, path: [programName ?? configuration.name], parents: [])
    }

    /// The command parsed from `arguments` as a leaf (tests, and programs that are one command).
    /// - Throws: ``ArgumentError``; also when the line asks for help.
    public static func parsed(_ arguments: [String]) throws -> Self {
        guard case .run(let command as Self, _, _) = try parse(arguments) else {
            throw ArgumentError.unexpectedArgument(
                arguments.joined(separator: " "), command: configuration.name)
        }
        return command
    }

    /// Parses and runs a command line; returns the exit status: 0 on success (or help), 2 for a
    /// usage error (``ArgumentError``), 1 for any other failure. Errors are printed as one line
    /// on standard error, after the program's name.
    public static func main(
        arguments: [String], programName: String? = nil, output: CommandOutput = .standard
    ) -> Int32 {
        let program = programName ?? configuration.name
        do {
            switch try parse(arguments, programName: program) {
            case .help(let text):
                output.out(text)
                return 0
            case .run(let command, let parents, let path):
                var context = CommandContext(output: output, path: path)
                for prepared in parents + [command] {
                    if let text = try prepared.prepare(&context) {
                        output.out(text)
                        return 0
                    }
                }
                try command.run(context)
                return 0
            }
        } catch let error as ArgumentError {
            output.err("\(program): \(error)\n")
            return 2
        } catch {
            output.err("\(program): \(oneLine(error))\n")
            return 1
        }
    }
}

/// An error's description on one line.
public func oneLine(_ error: any Error) -> String {
    String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
}

/// `text`, an option's file path, made absolute: a leading `~` expanded, a relative path
/// resolved against the current directory.
/// - Throws: ``ArgumentError/fileNotFound(option:path:)`` when `mustExist` and there is no such
///   file.
public func absolutePath(_ text: String, option: String, mustExist: Bool = false) throws -> String {
    let expanded = (text as NSString).expandingTildeInPath
    let absolute = URL(fileURLWithPath: expanded).standardizedFileURL.path
    // lstat, not fileExists: a symbolic link loop exists and is named as such by the reader.
    if mustExist && !FileIO.exists(path: absolute) {
        throw ArgumentError.fileNotFound(option: option, path: text)
    }
    return absolute
}
