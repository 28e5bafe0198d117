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
