import Foundation
import Testing

@testable import HXNumerics

@Suite("C libraries: OpenBLAS and GSL, wrapped once")
struct LibraryTests {
    @Test("cblas_sgemm resolves to OpenBLAS, not GSL's reference CBLAS (libgslcblas)")
    func sgemmIsOpenBLAS() throws {
        let path = try #require(BLAS.sgemmLibraryPath)
        #expect(path.contains("openblas"), "cblas_sgemm comes from \(path)")
        #expect(!path.contains("gslcblas"))
    }

    @Test("sgemm computes a known product (row-major, with transposes)")
    func sgemm() throws {
        let a = try Matrix<Float>([[1, 2, 3], [4, 5, 6]])
        let b = try Matrix<Float>([[7, 8], [9, 10], [11, 12]])
        #expect(try BLAS.multiply(a, b) == (try Matrix<Float>([[58, 64], [139, 154]])))
        #expect(throws: NumericsError.self) { try BLAS.multiply(a, a) }
    }

    @Test("GSL's Gaussian has the requested σ and the same seed gives the same draws")
    func gslRandom() {
        let a = GSLRandom(seed: 5).gaussians(20_000, sigma: 2)
        let b = GSLRandom(seed: 5).gaussians(20_000, sigma: 2)
        #expect(a == b)
        let mean = a.reduce(0, +) / Double(a.count)
        let std = (a.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(a.count - 1))
            .squareRoot()
        // Standard error of σ from 20,000 draws is 0.5 %.
        #expect(abs(std - 2) < 0.04 && abs(mean) < 0.05, "mean \(mean), σ \(std)")
        #expect(GSLRandom(seed: 6).gaussians(3) != Array(a.prefix(3)))
    }

    @Test("the counter-based Gaussian stream is N(0, 1) and a pure function of its key")
    func gaussianStream() {
        var s = GaussianStream(key: 99)
        let draws = (0..<40_000).map { _ in s.next() }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let variance =
            draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws.count - 1)
        let kurtosis =
            draws.map { pow($0 - mean, 4) }.reduce(0, +) / Double(draws.count)
            / (variance * variance)
        #expect(
            abs(mean) < 0.02 && abs(variance - 1) < 0.03 && abs(kurtosis - 3) < 0.1,
            "\(mean) \(variance) \(kurtosis)")
        var again = GaussianStream(key: 99)
        #expect((0..<10).map { _ in again.next() } == Array(draws.prefix(10)))
    }

    @Test("GSL's ODE integrator solves dy/dt = −y to its tolerance, and errors instead of aborting")
    func ode() throws {
        let integrator = try ODEIntegrator(dimension: 1, stepper: .rkf45) { _, y, dydt in
            dydt[0] = -y[0]
        }
        var y = [1.0]
        try integrator.integrate(&y, from: 0, to: 2)
        #expect(abs(y[0] - exp(-2)) < 1e-7)
        #expect(throws: NumericsError.self) { try integrator.integrate(&y, from: 2, to: 1) }
        #expect(throws: NumericsError.self) { try ODEIntegrator(dimension: 0) { _, _, _ in } }
    }

    @Test("GSL's least squares recovers a line exactly and rejects bad input")
    func fits() throws {
        let x = (0..<10).map(Double.init)
        let fit = try LeastSquares.line(x: x, y: x.map { 3 - 0.5 * $0 })
        #expect(abs(fit.intercept - 3) < 1e-12 && abs(fit.slope + 0.5) < 1e-12)
        #expect(throws: NumericsError.self) { try LeastSquares.line(x: [1], y: [1]) }
        #expect(throws: NumericsError.self) { try LeastSquares.line(x: [1, .nan], y: [1, 2]) }
        let design = try Matrix<Double>(x.map { [1, $0, $0 * $0] })
        let (c, chi2) = try LeastSquares.solve(
            design: design, y: x.map { 1 + 2 * $0 + 3 * $0 * $0 })
        #expect(
            abs(c[0] - 1) < 1e-9 && abs(c[1] - 2) < 1e-9 && abs(c[2] - 3) < 1e-9 && chi2 < 1e-12)
    }

    @Test("parallel chunks cover every index once, whatever the thread count")
    func parallel() throws {
        for threads in [1, 2, 4] {
            var hits = [Int](repeating: 0, count: 1000)
            try hits.withUnsafeMutableBufferPointer { buffer in
                let shared = SharedBuffer(buffer)
                try Parallel.forEachChunk(count: 1000, chunkSize: 37, threads: threads) { range in
                    for i in range { shared[i] += 1 }
                }
            }
            #expect(hits.allSatisfy { $0 == 1 })
        }
    }
}

@Suite("Fast approximate normal draws")
struct FastNormalTests {
    @Test("the dithered binomial is within 1.5e-3 of Φ in CDF, with the stated moments")
    func distribution() {
        let count = 200_000
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: FastNormal.capacity(for: count))
        defer { buffer.deallocate() }
        FastNormal.fill(buffer, count: count, key: 12_345)
        let values = (0..<count).map { Double(buffer[$0]) }.sorted()
        let mean = values.reduce(0, +) / Double(count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(count)
        let kurtosis =
            values.map { pow($0 - mean, 4) }.reduce(0, +) / Double(count) / (variance * variance)
        // Kolmogorov–Smirnov distance to N(0, 1); its sampling error at n = 2e5 is ≈ 2e-3.
        var ks = 0.0
        for (i, x) in values.enumerated() where i % 97 == 0 {
            let phi = 0.5 * erfc(-x / 2.0.squareRoot())
            ks = max(ks, abs(Double(i) / Double(count) - phi))
        }
        #expect(abs(mean) < 0.01 && abs(variance - 1) < 0.01, "mean \(mean), variance \(variance)")
        #expect(abs(kurtosis - (3 - 2.0 / 56)) < 0.05, "kurtosis \(kurtosis)")
        #expect(ks < 4e-3, "KS distance \(ks)")
    }

    @Test("value i of a stream is a pure function of (key, i)")
    func counterBased() {
        let a = UnsafeMutablePointer<Float>.allocate(capacity: 64)
        defer { a.deallocate() }
        FastNormal.fill(a, count: 64, key: 9)
        #expect((0..<64).allSatisfy { a[$0] == FastNormal.value(key: 9, index: $0) })
        #expect(FastNormal.value(key: 10, index: 3) != a[3])
    }
}
