import Foundation
import HXArguments
import HXIO
import HXNumerics
import HXPhysics

// Options that several subcommands share, each declared once here with its type, default,
// range and help; a command includes a group with `@OptionGroup`.

extension Integrator: ArgumentValue {}

/// `--params`: the physics of the simulated chips.
struct ParameterOptions: ParsableArguments {
    @Option(
        valueName: "FILE",
        help:
            "physics parameters (JSON, see `hxsim chip --json`); defaults of PHYSICS.md if omitted"
    ) var params: String?

    /// The physics parameters: the file given with `--params`, or the defaults.
    func parameters() throws -> PhysicsParameters {
        guard let params else { return PhysicsParameters() }
        return try PhysicsParameters(contentsOf: params)
    }
}

/// `--age` and `--temperature`: where the simulated chips are in their slow drift.
struct EnvironmentOptions: ParsableArguments {
    @Option(
        valueName: "SECONDS", help: "the chip's age: seconds since power-up (slow drift)",
        in: ChipEnvironment.ageRange)
    var age = 0.0
    @Option(
        valueName: "K",
        help: "the chip's temperature in kelvins (default: nominalTemperature of the parameters)",
        in: ChipEnvironment.temperatureRange)
    var temperature: Double?

    /// The environment of `--age` and `--temperature` for chips with `parameters`.
    func environment(for parameters: PhysicsParameters) -> ChipEnvironment {
        ChipEnvironment(age: age, temperature: temperature ?? parameters.nominalTemperature)
    }
}

/// `--seed`, `--params`, `--age` and `--temperature`: which chip, and where in its drift.
struct ChipOptions: ParsableArguments {
    @Option(help: "chip seed: fixes the chip's mismatch") var seed: UInt64 = 1
    @OptionGroup var physics: ParameterOptions
    @OptionGroup var drift: EnvironmentOptions

    /// The chip drawn from `--seed` with `--params`, at `--age` and `--temperature`.
    func chip() throws -> Chip {
        let parameters = try physics.parameters()
        return try Chip(
            seed: seed, parameters: parameters, environment: drift.environment(for: parameters))
    }
}

/// `--num-sends` and `--wait`: the event timing, with the chip's ranges and hxtorch's defaults.
struct TimingOptions: ParsableArguments {
    @Option(
        valueName: "N", help: "times each input vector is sent", in: ChipGeometry.numSendsRange)
    var numSends = ExecutionOptions().numSends
    @Option(
        valueName: "CYCLES", help: "FPGA cycles (8 ns) between events",
        in: ChipGeometry.waitBetweenEventsRange)
    var wait = ExecutionOptions().waitBetweenEvents

    /// Execution options with this timing.
    var executionOptions: ExecutionOptions {
        ExecutionOptions(numSends: numSends, waitBetweenEvents: wait)
    }
}

/// `--threads`: worker threads of the simulated chips.
struct ThreadOptions: ParsableArguments {
    @Option(help: "worker threads (results do not depend on it)", in: 1...1024) var threads: Int?
}

/// `--integrator` and `--threads`: how the membranes are integrated.
struct NumericsOptions: ParsableArguments {
    @Option(help: "membrane integrator") var integrator = ExecutionOptions().integrator
    @OptionGroup var threading: ThreadOptions

    /// `options` with this integrator and thread count.
    func applied(to options: ExecutionOptions) -> ExecutionOptions {
        var options = options
        options.integrator = integrator
        options.threads = threading.threads
        return options
    }
}

/// `--inputs` and `--weights`: the operands of a VMM, range-checked on reading.
struct OperandOptions: ParsableArguments {
    @Option(
        valueName: "FILE",
        help:
            "activations \(rangeText(ChipGeometry.inputRange)), batch × rows (rows ≤ "
            + "\(ChipGeometry.maxSignedVMM.inputs)), CSV or .npy; - reads stdin")
    var inputs: String
    @Option(
        valueName: "FILE",
        help:
            "signed weights \(rangeText(ChipGeometry.weightRange)), rows × columns (columns ≤ "
            + "\(ChipGeometry.maxSignedVMM.outputs)), CSV or .npy; - reads stdin")
    var weights: String

    /// The `--inputs` and `--weights` matrices, every value checked against the chip's range.
    /// `-` reads one of them (not both: standard input holds one matrix) from standard input.
    func read() throws -> (inputs: Matrix<Int>, weights: Matrix<Int>) {
        if self.inputs == MatrixTarget.standardStream && self.weights == MatrixTarget.standardStream
        {
            throw IOError.invalidArgument(
                "--inputs and --weights cannot both be '-': standard input holds one matrix")
        }
        let inputs = try integerMatrix(
            path: Self.source(self.inputs, option: "inputs"), allowed: ChipGeometry.inputRange)
        let weights = try integerMatrix(
            path: Self.source(self.weights, option: "weights"), allowed: ChipGeometry.weightRange)
        return (inputs, weights)
    }

    /// The file of a matrix operand (which must exist), or `-` for standard input.
    private static func source(_ path: String, option: String) throws -> String {
        path == MatrixTarget.standardStream
            ? MatrixTarget.standardStream : try absolutePath(path, option: option, mustExist: true)
    }

    /// An integer matrix read from a CSV or NumPy file (or `-`, standard input), every value
    /// checked against `allowed`.
    private func integerMatrix(path: String, allowed: ClosedRange<Int>) throws -> Matrix<Int> {
        try CSV.integers(MatrixTarget.read(from: path), allowed: allowed)
    }
}

/// `low…high`, as help texts show a range.
func rangeText(_ range: ClosedRange<Int>) -> String { "\(range.lowerBound)…\(range.upperBound)" }

/// Writes `text` to `path` atomically, or to standard output when `path` is nil.
func emit(_ text: String, to path: String?, context: CommandContext) throws {
    if let path {
        try FileIO.writeAtomically(text, to: path)
    } else {
        context.out(text)
    }
}

/// Writes `matrix` to `--out` (`path`) in the format its extension names (see ``MatrixTarget``),
/// or as CSV to standard output when `path` is nil or `-`.
func emit<Element: NumPyElement & Numeric & LosslessStringConvertible>(
    _ matrix: Matrix<Element>, to path: String?, csvHeader: [String]? = nil,
    context: CommandContext
) throws {
    try MatrixTarget.write(matrix, to: path, csvHeader: csvHeader, standardOutput: context.out)
}
