import Foundation
import HXArguments
import HXCalibration
import HXIO
import HXNumerics
import HXPhysics

/// `hxsim vmm`: one signed VMM of a batch on a simulated chip.
struct VMMCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "vmm",
            summary:
                "multiply a batch of input vectors by a signed weight matrix on a simulated chip")
    }

    @OptionGroup var operands: OperandOptions
    @OptionGroup var chip: ChipOptions
    @OptionGroup var timing: TimingOptions
    @OptionGroup var numerics: NumericsOptions
    @Option(valueName: "FILE", help: matrixOutputHelp) var out: String?
    @Option(
        valueName: "FILE", help: "run on the chip calibrated by this result of `hxsim calibrate`")
    var calibration: String?
    @Flag(
        help:
            "correct the outputs with the calibration's digital fit, rounding with dither (needs "
            + "--calibration)")
    var digitalCorrection = false
    @Option(
        valueName: "MB",
        help:
            "memory budget of the whole process in MB: the batch is read, simulated and written "
            + "in chunks that fit it",
        in: 1...1_000_000_000)
    var maxMemory = Chip.defaultStreamingBudgetBytes / 1_000_000
    @Flag(help: "no progress lines on stderr") var quiet = false

    func run(_ context: CommandContext) throws {
        // Outputs and settings first: nothing below runs with a bad --out.
        let target = try MatrixTarget.output(out.map { try absoluteOrStream($0, option: "out") })
        if digitalCorrection && calibration == nil {
            throw ArgumentError.missingRequired(option: "calibration", valueName: "FILE")
        }
        let options = numerics.applied(to: timing.executionOptions)
        if operands.inputs == MatrixTarget.standardStream
            && operands.weights == MatrixTarget.standardStream
        {
            throw IOError.invalidArgument(
                "--inputs and --weights cannot both be '-': standard input holds one matrix")
        }
        let weights = try OperandOptions.integerMatrix(
            operand: "weights", path: operands.weights, allowed: ChipGeometry.weightRange)
        var chip = try self.chip.chip()
        var calibration: CalibrationResult?
        if let given = self.calibration {
            let path = try absolutePath(given, option: "calibration", mustExist: true)
            calibration = try reading("--calibration", path: given) {
                try CalibrationResult(contentsOf: path)
            }
            try calibration?.apply(to: &chip)
            if let warning = calibration?.stalenessWarning(for: chip) {
                context.err(warning + "\n")
            }
        }
        // The plan from the shapes: a budget too small, or a machine without the memory, is
        // reported here, before the work.
        let plan = try Chip.streamingPlan(
            weightRows: weights.rows, weightColumns: weights.columns,
            budgetBytes: maxMemory * 1_000_000)
        let inputs = operands.inputs
        let source = try absoluteOrStream(inputs, option: "inputs")
        if source != MatrixTarget.standardStream, !FileIO.exists(path: source) {
            throw ArgumentError.fileNotFound(option: "inputs", path: inputs)
        }
        let reader = try reading("--inputs", path: inputs) {
            try MatrixTarget.reader(from: source)
        }
        let writer = try MatrixWriter<Int8>(target: target) {
            context.out(String(decoding: $0, as: UTF8.self))
        }
        var correction: ((Matrix<Int8>, Int, UInt64) throws -> Matrix<Int8>)?
        if digitalCorrection, let calibration {
            let seeds = SeedSequence(chip.seed)
            // Dithered rounding keyed by the chip and the batch's first trial: unbiased on
            // average, and the same codes for the same run however it is chunked.
            correction = { outputs, firstRow, firstTrial in
                try calibration.correctVMM(
                    outputs,
                    ditherSeed: seeds.seed(SeedSequence.label("digital correction"), firstTrial),
                    firstRow: firstRow)
            }
        }
        try reading("--inputs", path: inputs) {
            _ = try chip.streamVMM(
                inputs: reader, weights: weights, to: writer, options: options,
                chunkRows: plan.chunkRows, correction: correction,
                progress: quiet ? nil : context.output.err)
        }
    }
}
