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
    @OptionGroup var output: MatrixOutputOptions
    @OptionGroup var calibrationFile: CalibrationOptions
    @Flag(
        help:
            "correct the outputs with the calibration's digital fit, rounding with dither (needs "
            + "--calibration)")
    var digitalCorrection = false

    func run(_ context: CommandContext) throws {
        _ = try MatrixTarget.outputFormat(for: output.out)
        let started = ProcessInfo.processInfo.systemUptime
        let (inputs, weights, notes) = try operands.read()
        for note in notes { context.progress("vmm: \(note)\n") }
        var chip = try self.chip.chip()
        let calibration = try calibrationFile.apply(to: &chip)
        let options = numerics.applied(to: timing.executionOptions)
        let result = try ChunkedVMM.run(
            chip: &chip, inputs: inputs, weights: weights, options: options, context: context)
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
        try output.write(
            outputs, columns: (0..<outputs.columns).map { "column_\($0)" }, context: context)
        let build = VMMRecord.build
        let record = VMMRecord(
            hxsim: build.version, commit: build.commit, blasKernel: build.kernel,
            inputs: operands.inputs, weights: operands.weights, output: output.out ?? "-",
            calibration: calibrationFile.calibration, batch: inputs.rows, rows: weights.rows,
            columns: weights.columns, chipSeed: chip.seed,
            parameterFingerprint: chip.parameters.fingerprint, numSends: options.numSends,
            waitBetweenEvents: options.waitBetweenEvents, integrator: options.integrator.rawValue,
            digitalCorrection: digitalCorrection, rounded: operands.round,
            firstTrial: result.firstTrial, projectedSeconds: result.projectedTime,
            projectedSecondsPerVector: result.projectedTime / Double(max(1, inputs.rows)),
            hostSeconds: ProcessInfo.processInfo.systemUptime - started)
        context.progress("vmm: \(record.summary)\n")
        if let file = output.file {
            try FileIO.writeAtomically(JSON.encode(record), to: VMMRecord.path(for: file))
        }
    }
}
