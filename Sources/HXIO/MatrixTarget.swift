import Foundation
import HXNumerics

/// Where a command reads a matrix operand from and writes a matrix result to, decided in one
/// place: `-` is standard input or standard output, anything else a file whose extension
/// chooses the format (`.csv`, `.npy`, and for reading also `.csv.gz`, `.npy.gz`).
public enum MatrixTarget {
    /// The name that stands for standard input or standard output.
    public static let standardStream = "-"

    /// The formats a matrix can be written in.
    public enum Format: String, Sendable, Equatable {
        /// Comma-separated text, one row per line.
        case csv
        /// A NumPy `.npy` file (version 1.0, C order, the element type's dtype).
        case npy
    }

    /// The extensions a result can be written to.
    public static let writableExtensions = [".csv", ".npy"]

    /// The format of a result written to `target`: CSV for nil or `-` (text on standard
    /// output), otherwise by the extension (case insensitive).
    /// - Throws: ``IOError/unsupportedExtension(path:supported:)`` for any other extension, so a
    ///   command can refuse a target before it does its work.
    public static func outputFormat(for target: String?) throws -> Format {
        guard let target, target != standardStream else { return .csv }
        let name = URL(fileURLWithPath: target).lastPathComponent.lowercased()
        if name.hasSuffix(".csv") { return .csv }
        if name.hasSuffix(".npy") { return .npy }
        throw IOError.unsupportedExtension(path: target, supported: writableExtensions)
    }

    /// Writes `matrix` to `target` in the format of ``outputFormat(for:)``: nil or `-` as CSV
    /// text through `standardOutput`, a file atomically (a NumPy file keeps the element type:
    /// `|i1` for int8 codes, `<f8` for doubles). `csvHeader` names the columns of CSV output.
    public static func write<Element: NumPyElement & Numeric & LosslessStringConvertible>(
        _ matrix: Matrix<Element>, to target: String?, csvHeader: [String]? = nil,
        standardOutput: (String) -> Void
    ) throws {
        switch try outputFormat(for: target) {
        case .csv:
            let text = try CSV.format(matrix, header: csvHeader)
            if let target, target != standardStream {
                try FileIO.writeAtomically(text, to: target)
            } else {
                standardOutput(text)
            }
        case .npy:
            try NumPy.write(matrix, to: target!)
        }
    }

    /// Reads a matrix operand from `source`: a file as ``readMatrix(path:allowNonFinite:)``
    /// reads it, or, for `-`, the bytes of `standardInput`, recognised by their first bytes as
    /// a NumPy file (`\x93NUMPY`), gzip (then its content likewise) or CSV text.
    public static func read(
        from source: String, allowNonFinite: Bool = false,
        standardInput: () throws -> Data = { FileHandle.standardInput.readDataToEndOfFile() }
    ) throws -> Matrix<Double> {
        guard source == standardStream else {
            return try readMatrix(path: source, allowNonFinite: allowNonFinite)
        }
        let name = "<standard input>"
        var data = try standardInput()
        if data.starts(with: [0x1F, 0x8B]) { data = try Gzip.decompress(data, source: name) }
        if data.starts(with: NumPy.magic) {
            return try NumPy.decodeMatrix(data, source: name, allowNonFinite: allowNonFinite)
        }
        return try CSV.parse(data, source: name, allowNonFinite: allowNonFinite).matrix
    }
}
