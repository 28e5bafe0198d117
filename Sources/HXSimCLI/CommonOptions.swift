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
        "num-sends", valueName: "N",
        help: "times each input vector is sent (\(text(ChipGeometry.numSendsRange)))",
        default: "\(ExecutionOptions().numSends)")
    static let wait = OptionSpec(
        "wait", valueName: "CYCLES",
        help: "FPGA cycles (8 ns) between events (\(text(ChipGeometry.waitBetweenEventsRange)))",
        default: "\(ExecutionOptions().waitBetweenEvents)")
    static let integrator = OptionSpec(
        "integrator", valueName: "NAME", help: "membrane integrator", default: "fast",
        choices: Integrator.allCases.map(\.rawValue))
    static let threads = OptionSpec(
        "threads", valueName: "N", help: "worker threads (results do not depend on it)")
    static let inputs = OptionSpec(
        "inputs", valueName: "FILE",
        help:
            "activations \(text(ChipGeometry.inputRange)), batch × rows (rows ≤ "
            + "\(ChipGeometry.maxSignedVMM.inputs)), CSV or .npy", required: true)
    static let weights = OptionSpec(
        "weights", valueName: "FILE",
        help:
            "signed weights \(text(ChipGeometry.weightRange)), rows × columns (columns ≤ "
            + "\(ChipGeometry.maxSignedVMM.outputs)), CSV or .npy", required: true)
    static let out = OptionSpec(
        "out", valueName: "FILE", help: "write the result here (atomically) instead of stdout")

    /// The `--inputs` (0…31) and `--weights` (−63…63) matrices, range-checked on reading.
    static func operands(
        _ arguments: ParsedArguments
    ) throws -> (inputs: Matrix<Int>, weights: Matrix<Int>) {
        let inputs = try integerMatrix(
            path: arguments.path("inputs", mustExist: true), allowed: ChipGeometry.inputRange)
        let weights = try integerMatrix(
            path: arguments.path("weights", mustExist: true), allowed: ChipGeometry.weightRange)
        return (inputs, weights)
    }

    /// The options of one execution, from the shared options; `integrator` and `threads` only
    /// when the command declares them.
    static func executionOptions(
        _ arguments: ParsedArguments, numerics: Bool = true
    ) throws
        -> ExecutionOptions
    {
        var options = ExecutionOptions(
            numSends: try arguments.int("num-sends", in: ChipGeometry.numSendsRange),
            waitBetweenEvents: try arguments.int("wait", in: ChipGeometry.waitBetweenEventsRange))
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

    /// `low…high`, as help texts show a range.
    static func text(_ range: ClosedRange<Int>) -> String {
        "\(range.lowerBound)…\(range.upperBound)"
    }

    /// An integer matrix read from a CSV or NumPy file, every value checked against `allowed`.
    static func integerMatrix(path: String, allowed: ClosedRange<Int>) throws -> Matrix<Int> {
        try CSV.integers(readMatrix(path: path), allowed: allowed)
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
