import Foundation
import HXNumerics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The rows of a matrix file, read a chunk at a time so that memory does not grow with the
/// file: `.csv` or `.npy`, either gzip-compressed (`.gz`), by extension as ``readMatrix(path:allowNonFinite:limits:)``.
///
/// It accepts exactly what the whole-file readers accept (the same CSV grammar and NumPy
/// checks; an empty matrix is an error) and bounds what they bound except the total size: one
/// line (``ReadLimits/maxLineBytes``) and the decompression ratio. A `.npy` in Fortran
/// (column-major) order cannot be cut into rows without reading it whole; it is read whole
/// within ``ReadLimits/matrix`` and refused beyond.
///
/// A reader owns its file descriptor and zlib stream and releases them with itself.
public final class MatrixReader {
    /// The file.
    public let path: String
    /// Values per row: known from the start for `.npy`, after the first row for CSV.
    public private(set) var columns: Int?
    /// Rows in the file, when the format says so up front (`.npy`).
    public let totalRows: Int?
    /// Rows returned so far.
    public private(set) var rowsRead = 0

    private let file: FileByteSource?
    private var body: Body

    private enum Body {
        case csv(CSVStream)
        case npy(NPYStream)
        case whole(Matrix<Double>)
    }

    /// Opens the matrix file at `path`.
    /// - Throws: ``IOError`` for an unknown extension, a file that cannot be read, or (for
    ///   `.npy`) a bad header.
    public convenience init(
        path: String, allowNonFinite: Bool = false, limits: ReadLimits = .streaming
    ) throws {
        let format = try MatrixFileFormat(path: path)
        let file = try FileByteSource(path: path, maxBytes: limits.maxFileBytes)
        try self.init(
            file: file, bytes: file, format: format, allowNonFinite: allowNonFinite,
            limits: limits)
    }

    /// Reads the rows of a matrix file's bytes already in memory (`source` names them in
    /// errors), with the checks of a file of `format`.
    public convenience init(
        data: Data, format: MatrixFileFormat, source: String, allowNonFinite: Bool = false,
        limits: ReadLimits = .streaming
    ) throws {
        try self.init(
            file: nil, bytes: DataByteSource(data, source: source), format: format,
            allowNonFinite: allowNonFinite, limits: limits)
    }

    private init(
        file: FileByteSource?, bytes: any ByteSource, format: MatrixFileFormat,
        allowNonFinite: Bool, limits: ReadLimits
    ) throws {
        self.path = bytes.source
        self.file = file
        let source: any ByteSource =
            format.compressed ? try GzipByteSource(bytes, limits: limits) : bytes
        switch format.layout {
        case .csv:
            body = .csv(
                CSVStream(source: source, allowNonFinite: allowNonFinite, limits: limits))
            totalRows = nil
        case .npy:
            let stream = try NPYStream(
                source: source, allowNonFinite: allowNonFinite,
                maxChunkBytes: min(limits.maxLineBytes, ReadLimits.matrix.maxExpandedBytes))
            columns = stream.columns
            totalRows = stream.rows
            if stream.fortranOrder {
                guard stream.dataBytes <= ReadLimits.matrix.maxExpandedBytes else {
                    throw IOError.malformedHeader(
                        source: path,
                        reason:
                            "a Fortran-order (column-major) array of \(stream.dataBytes) bytes "
                            + "cannot be streamed by rows; save it in C order "
                            + "(numpy.ascontiguousarray) or under "
                            + ReadLimits.describe(bytes: ReadLimits.matrix.maxExpandedBytes))
                }
                body = .whole(try stream.readWholeFortran())
            } else {
                body = .npy(stream)
            }
        }
    }

    /// The share of the file read so far, 0…1 (of the compressed bytes for `.gz`), for
    /// progress reports.
    public var fractionRead: Double {
        guard let file, file.size > 0 else { return 0 }
        return min(1, Double(file.bytesRead) / Double(file.size))
    }

    /// The next rows, at most `maxRows`; nil after the last row.
    /// - Throws: the errors of the format's reader, with the line (CSV) or element (`.npy`);
    ///   ``IOError/emptyInput(source:)`` if the file holds no row at all.
    public func next(maxRows: Int) throws -> Matrix<Double>? {
        precondition(maxRows > 0, "a chunk holds at least one row")
        let chunk: Matrix<Double>?
        switch body {
        case .csv(let stream):
            chunk = try stream.next(maxRows: maxRows)
            if columns == nil { columns = stream.columns }
        case .npy(let stream):
            chunk = try stream.next(maxRows: maxRows)
        case .whole(let matrix):
            let count = min(maxRows, matrix.rows - rowsRead)
            chunk =
                count > 0
                ? matrix.slice(rows: rowsRead..<(rowsRead + count), columns: 0..<matrix.columns)
                : nil
        }
        if let chunk { rowsRead += chunk.rows }
        return chunk
    }

    /// Every remaining row as one matrix (for inputs known to be small).
    public func readAll() throws -> Matrix<Double> {
        var storage: [Double] = []
        var columns = 0
        while let chunk = try next(maxRows: 1 << 16) {
            storage += chunk.storage
            columns = chunk.columns
        }
        return try Matrix(rows: storage.count / max(columns, 1), columns: columns, storage: storage)
    }
}

/// CSV rows from a byte source, one line at a time through ``CSVLineParser``.
private final class CSVStream {
    private let source: any ByteSource
    private var parser: CSVLineParser
    private let maxLineBytes: Int
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var ended = false

    var columns: Int? { parser.columns }

    init(source: any ByteSource, allowNonFinite: Bool, limits: ReadLimits) {
        self.source = source
        parser = CSVLineParser(
            source: source.source, hasHeader: false, allowNonFinite: allowNonFinite)
        maxLineBytes = limits.maxLineBytes
        buffer = [UInt8](repeating: 0, count: min(1 << 20, max(4096, limits.maxLineBytes + 1)))
    }

    /// The most values one chunk holds (32 MiB as `Double`): a chunk of very wide rows ends
    /// early, so memory stays bounded whatever the width.
    static let maxChunkValues = 1 << 22

    func next(maxRows: Int) throws -> Matrix<Double>? {
        var values: [Double] = []
        let firstRow = parser.rows
        while parser.rows - firstRow < maxRows, values.count < Self.maxChunkValues {
            guard let line = try nextLine() else { break }
            try buffer.withUnsafeBufferPointer { bytes in
                try parser.parse(UnsafeBufferPointer(rebasing: bytes[line]), into: &values)
            }
        }
        let rows = parser.rows - firstRow
        if rows == 0 {
            // The end: an input without a single row is an error, as for whole files.
            if firstRow == 0 { throw IOError.emptyInput(source: source.source) }
            return nil
        }
        return try Matrix(rows: rows, columns: values.count / rows, storage: values)
    }

    /// The index range of the next line in `buffer` (without its `\n`), nil at the end.
    private func nextLine() throws -> Range<Int>? {
        var searchFrom = start
        while true {
            let limit = end
            let found = buffer.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Int? in
                guard searchFrom < limit, let base = bytes.baseAddress else { return nil }
                let from = base + searchFrom
                guard let hit = memchr(from, 0x0A, limit - searchFrom) else { return nil }
                return searchFrom + (UnsafeRawPointer(hit) - from)
            }
            if let newline = found {
                let line = start..<newline
                start = newline + 1
                guard line.count <= maxLineBytes else { throw tooLong() }
                return line
            }
            if ended {
                guard start < end else { return nil }
                let line = start..<end
                start = end
                return line
            }
            // Keep the partial line, make room, read more.
            searchFrom = end - start
            if start > 0 {
                buffer.withUnsafeMutableBufferPointer { bytes in
                    _ = memmove(bytes.baseAddress!, bytes.baseAddress! + start, end - start)
                }
                end -= start
                start = 0
            }
            if end == buffer.count {
                // A full buffer without a line end: grow it, up to just beyond the longest
                // line allowed.
                let grown = min(2 * buffer.count, maxLineBytes + 2)
                guard grown > buffer.count else { throw tooLong() }
                buffer += [UInt8](repeating: 0, count: grown - buffer.count)
            }
            let count = try buffer.withUnsafeMutableBytes { raw in
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[end...]))
            }
            if count == 0 { ended = true }
            end += count
        }
    }

    private func tooLong() -> IOError {
        .lineTooLong(source: source.source, line: parser.lineNumber + 1, limit: maxLineBytes)
    }
}

/// The rows of a `.npy` file from a byte source: the header first, then whole rows.
private final class NPYStream {
    private let source: any ByteSource
    private let allowNonFinite: Bool
    private let dtype: NumPy.DType
    /// The most bytes one chunk of rows may take (at least one row).
    private let maxChunkBytes: Int
    let rows: Int
    let columns: Int
    let dataBytes: Int
    let fortranOrder: Bool
    private var rowsRead = 0
    private var chunk: [UInt8] = []

    init(source: any ByteSource, allowNonFinite: Bool, maxChunkBytes: Int) throws {
        self.source = source
        self.allowNonFinite = allowNonFinite
        self.maxChunkBytes = maxChunkBytes
        let name = source.source
        // The preamble: magic, version, header length (2 bytes in version 1, 4 in 2 and 3).
        var preamble = try Self.read(source, count: 8)
        guard preamble.count == 8 else {
            throw IOError.truncated(
                source: name, what: "NumPy preamble", expectedBytes: 8, gotBytes: preamble.count)
        }
        let lengthSize = preamble[6] == 1 ? 2 : 4
        preamble += try Self.read(source, count: lengthSize)
        var headerLength = 0
        if preamble.count == 8 + lengthSize {
            for offset in (0..<lengthSize).reversed() {
                headerLength = headerLength << 8 | Int(preamble[8 + offset])
            }
        }
        // readHeader checks magic, version and lengths and reports what is missing.
        let headerBytes = try Self.read(source, count: min(headerLength, NumPy.maxHeaderBytes + 1))
        let (header, _) = try NumPy.readHeader(preamble + headerBytes, source: name)
        dtype = try NumPy.DType(descriptor: header.descriptor, source: name)
        (rows, columns, dataBytes) = try header.matrixShape(dtype: dtype, source: name)
        fortranOrder = header.fortranOrder
        guard columns * dtype.size <= maxChunkBytes else {
            throw IOError.malformedHeader(
                source: name,
                reason:
                    "rows of \(columns) elements (\(columns * dtype.size) bytes) are wider than the "
                    + ReadLimits.describe(bytes: maxChunkBytes) + " a reader holds at once")
        }
    }

    private static func read(_ source: any ByteSource, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let got = try bytes.withUnsafeMutableBytes { try source.readFully(into: $0) }
        return Array(bytes[0..<got])
    }

    func next(maxRows: Int) throws -> Matrix<Double>? {
        let rowBytes = columns * dtype.size
        let count = min(maxRows, rows - rowsRead, max(1, maxChunkBytes / rowBytes))
        guard count > 0 else {
            try checkEnd()
            return nil
        }
        let byteCount = count * rowBytes
        if chunk.count != byteCount { chunk = [UInt8](repeating: 0, count: byteCount) }
        let got = try chunk.withUnsafeMutableBytes { try source.readFully(into: $0) }
        guard got == byteCount else {
            throw IOError.truncated(
                source: source.source, what: "data", expectedBytes: dataBytes,
                gotBytes: rowsRead * rowBytes + got)
        }
        var values = [Double](repeating: 0, count: count * columns)
        let firstIndex = rowsRead * columns
        for index in 0..<values.count {
            let value = try dtype.value(
                chunk, at: index * dtype.size, index: firstIndex + index, source: source.source)
            if !allowNonFinite && !value.isFinite {
                throw IOError.nonFiniteElement(
                    source: source.source, row: rowsRead + index / columns,
                    column: index % columns, value: value)
            }
            values[index] = value
        }
        rowsRead += count
        return try Matrix(rows: count, columns: columns, storage: values)
    }

    /// After the last row the data must end, as the whole-file reader checks.
    private func checkEnd() throws {
        var extra = 0
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = try block.withUnsafeMutableBytes { try source.read(into: $0) }
            if got == 0 { break }
            extra += got
        }
        if extra > 0 {
            throw IOError.sizeMismatch(
                source: source.source, expectedBytes: dataBytes, gotBytes: dataBytes + extra)
        }
    }

    /// The whole column-major data as a row-major matrix.
    func readWholeFortran() throws -> Matrix<Double> {
        var bytes = [UInt8](repeating: 0, count: dataBytes)
        let got = try bytes.withUnsafeMutableBytes { try source.readFully(into: $0) }
        guard got == dataBytes else {
            throw IOError.truncated(
                source: source.source, what: "data", expectedBytes: dataBytes, gotBytes: got)
        }
        rowsRead = rows
        try checkEnd()
        var values = [Double](repeating: 0, count: rows * columns)
        for index in 0..<values.count {
            let value = try dtype.value(
                bytes, at: index * dtype.size, index: index, source: source.source)
            let target = (index % rows) * columns + index / rows
            if !allowNonFinite && !value.isFinite {
                throw IOError.nonFiniteElement(
                    source: source.source, row: target / columns, column: target % columns,
                    value: value)
            }
            values[target] = value
        }
        return try Matrix(rows: rows, columns: columns, storage: values)
    }
}
