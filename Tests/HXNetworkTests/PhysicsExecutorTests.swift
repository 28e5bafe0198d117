import Foundation
import HXNumerics
import HXPhysics
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
        let block = HardwareBlock(
            placement: BlockPlacement(chip: 2, hemisphere: 0),
            inputs: Matrix(rows: 1, columns: 2, repeating: 1),
            weights: Matrix(rows: 2, columns: 2, repeating: 1))
        #expect(throws: NetworkError.self) {
            try executor.execute([block], numSends: 1, waitBetweenEvents: 5)
        }
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

    @Test(
        "a 1000 × 1000 Linear runs on 1, 2 and 4 chips; without mismatch it tracks the linear model within noise"
    )
    func largeLinear() throws {
        let (layer, x) = try largeLayer()
        var software = ExecutionContext.software
        let ideal = try layer(x, context: &software).storage
        let signal = spread(ideal)
        #expect(signal > 15, "signal σ \(signal) LSB")
        for chips in [1, 2, 4] {
            // Mismatch-free chips with their trial-to-trial noise: 8 summed row blocks carry
            // √8 · 2 ≈ 5.7 LSB of noise, plus the rounding of 8 partial sums and the OTAs'
            // slight compression.
            let clean = try PhysicsExecutor(
                chipCount: chips, firstSeed: 20, parameters: PhysicsParameters().withoutMismatch)
            var context = ExecutionContext(backend: .hardware(clean), seed: 1)
            let out = try layer(x, context: &context)
            #expect(out.shape == [2, 1000])
            let error = rms(out.storage, ideal)
            #expect(error < 10, "\(chips) chip(s): RMS error \(error) LSB, signal \(signal)")
            // With the default mismatch the layer runs too; uncalibrated column gains add up
            // coherently over the row blocks that share a column, which calibration removes.
            let mismatched = try PhysicsExecutor(chipCount: chips, firstSeed: 20)
            var raw = ExecutionContext(backend: .hardware(mismatched), seed: 1)
            #expect(try layer(x, context: &raw).storage.allSatisfy { $0.isFinite })
        }
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
