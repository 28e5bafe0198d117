import CZlib
import Foundation

/// gzip decompression through zlib's `inflate`.
public enum Gzip {
    /// Whether `data` starts with the gzip signature (1f 8b).
    public static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// The decompressed contents of the gzip file at `path`.
    public static func decompressFile(path: String) throws -> Data {
        try decompress(FileIO.read(path: path), source: path)
    }

    /// The contents of the file at `path`, decompressed if it starts with the gzip signature.
    public static func readPossiblyCompressed(path: String) throws -> Data {
        let data = try FileIO.read(path: path)
        return isCompressed(data) ? try decompress(data, source: path) : data
    }

    /// Decompresses gzip `data`. Several concatenated gzip members (as `cat a.gz b.gz` makes)
    /// decompress to the concatenation of their contents; zero bytes after the last member
    /// (padding some tools add) are ignored. `source` names the data in errors.
    /// - Throws: ``IOError/badMagic(source:expected:got:)`` when the data is not gzip,
    ///   ``IOError/corruptCompressedData(source:reason:)`` when zlib rejects it (including a
    ///   CRC mismatch), ``IOError/truncatedCompressedData(source:)`` when it ends early.
    public static func decompress(_ data: Data, source: String = "<data>") throws -> Data {
        guard isCompressed(data) else {
            throw IOError.badMagic(
                source: source, expected: "1f 8b (gzip)",
                got: NumPy.hex(Array(data.prefix(2))))
        }
        return try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            try inflateAll(input, source: source)
        }
    }

    /// Inflates every member of `input`. The one place that touches a `z_stream`.
    private static func inflateAll(_ input: UnsafeRawBufferPointer, source: String) throws -> Data {
        var stream = z_stream()
        // 15 + 16: the largest window, and expect a gzip (not zlib) wrapper.
        let status = inflateInit2_(
            &stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            throw IOError.corruptCompressedData(
                source: source, reason: "inflateInit2 failed with status \(status)")
        }
        defer { inflateEnd(&stream) }

        let base = UnsafeMutablePointer(
            mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.next_in = base
        stream.avail_in = uInt(input.count)
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let result = chunk.withUnsafeMutableBufferPointer { buffer -> Int32 in
                stream.next_out = buffer.baseAddress
                stream.avail_out = uInt(buffer.count)
                return inflate(&stream, Z_NO_FLUSH)
            }
            let produced = chunk.count - Int(stream.avail_out)
            output.append(contentsOf: chunk[0..<produced])
            switch result {
            case Z_STREAM_END:
                let rest = UnsafeRawBufferPointer(
                    start: stream.next_in, count: Int(stream.avail_in))
                if rest.allSatisfy({ $0 == 0 }) { return output }
                // Another member follows.
                guard inflateReset(&stream) == Z_OK else {
                    throw IOError.corruptCompressedData(source: source, reason: "inflateReset")
                }
            case Z_OK:
                continue
            case Z_BUF_ERROR where stream.avail_in == 0:
                // All input consumed, output space left, no end marker: the stream was cut short.
                throw IOError.truncatedCompressedData(source: source)
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(result)"
                throw IOError.corruptCompressedData(source: source, reason: message)
            }
        }
    }
}
