import Foundation
import HXNumerics

/// Reads a matrix from a `.csv` or `.npy` file, chosen by the file's extension (case
/// insensitive). A further `.gz` (`weights.csv.gz`) is decompressed first.
///
/// CSV files are read without a header (see ``CSV``); 1-D `.npy` arrays become 1 × n rows (see
/// ``NumPy``). NaN and infinities are rejected unless `allowNonFinite` is set.
/// - Throws: ``IOError/unsupportedExtension(path:supported:)`` for any other extension, and the
///   errors of the reader.
public func readMatrix(path: String, allowNonFinite: Bool = false) throws -> Matrix<Double> {
    var name = URL(fileURLWithPath: path).lastPathComponent.lowercased()
    let compressed = name.hasSuffix(".gz")
    if compressed { name.removeLast(3) }
    let data: () throws -> Data = {
        let raw = try FileIO.read(path: path)
        return compressed ? try Gzip.decompress(raw, source: path) : raw
    }
    if name.hasSuffix(".csv") {
        return try CSV.parse(data(), source: path, allowNonFinite: allowNonFinite).matrix
    }
    if name.hasSuffix(".npy") {
        return try NumPy.decodeMatrix(data(), source: path, allowNonFinite: allowNonFinite)
    }
    throw IOError.unsupportedExtension(
        path: path, supported: [".csv", ".npy", ".csv.gz", ".npy.gz"])
}
