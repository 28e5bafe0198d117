/// Rounding float values to small integers and narrowing them to bytes, in one pass that
/// vectorises (the front end's encoding of activations and weights for the chip).
public enum Narrowing {
    /// What a pass saw: whether every value was finite, and the smallest and largest value
    /// after rounding (before clamping), as bit patterns of value + ``magic`` (they order as
    /// the values do and reduce as integers; a float minimum does not vectorise).
    public struct Scan: Sendable, Equatable {
        public var finite = true
        public var lowest = Int32.max
        public var highest = Int32.min

        public init() {}

        /// The scan of both passes.
        public mutating func merge(_ other: Scan) {
            finite = finite && other.finite
            lowest = min(lowest, other.lowest)
            highest = max(highest, other.highest)
        }

        /// Whether every rounded value lay in `range`.
        public func within(_ range: ClosedRange<Int>) -> Bool {
            lowest >= pattern(Float(range.lowerBound))
                && highest <= pattern(Float(range.upperBound))
        }
    }

    /// 1.5 · 2²³: a float in (−2²², 2²²) plus this is rounded to an integer (ties to even) in
    /// the low mantissa bits, whose low byte is then the integer's two's complement byte.
    static let magic: Float = 12_582_912

    /// The bit pattern of `integer + magic`, for an integer-valued float of magnitude < 2²².
    @inline(__always)
    static func pattern(_ integer: Float) -> Int32 {
        Int32(bitPattern: (integer + magic).bitPattern)
    }

    /// Rounds a rows × columns block of floats (row `r` at `source + r · sourceStride`) to the
    /// nearest integer, halves away from zero (as `lround`), clamps it to `range` (within
    /// −128…255) and writes its low byte (UInt8, or Int8's bit pattern) to
    /// `target + r · columns + c`. NaN and infinities are written as something in range and
    /// reported in the scan; so are values beyond the range (as one beyond it).
    ///
    /// A block of more than ``Parallel/elementwiseChunk`` values runs in chunks of rows on every
    /// core:
    /// the front end encodes a whole batch before the chip runs it, so on one thread this
    /// pass was a tenth of the chip's own time at batch 2,000. The values written and the
    /// scan do not depend on the split (the scan's merge is a minimum, a maximum and an and).
    public static func roundClampNarrow(
        _ source: UnsafePointer<Float>, rows: Int, columns: Int, sourceStride: Int,
        into target: UnsafeMutablePointer<UInt8>, range: ClosedRange<Int>
    ) -> Scan {
        guard rows * columns > Parallel.elementwiseChunk, rows > 1 else {
            return pass(
                source, rows: 0..<rows, columns: columns, sourceStride: sourceStride,
                into: target, range: range)
        }
        let chunkRows = Parallel.elementwiseChunkRows(columns: columns)
        let chunks = (rows + chunkRows - 1) / chunkRows
        let input = SharedReadBuffer(
            UnsafeBufferPointer(start: source, count: (rows - 1) * sourceStride + columns))
        let output = SharedBuffer(UnsafeMutableBufferPointer(start: target, count: rows * columns))
        var scans = [Scan](repeating: Scan(), count: chunks)
        scans.withUnsafeMutableBufferPointer { buffer in
            let shared = SharedBuffer(buffer)
            // The body never throws.
            try? Parallel.forEachChunk(count: rows, chunkSize: chunkRows) { chunk in
                shared[chunk.lowerBound / chunkRows] = pass(
                    input.base, rows: chunk, columns: columns, sourceStride: sourceStride,
                    into: output.base, range: range)
            }
        }
        return scans.reduce(into: Scan()) { $0.merge($1) }
    }

    /// Rows `rows` of ``roundClampNarrow(_:rows:columns:sourceStride:into:range:)``.
    private static func pass(
        _ source: UnsafePointer<Float>, rows: Range<Int>, columns: Int, sourceStride: Int,
        into target: UnsafeMutablePointer<UInt8>, range: ClosedRange<Int>
    ) -> Scan {
        var scan = Scan()
        for r in rows {
            scan.merge(
                roundClampNarrow(
                    source + r * sourceStride, count: columns, into: target + r * columns,
                    range: range))
        }
        return scan
    }

    /// One row of ``roundClampNarrow(_:rows:columns:sourceStride:into:range:)``: selects and
    /// integer reductions only, so that the loop vectorises.
    @inline(__always)
    static func roundClampNarrow(
        _ source: UnsafePointer<Float>, count: Int, into target: UnsafeMutablePointer<UInt8>,
        range: ClosedRange<Int>
    ) -> Scan {
        let low = Float(range.lowerBound)
        let high = Float(range.upperBound)
        let lowPattern = pattern(low)
        let highPattern = pattern(high)
        var exponentOnes: UInt32 = 0
        var lowest = Int32.max
        var highest = Int32.min
        for i in 0..<count {
            let value = source[i]
            // All exponent bits set: infinite or NaN. An OR over the lanes vectorises.
            exponentOnes |= value.bitPattern & 0x7F80_0000 == 0x7F80_0000 ? 1 : 0
            // Clamped a little beyond the range first, so that the magic sum is exact; a NaN
            // (which fails every comparison) becomes 0 here and is reported by the flag.
            var v = value > high + 1 ? high + 1 : value
            v = v < low - 1 ? low - 1 : v
            v = v == v ? v : 0
            let even = (v + magic) - magic
            let difference = v - even
            // Ties went to even; away from zero means one further in the sign of v.
            let up: Float = difference == 0.5 ? 1 : 0
            let down: Float = difference == -0.5 ? 1 : 0
            let positive: Float = v > 0 ? 1 : 0
            let negative: Float = v < 0 ? 1 : 0
            let bits = pattern(even + up * positive - down * negative)
            lowest = min(lowest, bits)
            highest = max(highest, bits)
            target[i] = UInt8(truncatingIfNeeded: min(max(bits, lowPattern), highPattern))
        }
        var scan = Scan()
        scan.finite = exponentOnes == 0
        scan.lowest = lowest
        scan.highest = highest
        return scan
    }
}
