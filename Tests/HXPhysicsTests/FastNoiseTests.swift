import Foundation
import HXNumerics
import HXTestSupport
import Testing

@testable import HXPhysics

@Suite("The fast path's baseline read: drawn from its exact distribution")
struct FastNoiseTests {
    @Test(
        "baseline codes follow P(k) = Φ((k + ½ − c)/σ) − Φ((k − ½ − c)/σ) of the column's code c"
    )
    func baselineDistribution() throws {
        var chip = try Chip(seed: 51)
        try chip.writeWeights(randomMatrix(8, 4, in: -63...63, seed: 52), hemisphere: 0)
        let samples = 40_000
        let inputs = try Chip.checkedInputs(randomMatrix(samples, 8, in: 0...31, seed: 53))
        let result = try chip.execute(
            inputs: [inputs, nil], options: ExecutionOptions(includeRawReads: true))
        let baseline = try #require(result.baselineCodes[0])
        let circuit = chip.hemispheres[0].circuit
        let sigma = chip.parameters.readNoise
        func phi(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
        for column in 0..<4 {
            let code = circuit.cadcCode(column: column, voltage: circuit.resetPotential[column])
            var counts: [Int: Int] = [:]
            for b in 0..<samples { counts[Int(baseline[b, column]), default: 0] += 1 }
            var chiSquare = 0.0
            var cells = 0
            for k in (Int(code.rounded()) - 4)...(Int(code.rounded()) + 4) {
                let p =
                    phi((Double(k) + 0.5 - code) / sigma) - phi((Double(k) - 0.5 - code) / sigma)
                let expected = p * Double(samples)
                guard expected > 20 else { continue }
                let observed = Double(counts[k] ?? 0)
                chiSquare += (observed - expected) * (observed - expected) / expected
                cells += 1
            }
            // About `cells` − 1 degrees of freedom (≤ 8): the 99.9 % point is below 27.
            #expect(
                cells >= 5 && chiSquare < 27, "column \(column): χ² \(chiSquare), \(cells) cells")
        }
    }

    @Test("the uniforms behind it are the 16-bit quarters of SplitMix64 hashes, and uniform")
    func uniforms() {
        let count = 4096
        let buffer = UnsafeMutablePointer<UInt16>.allocate(
            capacity: FastUniform.capacity(for: count))
        defer { buffer.deallocate() }
        FastUniform.fill16(buffer, count: count, key: 7)
        let values = Array(UnsafeBufferPointer(start: buffer, count: count))
        // Value i: bits 16·(i mod 4) … of SplitMix64(key + (i / 4) · γ), γ the golden ratio in
        // 64-bit fixed point.
        let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15
        let expected = (0..<count).map { (i: Int) -> UInt16 in
            let hash: UInt64 = SplitMix64.mix(7 &+ UInt64(i / 4) &* gamma)
            let shift = UInt64(16 * (i % 4))
            return UInt16(truncatingIfNeeded: hash >> shift)
        }
        #expect(values == expected)
        let mean = values.map(Double.init).reduce(0, +) / Double(count)
        // Uniform on 0…65535: mean 32767.5, σ of the mean 18918/√4096 ≈ 296.
        #expect(abs(mean - 32767.5) < 4 * 296, "mean \(mean)")
        let again = UnsafeMutablePointer<UInt16>.allocate(capacity: FastUniform.capacity(for: 100))
        defer { again.deallocate() }
        FastUniform.fill16(again, count: 100, key: 7)
        #expect(Array(UnsafeBufferPointer(start: again, count: 100)) == Array(values.prefix(100)))
    }
}
