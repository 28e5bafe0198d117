import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A stream of bytes read block by block: a file, memory, or gzip data being inflated.
/// Readers that stream (``MatrixReader``) pull from one of these and hold only a block at a
/// time.
protocol ByteSource: AnyObject {
    /// The name of the input in errors (the user's path).
    var source: String { get }
    /// Fills the start of `buffer` and returns how many bytes it wrote; 0 only at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension ByteSource {
    /// Reads everything up to the end, refusing more than `limit` bytes with `error()`.
    func readAll(limit: Int, error: () -> IOError) throws -> Data {
        var data = Data()
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = try block.withUnsafeMutableBytes { try read(into: $0) }
            if count == 0 { return data }
            guard data.count + count <= limit else { throw error() }
            data.append(contentsOf: block[0..<count])
        }
    }

    /// Fills `buffer` completely unless the input ends first; returns the bytes read.
    func readFully(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let count = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if count == 0 { break }
            filled += count
        }
        return filled
    }
}

/// The bytes of a regular file, read with `read(2)` through one descriptor that is closed when
/// the source is released.
final class FileByteSource: ByteSource {
    let source: String
    let descriptor: Int32
    /// The file's size when it was opened, in bytes.
    let size: Int
    private let maxBytes: Int
    /// Bytes read so far.
    private(set) var bytesRead = 0

    /// Opens the regular file at `path` (see ``FileIO/openForReading(path:)``); at most
    /// `maxBytes` are read from it.
    init(path: String, maxBytes: Int) throws {
        source = path
        descriptor = try FileIO.openForReading(path: path)
        self.maxBytes = maxBytes
        do {
            size = try FileIO.regularFileSize(descriptor, path: path)
        } catch {
            close(descriptor)
            throw error
        }
        guard size <= maxBytes else {
            close(descriptor)
            throw IOError.tooLarge(path: path, limit: maxBytes)
        }
    }

    deinit { close(descriptor) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let count = systemRead(descriptor, base, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw IOError.readFailed(path: source, reason: FileIO.reason(errno: errno))
            }
            bytesRead += count
            guard bytesRead <= maxBytes else {
                throw IOError.tooLarge(path: source, limit: maxBytes)
            }
            return count
        }
    }
}

/// Bytes already in memory.
final class DataByteSource: ByteSource {
    let source: String
    private let data: Data
    private var offset: Int

    init(_ data: Data, source: String) {
        self.data = data
        self.source = source
        offset = data.startIndex
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, data.endIndex - offset)
        guard count > 0 else { return 0 }
        _ = data[offset..<(offset + count)].copyBytes(to: buffer)
        offset += count
        return count
    }
}
