import Foundation
import HXArguments
import HXBuildInfo
import HXIO
import HXNumerics
import HXPhysics

/// A VMM of a whole batch run in chunks of rows, so that a long run can report progress. The
/// chunks continue the chip's trial counter, so vector b is trial `firstTrial + b` as in one
/// call; chunk boundaries are multiples of ``alignment`` rows and a short last chunk joins the
/// one before, which keeps the fast path's products on the row blocks of one call: the codes
/// are those of one call, byte for byte (checked by the tests for both integrators).
enum ChunkedVMM {
    /// Chunk boundaries are multiples of this many rows.
    static let alignment = 1024
    /// Rows per chunk: the fast path does ~10⁵ vectors a second, the GSL reference ~10.
    static func chunkRows(for integrator: Integrator) -> Int {
        integrator == .gsl ? 8 : 8 * alignment
    }

    /// The row ranges of a batch of `batch` rows in chunks of about `chunk` rows (a multiple of
    /// ``alignment`` unless the batch is one chunk).
    static func chunks(batch: Int, chunk: Int) -> [Range<Int>] {
        guard batch > chunk, chunk > 0 else { return [0..<batch] }
        var ranges: [Range<Int>] = []
        var start = 0
        while start < batch {
            var end = min(batch, start + chunk)
            // A short tail joins the chunk before it.
            if batch - end < chunk / 2 { end = batch }
            ranges.append(start..<end)
            start = end
        }
        return ranges
    }

    /// The outputs of the batch, the trial of its first vector and its projected time on the
    /// real chip (s).
    struct Result {
        var outputs: Matrix<Int8>
        var firstTrial: UInt64
        var projectedTime: Double
    }

    /// `chip.vmm` over the batch in chunks, with a progress line per second on `progress`
    /// (vectors done, rate, ETA) when there is more than one chunk.
    static func run(
        chip: inout Chip, inputs: Matrix<Int>, weights: Matrix<Int>, options: ExecutionOptions,
        chunkRows: Int? = nil, context: CommandContext
    ) throws -> Result {
        let size = chunkRows ?? Self.chunkRows(for: options.integrator)
        let ranges = chunks(batch: inputs.rows, chunk: size)
        guard ranges.count > 1 else {
            let whole = try chip.vmm(inputs: inputs, weights: weights, options: options)
            return Result(
                outputs: whole.outputs, firstTrial: whole.firstTrial,
                projectedTime: whole.projectedTime)
        }
        var progress = context.progressReporter(label: "vmm", total: inputs.rows)
        var storage: [Int8] = []
        storage.reserveCapacity(inputs.rows * weights.columns)
        var firstTrial: UInt64?
        var projected = 0.0
        for range in ranges {
            let part = try chip.vmm(
                inputs: inputs.slice(rows: range, columns: 0..<inputs.columns), weights: weights,
                options: options)
            storage += part.outputs.storage
            projected += part.projectedTime
            if firstTrial == nil { firstTrial = part.firstTrial }
            progress.update(done: range.upperBound)
        }
        progress.finish()
        return Result(
            outputs: try Matrix(rows: inputs.rows, columns: weights.columns, storage: storage),
            firstTrial: firstTrial ?? chip.nextTrial, projectedTime: projected)
    }
}

/// What `hxsim vmm --out FILE` writes beside the result as `FILE.json`: how the result was made
/// and how long it would take on the real chip.
struct VMMRecord: Codable, Equatable {
    var format = "hxsim-vmm-run"
    var version = 1
    /// The build: version, git commit, BLAS kernel.
    var hxsim: String
    var commit: String
    var blasKernel: String
    /// The files, as given on the command line.
    var inputs: String
    var weights: String
    var output: String
    var calibration: String?
    /// Batch × rows times rows × columns.
    var batch: Int
    var rows: Int
    var columns: Int
    /// The chip and how it ran.
    var chipSeed: UInt64
    var parameterFingerprint: String
    var numSends: Int
    var waitBetweenEvents: Int
    var integrator: String
    var digitalCorrection: Bool
    var rounded: Bool
    /// The trial of the first vector (vector b is trial `firstTrial + b`).
    var firstTrial: UInt64
    /// Projected time of the batch on the real chip (events and fixed overhead per vector), s.
    var projectedSeconds: Double
    var projectedSecondsPerVector: Double
    /// Wall-clock seconds this simulation took on this machine (from reading the operands to
    /// the result; the only field that differs between runs).
    var hostSeconds: Double

    /// Where the record of `output` goes: `y.csv` → `y.csv.json`.
    static func path(for output: String) -> String { output + ".json" }
}

extension VMMRecord {
    /// `projected on the real chip: 4.10 ms for 100 vectors (41.0 µs each); simulated in 0.27 s`.
    var summary: String {
        "projected on the real chip: \(HumanFormat.seconds(projectedSeconds)) for "
            + "\(HumanFormat.count(batch)) vectors (\(HumanFormat.seconds(projectedSecondsPerVector)) "
            + "each, \(numSends) send\(numSends == 1 ? "" : "s"), wait \(waitBetweenEvents)); "
            + "simulated in \(HumanFormat.seconds(hostSeconds)) (\(integrator))"
    }

    /// The build's identity, for records.
    static var build: (version: String, commit: String, kernel: String) {
        (BuildInfo.version, BuildInfo.commit, BLAS.kernelName)
    }
}
