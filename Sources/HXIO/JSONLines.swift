import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A JSON Lines result log: one compact JSON record per line, appended durably.
///
/// Each ``append(_:)`` writes its whole line with one `write` call on a file opened with
/// `O_APPEND` and then `fsync`s it, so a process killed at any moment loses at most the record
/// it was writing. A fragment left by such a kill (a last line without its newline) is cut off
/// by the next append before it writes, so it cannot merge with the new record; ``read(_:path:)``
/// reports it.
public struct JSONLinesLog: Sendable {
    /// The log file.
    public let path: String

    /// A log at `path`; the file is created on the first append, in a directory that must
    /// exist.
    public init(path: String) { self.path = path }

    /// Appends `record` as one line of key-sorted JSON and flushes it to the disk.
    /// - Throws: ``IOError/encodingFailed(reason:)`` or ``IOError/writeFailed(path:reason:)``.
    public func append<T: Encodable>(_ record: T) throws {
        var line = try JSON.encode(record, pretty: false)
        line.append(UInt8(ascii: "\n"))
        try appendLine(line)
    }

    /// Appends bytes that already form one line (ending with a newline, with no other newline).
    public func appendLine(_ line: Data) throws {
        guard line.last == UInt8(ascii: "\n"), line.dropLast().firstIndex(of: 0x0A) == nil else {
            throw IOError.invalidArgument("a JSON Lines record must be one line ending in \\n")
        }
        // The log is a regular file or nothing yet: never a device, FIFO or link.
        try OutputTarget.refuseNonRegular(path, operand: nil, strict: false)
        // Read access too: the fragment check reads the last bytes. O_NOFOLLOW: a link that
        // appeared since the check is refused too.
        let descriptor = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            let code = errno
            let reason =
                code == ENOENT
                ? "the directory \(URL(fileURLWithPath: path).deletingLastPathComponent().path) "
                    + "does not exist"
                : FileIO.reason(errno: code)
            throw IOError.writeFailed(path: path, reason: reason)
        }
        defer { close(descriptor) }
        try dropTrailingFragment(descriptor)
        let start = lseek(descriptor, 0, SEEK_END)
        do {
            try FileIO.writeAll(line, to: descriptor, path: path)
            guard fsync(descriptor) == 0 else {
                throw IOError.writeFailed(path: path, reason: FileIO.errnoText())
            }
        } catch {
            // A record written in part (a full disk) is cut off again, so the log stays a
            // sequence of whole records.
            if start >= 0 { _ = ftruncate(descriptor, start) }
            throw error
        }
    }

    /// Truncates the file after its last newline if it does not end with one.
    private func dropTrailingFragment(_ descriptor: Int32) throws {
        var end = Int(lseek(descriptor, 0, SEEK_END))
        guard end > 0 else { return }
        var byte: UInt8 = 0
        guard pread(descriptor, &byte, 1, off_t(end - 1)) == 1 else {
            throw IOError.writeFailed(path: path, reason: FileIO.errnoText())
        }
        guard byte != UInt8(ascii: "\n") else { return }
        // Scan backwards in blocks for the last newline.
        var block = [UInt8](repeating: 0, count: 4096)
        var keep = 0
        search: while end > 0 {
            let start = max(0, end - block.count)
            let count = end - start
            guard pread(descriptor, &block, count, off_t(start)) == count else {
                throw IOError.writeFailed(path: path, reason: FileIO.errnoText())
            }
            for index in stride(from: count - 1, through: 0, by: -1)
            where block[index] == UInt8(ascii: "\n") {
                keep = start + index + 1
                break search
            }
            end = start
        }
        guard ftruncate(descriptor, off_t(keep)) == 0 else {
            throw IOError.writeFailed(path: path, reason: FileIO.errnoText())
        }
    }

    /// The records of the log at `path`.
    ///
    /// Blank lines are skipped. A last line without its newline is the record a killed process
    /// was writing: it is not decoded, and its text is returned as
    /// ``JSONLinesContents/truncatedFinalLine``. A missing file is an empty log. Each line is
    /// checked by ``StrictJSON`` (duplicate keys, numbers out of range) before it is decoded.
    /// - Throws: ``IOError/corruptRecord(path:line:message:)`` for a complete line that does
    ///   not decode (with its JSON path), ``IOError/lineTooLong(source:line:limit:)``, or the
    ///   errors of reading the file (at most `limits.maxFileBytes`).
    public static func read<T: Decodable>(
        _ type: T.Type, path: String, limits: ReadLimits = .records
    ) throws
        -> JSONLinesContents<T>
    {
        var info = stat()
        guard lstat(path, &info) == 0 || errno != ENOENT else {
            return JSONLinesContents(records: [], truncatedFinalLine: nil)
        }
        return try decode(
            type, from: FileIO.read(path: path, maxBytes: limits.maxFileBytes), source: path,
            limits: limits)
    }

    /// The records of a JSON Lines log held in `data` (see ``read(_:path:limits:)``); `source`
    /// names it in errors.
    public static func decode<T: Decodable>(
        _ type: T.Type, from data: Data, source path: String, limits: ReadLimits = .records
    ) throws -> JSONLinesContents<T> {
        let decoder = JSON.makeDecoder()
        var records: [T] = []
        var truncated: String?
        var lineNumber = 0
        var start = data.startIndex
        while start < data.endIndex {
            lineNumber += 1
            guard let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                truncated = String(decoding: data[start...], as: UTF8.self)
                break
            }
            let line = data[start..<end]
            start = end + 1
            guard line.count <= limits.maxLineBytes else {
                throw IOError.lineTooLong(
                    source: path, line: lineNumber, limit: limits.maxLineBytes)
            }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            do {
                try StrictJSON.check(Data(line), source: "line")
                records.append(try decoder.decode(type, from: line))
            } catch let error as IOError {
                throw IOError.corruptRecord(
                    path: path, line: lineNumber, message: Self.strictReason(error))
            } catch let error as DecodingError {
                let (jsonPath, message) = JSON.describe(error)
                throw IOError.corruptRecord(
                    path: path, line: lineNumber, message: "\(jsonPath): \(message)")
            }
        }
        return JSONLinesContents(records: records, truncatedFinalLine: truncated)
    }
}

extension JSONLinesLog {
    /// The message of a strict-scanner error on one line, without the line's own position
    /// (the caller names the file's line).
    static func strictReason(_ error: IOError) -> String {
        switch error {
        case .malformedJSON(_, _, let column, let path, let reason):
            return "column \(column): \(path): \(reason)"
        case .duplicateKey(_, let path, let key, _, let column):
            let place = path == "(top level)" ? "the record" : path
            return "column \(column): \(place) has the key '\(key)' twice"
        case .numberOutOfRange(_, _, let column, let token):
            return "column \(column): number \(token) is out of range"
        default: return "\(error)"
        }
    }
}

/// The records read from a JSON Lines log.
public struct JSONLinesContents<Record> {
    /// The complete records, in file order.
    public var records: [Record]
    /// The text of an incomplete last line (a record whose write was interrupted), if any.
    public var truncatedFinalLine: String?

    /// Whether the log ended in an incomplete record.
    public var isTruncated: Bool { truncatedFinalLine != nil }
}

extension JSONLinesContents: Sendable where Record: Sendable {}
extension JSONLinesContents: Equatable where Record: Equatable {}
