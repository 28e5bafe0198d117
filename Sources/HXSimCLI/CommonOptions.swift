import Foundation
import HXArguments
import HXCalibration
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
            "physics parameters (JSON, see `hxsim chip --json`); defaults of docs/SPECIFICATION.md if omitted"
    ) var params: String?

    /// The physics parameters: the file given with `--params`, or the defaults.
    func parameters() throws -> PhysicsParameters {
        guard let params else { return PhysicsParameters() }
        return try PhysicsParameters(contentsOf: params)
    }
}

/// `--seed` and `--params`: which chip.
struct ChipOptions: ParsableArguments {
    @Option(help: "chip seed: fixes the chip's mismatch") var seed: UInt64 = 1
    @OptionGroup var physics: ParameterOptions

    /// The chip drawn from `--seed` with `--params`.
    func chip() throws -> Chip { try Chip(seed: seed, parameters: physics.parameters()) }
}

/// `--calibration`: run on a chip calibrated by a result of `hxsim calibrate`.
struct CalibrationOptions: ParsableArguments {
    @Option(
        valueName: "FILE", help: "run on the chip calibrated by this result of `hxsim calibrate`")
    var calibration: String?

    /// Applies the calibration file, if one was given, to `chip`; returns it.
    @discardableResult
    func apply(to chip: inout Chip) throws -> CalibrationResult? {
        guard let calibration else { return nil }
        let result = try CalibrationResult(
            contentsOf: absolutePath(calibration, option: "calibration", mustExist: true))
        try result.apply(to: &chip)
        return result
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
    @Flag(
        help:
            "accept any finite numbers: round them half away from zero (2.5 → 3, −2.5 → −3) and "
            + "clamp them to the ranges above, as hxtorch rounds and clamps; without it, values "
            + "that are not whole or out of range are errors")
    var round = false

    /// The `--inputs` and `--weights` matrices, every value checked against the chip's range
    /// (or, with `--round`, rounded and clamped into it; `notes` then says how many values
    /// changed). `-` reads one of them (not both: standard input holds one matrix) from
    /// standard input.
    func read() throws -> (inputs: Matrix<Int>, weights: Matrix<Int>, notes: [String]) {
        if self.inputs == MatrixTarget.standardStream && self.weights == MatrixTarget.standardStream
        {
            throw IOError.invalidArgument(
                "--inputs and --weights cannot both be '-': standard input holds one matrix")
        }
        var notes: [String] = []
        let inputs = try integerMatrix(
            path: Self.source(self.inputs, option: "inputs"), allowed: ChipGeometry.inputRange,
            operand: "inputs", notes: &notes)
        let weights = try integerMatrix(
            path: Self.source(self.weights, option: "weights"), allowed: ChipGeometry.weightRange,
            operand: "weights", notes: &notes)
        return (inputs, weights, notes)
    }

    /// The file of a matrix operand (which must exist), or `-` for standard input.
    private static func source(_ path: String, option: String) throws -> String {
        path == MatrixTarget.standardStream
            ? MatrixTarget.standardStream : try absolutePath(path, option: option, mustExist: true)
    }

    /// An integer matrix read from a CSV or NumPy file (or `-`, standard input), every value
    /// checked against `allowed`, or rounded and clamped into it with `--round`.
    private func integerMatrix(
        path: String, allowed: ClosedRange<Int>, operand: String, notes: inout [String]
    ) throws -> Matrix<Int> {
        var matrix = try MatrixTarget.read(from: path)
        if round {
            let rounded = try OperandRounding.apply(to: matrix, allowed: allowed)
            matrix = rounded.matrix
            if let note = rounded.note(operand: operand) { notes.append(note) }
        }
        return try CSV.integers(matrix, allowed: allowed)
    }
}

/// `--round`: what hxtorch does with float operands, stated once. Each value is rounded half
/// away from zero (2.5 → 3, −2.5 → −3, 0.49 → 0) and then clamped to the chip's range. NaN and
/// infinities stay errors: there is no sensible code for them.
enum OperandRounding {
    /// The rounded and clamped matrix, and how many values rounding and clamping changed.
    struct Outcome {
        var matrix: Matrix<Double>
        var rounded: Int
        var clamped: Int
        var allowed: ClosedRange<Int>

        /// `--round changed 12 of 400 weights (3 clamped to -63…63)`, or nil when nothing
        /// changed.
        func note(operand: String) -> String? {
            guard rounded + clamped > 0 else { return nil }
            return "--round changed \(HumanFormat.count(rounded + clamped)) of "
                + "\(HumanFormat.count(matrix.count)) \(operand) (\(HumanFormat.count(clamped)) "
                + "clamped to \(rangeText(allowed)))"
        }
    }

    /// Rounds and clamps every value of `matrix` into `allowed`.
    /// - Throws: ``IOError/notIntegral(row:column:value:)`` for NaN or an infinity.
    static func apply(to matrix: Matrix<Double>, allowed: ClosedRange<Int>) throws -> Outcome {
        var storage = matrix.storage
        var rounded = 0
        var clamped = 0
        let (low, high) = (Double(allowed.lowerBound), Double(allowed.upperBound))
        for index in storage.indices {
            let value = storage[index]
            guard value.isFinite else {
                throw IOError.notIntegral(
                    row: index / max(1, matrix.columns), column: index % max(1, matrix.columns),
                    value: value)
            }
            let whole = value.rounded(.toNearestOrAwayFromZero)
            let inside = min(max(whole, low), high)
            if inside != whole {
                clamped += 1
            } else if whole != value {
                rounded += 1
            }
            storage[index] = inside
        }
        return Outcome(
            matrix: try Matrix(rows: matrix.rows, columns: matrix.columns, storage: storage),
            rounded: rounded, clamped: clamped, allowed: allowed)
    }
}

/// `--out` and `--header`: where a command writes its matrix result.
struct MatrixOutputOptions: ParsableArguments {
    @Option(
        valueName: "FILE",
        help: "write the result here (atomically), .csv or .npy by the extension; - is stdout")
    var out: String?
    @Flag(help: "start CSV output with a header line naming the columns") var header = false

    /// The file `--out` names, or nil for standard output.
    var file: String? { out == MatrixTarget.standardStream ? nil : out }

    /// Writes `matrix` to `--out`, with `columns` as the header line of CSV when `--header`.
    func write<Element: NumPyElement & Numeric & LosslessStringConvertible>(
        _ matrix: Matrix<Element>, columns: [String], context: CommandContext
    ) throws {
        try emit(matrix, to: out, csvHeader: header ? columns : nil, context: context)
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
