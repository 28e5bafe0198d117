import Foundation
import HXNumerics

/// Standard normal draws addressed by a key and an index, without sequential state.
///
/// Draw `i` of stream `key` is the Box–Muller transform (``GaussianStream/pair(_:_:)``) of
/// SplitMix64 outputs `2i + 1` and `2i + 2` of that stream (``SplitMix64`` is counter based), so any draw is computed directly
/// and the result of a computation does not depend on which thread computed which element.
enum CounterGaussian {
    /// The stream key for one output element: a mix of a per-call key and two coordinates.
    @inline(__always)
    static func key(_ base: UInt64, _ first: Int, _ second: Int) -> UInt64 {
        let a = SplitMix64.mix(base &+ UInt64(truncatingIfNeeded: first) &* 0xD1B5_4A32_D192_ED03)
        return SplitMix64.mix(a ^ (UInt64(truncatingIfNeeded: second) &* 0x8CB9_2BA7_2F3D_8DD7))
    }

    /// Draw `index` of stream `key`, from N(0, 1).
    @inline(__always)
    static func standardNormal(key: UInt64, index: Int) -> Double {
        var stream = SplitMix64(key: key, counter: 2 &* UInt64(truncatingIfNeeded: index))
        return GaussianStream.pair(stream.next(), stream.next()).0
    }
}
