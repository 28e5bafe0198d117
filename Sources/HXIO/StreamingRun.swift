import Foundation
import HXNumerics

/// A computation over the rows of a matrix file, a chunk at a time: read a chunk, compute,
/// write the result, so that memory holds one chunk whatever the number of rows.
///
/// The output is the same bytes whatever the chunk size as long as the computation of a row
/// does not depend on the chunk it arrives in (the chip's trial counter continues from chunk
/// to chunk, which keeps that true for VMMs).
public enum StreamingRun {
    /// What a run did.
    public struct Summary: Sendable, Equatable {
        /// Rows read and written.
        public var rows: Int
        /// Chunks processed.
        public var chunks: Int
    }

    /// Runs `transform` over `reader`'s rows, `chunkRows` at a time, appending its results to
    /// `writer`, and finishes the writer (the output appears only when every row succeeded).
    ///
    /// The runner reads one chunk ahead: when the last chunk is shorter than `chunkRows` and
    /// `mergesFinalChunk` says so for its row count, it joins the chunk before it, so that the
    /// computation sees the batch sizes it would see without streaming (for computations whose
    /// rounding depends on how rows are grouped, such as a matrix product).
    /// - Parameters:
    ///   - transform: the chunk's rows and the index of its first row in the file.
    ///   - progress: where progress lines go (rows, share of the file, rate, ETA), every
    ///     `interval` seconds; nil for none.
    public static func run<Output>(
        reader: MatrixReader, writer: MatrixWriter<Output>, chunkRows: Int,
        label: String = "rows", progress: (@Sendable (String) -> Void)? = nil,
        interval: Double = 2,
        clock: @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime },
        mergesFinalChunk: (Int) -> Bool = { _ in false },
        transform: (Matrix<Double>, Int) throws -> Matrix<Output>
    ) throws -> Summary {
        precondition(chunkRows > 0, "a chunk holds at least one row")
        let start = clock()
        var lastReport = start
        var summary = Summary(rows: 0, chunks: 0)
        var ahead = try reader.next(maxRows: chunkRows)
        while var chunk = ahead {
            ahead = try reader.next(maxRows: chunkRows)
            if let last = ahead, last.rows < chunkRows, mergesFinalChunk(last.rows) {
                chunk = try Matrix(
                    rows: chunk.rows + last.rows, columns: chunk.columns,
                    storage: chunk.storage + last.storage)
                ahead = try reader.next(maxRows: chunkRows)
            }
            let output = try transform(chunk, summary.rows)
            try writer.append(output)
            summary.rows += chunk.rows
            summary.chunks += 1
            if let progress, clock() - lastReport >= interval {
                lastReport = clock()
                progress(
                    line(
                        label, rows: summary.rows, reader: reader, elapsed: lastReport - start,
                        more: ahead != nil))
            }
        }
        try writer.finish()
        if let progress, summary.chunks > 1 {
            progress(line(label, rows: summary.rows, reader: nil, elapsed: clock() - start))
        }
        return summary
    }

    /// `label: 120000 rows (35 %, 41000 rows/s, ETA 00:07)`, or the final line. Rows `more`
    /// than those done are still to come: when the file is read to its end already (a small CSV
    /// is buffered whole) its share says nothing of them, and the line gives the rate alone.
    static func line(
        _ label: String, rows: Int, reader: MatrixReader?, elapsed: Double, more: Bool = false
    ) -> String {
        let rate = elapsed > 0 ? Double(rows) / elapsed : 0
        let rateText = (elapsed > 0 ? ProgressReporter.formatRate(rate) : "-") + " rows/s"
        guard let reader else {
            return "\(label): \(rows) rows (\(rateText), took "
                + ProgressReporter.formatDuration(elapsed) + ")\n"
        }
        let fraction =
            reader.totalRows.map { Double(rows) / Double(max($0, 1)) } ?? reader.fractionRead
        if more, fraction >= 1 { return "\(label): \(rows) rows (\(rateText))\n" }
        let eta =
            fraction > 0
            ? ProgressReporter.formatDuration(elapsed * (1 - fraction) / fraction) : "--:--"
        return
            "\(label): \(rows) rows (\(Int((100 * fraction).rounded())) %, \(rateText), ETA \(eta))\n"
    }
}
