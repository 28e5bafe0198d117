/// Derives independent 64-bit seeds from a root seed and a path of labels.
///
/// Every random quantity in HXSim gets its own stream, keyed by what it is (for example
/// `("synapse", hemisphere)` or `("trial", trial, sample)`), so adding a quantity never shifts
/// the draws of another, and a stream does not depend on how work is split over threads.
public struct SeedSequence: Sendable, Hashable, Codable {
    /// The root seed.
    public let root: UInt64

    /// A sequence rooted at `root`.
    public init(_ root: UInt64) { self.root = root }

    /// The seed for the stream at `path`.
    public func seed(_ path: UInt64...) -> UInt64 { seed(path: path) }

    /// The seed for the stream at `path`.
    public func seed(path: [UInt64]) -> UInt64 {
        var state = initialState
        for label in path { state = Self.step(state, label) }
        return state
    }

    /// The seed for the path (a, b, c), the same as `seed(path: [a, b, c])` but without an
    /// array: hot loops derive a key per sample with it (Swift prefers this overload to the
    /// variadic one for three labels).
    @inlinable
    public func seed(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
        Self.step(Self.step(Self.step(initialState, a), b), c)
    }

    /// The path that starts with `label`, derived once, for hot loops that derive many seeds
    /// under it: `prefix(a).seed(b, c) == seed(a, b, c)`.
    public func prefix(_ label: UInt64) -> SeedPrefix {
        SeedPrefix(state: Self.step(initialState, label))
    }

    /// The state before the first label.
    @inlinable
    var initialState: UInt64 { SplitMix64.mix(root ^ 0x6A09_E667_F3BC_C908) }

    /// The state after `label`.
    @inlinable
    static func step(_ state: UInt64, _ label: UInt64) -> UInt64 {
        SplitMix64.mix(state &+ SplitMix64.mix(label &+ 0x9E37_79B9_7F4A_7C15))
    }

    /// A stable 64-bit label for a name, for use in a path.
    public static func label(_ name: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a 64-bit mixing function and the counter-based
/// generator built on it. Output `i` of a stream is `mix(key + (i + 1) · γ)`, so any draw can be
/// computed directly from (key, counter) without the draws before it.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The stream key.
    public let key: UInt64
    /// How many draws were taken; the next draw is number `counter + 1` of the stream.
    public var counter: UInt64

    /// A stream with `key`, starting at `counter`.
    public init(key: UInt64, counter: UInt64 = 0) {
        self.key = key
        self.counter = counter
    }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        counter &+= 1
        return SplitMix64.mix(key &+ counter &* 0x9E37_79B9_7F4A_7C15)
    }

    /// The SplitMix64 finaliser: a bijective avalanche of 64 bits.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A double in [0, 1) from the top 53 bits of `bits`.
    @inlinable
    public static func unitDouble(_ bits: UInt64) -> Double {
        Double(bits >> 11) * 0x1.0p-53
    }
}

/// The start of a seed path, its first label already applied (``SeedSequence/prefix(_:)``).
public struct SeedPrefix: Sendable, Hashable {
    @usableFromInline let state: UInt64

    init(state: UInt64) { self.state = state }

    /// The seed of the path (prefix, b, c), the same as `SeedSequence.seed(prefix, b, c)`.
    @inlinable
    public func seed(_ b: UInt64, _ c: UInt64) -> UInt64 {
        SeedSequence.step(SeedSequence.step(state, b), c)
    }
}
