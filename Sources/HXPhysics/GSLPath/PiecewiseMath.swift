/// Eight-lane double-precision functions for the `piecewise` scheme of the reference
/// integrator: tanh and short exponential series, accurate to far below what the reference
/// resolves. Swift's `tanh` and `exp` call libm lane by lane; these compile to vector code, which
/// is what makes a closed-form membrane with the OTA's tanh cheaper than integrating it.
/// Products and sums are written as `a * b + c`: `addingProduct` with a splatted constant
/// leaves LLVM's vectoriser with scalar fused multiply-adds in some lanes (seen in the
/// assembly), while the unfused form compiles to packed instructions throughout.
enum PiecewiseMath {
    /// Eight columns of Double (one AVX-512 register, two AVX2 ones).
    typealias Lanes = SIMD8<Double>
    typealias LaneBits = SIMD8<Int64>

    /// 1.5 · 2⁵²: adding it to a double of magnitude below 2⁵¹ rounds it to an integer held in
    /// the low mantissa bits.
    @usableFromInline static let roundingMagic: Double = 6_755_399_441_055_744

    /// |a|, by clearing the sign bits.
    @_transparent
    static func magnitude(_ a: Lanes) -> Lanes {
        let bits = unsafeBitCast(a, to: LaneBits.self) & LaneBits(repeating: .max)
        return unsafeBitCast(bits, to: Lanes.self)
    }

    /// a with the sign of b.
    @_transparent
    static func withSign(_ a: Lanes, of b: Lanes) -> Lanes {
        let sign = unsafeBitCast(b, to: LaneBits.self) & LaneBits(repeating: .min)
        return unsafeBitCast(unsafeBitCast(a, to: LaneBits.self) | sign, to: Lanes.self)
    }

    @_transparent
    static func minimum(_ a: Lanes, _ b: Lanes) -> Lanes { a.replacing(with: b, where: b .< a) }

    @_transparent
    static func maximum(_ a: Lanes, _ b: Lanes) -> Lanes { a.replacing(with: b, where: b .> a) }

    /// tanh(x) to 3e-13 relative: tanh|x| = −u/(2 + u) with u = expm1(−2|x|), u from a
    /// degree-11 Taylor polynomial after reducing the argument by multiples of ln 2
    /// (|r| ≤ ln 2 / 2), then the sign of x.
    @_transparent
    static func tanh(_ x: Lanes) -> Lanes {
        // Beyond 20, tanh is 1 to double precision; the clamp keeps 2^k a normal number.
        let y = minimum(magnitude(x), Lanes(repeating: 20)) * Lanes(repeating: -2)
        let magic = Lanes(repeating: roundingMagic)
        // k = y / ln 2 rounded to an integer (any nearby integer would do).
        let shifted = y * Lanes(repeating: 1.442_695_040_888_963_4) + magic
        let k = shifted - magic
        // r = y − k ln 2, with ln 2 in two parts so that k ln 2 is exact.
        // (The high part has 32 trailing zero bits: k ln2_hi is exact for |k| ≤ 58.)
        var r = y - k * Lanes(repeating: 6.931_471_803_691_238_2e-1)
        r = r - k * Lanes(repeating: 1.908_214_929_270_587_7e-10)
        // expm1(r) = r (1 + r/2 (1 + r/3 (…))), as r · Σ r^m/(m + 1)!, Horner from m = 9. The
        // first omitted term, r¹¹/11!, is below 3e-13 relative: far below what the reference
        // resolves (its tolerance is 1e-9 V in about 1 V).
        var p = Lanes(repeating: 1.0 / 39_916_800)
        p = p * r + Lanes(repeating: 1.0 / 3_628_800)
        p = p * r + Lanes(repeating: 1.0 / 362_880)
        p = p * r + Lanes(repeating: 1.0 / 40_320)
        p = p * r + Lanes(repeating: 1.0 / 5_040)
        p = p * r + Lanes(repeating: 1.0 / 720)
        p = p * r + Lanes(repeating: 1.0 / 120)
        p = p * r + Lanes(repeating: 1.0 / 24)
        p = p * r + Lanes(repeating: 1.0 / 6)
        p = p * r + Lanes(repeating: 0.5)
        p = p * r + Lanes(repeating: 1)
        let em = p * r
        // 2^k from the integer k in the low bits of `shifted` (−58 ≤ k ≤ 0, two's complement).
        let kBits =
            unsafeBitCast(shifted, to: LaneBits.self)
            &- unsafeBitCast(magic, to: LaneBits.self)
        let scale = unsafeBitCast((kBits &+ 1023) &<< 52, to: Lanes.self)
        // expm1(y) = 2^k (expm1(r) + 1) − 1.
        let u = em * scale + (scale - 1)
        return withSign(-u / (u + 2), of: x)
    }

    /// e^{−z} for 0 ≤ z ≤ 0.005 (degree 3: the first omitted term is below 3e-11 relative),
    /// the membrane's leak from a quadrature node to the end of its piece: it weights a
    /// node's share of the piece's increment, so its error stays below 1e-12 V.
    @_transparent
    static func shortDecay(_ z: Lanes) -> Lanes {
        var p = Lanes(repeating: -1.0 / 6)
        p = p * z + Lanes(repeating: 0.5)
        p = p * z + Lanes(repeating: -1)
        return p * z + 1
    }

    /// e^{−z} for 0 ≤ z ≤ 0.005 (degree 5: the first omitted term is below 3e-17), the
    /// membrane's leak over a piece.
    @_transparent
    static func decay(_ z: Lanes) -> Lanes {
        var p = Lanes(repeating: -1.0 / 120)
        p = p * z + Lanes(repeating: 1.0 / 24)
        p = p * z + Lanes(repeating: -1.0 / 6)
        p = p * z + Lanes(repeating: 0.5)
        p = p * z + Lanes(repeating: -1)
        return p * z + 1
    }

    /// (1 − e^{−z})/z for 0 ≤ z ≤ 0.005 (degree 4: the first omitted term is below 3e-15),
    /// the drift's share over a piece.
    @_transparent
    static func decayIntegral(_ z: Lanes) -> Lanes {
        var p = Lanes(repeating: 1.0 / 120)
        p = p * z + Lanes(repeating: -1.0 / 24)
        p = p * z + Lanes(repeating: 1.0 / 6)
        p = p * z + Lanes(repeating: -0.5)
        return p * z + 1
    }

    /// The largest leak times piece length for which the series above hold their accuracy
    /// (the default chip's is below 5e-4).
    static let maximumLeakExponent = 0.005
}
