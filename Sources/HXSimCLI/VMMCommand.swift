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
        ],
        flags: [
            FlagSpec(
                "digital-correction",
                help:
                    "correct the outputs with the calibration's digital fit, rounding with "
                    + "dither (needs --calibration)")
        ])

    static func run(_ arguments: ParsedArguments, output: CommandOutput) throws {
        _ = try MatrixTarget.outputFormat(for: arguments.optionalString("out"))
        let (inputs, weights) = try CommonOptions.operands(arguments)
        var chip = try CommonOptions.chip(arguments)
        var calibration: CalibrationResult?
        if try arguments.optionalString("calibration") != nil {
            calibration = try CalibrationResult(
                contentsOf: arguments.path("calibration", mustExist: true))
            try calibration?.apply(to: &chip)
        }
        let result = try chip.vmm(
            inputs: inputs, weights: weights, options: CommonOptions.executionOptions(arguments))
        var outputs = result.outputs
        if try arguments.flag("digital-correction") {
            guard let calibration else {
                throw ArgumentError.missingRequired(option: "calibration", valueName: "FILE")
            }
            // Dithered rounding keyed by the chip and the batch's first trial: unbiased on
            // average, and the same codes for the same run.
            outputs = try calibration.correctVMM(
                outputs,
                ditherSeed: SeedSequence(chip.seed).seed(
                    SeedSequence.label("digital correction"), result.firstTrial))
        }
        try CommonOptions.emit(outputs, to: arguments.optionalString("out"), output: output)
    }
}
