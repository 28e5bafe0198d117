import Foundation
import HXNumerics

/// The matrix file formats, chosen by a path's extension (case insensitive): `.csv` or `.npy`,
/// either followed by `.gz` for gzip compression.
public struct MatrixFileFormat: Sendable, Equatable {
    /// The layout of the (decompressed) bytes.
    public enum Layout: Sendable, Equatable {
        case csv
        case npy
    }

    /// CSV or NumPy.
    public var layout: Layout
    /// Whether the file is gzip-compressed (`.gz`).
    public var compressed: Bool

    /// The extensions a reader accepts.
    public static let readableExtensions = [".csv", ".npy", ".csv.gz", ".npy.gz"]

    /// The format of `path` by its extension.
    /// - Throws: ``IOError/unsupportedExtension(path:supported:)``.
    public init(path: String) throws {
        var name = URL(fileURLWithPath: path).lastPathComponent.lowercased()
        compressed = name.hasSuffix(".gz")
        if compressed { name.removeLast(3) }
        if name.hasSuffix(".csv") {
            layout = .csv
        } else if name.hasSuffix(".npy") {
            layout = .npy
        } else {
            throw IOError.unsupportedExtension(path: path, supported: Self.readableExtensions)
        }
    }

    /// The extensions a writer accepts: the readable ones (see ``readableExtensions``).
    public static let writableExtensions = readableExtensions

    /// Comma-separated text, uncompressed: what standard output receives.
    public static let plainCSV = MatrixFileFormat(layout: .csv, compressed: false)

    /// The format a writer uses for `path`, by its extension as a reader reads it: `.npy` for
    /// NumPy, `.csv` for CSV, either with a further `.gz` for gzip. Any other name is refused, so
    /// that a result is never written in a format its name does not say.
    /// - Throws: ``IOError/unsupportedExtension(path:supported:)``.
    public static func forWriting(path: String) throws -> MatrixFileFormat {
        try MatrixFileFormat(path: path)
    }

    private init(layout: Layout, compressed: Bool) {
        self.layout = layout
        self.compressed = compressed
    }
}

/// Reads a matrix from a `.csv` or `.npy` file, chosen by the file's extension (case
/// insensitive). A further `.gz` (`weights.csv.gz`) is decompressed first.
///
/// The file is read whole, within ``ReadLimits/matrix`` (before and after decompression); use
/// ``MatrixReader`` to stream larger ones. CSV files are read without a header (see ``CSV``);
/// 1-D `.npy` arrays become 1 × n rows (see ``NumPy``). An empty matrix is an error in every
/// format. NaN and infinities are rejected unless `allowNonFinite` is set.
/// - Throws: ``IOError/unsupportedExtension(path:supported:)`` for any other extension, and the
///   errors of the reader.
public func readMatrix(
    path: String, allowNonFinite: Bool = false, limits: ReadLimits = .matrix
) throws -> Matrix<Double> {
    let format = try MatrixFileFormat(path: path)
    let raw = try FileIO.read(path: path, maxBytes: limits.maxFileBytes)
    let data = format.compressed ? try Gzip.decompress(raw, source: path, limits: limits) : raw
    switch format.layout {
    case .csv:
        return try CSV.parse(data, source: path, allowNonFinite: allowNonFinite, limits: limits)
            .matrix
    case .npy:
        return try NumPy.decodeMatrix(
            data, source: path, allowNonFinite: allowNonFinite, limits: limits)
    }
}
