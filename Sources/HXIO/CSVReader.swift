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
/// first, and a file needs at least one row.
///
/// Values are decimal numbers only: an optional sign, digits with an optional decimal point,
/// an optional exponent (`-12`, `0.5`, `.5`, `3.`, `1e-3`, `+2E+4`). Hexadecimal (`0x1F`,
/// `0x1.8p1`), a NUL byte or any other byte inside a value, and numbers beyond the range of a
/// `Double` (`1e999`) are errors naming the line and column. NaN and infinities (`nan`, `inf`,
/// `infinity`, any case, with a sign) are rejected unless `allowNonFinite` is set.
public enum CSV {
    /// Reads the CSV file at `path` into a matrix (see ``CSV`` for the format).
    /// - Throws: ``IOError`` naming the path, line and column of the first problem.
    public static func readMatrix(
        path: String, hasHeader: Bool = false, allowNonFinite: Bool = false
    ) throws -> Matrix<Double> {
        try read(path: path, hasHeader: hasHeader, allowNonFinite: allowNonFinite).matrix
    }

    /// Reads the CSV file at `path` with its optional header, within ``ReadLimits/matrix``.
    public static func read(
        path: String, hasHeader: Bool = false, allowNonFinite: Bool = false
    ) throws -> CSVContents {
        let data = try FileIO.read(path: path, maxBytes: ReadLimits.matrix.maxFileBytes)
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
        _ data: Data, source: String, hasHeader: Bool = false, allowNonFinite: Bool = false,
        limits: ReadLimits = .matrix
    ) throws -> CSVContents {
        var parser = CSVLineParser(
            source: source, hasHeader: hasHeader, allowNonFinite: allowNonFinite)
        var values: [Double] = []
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var lineStart = 0
            while lineStart < bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count, bytes[lineEnd] != CSVLineParser.newline {
                    lineEnd += 1
                }
                guard lineEnd - lineStart <= limits.maxLineBytes else {
                    throw IOError.lineTooLong(
                        source: source, line: parser.lineNumber + 1, limit: limits.maxLineBytes)
                }
                try parser.parse(
                    UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd]), into: &values)
                guard values.count <= limits.maxElements else {
                    throw IOError.tooManyElements(source: source, limit: limits.maxElements)
                }
                lineStart = lineEnd + 1
            }
        }
        return CSVContents(header: parser.header, matrix: try parser.matrix(values))
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
}

/// The grammar of one CSV line (see ``CSV``), shared by the whole-file reader and the
/// streaming ``MatrixReader`` so that both accept exactly the same files.
struct CSVLineParser {
    let source: String
    let hasHeader: Bool
    let allowNonFinite: Bool
    /// The header's names, once read.
    private(set) var header: [String]?
    /// The number of values per row, once the first row (or header) is read.
    private(set) var columns: Int?
    /// The number of the last line parsed (1-based).
    private(set) var lineNumber = 0
    /// Data rows parsed so far.
    private(set) var rows = 0

    init(source: String, hasHeader: Bool, allowNonFinite: Bool) {
        self.source = source
        self.hasHeader = hasHeader
        self.allowNonFinite = allowNonFinite
    }

    static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let hash = UInt8(ascii: "#")
    private static let comma = UInt8(ascii: ",")
    private static let quote = UInt8(ascii: "\"")

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// Parses one line without its `\n`, appending a data line's values to `values`.
    mutating func parse(_ rawLine: UnsafeBufferPointer<UInt8>, into values: inout [Double]) throws {
        lineNumber += 1
        var end = rawLine.count
        if end > 0, rawLine[end - 1] == Self.carriageReturn { end -= 1 }
        let line = UnsafeBufferPointer(rebasing: rawLine[0..<end])
        var first = 0
        while first < line.count, Self.isBlank(line[first]) { first += 1 }
        guard first < line.count, line[first] != Self.hash else { return }
        if hasHeader && header == nil && columns == nil {
            let fields = Self.splitFields(line, quotes: true)
            header = fields.map { Self.headerName(UnsafeBufferPointer(rebasing: line[$0])) }
            columns = fields.count
            return
        }
        let before = values.count
        var start = 0
        var index = 0
        while index <= line.count {
            if index == line.count || line[index] == Self.comma {
                var lower = start
                var upper = index
                while lower < upper, Self.isBlank(line[lower]) { lower += 1 }
                while upper > lower, Self.isBlank(line[upper - 1]) { upper -= 1 }
                values.append(
                    try number(
                        UnsafeBufferPointer(rebasing: line[lower..<upper]), column: lower + 1,
                        first: values.count == before))
                start = index + 1
            }
            index += 1
        }
        let count = values.count - before
        if let columns, count != columns {
            throw IOError.raggedRow(source: source, line: lineNumber, expected: columns, got: count)
        }
        columns = count
        rows += 1
    }

    /// The matrix of all `values` parsed; an empty input is an error.
    func matrix(_ values: [Double]) throws -> Matrix<Double> {
        guard let columns, rows > 0, !values.isEmpty else {
            throw IOError.emptyInput(source: source)
        }
        return try Matrix(rows: values.count / columns, columns: columns, storage: values)
    }

    /// One field as a number, or the error naming it.
    private func number(
        _ field: UnsafeBufferPointer<UInt8>, column: Int, first: Bool
    ) throws -> Double {
        switch DecimalNumber.parse(field) {
        case .value(let value):
            return value
        case .nonFinite(let value):
            guard allowNonFinite else {
                throw IOError.nonFiniteToken(
                    source: source, line: lineNumber, column: column, token: Self.text(field))
            }
            return value
        case .outOfRange:
            throw IOError.numberOutOfRange(
                source: source, line: lineNumber, column: column, token: Self.text(field))
        case .invalid:
            let hint =
                rows == 0 && first && !hasHeader
                ? "a number (a line of column names is read only where a header is expected)"
                : "a number"
            throw IOError.badToken(
                source: source, line: lineNumber, column: column, token: Self.text(field),
                expected: hint)
        }
    }

    /// A field as text for messages: control characters and NUL made visible, at most 40
    /// characters.
    static func text(_ field: UnsafeBufferPointer<UInt8>) -> String {
        printableText(String(decoding: field.prefix(160), as: UTF8.self))
    }

    /// The index ranges of the comma-separated fields of `line`, blanks trimmed. With
    /// `quotes`, commas inside double quotes do not split (only header names may be quoted).
    private static func splitFields(
        _ line: UnsafeBufferPointer<UInt8>, quotes: Bool
    ) -> [Range<Int>] {
        var fields: [Range<Int>] = []
        var start = 0
        var inQuotes = false
        var index = 0
        while index <= line.count {
            if index == line.count || (line[index] == comma && !inQuotes) {
                var lower = start
                var upper = index
                while lower < upper, isBlank(line[lower]) { lower += 1 }
                while upper > lower, isBlank(line[upper - 1]) { upper -= 1 }
                fields.append(lower..<upper)
                start = index + 1
            } else if quotes && line[index] == quote {
                inQuotes.toggle()
            }
            index += 1
        }
        return fields
    }

    /// A header field without its quotes; `""` inside quotes is one `"`.
    private static func headerName(_ field: UnsafeBufferPointer<UInt8>) -> String {
        let text = String(decoding: field, as: UTF8.self)
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
        return String(text.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
    }
}

/// Decimal numbers as HXSim's text formats write them, and nothing else.
enum DecimalNumber {
    /// What a field holds.
    enum Parsed: Equatable {
        /// A finite number.
        case value(Double)
        /// `nan`, `inf` or `infinity` (any case, optional sign).
        case nonFinite(Double)
        /// A decimal number too large for a `Double`.
        case outOfRange
        /// Not a decimal number.
        case invalid
    }

    /// Parses `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?` or a non-finite
    /// word; anything else, including hexadecimal and embedded NUL bytes, is `.invalid`.
    static func parse(_ field: UnsafeBufferPointer<UInt8>) -> Parsed {
        let count = field.count
        var index = 0
        var negative = false
        if index < count, field[index] == UInt8(ascii: "+") || field[index] == UInt8(ascii: "-") {
            negative = field[index] == UInt8(ascii: "-")
            index += 1
        }
        // Integers of up to 15 digits are exact in a Double: the common case, without text.
        var integer: Int64 = 0
        let digitsStart = index
        while index < count, isDigit(field[index]), index - digitsStart < 15 {
            integer = integer * 10 + Int64(field[index] &- UInt8(ascii: "0"))
            index += 1
        }
        if index == count, index > digitsStart {
            let value = Double(integer)
            return .value(negative ? -value : value)
        }
        if index == digitsStart, let word = nonFiniteWord(field, from: index) {
            return .nonFinite(negative ? -word : word)
        }
        // The general grammar.
        index = digitsStart
        let integerDigits = skipDigits(field, &index)
        var fractionDigits = 0
        if index < count, field[index] == UInt8(ascii: ".") {
            index += 1
            fractionDigits = skipDigits(field, &index)
        }
        guard integerDigits + fractionDigits > 0 else { return .invalid }
        if index < count, field[index] == UInt8(ascii: "e") || field[index] == UInt8(ascii: "E") {
            index += 1
            if index < count, field[index] == UInt8(ascii: "+") || field[index] == UInt8(ascii: "-")
            {
                index += 1
            }
            guard skipDigits(field, &index) > 0 else { return .invalid }
        }
        guard index == count else { return .invalid }
        // The grammar is a subset of what Double's parser reads, so this cannot fail.
        guard let value = Double(String(decoding: field, as: UTF8.self)) else { return .invalid }
        return value.isFinite ? .value(value) : .outOfRange
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func skipDigits(_ field: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Int {
        let start = index
        while index < field.count, isDigit(field[index]) { index += 1 }
        return index - start
    }

    /// `nan`, `inf` or `infinity` (any case) from `start` to the end of the field.
    private static func nonFiniteWord(
        _ field: UnsafeBufferPointer<UInt8>, from start: Int
    ) -> Double? {
        let count = field.count - start
        guard count == 3 || count == 8 else { return nil }
        var word = ""
        for index in start..<field.count {
            let byte = field[index]
            guard byte < 0x80 else { return nil }
            word.append(Character(Unicode.Scalar(byte)).lowercased())
        }
        switch word {
        case "nan": return .nan
        case "inf", "infinity": return .infinity
        default: return nil
        }
    }
}
