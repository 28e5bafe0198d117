import Foundation
import HXNumerics

/// Where a command reads a matrix operand from and writes a matrix result to, decided in one
/// place: `-` is standard input or standard output, anything else a file whose extension
/// chooses the format (`.csv`, `.npy`, either with `.gz`; see ``MatrixFileFormat``).
public enum MatrixTarget {
    /// The name that stands for standard input or standard output.
    public static let standardStream = "-"

    /// The output a command writes a matrix to, checked before any work: `path` nil or `-` is
    /// standard output (CSV), anything else a file under ``OutputTarget``'s rules whose
    /// extension names a writable format (``MatrixFileFormat/forWriting(path:)``).
    /// - Throws: ``IOError/outputRefused(operand:path:reason:)``, or
    ///   ``IOError/unsupportedExtension(path:supported:)`` in an ``IOError/context(_:_:)``
    ///   naming `operand`.
    public static func output(
        _ path: String?, operand: String = "--out", allowsStandardOutput: Bool = true
    ) throws -> OutputTarget {
        let target = try OutputTarget.file(
            path ?? standardStream, operand: operand, allowsStandardOutput: allowsStandardOutput)
        if let file = target.path {
            do { _ = try MatrixFileFormat.forWriting(path: file) } catch let error as IOError {
                throw IOError.context(operand, error)
            }
        }
        return target
    }

    /// Writes `matrix` to `target` in the format its name says (see ``MatrixWriter``):
    /// standard output as CSV text through `standardOutput`, a file atomically (a NumPy file
    /// keeps the element type: `|i1` for int8 codes, `<f8` for doubles). `csvHeader` names the
    /// columns of CSV output.
    public static func write<Element: NumPyElement & LosslessStringConvertible>(
        _ matrix: Matrix<Element>, to target: OutputTarget, csvHeader: [String]? = nil,
        standardOutput: @escaping (String) -> Void
    ) throws {
        let writer = try MatrixWriter<Element>(target: target, csvHeader: csvHeader) {
            standardOutput(String(decoding: $0, as: UTF8.self))
        }
        try writer.append(matrix)
        try writer.finish()
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
        return try reader(
            from: source, allowNonFinite: allowNonFinite, limits: .matrix,
            standardInput: standardInput
        ).readAll()
    }

    /// A reader of the rows of a matrix operand a chunk at a time (``MatrixReader``): a file by
    /// its extension, or, for `-`, the bytes of `standardInput`, recognised by their first
    /// bytes as NumPy (`\x93NUMPY`), gzip (then its content likewise) or CSV text.
    public static func reader(
        from source: String, allowNonFinite: Bool = false, limits: ReadLimits = .streaming,
        standardInput: () throws -> Data = { FileHandle.standardInput.readDataToEndOfFile() }
    ) throws -> MatrixReader {
        guard source == standardStream else {
            return try MatrixReader(path: source, allowNonFinite: allowNonFinite, limits: limits)
        }
        let data = try standardInput()
        let compressed = data.starts(with: [0x1F, 0x8B])
        let content = compressed ? try Gzip.decompress(data, source: standardInputName) : data
        let format = try MatrixFileFormat.forWriting(
            path: content.starts(with: NumPy.magic) ? "-.npy" : "-.csv")
        return try MatrixReader(
            data: content, format: format, source: standardInputName,
            allowNonFinite: allowNonFinite, limits: limits)
    }

    /// How errors name standard input.
    static let standardInputName = "<standard input>"
}
