import CGSL

/// The GSL generator algorithms HXSim uses.
public enum GSLGeneratorKind: String, Sendable, Codable, CaseIterable {
    /// Mersenne twister: the reference generator for fixed-pattern mismatch.
    case mt19937
    /// Tausworthe, cheap to seed: one per sample for trial-to-trial noise.
    case taus2
    /// RANLUX second-generation, luxury level 2.
    case ranlxd2
}

/// A seeded GSL random-number generator (`gsl_rng`) and the `gsl_ran_*` distributions HXSim
/// draws from. Owns its C handle and frees it when released.
///
/// Not thread-safe: give each thread its own generator, seeded from a ``SeedSequence``.
public final class GSLRandom {
    private let handle: UnsafeMutablePointer<gsl_rng>

    /// A generator of `kind` seeded with `seed` (GSL seeds are `unsigned long`).
    public init(seed: UInt64, kind: GSLGeneratorKind = .mt19937) {
        _ = GSLRuntime.prepared
        let type: UnsafePointer<gsl_rng_type>
        switch kind {
        case .mt19937: type = hx_rng_mt19937()
        case .taus2: type = hx_rng_taus2()
        case .ranlxd2: type = hx_rng_ranlxd2()
        }
        guard let handle = gsl_rng_alloc(type) else {
            // Allocation of a few kilobytes failed: the process is out of memory.
            fatalError("gsl_rng_alloc failed: out of memory")
        }
        self.handle = handle
        gsl_rng_set(handle, UInt(truncatingIfNeeded: seed))
    }

    deinit { gsl_rng_free(handle) }

    /// A draw from N(0, sigma²) (`gsl_ran_gaussian_ziggurat`).
    public func gaussian(sigma: Double = 1) -> Double {
        gsl_ran_gaussian_ziggurat(handle, sigma)
    }

    /// A draw from U[0, 1) (`gsl_rng_uniform`).
    public func uniform() -> Double { gsl_rng_uniform(handle) }

    /// A draw from U(0, 1), never 0 (`gsl_rng_uniform_pos`).
    public func uniformPositive() -> Double { gsl_rng_uniform_pos(handle) }

    /// A draw from U[a, b) (`gsl_ran_flat`).
    public func flat(_ a: Double, _ b: Double) -> Double { gsl_ran_flat(handle, a, b) }

    /// An integer uniform on 0..<n (`gsl_rng_uniform_int`); n must be positive.
    public func uniformInt(below n: Int) -> Int {
        precondition(n > 0, "uniformInt needs a positive bound")
        return Int(gsl_rng_uniform_int(handle, UInt(n)))
    }

    /// A Poisson draw with mean `mu` (`gsl_ran_poisson`).
    public func poisson(mean mu: Double) -> Int { Int(gsl_ran_poisson(handle, mu)) }

    /// A uniformly random permutation of 0..<n (`gsl_ran_shuffle`).
    public func permutation(_ n: Int) -> [Int] {
        var values = Array(0..<n)
        values.withUnsafeMutableBytes { raw in
            gsl_ran_shuffle(handle, raw.baseAddress, n, MemoryLayout<Int>.stride)
        }
        return values
    }

    /// `count` draws from N(0, sigma²).
    public func gaussians(_ count: Int, sigma: Double = 1) -> [Double] {
        (0..<count).map { _ in gaussian(sigma: sigma) }
    }
}
