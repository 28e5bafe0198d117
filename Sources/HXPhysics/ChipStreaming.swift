import HXIO
import HXNumerics

/// What ``Chip/streamVMM(inputs:weights:to:options:chunkRows:correction:progress:)`` did.
public struct StreamedVMMSummary: Sendable, Equatable {
    /// Input rows read and output rows written.
    public var rows: Int
    /// Chunks run.
    public var chunks: Int
    /// The trial of the first input vector (vector b is trial `firstTrial + b`), as for one
    /// execution of the whole batch.
    public var firstTrial: UInt64
    /// Projected time of the whole batch on the real chip, in seconds.
    public var projectedTime: Double
}

extension Chip {
    /// The default memory budget of a streamed VMM: 200 MB for the whole process.
    public static let defaultStreamingBudgetBytes = 200_000_000

    /// The largest chunk a streamed VMM uses: beyond a few thousand rows, larger chunks are no
    /// faster (the fast path works in chunks of 128 rows anyway).
    public static let maximumStreamingChunkRows = 4096

    /// Streamed chunks are a multiple of this many rows: the fast path's own chunk, so that
    /// its matrix products group rows as in one execution of the whole batch. (OpenBLAS's
    /// kernels can round a row's product differently depending on how many rows share the
    /// call: on this project's Zen machine, 44 of 128 rows gave other bits than the same rows
    /// among 128.)
    public static var streamingChunkGranularity: Int { FastPath.maximumChunkSize }

    /// The smallest streamed chunk: the smallest batch that the fast path cuts into chunks of
    /// ``streamingChunkGranularity`` rows (1024).
    public static var minimumStreamingChunkRows: Int {
        var rows = streamingChunkGranularity
        while FastPath.chunkSize(batch: rows) < streamingChunkGranularity {
            rows += streamingChunkGranularity
        }
        return rows
    }

    /// The parts in which a batch of `units` units of `unitRows` rows each (a convolution's
    /// images and their patch rows, or single rows) runs when one VMM call should run about
    /// `partRows` rows at a time, as ranges of units.
    ///
    /// Parts begin at multiples of ``streamingChunkGranularity`` rows and hold at least
    /// ``minimumStreamingChunkRows``, and a last part that the fast path would cut into other
    /// chunks joins the one before, so that the fast path groups rows as in one execution of
    /// the whole batch: run one after another with continued trials, the parts give the codes
    /// of one execution bit for bit. A batch that fits one part (or has no rows) is one part.
    public static func parts(units: Int, unitRows: Int = 1, partRows: Int) -> [Range<Int>] {
        guard units > 0, unitRows > 0 else { return [0..<max(0, units)] }
        let granularity = streamingChunkGranularity
        var a = unitRows
        var b = granularity
        while b != 0 { (a, b) = (b, a % b) }
        // The fewest units whose rows are a multiple of the granularity.
        let step = granularity / a
        var perPart = max(1, partRows / (step * unitRows)) * step
        while perPart * unitRows < minimumStreamingChunkRows { perPart += step }
        guard perPart < units else { return [0..<units] }
        var ranges = Swift.stride(from: 0, to: units, by: perPart).map {
            $0..<min($0 + perPart, units)
        }
        if let last = ranges.last, ranges.count > 1,
            lastPartJoins(rows: last.count * unitRows, partRows: perPart * unitRows)
        {
            ranges.removeLast()
            ranges[ranges.count - 1] = ranges[ranges.count - 1].lowerBound..<units
        }
        return ranges
    }

    /// Whether a last part of `rows` rows joins the part before it (of `partRows` rows): when
    /// the fast path would cut it into other chunks than a full part, its products could round
    /// differently from those of one execution of the whole batch.
    static func lastPartJoins(rows: Int, partRows: Int) -> Bool {
        FastPath.chunkSize(batch: rows) != FastPath.chunkSize(batch: partRows)
    }

    /// The memory plan of a streamed VMM of `weights` (rows × columns) within `budgetBytes`:
    /// the fixed part is the fast path's precomputation of the weights and the workers'
    /// scratch; per row, every copy of an input row (text, `Double`, `Int`, chip format) and of
    /// an output row (codes, correction, text). The constants were measured with
    /// `benchmarks/memory/vmm-rss.sh` and carry a margin.
    /// - Throws: ``MemoryPlanError`` before any work if the budget or the machine is too small.
    public static func streamingPlan(
        weightRows: Int, weightColumns: Int, budgetBytes: Int = defaultStreamingBudgetBytes,
        baselineBytes: Int? = ProcessMemory.residentBytes,
        availableBytes: Int? = ProcessMemory.availableBytes
    ) throws -> MemoryPlan {
        let fixed = 24 << 20 + weightRows * weightColumns * 48
        let perRow = 2 * (26 * weightRows + 24 * weightColumns) + 256
        return try MemoryPlan(
            budgetBytes: budgetBytes, fixedBytes: fixed, bytesPerRow: perRow,
            maximumChunkRows: maximumStreamingChunkRows,
            minimumChunkRows: minimumStreamingChunkRows, granularity: streamingChunkGranularity,
            baselineBytes: baselineBytes, availableBytes: availableBytes,
            what: "VMM of \(weightRows) × \(weightColumns)")
    }

    /// One signed VMM of a batch read from `inputs` and written to `writer` a chunk of
    /// `chunkRows` rows at a time, so that memory does not grow with the batch.
    ///
    /// With `chunkRows` a multiple of ``streamingChunkGranularity`` and at least
    /// ``minimumStreamingChunkRows`` (as ``streamingPlan(weightRows:weightColumns:budgetBytes:baselineBytes:availableBytes:)``
    /// gives), the output is byte for byte that of one ``vmm(inputs:weights:options:traceColumn:traceSample:traceResolution:)``
    /// of the whole batch: each chunk continues the chip's trial counter (or
    /// `options.firstTrial`), the fast path groups rows for its matrix products as in one
    /// execution (a short last chunk joins the one before), and `correction` gets each chunk's
    /// first row and the batch's first trial, so that its dither is that of the whole batch.
    /// Other chunk sizes give the same trials and noise, but a few outputs may differ by the
    /// rounding of OpenBLAS's products. The writer is finished only when every chunk
    /// succeeded; on an error the target is left as it was.
    /// - Parameters:
    ///   - inputs: batch × rows activations 0…31 (a row out of range is an error naming its
    ///     0-based row and column in the file).
    ///   - correction: applied to each chunk's outputs: (outputs, first row, first trial).
    ///   - progress: progress lines (rows, share, rate, ETA) for stderr.
    /// - Throws: the errors of the reader, the writer and ``vmm(inputs:weights:options:traceColumn:traceSample:traceResolution:)``.
    public mutating func streamVMM(
        inputs: MatrixReader, weights: Matrix<Int>, to writer: MatrixWriter<Int8>,
        options: ExecutionOptions = ExecutionOptions(), chunkRows: Int,
        correction: ((Matrix<Int8>, Int, UInt64) throws -> Matrix<Int8>)? = nil,
        progress: (@Sendable (String) -> Void)? = nil
    ) throws -> StreamedVMMSummary {
        var firstTrial: UInt64?
        var projectedTime = 0.0
        let summary = try StreamingRun.run(
            reader: inputs, writer: writer, chunkRows: chunkRows, label: "vmm",
            progress: progress,
            mergesFinalChunk: { Self.lastPartJoins(rows: $0, partRows: chunkRows) }
        ) { chunk, firstRow in
            let activations = try Self.activations(chunk, firstRow: firstRow)
            var chunkOptions = options
            if let first = options.firstTrial {
                chunkOptions.firstTrial = first &+ UInt64(firstRow)
            }
            let result = try vmm(inputs: activations, weights: weights, options: chunkOptions)
            let batchTrial = firstTrial ?? result.firstTrial
            firstTrial = batchTrial
            projectedTime += result.projectedTime
            return try correction?(result.outputs, firstRow, batchTrial) ?? result.outputs
        }
        return StreamedVMMSummary(
            rows: summary.rows, chunks: summary.chunks, firstTrial: firstTrial ?? nextTrial,
            projectedTime: projectedTime)
    }

    /// A chunk of activations as integers 0…31, or the error naming the first bad element by
    /// its row in the whole file.
    static func activations(_ chunk: Matrix<Double>, firstRow: Int) throws -> Matrix<Int> {
        var values = [Int](repeating: 0, count: chunk.count)
        let allowed = 0...ChipGeometry.maxInput
        for (index, value) in chunk.storage.enumerated() {
            guard value >= 0, value <= Double(ChipGeometry.maxInput), value.rounded() == value
            else {
                let row = firstRow + index / chunk.columns
                let column = index % chunk.columns
                if value.isFinite && value.rounded() == value {
                    throw IOError.valueOutOfRange(
                        row: row, column: column, value: value, allowed: allowed)
                }
                throw IOError.notIntegral(row: row, column: column, value: value)
            }
            values[index] = Int(value)
        }
        return try Matrix(rows: chunk.rows, columns: chunk.columns, storage: values)
    }
}
