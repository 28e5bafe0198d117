import Foundation
import HXIO
import HXNumerics
import HXPhysics

/// Options and helpers that several subcommands share.
enum CommonOptions {
    static let seed = OptionSpec(
        "seed", valueName: "N", help: "chip seed: fixes the chip's mismatch", default: "1")
    static let params = OptionSpec(
        "params", valueName: "FILE",
        help:
            "physics parameters (JSON, see `hxsim chip --json`); defaults of PHYSICS.md if omitted")
    static let numSends = OptionSpec(
        "num-sends", valueName: "N", help: "times each input vector is sent (1…255)", default: "1")
    static let wait = OptionSpec(
        "wait", valueName: "CYCLES", help: "FPGA cycles (8 ns) between events (1…1023)",
        default: "5")
    static let integrator = OptionSpec(
        "integrator", valueName: "NAME", help: "membrane integrator", default: "fast",
        choices: Integrator.allCases.map(\.rawValue))
    static let threads = OptionSpec(
        "threads", valueName: "N", help: "worker threads (results do not depend on it)")
    static let inputs = OptionSpec(
        "inputs", valueName: "FILE",
        help: "activations 0…31, batch × rows (rows ≤ 128), CSV or .npy", required: true)
    static let weights = OptionSpec(
        "weights", valueName: "FILE",
        help: "signed weights −63…63, rows × columns (columns ≤ 512), CSV or .npy", required: true)
    static let out = OptionSpec(
        "out", valueName: "FILE", help: "write the result here (atomically) instead of stdout")

    /// The `--inputs` (0…31) and `--weights` (−63…63) matrices, range-checked on reading.
    static func operands(
        _ arguments: ParsedArguments
    ) throws -> (inputs: Matrix<Int>, weights: Matrix<Int>) {
        let inputs = try integerMatrix(
            operand: "--inputs", path: arguments.string("inputs"),
            allowed: 0...ChipGeometry.maxInput)
        let weights = try integerMatrix(
            operand: "--weights", path: arguments.string("weights"),
            allowed: -ChipGeometry.maxWeight...ChipGeometry.maxWeight)
        return (inputs, weights)
    }

    /// The `--out` target, checked before any work (HXIO's `OutputTarget`): standard output
    /// when the option is absent or `-`.
    static func outputTarget(
        _ arguments: ParsedArguments, option: String = "out"
    ) throws
        -> OutputTarget
    {
        let path = try arguments.optionalString(option).map(expandingTilde) ?? "-"
        return try OutputTarget.file(path, operand: "--\(option)")
    }

    /// `~` expanded; `-` kept.
    static func expandingTilde(_ path: String) -> String {
        path == "-" ? path : (path as NSString).expandingTildeInPath
    }

    /// Runs `body`, naming `operand` (and `path`, where the error does not) in its errors:
    /// `--inputs x.csv: element [3, 1] = 32.0 is outside the allowed range 0...31`.
    static func reading<T>(_ operand: String, path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as IOError {
            if case .context = error { throw error }
            let mentionsPath = "\(error)".contains(path)
            throw IOError.context(mentionsPath ? operand : "\(operand) \(path)", error)
        } catch let error as OperandError {
            throw error
        } catch {
            let mentionsPath = "\(error)".contains(path)
            throw OperandError(context: mentionsPath ? operand : "\(operand) \(path)", error: error)
        }
    }

    /// The options of one execution, from the shared options; `integrator` and `threads` only
    /// when the command declares them.
    static func executionOptions(
        _ arguments: ParsedArguments, numerics: Bool = true
    ) throws
        -> ExecutionOptions
    {
        var options = ExecutionOptions(
            numSends: try arguments.int("num-sends", in: 1...255),
            waitBetweenEvents: try arguments.int("wait", in: 1...1023))
        if numerics {
            options.integrator = try arguments.choice("integrator", as: Integrator.self)
            options.threads = try arguments.optionalInt("threads", in: 1...1024)
        }
        return options
    }

    /// The physics parameters: the file given with `--params`, or the defaults.
    static func parameters(_ arguments: ParsedArguments) throws -> PhysicsParameters {
        guard let path = try arguments.optionalString("params").map(expandingTilde) else {
            return PhysicsParameters()
        }
        return try reading("--params", path: path) { try PhysicsParameters(contentsOf: path) }
    }

    /// A chip drawn from `--seed` with `--params`.
    static func chip(_ arguments: ParsedArguments) throws -> Chip {
        try Chip(seed: arguments.uint64("seed"), parameters: parameters(arguments))
    }

    /// An integer matrix read from a CSV or NumPy file, every value checked against `allowed`;
    /// errors name `operand` and the path.
    static func integerMatrix(
        operand: String, path: String, allowed: ClosedRange<Int>
    ) throws -> Matrix<Int> {
        let path = expandingTilde(path)
        return try reading(operand, path: path) {
            try CSV.integers(readMatrix(path: path), allowed: allowed)
        }
    }

    /// Writes `text` to a checked target: atomically to its file, or to standard output.
    static func emit(_ text: String, to target: OutputTarget, output: CommandOutput) throws {
        try target.write(Data(text.utf8)) { output.out(String(decoding: $0, as: UTF8.self)) }
    }
}

/// An error of reading one operand, with the option and path that name it in front:
/// `--params p.json: parameter readNoise = -5.0 is outside its allowed range 0.0…20.0`.
struct OperandError: Error, CustomStringConvertible {
    var context: String
    var error: any Error

    var description: String { "\(context): \(error)" }
}
