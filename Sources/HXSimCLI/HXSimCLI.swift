import Foundation
import HXIO

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

/// One subcommand of `hxsim`: its declaration and what it does.
protocol Subcommand {
    /// Options, flags and help.
    static var spec: CommandSpec { get }
    /// Runs the command; throws on bad input or failure.
    static func run(_ arguments: ParsedArguments, output: CommandOutput) throws
}

/// The hxsim command line.
public enum HXSimCommand {
    /// Every subcommand, in the order of the help text.
    static var subcommands: [any Subcommand.Type] {
        [
            DemoCommand.self, ChipCommand.self, VMMCommand.self, TraceCommand.self,
            CalibrateCommand.self, TrainCommand.self, EvalCommand.self, SweepCommand.self,
            BenchCommand.self,
        ]
    }

    /// The program: name, summary, subcommands.
    static var interface: CommandLineInterface {
        CommandLineInterface(
            programName: "hxsim",
            summary:
                "a physics-level simulator of the BrainScaleS-2 chip in vector-matrix mode",
            commands: subcommands.map { $0.spec })
    }

    /// Runs the command with `arguments` (without the program name); returns the exit status:
    /// 0 on success, 2 for a usage error, 1 for any other failure. Errors are printed as one
    /// line on standard error.
    public static func main(arguments: [String], output: CommandOutput = .standard) async -> Int32 {
        run(arguments: arguments, output: output)
    }

    /// The synchronous body of ``main(arguments:output:)``.
    public static func run(arguments: [String], output: CommandOutput = .standard) -> Int32 {
        do {
            switch try interface.parse(arguments) {
            case .help(let text):
                output.out(text)
                return 0
            case .run(let command, let parsed):
                guard let subcommand = subcommands.first(where: { $0.spec.name == command }) else {
                    output.err("hxsim: unknown subcommand '\(command)'\n")
                    return 2
                }
                try subcommand.run(parsed, output: output)
                return 0
            }
        } catch let error as ArgumentError {
            output.err("hxsim: \(error)\n")
            return 2
        } catch {
            output.err("hxsim: \(oneLine(error))\n")
            return 1
        }
    }

    /// An error's description on one line.
    static func oneLine(_ error: any Error) -> String {
        String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
