import Foundation
import HXApplications
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
            "physics parameters (JSON, see `hxsim chip --json`); defaults of docs/SPECIFICATION.md if "
            + "omitted"
    ) var params: String?

    /// The physics parameters: the file given with `--params`, or the defaults.
    func parameters() throws -> PhysicsParameters {
        guard let params else { return PhysicsParameters() }
        let path = try absolutePath(params, option: "params", mustExist: true)
        return try reading("--params", path: params) { try PhysicsParameters(contentsOf: path) }
    }

    /// The file this group reads, for ``OutputTarget/refuseOverlaps(outputs:inputs:)``.
    var inputFiles: [OutputTarget.NamedPath] { [("--params", params)] }
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

    /// The file this group reads (`--params`).
    var inputFiles: [OutputTarget.NamedPath] { physics.inputFiles }
}

/// `--calibration`: run on a chip calibrated by a result of `hxsim calibrate`.
struct CalibrationOptions: ParsableArguments {
    @Option(
        valueName: "FILE", help: "run on the chip calibrated by this result of `hxsim calibrate`")
    var calibration: String?

    /// Applies the calibration file, if one was given, to `chip`; returns it. Warns on stderr
    /// when the chip has drifted past ``CalibrationStaleness`` since the calibration was made.
    @discardableResult
    func apply(to chip: inout Chip, context: CommandContext) throws -> CalibrationResult? {
        guard let calibration else { return nil }
        let path = try absolutePath(calibration, option: "calibration", mustExist: true)
        let result = try reading("--calibration", path: calibration) {
            try CalibrationResult(contentsOf: path)
        }
        try result.apply(to: &chip)
        if let warning = result.stalenessWarning(for: chip) { context.err(warning + "\n") }
        return result
    }

    /// The file this group reads.
    var inputFiles: [OutputTarget.NamedPath] { [("--calibration", calibration)] }
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
    @Option(
        help: "worker threads (results do not depend on it)", in: ExecutionOptions.threadRange)
    var threads: Int?
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
            "activations \(ValueText.range(ChipGeometry.inputRange)), batch × rows (rows ≤ "
            + "\(ChipGeometry.maxSignedVMM.inputs)), CSV or .npy; - reads stdin")
    var inputs: String
    @Option(
        valueName: "FILE",
        help:
            "signed weights \(ValueText.range(ChipGeometry.weightRange)), rows × columns (columns ≤ "
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
        try checkStandardInput()
        var notes: [String] = []
        let inputs = try integerMatrix(
            operand: "inputs", path: self.inputs, allowed: ChipGeometry.inputRange, notes: &notes)
        let weights = try integerMatrix(
            operand: "weights", path: self.weights, allowed: ChipGeometry.weightRange,
            notes: &notes)
        return (inputs, weights, notes)
    }

    /// The files this group reads.
    var inputFiles: [OutputTarget.NamedPath] { [("--inputs", inputs), ("--weights", weights)] }

    /// Refuses `-` for both operands: standard input holds one matrix.
    func checkStandardInput() throws {
        if self.inputs == MatrixTarget.standardStream && self.weights == MatrixTarget.standardStream
        {
            throw IOError.invalidArgument(
                "--inputs and --weights cannot both be '-': standard input holds one matrix")
        }
    }

    /// An integer matrix read from the file an option names (which must exist) or, for `-`,
    /// from standard input; every value checked against `allowed` (or rounded and clamped into
    /// it with `--round`, counted in `notes`), errors naming the option and the path:
    /// `--inputs x.csv: element [3, 1] = 32.0 is outside …`.
    func integerMatrix(
        operand option: String, path: String, allowed: ClosedRange<Int>, notes: inout [String]
    ) throws -> Matrix<Int> {
        let source =
            path == MatrixTarget.standardStream
            ? path : try absolutePath(path, option: option, mustExist: true)
        return try reading("--\(option)", path: path) {
            var matrix = try MatrixTarget.read(from: source)
            if round {
                var count = OperandRounding.Count()
                matrix = try OperandRounding.apply(to: matrix, allowed: allowed, count: &count)
                if let note = count.note(operand: option, allowed: allowed) { notes.append(note) }
            }
            return try CSV.integers(matrix, allowed: allowed)
        }
    }
}

/// `--round`: what hxtorch does with float operands, stated once. Each value is rounded half
/// away from zero (2.5 → 3, −2.5 → −3, 0.49 → 0) and then clamped to the chip's range. NaN and
/// infinities stay errors: there is no sensible code for them.
enum OperandRounding {
    /// How many values rounding and clamping saw and changed (summed over the chunks of a
    /// streamed operand).
    struct Count: Equatable {
        var values = 0
        var rounded = 0
        var clamped = 0

        /// `--round changed 12 of 400 weights (3 clamped to -63…63)`, or nil when nothing
        /// changed.
        func note(operand: String, allowed: ClosedRange<Int>) -> String? {
            guard rounded + clamped > 0 else { return nil }
            return "--round changed \(HumanFormat.count(rounded + clamped)) of "
                + "\(HumanFormat.count(values)) \(operand) (\(HumanFormat.count(clamped)) "
                + "clamped to \(ValueText.range(allowed)))"
        }
    }

    /// Rounds and clamps every value of `matrix` into `allowed`, adding to `count`.
    /// - Parameter firstRow: the row of `matrix`'s first row in its file, for errors.
    /// - Throws: ``IOError/notIntegral(row:column:value:)`` for NaN or an infinity.
    static func apply(
        to matrix: Matrix<Double>, allowed: ClosedRange<Int>, firstRow: Int = 0,
        count: inout Count
    ) throws -> Matrix<Double> {
        var storage = matrix.storage
        let (low, high) = (Double(allowed.lowerBound), Double(allowed.upperBound))
        for index in storage.indices {
            let value = storage[index]
            guard value.isFinite else {
                throw IOError.notIntegral(
                    row: firstRow + index / max(1, matrix.columns),
                    column: index % max(1, matrix.columns), value: value)
            }
            let whole = value.rounded(.toNearestOrAwayFromZero)
            let inside = min(max(whole, low), high)
            if inside != whole {
                count.clamped += 1
            } else if whole != value {
                count.rounded += 1
            }
            storage[index] = inside
        }
        count.values += storage.count
        return try Matrix(rows: matrix.rows, columns: matrix.columns, storage: storage)
    }
}

/// `--out` and `--header`: where a command writes its matrix result.
struct MatrixOutputOptions: ParsableArguments {
    @Option(valueName: "FILE", help: matrixOutputHelp) var out: String?
    @Flag(help: "start CSV output with a header line naming the columns") var header = false

    /// The checked target of `--out` (standard output when absent or `-`): call it before the
    /// work.
    func target() throws -> OutputTarget {
        let target = try MatrixTarget.output(out.map { try absoluteOrStream($0, option: "out") })
        if header, let path = target.path, try MatrixFileFormat(path: path).layout != .csv {
            throw ArgumentError.requiresOption("header", requires: "CSV output")
        }
        return target
    }

    /// `columns` when `--header` was given, else nil: the `csvHeader` of the writer.
    func csvHeader(_ columns: [String]) -> [String]? { header ? columns : nil }
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

/// An output option's path made absolute (``absolutePath(_:option:mustExist:)``), or `-` for
/// standard output as it is.
func absoluteOrStream(_ path: String, option: String) throws -> String {
    path == MatrixTarget.standardStream ? path : try absolutePath(path, option: option)
}

/// The checked file target of a command's `--svg` plot (nil without `--svg`), for a command
/// that writes its result to `out`: a file (not standard output) that is neither `out` nor one
/// of `inputs`. Commands call it before any work, so that nothing runs with a bad `--svg`.
func svgPlotTarget(
    _ svg: String?, besides out: OutputTarget, inputs: [OutputTarget.NamedPath]
) throws -> OutputTarget? {
    let target = try svg.map {
        try OutputTarget.file(
            absolutePath($0, option: "svg"), operand: "--svg", allowsStandardOutput: false)
    }
    try OutputTarget.refuseOverlaps(
        outputs: [("--out", out.path), ("--svg", target?.path)], inputs: inputs)
    return target
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

/// `--task` and `--data`: the task whose data set a saved model is evaluated on, and where its
/// data are.
struct EvaluatedTaskOptions: ParsableArguments {
    @Option(
        valueName: "TASK",
        help: "the task whose data set is evaluated: " + Tasks.names.joined(separator: ", "))
    var task: String
    @Option(valueName: "DIR", help: DataLocation.helpText) var data: String?

    /// The task `--task` names.
    /// - Throws: ``ArgumentError/invalidChoice(option:got:choices:)`` listing the tasks.
    func selected() throws -> any ExperimentTask {
        guard Tasks.names.contains(task) else {
            throw ArgumentError.invalidChoice(option: "task", got: task, choices: Tasks.names)
        }
        return try Tasks.named(task)
    }

    /// The folders searched for the data set: `--data`, else the default roots.
    var location: DataLocation { DataLocation(explicit: data) }
}

/// `--accept-mixed-builds`: whether results of different builds may be combined (sweeps).
struct MixedBuildsOptions: ParsableArguments {
    @Flag(
        help:
            "combine records computed by different builds, BLAS kernels or CPUs (refused by "
            + "default: their results can differ)")
    var acceptMixedBuilds = false
}
