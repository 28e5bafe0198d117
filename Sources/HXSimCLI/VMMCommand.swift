import Foundation
import HXCalibration
import HXIO
import HXNumerics
import HXPhysics

/// `hxsim vmm`: one signed VMM of a batch on a simulated chip.
enum VMMCommand: Subcommand {
    static let spec = CommandSpec(
        name: "vmm",
        summary: "multiply a batch of input vectors by a signed weight matrix on a simulated chip",
        options: [
            CommonOptions.inputs, CommonOptions.weights, CommonOptions.seed, CommonOptions.params,
            CommonOptions.numSends, CommonOptions.wait, CommonOptions.integrator,
            CommonOptions.threads, CommonOptions.out,
            OptionSpec(
                "calibration", valueName: "FILE",
                help: "run on the chip calibrated by this result of `hxsim calibrate`"),
            OptionSpec(
                "max-memory", valueName: "MB",
                help:
                    "memory budget of the whole process in MB: the batch is read, simulated and "
                    + "written in chunks that fit it",
                default: "\(Chip.defaultStreamingBudgetBytes / 1_000_000)"),
        ],
        flags: [
            FlagSpec(
                "digital-correction",
                help:
                    "correct the outputs with the calibration's digital fit, rounding with "
                    + "dither (needs --calibration)"),
            FlagSpec("quiet", help: "no progress lines on stderr"),
        ])

    static func run(_ arguments: ParsedArguments, output: CommandOutput) throws {
        // Outputs and settings first: nothing below runs with a bad --out.
        let target = try CommonOptions.outputTarget(arguments)
        let digitalCorrection = try arguments.flag("digital-correction")
        let calibrationPath = try arguments.optionalString("calibration")
        if digitalCorrection && calibrationPath == nil {
            throw ArgumentError.missingRequired(option: "calibration", valueName: "FILE")
        }
        let options = try CommonOptions.executionOptions(arguments)
        let budget = try arguments.int("max-memory", in: 1...1_000_000_000) * 1_000_000
        let inputsPath = CommonOptions.expandingTilde(try arguments.string("inputs"))
        let weights = try CommonOptions.integerMatrix(
            operand: "--weights", path: arguments.string("weights"),
            allowed: -ChipGeometry.maxWeight...ChipGeometry.maxWeight)
        var chip = try CommonOptions.chip(arguments)
        var calibration: CalibrationResult?
        if let calibrationPath {
            let path = CommonOptions.expandingTilde(calibrationPath)
            calibration = try CommonOptions.reading("--calibration", path: path) {
                try CalibrationResult(contentsOf: path)
            }
            try calibration?.apply(to: &chip)
        }
        // The plan from the shapes: a budget too small, or a machine without the memory, is
        // reported here, before the work.
        let plan = try Chip.streamingPlan(
            weightRows: weights.rows, weightColumns: weights.columns, budgetBytes: budget)
        let reader = try CommonOptions.reading("--inputs", path: inputsPath) {
            try MatrixReader(path: inputsPath)
        }
        let writer = try MatrixWriter<Int8>(target: target) {
            output.out(String(decoding: $0, as: UTF8.self))
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
        let quiet = try arguments.flag("quiet")
        try CommonOptions.reading("--inputs", path: inputsPath) {
            _ = try chip.streamVMM(
                inputs: reader, weights: weights, to: writer, options: options,
                chunkRows: plan.chunkRows, correction: correction,
                progress: quiet ? nil : output.err)
        }
    }
}
