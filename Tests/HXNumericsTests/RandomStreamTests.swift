import Testing

@testable import HXNumerics

@Suite("SplitMix64 streams and seed sequences")
struct RandomStreamTests {
    @Test(
        "SplitMix64 with key 0 gives the reference generator's first outputs (Vigna's splitmix64.c)"
    )
    func referenceValues() {
        var stream = SplitMix64(key: 0)
        #expect(stream.next() == 0xE220_A839_7B1D_CDAF)
        #expect(stream.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(stream.next() == 0x06C4_5D18_8009_454F)
        // Counter-based: draw 3 of the stream directly.
        var third = SplitMix64(key: 0, counter: 2)
        #expect(third.next() == 0x06C4_5D18_8009_454F)
    }

    @Test("unitDouble maps 64 bits onto [0, 1) with 53-bit resolution, uniformly")
    func unitDouble() {
        #expect(SplitMix64.unitDouble(0) == 0)
        #expect(SplitMix64.unitDouble(.max) == 1 - 0x1.0p-53)
        #expect(SplitMix64.unitDouble(1 << 63) == 0.5)
        var stream = SplitMix64(key: 7)
        let draws = (0..<100_000).map { _ in SplitMix64.unitDouble(stream.next()) }
        #expect(draws.allSatisfy { (0..<1).contains($0) })
        // Mean ½ and variance 1/12, each to about four standard errors.
        let mean = draws.reduce(0, +) / Double(draws.count)
        let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws.count)
        #expect(abs(mean - 0.5) < 0.004, "mean \(mean)")
        #expect(abs(variance - 1.0 / 12) < 0.002, "variance \(variance)")
    }

    @Test("seeds of different paths differ; the same path gives the same seed; labels are FNV-1a")
    func seedSequence() {
        let seeds = SeedSequence(42)
        let (a, b, c): (UInt64, UInt64, UInt64) = (1, 2, 3)
        let abc: UInt64 = seeds.seed(a, b, c)
        #expect(abc == seeds.seed(path: [1, 2, 3]))
        #expect(abc != seeds.seed(path: [1, 3, 2]) && abc != seeds.seed(path: [1, 2]))
        #expect(abc != SeedSequence(43).seed(path: [1, 2, 3]))
        // FNV-1a of "a" (the published 64-bit test vector).
        #expect(SeedSequence.label("a") == 0xAF63_DC4C_8601_EC8C)
        #expect(SeedSequence.label("") == 0xCBF2_9CE4_8422_2325)
    }
}
