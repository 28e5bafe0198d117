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
    @Option(
        valueName: "MB",
        help:
            "memory budget of the whole process in MB: the batch is read, simulated and written "
            + "in chunks that fit it (default \(Chip.defaultStreamingBudgetBytes / 1_000_000), or "
            + "what the process already holds plus half of that when this is more, as in a "
            + "program that runs hxsim inside it)",
        in: 1...1_000_000_000)
    var maxMemory: Int?

    /// The budget in bytes: the given one, or the default for this process. A default that the
    /// process already exceeds would refuse every batch, so it grows with the resident set.
    var budgetBytes: Int {
        if let maxMemory { return maxMemory * 1_000_000 }
        let standard = Chip.defaultStreamingBudgetBytes
        return max(standard, (ProcessMemory.residentBytes ?? 0) + standard / 2)
    }

    /// Rows per chunk of the GSL reference, so that its progress comes every second or so: 8 at
    /// the default timing, fewer as the sends and the wait lengthen the execution each vector
    /// is integrated over (its cost grows about as numSends × wait: 255 sends 1023 cycles apart
    /// took 56 s a vector of 512 columns, against milliseconds at the defaults; release build,
    /// AMD EPYC), but one row per thread at least, so that every core has a vector. Its vectors
    /// do not depend on the chunking.
    static func gslChunkRows(numSends: Int, waitBetweenEvents: Int, threads: Int) -> Int {
        let standard = ChipGeometry.defaultNumSends * ChipGeometry.defaultWaitBetweenEvents
        return max(threads, 8 * standard / max(1, numSends * waitBetweenEvents))
    }

    func run(_ context: CommandContext) throws {
        // Outputs and settings first: nothing below runs with a bad --out or sidecar.
        let target = try output.target()
        let sidecar = try target.path.map {
            try OutputTarget.file(
                VMMRecord.path(for: $0), operand: "--out (its record)",
                allowsStandardOutput: false)
        }
        try OutputTarget.refuseOverlaps(
            outputs: [("--out", target.path), ("--out (its record)", sidecar?.path)],
            inputs: operands.inputFiles + chip.inputFiles + calibrationFile.inputFiles)
        if digitalCorrection && calibrationFile.calibration == nil {
            throw ArgumentError.missingRequired(option: "calibration", valueName: "FILE")
        }
        let options = numerics.applied(to: timing.executionOptions)
        try operands.checkStandardInput()
        let started = ProcessInfo.processInfo.systemUptime
        var notes: [String] = []
        let weights = try operands.integerMatrix(
            operand: "weights", path: operands.weights, allowed: ChipGeometry.weightRange,
            notes: &notes)
        try reading("--weights", path: operands.weights) {
            try Chip.checkVMMWeightShape(weights.shape)
        }
        var chip = try self.chip.chip()
        let calibration = try calibrationFile.apply(to: &chip, context: context)
        // The plan from the shapes: a budget too small, or a machine without the memory, is
        // reported here, before the work.
        let plan = try Chip.streamingPlan(
            weightRows: weights.rows, weightColumns: weights.columns,
            budgetBytes: budgetBytes)
        let inputs = operands.inputs
        let source = try absoluteOrStream(inputs, option: "inputs")
        if source != MatrixTarget.standardStream, !FileIO.exists(path: source) {
            throw ArgumentError.fileNotFound(option: "inputs", path: inputs)
        }
        let reader = try reading("--inputs", path: inputs) {
            try MatrixTarget.reader(from: source)
        }
        let rounding = RoundingTally()
        if operands.round {
            reader.chunkTransform = { chunk, firstRow in
                try OperandRounding.apply(
                    to: chunk, allowed: ChipGeometry.inputRange, firstRow: firstRow,
                    count: &rounding.count)
            }
        }
        let writer = try MatrixWriter<Int8>(
            target: target,
            csvHeader: output.csvHeader((0..<weights.columns).map { "column_\($0)" })
        ) {
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
        let gslRows = Self.gslChunkRows(
            numSends: options.numSends, waitBetweenEvents: options.waitBetweenEvents,
            threads: options.threads ?? Parallel.coreCount)
        let chunkRows =
            options.integrator == .gsl ? min(plan.chunkRows, gslRows) : plan.chunkRows
        let summary = try reading("--inputs", path: inputs) {
            try chip.streamVMM(
                inputs: reader, weights: weights, to: writer, options: options,
                chunkRows: chunkRows, correction: correction, progress: context.progressSink)
        }
        if let note = rounding.count.note(operand: "inputs", allowed: ChipGeometry.inputRange) {
            notes.insert(note, at: 0)
        }
        for note in notes { context.progress("vmm: \(note)\n") }
        let build = VMMRecord.build
        let record = VMMRecord(
            hxsim: build.version, commit: build.commit, blasKernel: build.kernel,
            inputs: operands.inputs, weights: operands.weights, output: output.out ?? "-",
            calibration: calibrationFile.calibration, batch: summary.rows, rows: weights.rows,
            columns: weights.columns, chipSeed: chip.seed,
            parameterFingerprint: chip.parameters.fingerprint, numSends: options.numSends,
            waitBetweenEvents: options.waitBetweenEvents, integrator: options.integrator.rawValue,
            digitalCorrection: digitalCorrection, rounded: operands.round,
            firstTrial: summary.firstTrial, projectedSeconds: summary.projectedTime,
            projectedSecondsPerVector: summary.projectedTime / Double(max(1, summary.rows)),
            hostSeconds: ProcessInfo.processInfo.systemUptime - started)
        context.progress("vmm: \(record.summary)\n")
        try sidecar?.write(JSON.encode(record)) { _ in }
    }
}

/// The rounding counts of a streamed operand, filled in by the reader's chunk transform.
private final class RoundingTally {
    var count = OperandRounding.Count()
}
