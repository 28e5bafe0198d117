import CZlib
import Foundation

/// gzip compression and decompression through zlib, bounded.
///
/// Decompression stops with ``IOError/decompressionLimit(source:reason:)`` once the output
/// exceeds the reader's ``ReadLimits/maxExpandedBytes`` or expands more than
/// ``ReadLimits/maxCompressionRatio`` times the input consumed so far (past
/// ``ReadLimits/ratioGraceBytes``), so that a small file cannot grow into gigabytes.
public enum Gzip {
    /// Whether `data` starts with the gzip signature (1f 8b).
    public static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// The decompressed contents of the gzip file at `path`.
    public static func decompressFile(path: String, limits: ReadLimits = .dataset) throws -> Data {
        try decompress(
            FileIO.read(path: path, maxBytes: limits.maxFileBytes), source: path, limits: limits)
    }

    /// The contents of the file at `path`, decompressed if it starts with the gzip signature.
    public static func readPossiblyCompressed(
        path: String, limits: ReadLimits = .dataset
    ) throws -> Data {
        let data = try FileIO.read(path: path, maxBytes: limits.maxFileBytes)
        return isCompressed(data) ? try decompress(data, source: path, limits: limits) : data
    }

    /// Decompresses gzip `data`. Several concatenated gzip members (as `cat a.gz b.gz` makes)
    /// decompress to the concatenation of their contents; zero bytes after the last member
    /// (padding some tools add) are ignored. `source` names the data in errors.
    /// - Throws: ``IOError/badMagic(source:expected:got:)`` when the data is not gzip,
    ///   ``IOError/corruptCompressedData(source:reason:)`` when zlib rejects it (including a
    ///   CRC mismatch), ``IOError/truncatedCompressedData(source:)`` when it ends early,
    ///   ``IOError/decompressionLimit(source:reason:)`` beyond `limits`.
    public static func decompress(
        _ data: Data, source: String = "<data>", limits: ReadLimits = .dataset
    ) throws -> Data {
        guard isCompressed(data) else {
            throw IOError.badMagic(
                source: source, expected: "1f 8b (gzip)",
                got: NumPy.hex(Array(data.prefix(2))))
        }
        let inflater = try GzipByteSource(
            DataByteSource(data, source: source), limits: limits)
        return try inflater.readAll(limit: .max) {
            IOError.decompressionLimit(source: source, reason: "too large")
        }
    }

    /// `data` compressed as one gzip member (zlib's default level).
    public static func compress(_ data: Data) throws -> Data {
        let deflater = try GzipDeflater(destination: "<data>")
        var output = Data()
        try data.withUnsafeBytes { raw in
            try deflater.compress(raw, finish: true) { output.append(contentsOf: $0) }
        }
        return output
    }
}

/// The z_stream of an inflate or deflate, allocated once so that it never moves (zlib keeps a
/// pointer back to it) and freed with the owner.
private final class ZStream {
    let pointer: UnsafeMutablePointer<z_stream>

    init() {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: z_stream())
    }

    deinit {
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }

    /// zlib's message for the last error, or the status.
    func message(status: Int32) -> String {
        pointer.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
    }
}

/// gzip data inflated block by block from another byte source, within ``ReadLimits``.
final class GzipByteSource: ByteSource {
    let source: String
    private let input: any ByteSource
    private let limits: ReadLimits
    private let zstream = ZStream()
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    /// Bytes of `buffer` not yet given to zlib start here.
    private var bufferStart = 0
    private var bufferEnd = 0
    private var inputEnded = false
    private var finished = false
    /// Compressed bytes consumed and expanded bytes produced so far.
    private var consumed = 0
    private var produced = 0

    /// Inflates the gzip data that `input` delivers.
    init(_ input: any ByteSource, limits: ReadLimits) throws {
        self.input = input
        self.source = input.source
        self.limits = limits
        // 15 + 16: the largest window, and expect a gzip (not zlib) wrapper.
        let status = inflateInit2_(
            zstream.pointer, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            throw IOError.corruptCompressedData(
                source: source, reason: "inflateInit2 failed with status \(status)")
        }
    }

    deinit { inflateEnd(zstream.pointer) }

    /// Reads the next block of compressed input when zlib has used the last one.
    private func refill() throws {
        guard bufferStart == bufferEnd, !inputEnded else { return }
        let count = try buffer.withUnsafeMutableBytes { try input.read(into: $0) }
        bufferStart = 0
        bufferEnd = count
        if count == 0 { inputEnded = true }
    }

    /// After a member's end: skips zero padding up to the end of the input (true), or finds
    /// the start of another member (false).
    private func atEndAfterMember() throws -> Bool {
        var sawPadding = false
        while true {
            try refill()
            if bufferStart == bufferEnd { return true }
            while bufferStart < bufferEnd, buffer[bufferStart] == 0 {
                bufferStart += 1
                consumed += 1
                sawPadding = true
            }
            if bufferStart < bufferEnd {
                guard !sawPadding else {
                    throw IOError.corruptCompressedData(
                        source: source, reason: "data after the zero padding that ends the file")
                }
                return false
            }
        }
    }

    func read(into output: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, let outputBase = output.baseAddress, output.count > 0 else { return 0 }
        let stream = zstream.pointer
        while true {
            try refill()
            let available = bufferEnd - bufferStart
            let (status, used, made) = buffer.withUnsafeMutableBufferPointer {
                input -> (Int32, Int, Int) in
                stream.pointee.next_in = input.baseAddress! + bufferStart
                stream.pointee.avail_in = uInt(available)
                stream.pointee.next_out = outputBase.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(output.count)
                let status = inflate(stream, Z_NO_FLUSH)
                return (
                    status, available - Int(stream.pointee.avail_in),
                    output.count - Int(stream.pointee.avail_out)
                )
            }
            bufferStart += used
            consumed += used
            produced += made
            try checkLimits()
            switch status {
            case Z_STREAM_END:
                if try atEndAfterMember() {
                    finished = true
                } else {
                    guard inflateReset(stream) == Z_OK else {
                        throw IOError.corruptCompressedData(source: source, reason: "inflateReset")
                    }
                }
                if made > 0 || finished { return made }
            case Z_OK:
                if made > 0 { return made }
            case Z_BUF_ERROR:
                if made > 0 { return made }
                if bufferStart == bufferEnd && inputEnded {
                    // All input consumed, no end marker: the stream was cut short.
                    throw IOError.truncatedCompressedData(source: source)
                }
            default:
                throw IOError.corruptCompressedData(
                    source: source, reason: zstream.message(status: status))
            }
            if bufferStart == bufferEnd && inputEnded && status != Z_STREAM_END {
                throw IOError.truncatedCompressedData(source: source)
            }
        }
    }

    private func checkLimits() throws {
        if produced > limits.maxExpandedBytes {
            throw IOError.decompressionLimit(
                source: source,
                reason:
                    "expands to more than \(ReadLimits.describe(bytes: limits.maxExpandedBytes)), "
                    + "the most HXSim decompresses from this kind of file")
        }
        if produced > ReadLimits.ratioGraceBytes,
            produced / max(consumed, 1) > limits.maxCompressionRatio
        {
            throw IOError.decompressionLimit(
                source: source,
                reason:
                    "expands more than \(limits.maxCompressionRatio) times (\(consumed) bytes "
                    + "gave \(produced) so far): a decompression bomb or a damaged file")
        }
    }
}

/// gzip compression of data written block by block.
final class GzipDeflater {
    private let zstream = ZStream()
    private let destination: String
    private var output = [UInt8](repeating: 0, count: 1 << 16)

    /// A deflater whose errors name `destination`.
    init(destination: String) throws {
        self.destination = destination
        // 15 + 16: the largest window with a gzip wrapper; 8: zlib's default memory level.
        let status = deflateInit2_(
            zstream.pointer, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            throw IOError.writeFailed(
                path: destination, reason: "deflateInit2 failed with status \(status)")
        }
    }

    deinit { deflateEnd(zstream.pointer) }

    /// Compresses `input`, handing every block of output to `sink`; `finish` ends the member.
    func compress(
        _ input: UnsafeRawBufferPointer, finish: Bool, sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let stream = zstream.pointer
        stream.pointee.next_in = UnsafeMutablePointer(
            mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        while true {
            let status = output.withUnsafeMutableBufferPointer { buffer -> Int32 in
                stream.pointee.next_out = buffer.baseAddress
                stream.pointee.avail_out = uInt(buffer.count)
                return deflate(stream, finish ? Z_FINISH : Z_NO_FLUSH)
            }
            let made = output.count - Int(stream.pointee.avail_out)
            if made > 0 {
                try output.withUnsafeBytes {
                    try sink(UnsafeRawBufferPointer(rebasing: $0[0..<made]))
                }
            }
            switch status {
            case Z_STREAM_END: return
            case Z_OK, Z_BUF_ERROR:
                if !finish && stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 {
                    return
                }
            default:
                throw IOError.writeFailed(
                    path: destination,
                    reason: "compression failed: \(zstream.message(status: status))")
            }
        }
    }
}
