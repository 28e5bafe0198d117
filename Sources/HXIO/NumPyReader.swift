import Foundation
import HXNumerics

/// NumPy's `.npy` format, versions 1.0, 2.0 and 3.0, for matrices.
///
/// Reading converts any of the element types `i1 i2 i4 i8 u1 u2 u4 u8 f4 f8 b1`, little- or
/// big-endian, to `Double`. Shapes: `(r, c)` is an r × c matrix; a 1-D array `(n,)` is read as
/// a **1 × n row** (as `numpy.atleast_2d` does); a 0-D scalar `()` as 1 × 1.
/// `fortran_order: True` (column-major data) is reordered into the row-major matrix.
public enum NumPy {
    /// The magic string that starts every `.npy` file.
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Reads the `.npy` file at `path` into a matrix.
    /// - Parameter allowNonFinite: accept NaN and infinite elements (rejected by default).
    /// - Throws: ``IOError`` for a bad signature, version, header, dtype or shape, truncated
    ///   data, or non-finite or inexact elements.
    public static func readMatrix(
        path: String, allowNonFinite: Bool = false
    ) throws -> Matrix<
        Double
    > {
        try decodeMatrix(
            FileIO.read(path: path, maxBytes: ReadLimits.matrix.maxFileBytes), source: path,
            allowNonFinite: allowNonFinite)
    }

    /// Decodes the bytes of a `.npy` file; `source` names them in errors.
    public static func decodeMatrix(
        _ data: Data, source: String = "<data>", allowNonFinite: Bool = false,
        limits: ReadLimits = .matrix
    ) throws -> Matrix<Double> {
        let bytes = [UInt8](data)
        let (header, dataOffset) = try readHeader(bytes, source: source)
        let dtype = try DType(descriptor: header.descriptor, source: source)
        let (rows, columns, byteCount) = try header.matrixShape(dtype: dtype, source: source)
        guard rows * columns <= limits.maxElements else {
            throw IOError.tooManyElements(source: source, limit: limits.maxElements)
        }
        let available = bytes.count - dataOffset
        guard available >= byteCount else {
            throw IOError.truncated(
                source: source, what: "data", expectedBytes: byteCount, gotBytes: available)
        }
        guard available == byteCount else {
            throw IOError.sizeMismatch(
                source: source, expectedBytes: byteCount, gotBytes: available)
        }
        var values = [Double](repeating: 0, count: rows * columns)
        for index in 0..<values.count {
            let value = try dtype.value(
                bytes, at: dataOffset + index * dtype.size, index: index, source: source)
            // Column-major data: element `index` is (index % rows, index / rows).
            let target =
                header.fortranOrder
                ? (index % max(rows, 1)) * columns + index / max(rows, 1) : index
            if !allowNonFinite && !value.isFinite {
                throw IOError.nonFiniteElement(
                    source: source, row: target / max(columns, 1),
                    column: target % max(columns, 1), value: value)
            }
            values[target] = value
        }
        return try Matrix(rows: rows, columns: columns, storage: values)
    }

    // MARK: - Header

    /// The three entries of the header dictionary.
    struct Header: Equatable {
        var descriptor: String
        var fortranOrder: Bool
        var shape: [Int]

        /// Rows, columns and data bytes of the matrix the shape describes: `(r, c)`, a 1-D
        /// `(n,)` as one row, a scalar `()` as 1 × 1.
        /// - Throws: more than two dimensions, a size that overflows, or an empty matrix (a
        ///   zero dimension), which every format refuses alike.
        func matrixShape(
            dtype: DType, source: String
        ) throws -> (rows: Int, columns: Int, bytes: Int) {
            let (rows, columns): (Int, Int)
            switch shape.count {
            case 0: (rows, columns) = (1, 1)
            case 1: (rows, columns) = (1, shape[0])
            case 2: (rows, columns) = (shape[0], shape[1])
            default: throw IOError.tooManyDimensions(source: source, shape: shape)
            }
            guard rows > 0, columns > 0 else { throw IOError.emptyInput(source: source) }
            let count = rows.multipliedReportingOverflow(by: columns)
            let byteCount = count.partialValue.multipliedReportingOverflow(by: dtype.size)
            guard !count.overflow, !byteCount.overflow else {
                throw IOError.malformedHeader(source: source, reason: "shape \(shape) too large")
            }
            return (rows, columns, byteCount.partialValue)
        }
    }

    /// The longest header this reader accepts: NumPy writes under 100 bytes for a matrix, and
    /// the format allows 4 GiB (version 2), which no honest file uses.
    static let maxHeaderBytes = 1 << 16

    /// Parses the preamble; returns the header and the offset of the first data byte.
    static func readHeader(_ bytes: [UInt8], source: String) throws -> (Header, Int) {
        guard bytes.count >= 8 else {
            throw IOError.truncated(
                source: source, what: "NumPy preamble", expectedBytes: 8, gotBytes: bytes.count)
        }
        guard Array(bytes[0..<6]) == magic else {
            throw IOError.badMagic(
                source: source, expected: hex(magic), got: hex(Array(bytes[0..<6])))
        }
        let major = bytes[6]
        let lengthSize: Int
        switch major {
        case 1: lengthSize = 2
        case 2, 3: lengthSize = 4
        default:
            throw IOError.unsupportedVersion(source: source, version: "\(major).\(bytes[7])")
        }
        guard bytes.count >= 8 + lengthSize else {
            throw IOError.truncated(
                source: source, what: "NumPy header length", expectedBytes: 8 + lengthSize,
                gotBytes: bytes.count)
        }
        var headerLength = 0
        for offset in (0..<lengthSize).reversed() {
            headerLength = headerLength << 8 | Int(bytes[8 + offset])
        }
        let start = 8 + lengthSize
        guard headerLength <= maxHeaderBytes else {
            throw IOError.malformedHeader(
                source: source,
                reason:
                    "header of \(headerLength) bytes, longer than the \(maxHeaderBytes) accepted")
        }
        guard bytes.count >= start + headerLength else {
            throw IOError.truncated(
                source: source, what: "NumPy header", expectedBytes: start + headerLength,
                gotBytes: bytes.count)
        }
        // Version 1 and 2 headers are latin-1; version 3 headers are UTF-8.
        let headerBytes = bytes[start..<(start + headerLength)]
        let text =
            major == 3
            ? String(decoding: headerBytes, as: UTF8.self)
            : String(headerBytes.map { Character(Unicode.Scalar($0)) })
        return (try parseHeader(text, source: source), start + headerLength)
    }

    /// Parses the Python dictionary literal of the header, for example
    /// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`.
    static func parseHeader(_ text: String, source: String) throws -> Header {
        var scanner = LiteralScanner(text: text, source: source)
        var descriptor: String?
        var fortranOrder: Bool?
        var shape: [Int]?
        try scanner.expect("{")
        var seen: Set<String> = []
        while !scanner.consume("}") {
            let key = try scanner.string()
            guard seen.insert(key).inserted else {
                throw IOError.malformedHeader(
                    source: source, reason: "the key '\(key)' appears twice")
            }
            try scanner.expect(":")
            switch key {
            case "descr":
                guard let value = try? scanner.string() else {
                    throw IOError.unsupportedDType(
                        source: source, dtype: "structured dtype (a list of fields)")
                }
                descriptor = value
            case "fortran_order": fortranOrder = try scanner.boolean()
            case "shape": shape = try scanner.integerTuple()
            default: throw IOError.malformedHeader(source: source, reason: "unknown key '\(key)'")
            }
            if !scanner.consume(",") {
                try scanner.expect("}")
                break
            }
        }
        guard let descriptor, let fortranOrder, let shape else {
            throw IOError.malformedHeader(
                source: source, reason: "needs the keys 'descr', 'fortran_order' and 'shape'")
        }
        return Header(descriptor: descriptor, fortranOrder: fortranOrder, shape: shape)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined(separator: " ")
    }
}

/// A scanner for the small subset of Python literals that `.npy` headers use.
private struct LiteralScanner {
    let characters: [Character]
    let source: String
    var position = 0

    init(text: String, source: String) {
        self.characters = Array(text)
        self.source = source
    }

    mutating func skipBlanks() {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
    }

    mutating func consume(_ character: Character) -> Bool {
        skipBlanks()
        guard position < characters.count, characters[position] == character else { return false }
        position += 1
        return true
    }

    mutating func expect(_ character: Character) throws {
        guard consume(character) else { throw failure("expected '\(character)'") }
    }

    func failure(_ what: String) -> IOError {
        let rest = position < characters.count ? String(characters[position...].prefix(20)) : ""
        return .malformedHeader(source: source, reason: "\(what) at '\(rest)'")
    }

    mutating func string() throws -> String {
        skipBlanks()
        guard position < characters.count,
            characters[position] == "'" || characters[position] == "\""
        else { throw failure("expected a quoted string") }
        let delimiter = characters[position]
        position += 1
        let start = position
        while position < characters.count, characters[position] != delimiter { position += 1 }
        guard position < characters.count else { throw failure("unterminated string") }
        defer { position += 1 }
        return String(characters[start..<position])
    }

    mutating func boolean() throws -> Bool {
        skipBlanks()
        for (word, value) in [("True", true), ("False", false)] {
            let end = position + word.count
            if end <= characters.count, String(characters[position..<end]) == word {
                position = end
                return value
            }
        }
        throw failure("expected True or False")
    }

    mutating func integerTuple() throws -> [Int] {
        try expect("(")
        var values: [Int] = []
        while !consume(")") {
            skipBlanks()
            let start = position
            while position < characters.count, characters[position].isASCII,
                characters[position].isNumber
            {
                position += 1
            }
            guard let value = Int(String(characters[start..<position])) else {
                throw failure("expected a dimension")
            }
            _ = consume("L")  // Python 2 long integers
            values.append(value)
            if !consume(",") {
                try expect(")")
                break
            }
        }
        return values
    }
}
