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
        help: "activations 0…31, batch × rows (rows ≤ 128), CSV or .npy; - reads stdin",
        required: true)
    static let weights = OptionSpec(
        "weights", valueName: "FILE",
        help: "signed weights −63…63, rows × columns (columns ≤ 512), CSV or .npy; - reads stdin",
        required: true)
    static let out = OptionSpec(
        "out", valueName: "FILE",
        help: "write the result here (atomically), .csv or .npy by the extension; - is stdout")

    /// The `--inputs` (0…31) and `--weights` (−63…63) matrices, range-checked on reading; `-`
    /// reads one of them from standard input.
    static func operands(
        _ arguments: ParsedArguments
    ) throws -> (inputs: Matrix<Int>, weights: Matrix<Int>) {
        let (inputPath, weightPath) = (
            try operandSource("inputs", arguments), try operandSource("weights", arguments)
        )
        if inputPath == MatrixTarget.standardStream && weightPath == MatrixTarget.standardStream {
            throw IOError.invalidArgument(
                "--inputs and --weights cannot both be '-': standard input holds one matrix")
        }
        let inputs = try integerMatrix(path: inputPath, allowed: 0...ChipGeometry.maxInput)
        let weights = try integerMatrix(
            path: weightPath, allowed: -ChipGeometry.maxWeight...ChipGeometry.maxWeight)
        return (inputs, weights)
    }

    /// The file of a matrix operand (which must exist), or `-` for standard input.
    static func operandSource(_ name: String, _ arguments: ParsedArguments) throws -> String {
        try arguments.string(name) == MatrixTarget.standardStream
            ? MatrixTarget.standardStream : try arguments.path(name, mustExist: true)
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
        guard let path = try arguments.optionalString("params") else { return PhysicsParameters() }
        return try PhysicsParameters(contentsOf: path)
    }

    /// A chip drawn from `--seed` with `--params`.
    static func chip(_ arguments: ParsedArguments) throws -> Chip {
        try Chip(seed: arguments.uint64("seed"), parameters: parameters(arguments))
    }

    /// An integer matrix read from a CSV or NumPy file (or `-`, standard input), every value
    /// checked against `allowed`.
    static func integerMatrix(path: String, allowed: ClosedRange<Int>) throws -> Matrix<Int> {
        try CSV.integers(MatrixTarget.read(from: path), allowed: allowed)
    }

    /// Writes `matrix` to `--out` (`path`) in the format its extension names (see
    /// ``MatrixTarget``), or as CSV to standard output when `path` is nil or `-`.
    static func emit<Element: NumPyElement & Numeric & LosslessStringConvertible>(
        _ matrix: Matrix<Element>, to path: String?, csvHeader: [String]? = nil,
        output: CommandOutput
    ) throws {
        try MatrixTarget.write(matrix, to: path, csvHeader: csvHeader, standardOutput: output.out)
    }

    /// Writes `text` to `path` atomically, or to standard output when `path` is nil.
    static func emit(_ text: String, to path: String?, output: CommandOutput) throws {
        if let path {
            try FileIO.writeAtomically(text, to: path)
        } else {
            output.out(text)
        }
    }
}
