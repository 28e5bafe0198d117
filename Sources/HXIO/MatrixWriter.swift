import Foundation
import HXNumerics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A matrix written a chunk of rows at a time, so that memory does not grow with the output.
///
/// The format follows the target's name (``MatrixFileFormat/forWriting(path:)``): `.npy` for
/// NumPy (a C-order 2-D array), `.csv` for CSV (the bytes of ``CSV/format(_:header:)``), either
/// gzip-compressed with a further `.gz`; standard output always gets CSV. A file is written
/// atomically: the rows go to a temporary file beside the target, which ``finish()`` flushes
/// to the disk and renames over the target under ``OutputTarget``'s rule (regular files only).
/// A writer released without ``finish()`` removes its temporary file and leaves the target as
/// it was.
public final class MatrixWriter<Element: NumPyElement & LosslessStringConvertible> {
    /// Where the matrix goes.
    public let target: OutputTarget
    /// The layout and compression.
    public let format: MatrixFileFormat
    /// Rows written so far.
    public private(set) var rows = 0
    /// Values per row, fixed by the first chunk.
    public private(set) var columns: Int?

    private let standardOutput: (Data) throws -> Void
    /// The CSV header line still to be written before the first row.
    private var csvHeader: [String]?
    private var buffer: [UInt8] = []
    private var file: (descriptor: Int32, temporary: String)?
    private var deflater: GzipDeflater?
    private var finished = false
    /// The bytes reserved at the start of a `.npy` file for its header.
    private var headerLength = 0

    private static var flushBytes: Int { 1 << 20 }

    /// A writer to `target`; `standardOutput` receives the bytes when the target is standard
    /// output (the CLI passes its stdout writer). `csvHeader` names the columns in a first line
    /// of CSV output (NumPy files have no header).
    /// - Throws: ``IOError/unsupportedExtension(path:supported:)`` for a name that is neither
    ///   `.csv` nor `.npy` (either with `.gz`); ``IOError/writeFailed(path:reason:)`` when the
    ///   temporary file cannot be created.
    public init(
        target: OutputTarget, csvHeader: [String]? = nil,
        standardOutput: @escaping (Data) throws -> Void = { FileHandle.standardOutput.write($0) }
    ) throws {
        self.target = target
        self.standardOutput = standardOutput
        format = try target.path.map { try MatrixFileFormat.forWriting(path: $0) } ?? .plainCSV
        self.csvHeader = format.layout == .csv ? csvHeader : nil
        buffer.reserveCapacity(Self.flushBytes + 4096)
        guard let path = target.path else { return }
        try target.createParentDirectories()
        let url = URL(fileURLWithPath: path)
        file = try FileIO.createTemporary(
            directory: url.deletingLastPathComponent().path, name: url.lastPathComponent,
            for: path)
        if format.layout == .npy {
            // Room for the header of the largest shape; rewritten by finish().
            let placeholder = Self.npyHeader(rows: Int.max, columns: Int.max, length: nil)
            headerLength = placeholder.count
            buffer += placeholder
        } else if format.compressed {
            deflater = try GzipDeflater(destination: path)
        }
    }

    deinit {
        if let file, !finished {
            close(file.descriptor)
            unlink(file.temporary)
        }
    }

    /// Appends the rows of `matrix`; every chunk must have the columns of the first.
    /// - Throws: ``IOError/invalidArgument(_:)`` for another width; write errors naming the
    ///   target.
    public func append(_ matrix: Matrix<Element>) throws {
        precondition(!finished, "append after finish")
        if let columns, matrix.columns != columns {
            throw IOError.invalidArgument(
                "a chunk of \(matrix.columns) columns after chunks of \(columns)")
        }
        columns = matrix.columns
        if let header = csvHeader {
            guard header.count == matrix.columns else {
                throw IOError.invalidArgument(
                    "CSV header has \(header.count) names for \(matrix.columns) columns")
            }
            buffer += Array((header.map(CSV.quoted).joined(separator: ",") + "\n").utf8)
            csvHeader = nil
        }
        // The buffer as a local variable: appends to a class's stored array would check
        // exclusive access at every byte.
        do {
            var bytes: [UInt8] = []
            swap(&bytes, &buffer)
            defer { swap(&bytes, &buffer) }
            switch format.layout {
            case .npy:
                for value in matrix.storage { value.appendLittleEndianBytes(to: &bytes) }
            case .csv:
                Self.appendCSV(matrix, to: &bytes)
            }
        }
        rows += matrix.rows
        if buffer.count >= Self.flushBytes { try flush(finish: false) }
    }

    /// Writes what is buffered, completes the file and renames it over the target.
    public func finish() throws {
        precondition(!finished, "finish twice")
        try flush(finish: true)
        finished = true
        guard let file, let path = target.path else { return }
        defer { close(file.descriptor) }
        var committed = false
        defer { if !committed { unlink(file.temporary) } }
        if format.layout == .npy {
            let header = Self.npyHeader(rows: rows, columns: columns ?? 0, length: headerLength)
            let written = header.withUnsafeBytes {
                pwrite(file.descriptor, $0.baseAddress!, $0.count, 0)
            }
            guard written == header.count else {
                throw IOError.writeFailed(path: path, reason: FileIO.errnoText())
            }
            if format.compressed { try compressInPlace(file, path: path) }
        }
        guard fsync(file.descriptor) == 0 else {
            throw IOError.writeFailed(path: path, reason: FileIO.errnoText())
        }
        try FileIO.commit(temporary: file.temporary, to: path)
        committed = true
        FileIO.syncDirectory(URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    // MARK: - Output

    private func flush(finish: Bool) throws {
        guard let file else {
            if !buffer.isEmpty { try standardOutput(Data(buffer)) }
            buffer.removeAll(keepingCapacity: true)
            return
        }
        let path = target.path ?? "-"
        if let deflater {
            try buffer.withUnsafeBytes { raw in
                try deflater.compress(raw, finish: finish) { block in
                    try FileIO.writeAll(Data(block), to: file.descriptor, path: path)
                }
            }
        } else if !buffer.isEmpty {
            try FileIO.writeAll(Data(buffer), to: file.descriptor, path: path)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// A finished `.npy` in the temporary file, compressed block by block into a second
    /// temporary that takes the first one's place.
    private func compressInPlace(
        _ file: (descriptor: Int32, temporary: String), path: String
    ) throws {
        let url = URL(fileURLWithPath: path)
        let (descriptor, temporary) = try FileIO.createTemporary(
            directory: url.deletingLastPathComponent().path, name: url.lastPathComponent,
            for: path)
        var done = false
        defer {
            close(descriptor)
            if !done { unlink(temporary) }
        }
        let input = try FileByteSource(path: file.temporary, maxBytes: .max)
        let deflater = try GzipDeflater(destination: path)
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = try block.withUnsafeMutableBytes { try input.read(into: $0) }
            try block.withUnsafeBytes { raw in
                try deflater.compress(
                    UnsafeRawBufferPointer(rebasing: raw[0..<count]), finish: count == 0
                ) {
                    try FileIO.writeAll(Data($0), to: descriptor, path: path)
                }
            }
            if count == 0 { break }
        }
        guard fsync(descriptor) == 0 else {
            throw IOError.writeFailed(path: path, reason: FileIO.errnoText())
        }
        guard rename(temporary, file.temporary) == 0 else {
            throw IOError.writeFailed(path: path, reason: FileIO.errnoText())
        }
        done = true
    }

    /// The preamble and header of a version 1.0 `.npy` file, padded with spaces to a multiple
    /// of 64 bytes, or to `length` when given (the length reserved for it).
    static func npyHeader(rows: Int, columns: Int, length: Int?) -> [UInt8] {
        var header =
            "{'descr': '\(Element.numpyDescriptor)', 'fortran_order': False, "
            + "'shape': (\(rows), \(columns)), }"
        let unpadded = 10 + header.utf8.count + 1
        let total = length ?? (unpadded + (64 - unpadded % 64) % 64)
        header += String(repeating: " ", count: total - unpadded) + "\n"
        var bytes = NumPy.magic + [1, 0]
        let size = UInt16(header.utf8.count)
        bytes += [UInt8(size & 0xFF), UInt8(size >> 8)]
        bytes += Array(header.utf8)
        return bytes
    }

    /// The rows of `matrix` as CSV lines. Integer types take a non-generic path, digit by
    /// digit (the text of `description`, without a String per value): a generic loop over
    /// values costs a metadata lookup per value, which made writing the slowest step of a VMM.
    private static func appendCSV(_ matrix: Matrix<Element>, to bytes: inout [UInt8]) {
        let columns = matrix.columns
        if Element.self == Int8.self {
            let values = unsafeBitCast(matrix.storage, to: [Int8].self)
            values.withUnsafeBufferPointer { CSVIntegers.append($0, columns: columns, to: &bytes) }
        } else if Element.self == Int.self {
            let values = unsafeBitCast(matrix.storage, to: [Int].self)
            values.withUnsafeBufferPointer { CSVIntegers.append($0, columns: columns, to: &bytes) }
        } else if Element.self == Int64.self {
            let values = unsafeBitCast(matrix.storage, to: [Int64].self)
            values.withUnsafeBufferPointer { CSVIntegers.append($0, columns: columns, to: &bytes) }
        } else {
            for (index, value) in matrix.storage.enumerated() {
                if index % columns > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(contentsOf: value.description.utf8)
                if index % columns == columns - 1 { bytes.append(UInt8(ascii: "\n")) }
            }
        }
    }
}

/// Integers as CSV text, without generics in the loop (one loop per type around one inlined
/// ``appendCell(_:column:of:to:)``: a generic loop, even a specialisable one, was not
/// specialised here and looked up type metadata per value).
enum CSVIntegers {
    static func append(_ values: UnsafeBufferPointer<Int8>, columns: Int, to bytes: inout [UInt8]) {
        var column = 0
        for value in values { appendCell(Int64(value), column: &column, of: columns, to: &bytes) }
    }

    static func append(_ values: UnsafeBufferPointer<Int>, columns: Int, to bytes: inout [UInt8]) {
        var column = 0
        for value in values { appendCell(Int64(value), column: &column, of: columns, to: &bytes) }
    }

    static func append(_ values: UnsafeBufferPointer<Int64>, columns: Int, to bytes: inout [UInt8])
    {
        var column = 0
        for value in values { appendCell(value, column: &column, of: columns, to: &bytes) }
    }

    /// One value of a row of `columns`: the comma before it, and the line break after the
    /// row's last value (`column` counts the values of the row written so far).
    @inline(__always)
    static func appendCell(
        _ value: Int64, column: inout Int, of columns: Int, to bytes: inout [UInt8]
    ) {
        if column > 0 { bytes.append(UInt8(ascii: ",")) }
        appendDecimal(value, to: &bytes)
        column += 1
        if column == columns {
            bytes.append(UInt8(ascii: "\n"))
            column = 0
        }
    }

    /// `value` in decimal, as `description` writes it.
    static func appendDecimal(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        if magnitude < 10 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(magnitude))
            return
        }
        var divisor: UInt64 = 10
        while magnitude / divisor >= 10 { divisor &*= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        }
    }
}
