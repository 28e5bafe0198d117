import Foundation
import HXIO
import HXNumerics
import HXPhysics

/// What calibration does with a chip: only what an experimenter can do on the real one. It
/// sets configuration cells, writes weights, sends input vectors (both hemispheres in one
/// execution, many trials per batch) and reads CADC codes. Every chip error becomes a
/// ``CalibrationError/chipFailed(step:reason:)`` naming the step.
///
/// Values are per column of the chip, flat: index hemisphere · 256 + column.
struct ChipProbe {
    /// The step, for error messages.
    var step: String
    /// Counts the batches and CADC reads sent.
    var batches = 0
    /// Advanced by one for every batch or CADC read, if given.
    var progress: ProgressReporter?

    static let hemispheres = ChipGeometry.hemispheres
    static let columns = ChipGeometry.columnsPerHemisphere
    static let rows = ChipGeometry.signedInputsPerHemisphere
    /// Columns of a whole chip.
    static let instances = hemispheres * columns

    /// A probe for `step`, reporting every batch to `progress`.
    init(step: String, progress: ProgressReporter? = nil) {
        self.step = step
        self.progress = progress
    }

    /// Counts one batch or CADC read.
    mutating func count() {
        batches += 1
        progress?.advance()
    }

    /// Runs `body`, turning the chip's errors into calibration errors.
    func chip<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as CalibrationError {
            throw error
        } catch {
            throw CalibrationError.chipFailed(step: step, reason: "\(error)")
        }
    }

    /// Writes `weights` (rows × 256) to both hemispheres.
    func write(_ weights: Matrix<Int>, to chip: inout Chip) throws {
        try self.chip {
            for h in 0..<Self.hemispheres { try chip.writeWeights(weights, hemisphere: h) }
        }
    }

    /// Sets a per-column cell of both hemispheres to `values` (flat, 512).
    func setColumns(
        _ field: WritableKeyPath<HemisphereConfiguration, [Int]>, to values: [Int],
        on chip: inout Chip
    ) throws {
        var configuration = chip.configuration
        for h in 0..<Self.hemispheres {
            configuration.hemispheres[h][keyPath: field] = Array(
                values[(h * Self.columns)..<((h + 1) * Self.columns)])
        }
        try self.chip { try chip.configure(configuration) }
    }

    /// Sets a per-hemisphere cell to `values` (one per hemisphere).
    func setGlobal(
        _ field: WritableKeyPath<HemisphereConfiguration, Int>, to values: [Int],
        on chip: inout Chip
    ) throws {
        var configuration = chip.configuration
        for h in 0..<Self.hemispheres { configuration.hemispheres[h][keyPath: field] = values[h] }
        try self.chip { try chip.configure(configuration) }
    }

    /// A per-column cell of both hemispheres, flat.
    static func columns(
        _ field: KeyPath<HemisphereConfiguration, [Int]>, of chip: Chip
    ) -> [Int] {
        chip.configuration.hemispheres.flatMap { $0[keyPath: field] }
    }

    /// Sends every pattern (a row of `patterns`, each vector `numSends` times with events
    /// `waitBetweenEvents` FPGA cycles apart) `trials` times to both hemispheres in one batch and
    /// returns, per hemisphere, the outputs (patterns · trials × columns, pattern
    /// p's trials in rows p · trials ..< (p + 1) · trials) and, when asked, the raw baseline
    /// codes.
    mutating func run(
        _ patterns: Matrix<UInt8>, trials: Int, on chip: inout Chip, rawReads: Bool = false,
        numSends: Int = 1, waitBetweenEvents: Int = 5
    ) throws -> (outputs: [Matrix<Int8>], baselines: [Matrix<UInt8>]) {
        var storage = [UInt8]()
        storage.reserveCapacity(patterns.rows * trials * patterns.columns)
        for p in 0..<patterns.rows {
            let row = patterns.row(p)
            for _ in 0..<trials { storage.append(contentsOf: row) }
        }
        count()
        return try self.chip {
            let batch = try Matrix(
                rows: patterns.rows * trials, columns: patterns.columns, storage: storage)
            let result = try chip.execute(
                inputs: [batch, batch],
                options: ExecutionOptions(
                    numSends: numSends, waitBetweenEvents: waitBetweenEvents,
                    includeRawReads: rawReads))
            var outputs: [Matrix<Int8>] = []
            var baselines: [Matrix<UInt8>] = []
            for h in 0..<Self.hemispheres {
                guard let output = result.outputs[h] else {
                    throw CalibrationError.chipFailed(step: step, reason: "no outputs")
                }
                outputs.append(output)
                if rawReads, let baseline = result.baselineCodes[h] { baselines.append(baseline) }
            }
            return (outputs, baselines)
        }
    }

    /// The mean output of every column for each pattern: [pattern][flat column].
    mutating func meanOutputs(
        _ patterns: Matrix<UInt8>, trials: Int, on chip: inout Chip
    ) throws -> [[Double]] {
        let outputs = try run(patterns, trials: trials, on: &chip).outputs
        return Self.means(
            outputs.map { $0.map { Double($0) } }, patterns: patterns.rows, trials: trials)
    }

    /// Per pattern and flat column, the mean over trials of per-hemisphere matrices laid out as
    /// ``run(_:trials:on:rawReads:)`` returns them.
    static func means(_ values: [Matrix<Double>], patterns: Int, trials: Int) -> [[Double]] {
        var result = Array(repeating: [Double](repeating: 0, count: instances), count: patterns)
        for (h, matrix) in values.enumerated() {
            for p in 0..<patterns {
                for t in 0..<trials {
                    let b = p * trials + t
                    for j in 0..<columns { result[p][h * columns + j] += matrix[b, j] }
                }
            }
        }
        let scale = 1 / Double(trials)
        return result.map { $0.map { $0 * scale } }
    }

    /// The mean baseline code of every column at zero input over `trials` (needs weights of
    /// `rows` rows written).
    mutating func meanBaselines(trials: Int, rows: Int, on chip: inout Chip) throws -> [Double] {
        let zero = Matrix<UInt8>(rows: 1, columns: rows, repeating: 0)
        let baselines = try run(zero, trials: trials, on: &chip, rawReads: true).baselines
        guard baselines.count == Self.hemispheres else {
            throw CalibrationError.chipFailed(step: step, reason: "no raw reads")
        }
        return Self.means(baselines.map { $0.map { Double($0) } }, patterns: 1, trials: trials)[0]
    }

    /// The mean CADC code of every channel with the reference cell at `cell` connected to all
    /// channels, over `reads` reads.
    mutating func meanCADC(cell: Int, reads: Int, on chip: inout Chip) throws -> [Double] {
        count()
        return try self.chip {
            var means = [Double](repeating: 0, count: Self.instances)
            for h in 0..<Self.hemispheres {
                let codes = try chip.readCADC(referenceCell: cell, hemisphere: h, reads: reads)
                for r in 0..<reads {
                    for j in 0..<Self.columns { means[h * Self.columns + j] += Double(codes[r, j]) }
                }
            }
            return means.map { $0 / Double(reads) }
        }
    }
}
