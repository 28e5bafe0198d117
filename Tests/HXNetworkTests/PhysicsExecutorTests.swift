import Foundation
import HXNumerics
import HXPhysics
import HXTestSupport
import Testing

@testable import HXNetwork

@Suite("Physics back end")
struct PhysicsExecutorTests {
    @Test(
        "measureMockParameter on a default simulated chip gives hxtorch's gain 0.002 and noise 2.0 within 15 %",
        arguments: [1, 2] as [UInt64])
    func mockParameterAnchor(seed: UInt64) throws {
        let executor = try PhysicsExecutor(chipCount: 1, firstSeed: seed)
        let measurement = try measureMockParameter(on: executor, seed: seed)
        let gain = measurement.parameter.gain
        let noise = measurement.parameter.noiseStd
        #expect(abs(gain / 0.002 - 1) < 0.15, "gain \(gain)")
        #expect(abs(noise / 2.0 - 1) < 0.15, "noise \(noise)")
    }

    @Test("the chips of a deployment have consecutive seeds; a count or seed beyond range throws")
    func chipSeeds() throws {
        #expect(try PhysicsExecutor.chipSeeds(first: 7, count: 3) == [7, 8, 9])
        #expect(try PhysicsExecutor.chipSeeds(first: .max, count: 1) == [.max])
        #expect(try PhysicsExecutor.chipSeeds(first: .max - 63, count: 64).last == .max)
        // Before, `firstSeed + UInt64(index)` trapped on the overflow (hxsim eval --chips 2
        // --chip-seed 18446744073709551615 ended in SIGILL).
        #expect {
            try PhysicsExecutor(chipCount: 2, firstSeed: .max)
        } throws: { "\($0)".contains("2 chips from seed 18446744073709551615") }
        for count in [0, 65, -1] {
            #expect {
                try PhysicsExecutor.chipSeeds(first: 1, count: count)
            } throws: { "\($0)".contains("chips of a physics executor = \(count) is outside 1") }
        }
        let sixtyFive = try Array(repeating: Chip(seed: 1), count: 65)
        #expect(throws: NetworkError.self) { try PhysicsExecutor(chips: sixtyFive) }
        #expect(throws: NetworkError.self) { try PhysicsExecutor(chips: []) }
    }

    @Test("blocks on several chips give the same codes whatever the thread count")
    func deterministicAcrossChips() throws {
        var rng = SplitMix64(key: 3)
        let inputs = try Matrix<UInt8>(
            rows: 8, columns: 100, storage: (0..<800).map { _ in UInt8(rng.next() % 32) })
        let weights = try Matrix<Int8>(
            rows: 100, columns: 200,
            storage: (0..<20_000).map { _ in Int8(Int(rng.next() % 127) - 63) })
        let blocks = (0..<6).map {
            HardwareBlock(
                placement: BlockPlacement(chip: $0 % 3, hemisphere: ($0 / 3) % 2), inputs: inputs,
                weights: weights)
        }
        let a = try PhysicsExecutor(chipCount: 3, firstSeed: 10).execute(
            blocks, numSends: 1, waitBetweenEvents: 5)
        var single = ExecutionOptions()
        single.threads = 1
        let b = try PhysicsExecutor(chipCount: 3, firstSeed: 10, options: single).execute(
            blocks, numSends: 1, waitBetweenEvents: 5)
        #expect(a == b)
        // Same weights and inputs on different chips differ by their mismatch.
        #expect(a[0] != a[1])
    }

    @Test("a block placed on a chip that does not exist is an error, not a trap")
    func badPlacement() throws {
        let executor = try PhysicsExecutor(chipCount: 1, firstSeed: 1)
        executor.refusal(of: .uniform(chip: 2, hemisphere: 0, rows: 2, columns: 2))
    }
}

@Suite("Partitioning onto simulated chips")
struct PhysicsPartitionTests {
    /// A 1000 × 1000 Linear (weights −12…12, three sends) and a batch of inputs, chip units.
    /// Each 128-row block's partial sum has σ ≈ 9 LSB, the sum of the 8 blocks σ ≈ 25 LSB: far
    /// inside the linear range, and well above the noise of 8 summed blocks (≈ √8 · 2 LSB).
    private func largeLayer() throws -> (Linear, Tensor) {
        var rng = SplitMix64(key: 11)
        let weights = (0..<1_000_000).map { _ in Float(Int(rng.next() % 25) - 12) }
        let layer = try Linear(
            weight: try Tensor(shape: [1000, 1000], storage: weights), numSends: 3)
        let inputs = (0..<2000).map { _ in Float(rng.next() % 32) }
        return (layer, try Tensor(shape: [2, 1000], storage: inputs))
    }

    private func rms(_ a: [Float], _ b: [Float]) -> Double {
        let d = zip(a, b).map { Double($0 - $1) }
        return (d.map { $0 * $0 }.reduce(0, +) / Double(d.count)).squareRoot()
    }

    private func spread(_ a: [Float]) -> Double {
        let mean = a.reduce(0, +) / Float(a.count)
        return rms(a, Array(repeating: mean, count: a.count))
    }

    /// The least-squares slope through the origin of `y` against `x`, and the RMS residual.
    private func fit(_ y: [Float], _ x: [Float]) -> (slope: Double, residual: Double) {
        let sxy = zip(x, y).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let sxx = x.reduce(0.0) { $0 + Double($1) * Double($1) }
        let slope = sxy / sxx
        let residuals = zip(x, y).map { Double($1) - slope * Double($0) }
        return (slope, (residuals.map { $0 * $0 }.reduce(0, +) / Double(x.count)).squareRoot())
    }

    @Test(
        "a 1000 × 1000 Linear on 1, 2 and 4 mismatch-free chips follows the closed form of docs/MODEL.md to within its noise; with mismatch the error grows"
    )
    func largeLinear() throws {
        let (layer, x) = try largeLayer()
        var software = ExecutionContext.software
        let ideal = try layer(x, context: &software).storage
        let signal = spread(ideal)
        #expect(signal > 15, "signal σ \(signal) LSB")
        // The closed form of the mismatch-free chip (docs/MODEL.md, linear OTA, with the
        // pseudo-leak), summed over the eight 128-row blocks, in LSB.
        let model = IdealChipModel(parameters: PhysicsParameters().withoutMismatchOrNoise)
        var linear = [Float](repeating: 0, count: 2 * 1000)
        for b in 0..<2 {
            for start in stride(from: 0, to: 1000, by: 128) {
                let rows = start..<min(1000, start + 128)
                let inputs = rows.map { Int(x[b, $0]) }
                let r = model.rowResponses(inputs: inputs, numSends: 3)
                for j in 0..<1000 {
                    var v = 0.0
                    for (i, row) in rows.enumerated() {
                        let w = Double(layer.weight[j, row])
                        v += w * (w > 0 ? r.excitatory[i] : r.inhibitory[i])
                    }
                    linear[b * 1000 + j] += Float(v / model.cadcLSB)
                }
            }
        }
        var cleanResiduals: [Double] = []
        for chips in [1, 2, 4] {
            // Mismatch-free chips with their trial-to-trial noise: 8 summed row blocks carry
            // √8 · 2 ≈ 5.7 LSB of noise, plus the rounding of 8 partial sums (≈ √8 · 0.3).
            let clean = try PhysicsExecutor(
                chipCount: chips, firstSeed: 20, parameters: PhysicsParameters().withoutMismatch)
            var context = ExecutionContext(backend: .hardware(clean), seed: 1)
            let out = try layer(x, context: &context)
            #expect(out.shape == [2, 1000])
            // The closed form leaves out only the OTAs' slight compression.
            let (slope, residual) = fit(out.storage, linear)
            #expect(slope > 0.97 && slope < 1.01, "\(chips) chip(s): slope \(slope)")
            #expect(residual < 8, "\(chips) chip(s): RMS residual \(residual) LSB")
            cleanResiduals.append(residual)
        }
        // With the default mismatch, uncalibrated column gains and offsets add up coherently over
        // the eight row blocks that share a column: the outputs follow the model's slope, with
        // an error several times the noise (calibration removes most of it).
        let mismatched = try PhysicsExecutor(chipCount: 1, firstSeed: 20)
        var raw = ExecutionContext(backend: .hardware(mismatched), seed: 1)
        let (slope, residual) = fit(try layer(x, context: &raw).storage, linear)
        #expect(slope > 0.85 && slope < 1.15, "mismatched: slope \(slope)")
        #expect(
            residual > 2 * cleanResiduals.max()!,
            "mismatched: RMS residual \(residual) LSB, without mismatch \(cleanResiduals)")
    }

    @Test("the same blocks on one chip or spread over four differ only by noise when chips match")
    func partitionedWithinNoise() throws {
        let (layer, x) = try largeLayer()
        var outputs: [[Float]] = []
        for chips in [1, 4] {
            let executor = try PhysicsExecutor(
                chipCount: chips, firstSeed: 30, parameters: PhysicsParameters().withoutMismatch)
            var context = ExecutionContext(backend: .hardware(executor), seed: 1)
            outputs.append(try layer(x, context: &context).storage)
        }
        let difference = rms(outputs[0], outputs[1])
        // Two independent draws of ≈ 6 LSB of noise each.
        #expect(difference > 0 && difference < 12, "RMS difference \(difference) LSB")
    }
}
