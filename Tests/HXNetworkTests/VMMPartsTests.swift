import HXNumerics
import Testing

@testable import HXCalibration
@testable import HXNetwork
@testable import HXPhysics

/// A VMM call whose batch runs in parts of rows (``ExecutionContext/partRows``) keeps what a
/// call of the whole batch holds bounded and must give its codes bit for bit: the same trials
/// (hardware), the same noise (mock), the same dither (digital correction), the same grouping of
/// rows in the fast path's products.
@Suite("A VMM call in parts of rows gives the codes of one call")
struct VMMPartsTests {
    /// Context settings that make a call one part, and as many parts as the rules allow.
    static let onePart = Int.max / 2
    static let smallestParts = 1

    @Test(
        "Chip.parts: worked examples of the rule (128-row starts, ≥ 1024 rows, a short last part joins)"
    )
    func workedExamples() {
        // 2500 rows: 1024 and 1476 (a last part of 452 rows would be cut into 64-row chunks).
        #expect(Chip.parts(units: 2500, partRows: 1) == [0..<1024, 1024..<2500])
        #expect(
            Chip.parts(units: 10_000, partRows: 4096) == [0..<4096, 4096..<8192, 8192..<10_000])
        // 676 rows per image (26 × 26 positions): 32 images are the fewest whose rows are a
        // multiple of 128 (gcd(676, 128) = 4).
        let images = Chip.parts(units: 100, unitRows: 676, partRows: 4096)
        #expect(images == [0..<32, 32..<64, 64..<96, 96..<100])
        #expect(Chip.parts(units: 500, partRows: 4096) == [0..<500])
        #expect(Chip.parts(units: 0, partRows: 1) == [0..<0])
        #expect(Chip.parts(units: 9, unitRows: 0, partRows: 1) == [0..<9])
    }

    @Test(
        "Chip.parts: every plan covers the batch in order with aligned parts the fast path chunks as the whole",
        arguments: [
            (1, 1), (1, 4096), (64, 1), (676, 4096), (100, 1), (3, 2000), (1, 1 << 20),
        ])
    func invariants(unitRows: Int, partRows: Int) {
        for units in [1, 7, 1023, 1024, 1025, 4096, 4097, 9999, 20_000] {
            let parts = Chip.parts(units: units, unitRows: unitRows, partRows: partRows)
            #expect(parts.first?.lowerBound == 0 && parts.last?.upperBound == units)
            for (a, b) in zip(parts, parts.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
            guard parts.count > 1 else { continue }
            for part in parts {
                #expect((part.lowerBound * unitRows) % Chip.streamingChunkGranularity == 0)
                #expect(
                    part.count * unitRows >= Chip.minimumStreamingChunkRows
                        || part.upperBound == units)
                #expect(
                    FastPath.chunkSize(batch: part.count * unitRows)
                        == FastPath.chunkSize(batch: units * unitRows))
            }
        }
    }

    /// Random weights −63…63 and activations 0…31.
    static func operands(batch: Int, k: Int, n: Int) -> (x: Tensor, w: Tensor) {
        (
            randomIntegers([batch, k], seed: 31, in: 0...31),
            randomIntegers([k, n], seed: 32, in: -63...63)
        )
    }

    @Test(
        "physics back end, 2 × 2 blocks on one chip (two executions): parts of 1024 rows give the codes and the trial count of one call, with and without digital correction",
        arguments: [false, true])
    func hardware(corrected: Bool) throws {
        let (chip, correction): (Chip, CalibrationResult?)
        if corrected {
            let calibrated = try PhysicsExecutor(
                chipCount: 1, firstSeed: 3, calibration: PhysicsLoopTests.tinyCalibration,
                digitalCorrection: true)
            (chip, correction) = (calibrated.currentChips[0], calibrated.corrections[0])
        } else {
            (chip, correction) = (try Chip(seed: 21), nil)
        }
        let (x, w) = Self.operands(batch: 2500, k: 200, n: 300)
        func run(partRows: Int) throws -> (values: [Float], nextTrial: UInt64) {
            let executor = try PhysicsExecutor(
                chips: [chip], corrections: correction.map { [$0] })
            var context = ExecutionContext(backend: .hardware(executor), seed: 1)
            context.partRows = partRows
            let y = try matmul(x, w, numSends: 2, context: &context)
            return (y.storage, executor.currentChips[0].nextTrial)
        }
        let whole = try run(partRows: Self.onePart)
        let parts = try run(partRows: Self.smallestParts)
        let differing = zip(whole.values, parts.values).filter { $0 != $1 }.count
        #expect(differing == 0, "\(differing) of \(whole.values.count) outputs differ")
        // Two executions (one per row block, both hemispheres each) of 2500 vectors.
        #expect(whole.nextTrial == chip.nextTrial + 2 * 2500 && parts.nextTrial == whole.nextTrial)
        // The outputs carry the weights' signal: not all equal (a part left empty would be 0).
        #expect(Set(parts.values[(2400 * 300)...]).count > 10)
    }

    @Test("mock back end with noise: parts give the values of one call")
    func mock() throws {
        let (x, w) = Self.operands(batch: 3000, k: 200, n: 40)
        func run(partRows: Int) throws -> [Float] {
            var context = ExecutionContext(
                backend: .mock, mockParameter: MockParameter(gain: 0.002, noiseStd: 2), seed: 9)
            context.partRows = partRows
            return try matmul(x, w, numSends: 3, context: &context).storage
        }
        let whole = try run(partRows: Self.onePart)
        #expect(try run(partRows: Self.smallestParts) == whole)
        // The noise is on: another seed gives other values.
        var other = ExecutionContext(
            backend: .mock, mockParameter: MockParameter(gain: 0.002, noiseStd: 2), seed: 10)
        #expect(try matmul(x, w, numSends: 3, context: &other).storage != whole)
    }

    @Test(
        "conv2d without gradients runs in parts of images: the values of one VMM of all patches, on mock and chip",
        arguments: [false, true])
    func convolution(hardware: Bool) throws {
        // 40 images of 12 × 12 and 5 × 5 kernels: 64 positions per image, 2560 patch rows.
        let x = randomIntegers([40, 1, 12, 12], seed: 41, in: 0...31)
        let kernel = randomIntegers([4, 1, 5, 5], seed: 42, in: -63...63)
        let chip = try Chip(seed: 8)
        func run(partRows: Int, gradient: Bool) throws -> [Float] {
            let backend: Backend =
                hardware ? .hardware(try PhysicsExecutor(chips: [chip])) : .mock
            var context = ExecutionContext(
                backend: backend, mockParameter: MockParameter(gain: 0.002, noiseStd: 1), seed: 4)
            context.partRows = partRows
            let input = gradient ? x.trackingGradient() : x
            return try conv2d(input, kernel, numSends: 2, context: &context).storage
        }
        #expect(Chip.parts(units: 40, unitRows: 64, partRows: 1).count == 2)
        // The gradient path makes every patch and runs one matmul of them: the reference.
        let reference = try run(partRows: Self.smallestParts, gradient: true)
        #expect(try run(partRows: Self.smallestParts, gradient: false) == reference)
        #expect(try run(partRows: Self.onePart, gradient: false) == reference)
    }

    @Test(
        "a bad value in the last part stops the call before any part runs: the chip's trial count is unchanged"
    )
    func checkedBeforeWork() throws {
        let (x, w) = Self.operands(batch: 2500, k: 100, n: 20)
        for (bad, policy, expected) in [
            (Float.nan, RangePolicy.clamp, NetworkError.nonFinite(tensor: "matmul input")),
            (
                40, .reject,
                NetworkError.outOfRange(name: "matmul input", value: 40, allowed: 0...31)
            ),
        ] {
            var storage = x.storage
            storage[storage.count - 1] = bad
            let input = try Tensor(shape: x.shape, storage: storage)
            let executor = try PhysicsExecutor(chips: [try Chip(seed: 2)])
            var context = ExecutionContext(
                backend: .hardware(executor), seed: 1, rangePolicy: policy)
            context.partRows = Self.smallestParts
            #expect(throws: expected) { try matmul(input, w, context: &context) }
            #expect(executor.currentChips[0].nextTrial == 0)
        }
    }
}
