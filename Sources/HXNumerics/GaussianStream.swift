import Foundation

/// Counter-based standard normal draws: draw k of stream `key` is a pure function of
/// (key, k), so any split of the work over threads gives the same numbers.
///
/// Uses the Box–Muller transform on pairs of 53-bit uniforms from ``SplitMix64``.
public struct GaussianStream: Sendable {
    @usableFromInline var bits: SplitMix64
    @usableFromInline var spare: Double?

    /// The stream `key`, from its start.
    public init(key: UInt64) { bits = SplitMix64(key: key) }

    /// The next N(0, 1) draw.
    @inlinable
    public mutating func next() -> Double {
        if let value = takeSpare() { return value }
        let (a, b) = GaussianStream.pair(bits.next(), bits.next())
        storeSpare(b)
        return a
    }

    @usableFromInline
    mutating func takeSpare() -> Double? {
        defer { spare = nil }
        return spare
    }

    @usableFromInline
    mutating func storeSpare(_ value: Double) { spare = value }

    /// Two independent N(0, 1) values from two 64-bit random words (Box–Muller).
    @inlinable
    public static func pair(_ first: UInt64, _ second: UInt64) -> (Double, Double) {
        // (bits + 0.5) / 2^53 lies strictly inside (0, 1), so the logarithm is finite.
        let u1 = (Double(first >> 11) + 0.5) * 0x1.0p-53
        let u2 = Double(second >> 11) * 0x1.0p-53
        let radius = (-2 * log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        return (radius * cos(angle), radius * sin(angle))
    }
}
