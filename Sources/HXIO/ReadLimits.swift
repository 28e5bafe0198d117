/// How much HXSim reads from one input, stated once per kind of input.
///
/// Every reader stops at its limits with an error naming the file, so a huge, endless or
/// malicious input (a `.csv.gz` that expands a thousandfold, `/dev/zero`, a 400 MB line) ends in
/// a one-line message instead of exhausting memory. Readers that stream (``MatrixReader``) hold
/// one chunk at a time and bound only the line length and the decompression ratio.
public struct ReadLimits: Sendable, Equatable {
    /// The most bytes read from the file itself.
    public var maxFileBytes: Int
    /// The most bytes that gzip data may expand to.
    public var maxExpandedBytes: Int
    /// The largest ratio of expanded to compressed bytes accepted from gzip data, checked once
    /// more than ``ratioGraceBytes`` have come out. Deflate cannot exceed about 1032; real
    /// numeric files stay far below 100, a "decompression bomb" sits near the maximum.
    public var maxCompressionRatio: Int
    /// The longest line of a text format (CSV, JSON Lines), in bytes.
    public var maxLineBytes: Int
    /// The most values of a matrix read whole (a CSV of one-digit numbers holds a value per two
    /// bytes, each of which takes eight as a `Double`).
    public var maxElements: Int

    /// Output below this size is never refused for its ratio: small files of zeros compress
    /// extremely well and are harmless.
    public static let ratioGraceBytes = 1 << 20

    /// Limits with the given values.
    public init(
        maxFileBytes: Int, maxExpandedBytes: Int, maxCompressionRatio: Int, maxLineBytes: Int,
        maxElements: Int = 1 << 24
    ) {
        self.maxFileBytes = maxFileBytes
        self.maxExpandedBytes = maxExpandedBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.maxLineBytes = maxLineBytes
        self.maxElements = maxElements
    }

    private static let mebibyte = 1 << 20

    /// A matrix file read whole (weights, a CSV or `.npy` given to a library call): 256 MiB
    /// before and after decompression, 2²⁴ values (128 MiB as `Double`). Larger batches are
    /// streamed (``MatrixReader``).
    public static let matrix = ReadLimits(
        maxFileBytes: 256 * mebibyte, maxExpandedBytes: 256 * mebibyte, maxCompressionRatio: 500,
        maxLineBytes: 16 * mebibyte)

    /// A matrix file read in chunks: no bound on the total, only on one line and on the ratio.
    public static let streaming = ReadLimits(
        maxFileBytes: .max, maxExpandedBytes: .max, maxCompressionRatio: 500,
        maxLineBytes: 16 * mebibyte)

    /// A JSON document (parameters, calibration results, sweep specifications, model files):
    /// 64 MiB, far above any file HXSim writes.
    public static let document = ReadLimits(
        maxFileBytes: 64 * mebibyte, maxExpandedBytes: 64 * mebibyte, maxCompressionRatio: 500,
        maxLineBytes: 64 * mebibyte)

    /// A JSON Lines results file: 1 GiB in all, 1 MiB per record.
    public static let records = ReadLimits(
        maxFileBytes: 1024 * mebibyte, maxExpandedBytes: 1024 * mebibyte,
        maxCompressionRatio: 500, maxLineBytes: mebibyte)

    /// A data set file (MNIST, UCI HAR, time series): 1 GiB before and after decompression.
    public static let dataset = ReadLimits(
        maxFileBytes: 1024 * mebibyte, maxExpandedBytes: 1024 * mebibyte,
        maxCompressionRatio: 500, maxLineBytes: 64 * mebibyte)

    /// A byte count as people read it (`256 MiB`, `1.5 GiB`, `512 bytes`).
    public static func describe(bytes: Int) -> String {
        if bytes == .max { return "no limit" }
        let units: [(Int, String)] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        for (size, unit) in units where bytes >= size {
            let value = Double(bytes) / Double(size)
            return value == value.rounded()
                ? "\(Int(value)) \(unit)" : "\((value * 10).rounded() / 10) \(unit)"
        }
        return "\(bytes) bytes"
    }
}
