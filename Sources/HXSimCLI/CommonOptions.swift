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
        let path = try absolutePath(params, option: "params", mustExist: true)
        return try reading("--params", path: params) { try PhysicsParameters(contentsOf: path) }
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
        let inputs = try Self.integerMatrix(
            operand: "inputs", path: self.inputs, allowed: ChipGeometry.inputRange)
        let weights = try Self.integerMatrix(
            operand: "weights", path: self.weights, allowed: ChipGeometry.weightRange)
        return (inputs, weights)
    }

    /// An integer matrix read from the file an option names (which must exist) or, for `-`,
    /// from standard input; every value checked against `allowed`, errors naming the option and
    /// the path: `--inputs x.csv: element [3, 1] = 32.0 is outside …`.
    static func integerMatrix(
        operand option: String, path: String, allowed: ClosedRange<Int>
    ) throws -> Matrix<Int> {
        let source =
            path == MatrixTarget.standardStream
            ? path : try absolutePath(path, option: option, mustExist: true)
        return try reading("--\(option)", path: path) {
            try CSV.integers(MatrixTarget.read(from: source), allowed: allowed)
        }
    }
}

/// Runs `body`, naming `operand` (and `path`, where the error does not) in its errors:
/// `--inputs x.csv: element [3, 1] = 32.0 is outside the allowed range 0…31`.
func reading<T>(_ operand: String, path: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as IOError {
        if case .context = error { throw error }
        let mentionsPath = "\(error)".contains(path)
        throw IOError.context(mentionsPath ? operand : "\(operand) \(path)", error)
    } catch let error as OperandError {
        throw error
    } catch let error as ArgumentError {
        throw error
    } catch {
        let mentionsPath = "\(error)".contains(path)
        throw OperandError(context: mentionsPath ? operand : "\(operand) \(path)", error: error)
    }
}

/// An error of reading one operand, with the option and path that name it in front:
/// `--params p.json: parameter readNoise = -5.0 is outside its allowed range 0.0…20.0`.
struct OperandError: Error, CustomStringConvertible {
    var context: String
    var error: any Error

    var description: String { "\(context): \(error)" }
}

/// `low…high`, as help texts show a range.
func rangeText(_ range: ClosedRange<Int>) -> String { "\(range.lowerBound)…\(range.upperBound)" }

/// An output option's path made absolute (``absolutePath(_:option:mustExist:)``), or `-` for
/// standard output as it is.
func absoluteOrStream(_ path: String, option: String) throws -> String {
    path == MatrixTarget.standardStream ? path : try absolutePath(path, option: option)
}

/// The help of an `--out` option that takes a matrix.
let matrixOutputHelp =
    "write the result here (atomically), .csv or .npy (either with .gz) by the extension; "
    + "- is stdout"

/// Writes `text` to a checked target: atomically to its file, or to standard output.
func emit(_ text: String, to target: OutputTarget, context: CommandContext) throws {
    try target.write(Data(text.utf8)) { context.out(String(decoding: $0, as: UTF8.self)) }
}

/// Writes `matrix` to a checked target (``MatrixTarget/output(_:operand:)``) in the format its
/// extension names, or as CSV to standard output.
func emit<Element: NumPyElement & LosslessStringConvertible>(
    _ matrix: Matrix<Element>, to target: OutputTarget, csvHeader: [String]? = nil,
    context: CommandContext
) throws {
    try MatrixTarget.write(matrix, to: target, csvHeader: csvHeader, standardOutput: context.out)
}
