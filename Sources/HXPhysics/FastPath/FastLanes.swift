/// The sixteen-lane arithmetic of the fast path's kernels, in explicit SIMD.
///
/// Plain loops over many pointers do not vectorise (the compiler gives up on the overlap
/// checks), and several of Swift's SIMD operations compile to scalar code lane by lane
/// (`pointwiseMin`, `clamped`, `squareRoot()`, conversions that trap): the helpers here
/// are the forms that compile to one or a few AVX-512 instructions each (checked in the
/// assembly, see benchmarks/README.md).
extension FastPath {
    /// Sixteen columns (or rows) of Float: one AVX-512 register.
    typealias Lanes = SIMD16<Float>
    typealias LaneBits = SIMD16<Int32>
    typealias LaneMask = SIMDMask<LaneBits>

    // The helpers below are `@_transparent` (as swift-numerics writes its kernels): with
    // `@inline(__always)` the optimiser sometimes keeps a call, and a SIMD16 value crossing a
    // call is split into four 128-bit registers, which costs more than the arithmetic.

    /// Sixteen values from `pointer` (any alignment).
    @_transparent
    static func load(_ pointer: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
    }

    // Minimum and maximum as compare-and-select: `pointwiseMin`, `clamped` and friends follow
    // IEEE NaN rules lane by lane and compile to scalar code, these to one instruction each.
    @_transparent
    static func minimum(_ a: Lanes, _ b: Lanes) -> Lanes { a.replacing(with: b, where: b .< a) }

    @_transparent
    static func maximum(_ a: Lanes, _ b: Lanes) -> Lanes { a.replacing(with: b, where: b .> a) }

    /// |a|, by clearing the sign bits.
    @_transparent
    static func magnitude(_ a: Lanes) -> Lanes {
        let bits = unsafeBitCast(a, to: LaneBits.self) & LaneBits(repeating: 0x7FFF_FFFF)
        return unsafeBitCast(bits, to: Lanes.self)
    }

    /// √x for x ≥ 0, to a relative 5e-6: the bit-pattern estimate of 1/√x (within 3.4 %),
    /// two Newton steps, times x. (`squareRoot()` on SIMD types calls libm lane by lane.)
    @_transparent
    static func squareRoot(_ x: Lanes) -> Lanes {
        let safe = maximum(x, Lanes(repeating: .leastNormalMagnitude))
        let bits = unsafeBitCast(safe, to: LaneBits.self)
        var r = unsafeBitCast(LaneBits(repeating: 0x5F37_5A86) &- (bits &>> 1), to: Lanes.self)
        let minusHalf = safe * Lanes(repeating: -0.5)
        let threeHalves = Lanes(repeating: 1.5)
        r = r * threeHalves.addingProduct(minusHalf, r * r)
        r = r * threeHalves.addingProduct(minusHalf, r * r)
        return x * r
    }

    /// 1.5 · 2²³: adding it to a float in [−2²², 2²²) rounds it to an integer (ties to even)
    /// held in the low mantissa bits, which vectorises where a checked conversion would not.
    /// The low byte of the sum's bit pattern is then the integer's low byte (two's complement,
    /// as the pattern of the constant ends in 22 zero bits).
    static let roundingMagic: Float = 12_582_912

    /// The CADC code nearest to `code`, clipped to 0…255, plus ``roundingMagic``: the code is
    /// the low byte of the bit pattern, and the difference of two such values is the exact
    /// difference of their codes.
    @_transparent
    static func quantisedPlusMagic(_ code: Lanes) -> Lanes {
        let clipped = minimum(maximum(code, Lanes(repeating: 0)), Lanes(repeating: 255))
        return clipped + Lanes(repeating: 12_582_912)
    }

    /// The bit patterns of `value + roundingMagic` for exact integers `value` in −128…255,
    /// whose low bytes are the integers.
    @_transparent
    static func patterns(_ value: Lanes) -> LaneBits {
        unsafeBitCast(value + Lanes(repeating: 12_582_912), to: LaneBits.self)
    }
}

extension FastPath {
    /// Whether any lane of `mask` is set: an OR of the mask's 64-bit words and one test. (The
    /// standard library's `any(_:)` is a generic minimum over the lanes; in the transform's
    /// loop the optimiser left it as a call, with the registers spilled around it.)
    @_transparent
    static func anyLane(_ mask: LaneMask) -> Bool {
        let words = unsafeBitCast(mask, to: SIMD8<UInt64>.self)
        return ((words[0] | words[1]) | (words[2] | words[3]))
            | ((words[4] | words[5]) | (words[6] | words[7])) != 0
    }
}
