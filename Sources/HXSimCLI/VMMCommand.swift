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
    @Option(
        valueName: "FILE",
        help: "write the result here (atomically), .csv or .npy by the extension; - is stdout")
    var out: String?
    @Option(
        valueName: "FILE", help: "run on the chip calibrated by this result of `hxsim calibrate`")
    var calibration: String?
    @Flag(
        help:
            "correct the outputs with the calibration's digital fit, rounding with dither (needs "
            + "--calibration)")
    var digitalCorrection = false

    func run(_ context: CommandContext) throws {
        _ = try MatrixTarget.outputFormat(for: out)
        let (inputs, weights) = try operands.read()
        var chip = try self.chip.chip()
        var calibration: CalibrationResult?
        if let path = self.calibration {
            calibration = try CalibrationResult(
                contentsOf: absolutePath(path, option: "calibration", mustExist: true))
            try calibration?.apply(to: &chip)
            if let warning = calibration?.stalenessWarning(for: chip) {
                context.err(warning + "\n")
            }
        }
        let result = try chip.vmm(
            inputs: inputs, weights: weights,
            options: numerics.applied(to: timing.executionOptions))
        var outputs = result.outputs
        if digitalCorrection {
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
        try emit(outputs, to: out, context: context)
    }
}
