import Foundation
import HXNumerics

/// A numeric CSV file: an optional header of column names and the matrix of values.
public struct CSVContents: Sendable, Equatable {
    /// The column names of the header line, if the file was read with a header.
    public var header: [String]?
    /// The values, one matrix row per data line.
    public var matrix: Matrix<Double>
}

/// Reading comma-separated numbers.
///
/// The format: one matrix row per line, values separated by commas, spaces and tabs around a
/// value ignored; lines whose first non-blank character is `#` and blank lines are skipped;
/// `\n` or `\r\n` line ends. With `hasHeader`, the first non-comment line holds column names
/// (which may be double-quoted, RFC 4180 style). Every row must have as many values as the
/// first. NaN and infinities (`nan`, `inf`, or numbers too large for a `Double`) are rejected
/// unless `allowNonFinite` is set.
public enum CSV {
    /// Reads the CSV file at `path` into a matrix (see ``CSV`` for the format).
    /// - Throws: ``IOError`` naming the path, line and column of the first problem.
    public static func readMatrix(
        path: String, hasHeader: Bool = false, allowNonFinite: Bool = false
    ) throws -> Matrix<Double> {
        try read(path: path, hasHeader: hasHeader, allowNonFinite: allowNonFinite).matrix
    }

    /// Reads the CSV file at `path` with its optional header.
    public static func read(
        path: String, hasHeader: Bool = false, allowNonFinite: Bool = false
    ) throws -> CSVContents {
        let data = try FileIO.read(path: path)
        return try parse(data, source: path, hasHeader: hasHeader, allowNonFinite: allowNonFinite)
    }

    /// Parses CSV text; `source` names it in errors.
    public static func parseMatrix(
        _ text: String, source: String = "<string>", hasHeader: Bool = false,
        allowNonFinite: Bool = false
    ) throws -> Matrix<Double> {
        try parse(
            Data(text.utf8), source: source, hasHeader: hasHeader, allowNonFinite: allowNonFinite
        ).matrix
    }

    /// Parses CSV bytes (UTF-8); `source` names them in errors.
    public static func parse(
        _ data: Data, source: String, hasHeader: Bool = false, allowNonFinite: Bool = false
    ) throws -> CSVContents {
        let bytes = [UInt8](data)
        var header: [String]?
        var values: [Double] = []
        var columns: Int?
        var lineNumber = 0
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != newline { lineEnd += 1 }
            lineNumber += 1
            defer { lineStart = lineEnd + 1 }
            var contentEnd = lineEnd
            if contentEnd > lineStart, bytes[contentEnd - 1] == carriageReturn { contentEnd -= 1 }
            let line = bytes[lineStart..<contentEnd]
            guard let first = line.first(where: { !isBlank($0) }), first != hash else { continue }
            let fields = splitFields(line)
            if hasHeader && header == nil && columns == nil {
                header = fields.map { headerName(line[$0]) }
                columns = fields.count
                continue
            }
            if let columns, fields.count != columns {
                throw IOError.raggedRow(
                    source: source, line: lineNumber, expected: columns, got: fields.count)
            }
            columns = fields.count
            for field in fields {
                let column = field.lowerBound - lineStart + 1
                let token = String(decoding: line[field], as: UTF8.self)
                guard let value = Double(token) else {
                    let hint =
                        values.isEmpty && !hasHeader
                        ? "a number (read with hasHeader: true for a line of names)" : "a number"
                    throw IOError.badToken(
                        source: source, line: lineNumber, column: column, token: token,
                        expected: hint)
                }
                if !value.isFinite && !allowNonFinite {
                    throw IOError.nonFiniteToken(
                        source: source, line: lineNumber, column: column, token: token)
                }
                values.append(value)
            }
        }
        guard let columns, !values.isEmpty else { throw IOError.emptyInput(source: source) }
        let matrix = try Matrix(rows: values.count / columns, columns: columns, storage: values)
        return CSVContents(header: header, matrix: matrix)
    }

    /// Reads a CSV file of integers, checking that every value is integral and within
    /// `allowed`.
    /// - Throws: the errors of ``readMatrix(path:hasHeader:allowNonFinite:)``,
    ///   ``IOError/notIntegral(row:column:value:)`` and
    ///   ``IOError/valueOutOfRange(row:column:value:allowed:)``.
    public static func readIntegerMatrix(
        path: String, allowed: ClosedRange<Int>, hasHeader: Bool = false
    ) throws -> Matrix<Int> {
        try integers(readMatrix(path: path, hasHeader: hasHeader), allowed: allowed)
    }

    /// Converts a matrix of integral values within `allowed` to `Int`, or throws naming the
    /// first element (0-based row and column) that is not.
    public static func integers(
        _ matrix: Matrix<Double>, allowed: ClosedRange<Int>
    ) throws -> Matrix<Int> {
        var result: [Int] = []
        result.reserveCapacity(matrix.count)
        for (index, value) in matrix.storage.enumerated() {
            let row = index / matrix.columns
            let column = index % matrix.columns
            guard value.isFinite, value.rounded() == value else {
                throw IOError.notIntegral(row: row, column: column, value: value)
            }
            guard value >= Double(allowed.lowerBound), value <= Double(allowed.upperBound) else {
                throw IOError.valueOutOfRange(
                    row: row, column: column, value: value, allowed: allowed)
            }
            result.append(Int(value))
        }
        return try Matrix(rows: matrix.rows, columns: matrix.columns, storage: result)
    }

    // MARK: - Tokenising

    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let hash = UInt8(ascii: "#")
    private static let comma = UInt8(ascii: ",")
    private static let quote = UInt8(ascii: "\"")

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// The index ranges of the comma-separated fields of `line`, blanks trimmed. Commas inside
    /// double quotes do not split (only header names may be quoted).
    private static func splitFields(_ line: ArraySlice<UInt8>) -> [Range<Int>] {
        var fields: [Range<Int>] = []
        var start = line.startIndex
        var inQuotes = false
        var index = line.startIndex
        while index <= line.endIndex {
            if index == line.endIndex || (line[index] == comma && !inQuotes) {
                var lower = start
                var upper = index
                while lower < upper, isBlank(line[lower]) { lower += 1 }
                while upper > lower, isBlank(line[upper - 1]) { upper -= 1 }
                fields.append(lower..<upper)
                start = index + 1
            } else if line[index] == quote {
                inQuotes.toggle()
            }
            index += 1
        }
        return fields
    }

    /// A header field without its quotes; `""` inside quotes is one `"`.
    private static func headerName(_ field: ArraySlice<UInt8>) -> String {
        let text = String(decoding: field, as: UTF8.self)
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
        return String(text.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
    }
}
