import Foundation
import HXArguments
import HXBenchmarks

/// The hxsim command line: the program and its subcommands. A new subcommand is one file (a
/// ``ParsableCommand``) and its entry in ``subcommands``; a global option is a property of this
/// type and its effect in ``prepare(_:)``.
public struct HXSimCommand: ParsableCommand {
    /// Every subcommand, in the order of the help text.
    static var subcommands: [any ParsableCommand.Type] {
        [
            DemoCommand.self, ChipCommand.self, VMMCommand.self, TraceCommand.self,
            TransferCommand.self, MockParameterCommand.self, CalibrateCommand.self,
            TrainCommand.self, EvalCommand.self, BudgetCommand.self, SweepCommand.self,
            BenchmarkCommand.self,
        ]
    }

    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "hxsim",
            summary: "a physics-level simulator of the BrainScaleS-2 chip in vector-matrix mode",
            subcommands: subcommands)
    }

    @Flag(help: "print the version, the build's git commit and the BLAS kernel, and exit")
    var version = false
    @Flag(
        help: "no progress or summary lines on stderr (results, warnings and errors still appear)")
    var quiet = false

    public init() {}

    /// The global flags: `--version` answers instead of the command; `--quiet` silences the
    /// progress of whatever command runs. Both may stand anywhere on the line.
    public func prepare(_ context: inout CommandContext) throws -> String? {
        if version { return Version.text }
        if quiet { context.isQuiet = true }
        return nil
    }

    /// Runs the command with `arguments` (without the program name); returns the exit status:
    /// 0 on success, 2 for a usage error, 1 for any other failure. Errors are printed as one
    /// line on standard error.
    public static func run(arguments: [String], output: CommandOutput = .standard) -> Int32 {
        main(arguments: arguments, programName: "hxsim", output: output)
    }
}
