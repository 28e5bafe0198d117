import HXNumerics
import Testing

@testable import HXNetwork

@Suite("Automatic partitioning and scheduling over chips")
struct PartitionTests {
    @Test(
        "every weight lies in exactly one block of at most 128 × 256, blocks go round robin",
        arguments: [
            (1000, 1000, 1), (1000, 1000, 2), (1000, 1000, 4), (128, 256, 1), (129, 257, 3),
            (5, 3, 2),
        ])
    func planCoversOnce(rows: Int, columns: Int, chips: Int) throws {
        let plan = try PartitionPlan(rows: rows, columns: columns, chipCount: chips)
        var covered = [Int](repeating: 0, count: rows * columns)
        for block in plan.blocks {
            #expect(block.rows.count <= 128 && block.columns.count <= 256)
            for r in block.rows { for c in block.columns { covered[r * columns + c] += 1 } }
        }
        #expect(
            covered.allSatisfy { $0 == 1 },
            "some weight is in \(covered.max()!) or \(covered.min()!) blocks")
        #expect(plan.blocks.count == ((rows + 127) / 128) * ((columns + 255) / 256))
        for (index, block) in plan.blocks.enumerated() {
            let slot = index % (2 * chips)
            #expect(block.placement == BlockPlacement(chip: slot / 2, hemisphere: slot % 2))
        }
        // Balanced: hemispheres receive block counts that differ by at most one.
        var perSlot: [BlockPlacement: Int] = [:]
        for block in plan.blocks { perSlot[block.placement, default: 0] += 1 }
        let counts = perSlot.values
        #expect(counts.max()! - counts.min()! <= 1)
        #expect(plan.depth == counts.max()!)
    }

    @Test("a plan for no rows, no columns or no chips is an error")
    func badPlans() {
        #expect(throws: NetworkError.self) { try PartitionPlan(rows: 0, columns: 3, chipCount: 1) }
        #expect(throws: NetworkError.self) { try PartitionPlan(rows: 3, columns: 0, chipCount: 1) }
        #expect(throws: NetworkError.self) { try PartitionPlan(rows: 3, columns: 3, chipCount: 0) }
    }

    @Test("partitioned software VMM (block products summed) equals the unpartitioned one exactly")
    func partitionedEqualsUnpartitioned() throws {
        // Integer chip values and a power-of-two gain (2⁻⁹ ≈ 0.00195) keep every partial sum
        // exact in Float, so the comparison can demand bit equality.
        let (batch, rows, columns) = (5, 700, 600)
        let x = randomIntegers([batch, rows], seed: 1, in: 0...31)
        let w = randomIntegers([rows, columns], seed: 2, in: -63...63)
        var context = ExecutionContext(
            backend: .software, mockParameter: MockParameter(gain: 1.0 / 512), seed: 0)
        let whole = try matmul(x, w, context: &context)
        var sums = [Float](repeating: 0, count: batch * columns)
        let plan = try PartitionPlan(rows: rows, columns: columns, chipCount: 2)
        for block in plan.blocks {
            let xs = try x.sliced(axis: 1, block.rows)
            let ws = try w.sliced(axis: 0, block.rows).sliced(axis: 1, block.columns)
            let part = try matmul(xs, ws, context: &context)
            for b in 0..<batch {
                for (j, c) in block.columns.enumerated() { sums[b * columns + c] += part[b, j] }
            }
        }
        let reassembled = try Tensor(shape: [batch, columns], storage: sums)
        #expect(reassembled == whole, "differ by up to \(maxDifference(reassembled, whole)) LSB")
    }

    @Test("a 1000 × 1000 Linear gives identical results on 1, 2 and 4 chips (deterministic fake)")
    func linearOnManyChips() throws {
        let layer = try Linear(inFeatures: 1000, outFeatures: 1000, numSends: 1, seed: 3)
        let x = randomTensor([4, 1000], seed: 4, in: 0...31)
        var outputs: [Tensor] = []
        for chips in [1, 2, 4] {
            let executor = try ReferenceExecutor(chipCount: chips, seed: 5)
            var context = ExecutionContext(backend: .hardware(executor), seed: 0)
            outputs.append(try layer(x, context: &context))
            // 8 row blocks × 4 column blocks, spread over all hemispheres.
            let used = Set(executor.placementHistory[0])
            #expect(executor.placementHistory[0].count == 32)
            #expect(used.count == min(32, 2 * chips))
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0] == outputs[2])
        // Without noise the hardware path is the mock formula, partition for partition.
        let exact = MockParameter(noiseStd: 0)
        let executor = try ReferenceExecutor(chipCount: 4, parameter: exact, seed: 5)
        var hardware = ExecutionContext(backend: .hardware(executor), mockParameter: exact, seed: 0)
        var mock = ExecutionContext(backend: .mock, mockParameter: exact, seed: 0)
        #expect(try layer(x, context: &hardware) == layer(x, context: &mock))
    }

    @Test("the reference executor rejects blocks no hemisphere could run")
    func executorChecksBlocks() throws {
        let executor = try ReferenceExecutor(chipCount: 1, seed: 0)
        executor.refusal(of: .uniform(chip: 1, hemisphere: 0, rows: 2, columns: 2))
        executor.refusal(of: .uniform(chip: 0, hemisphere: 1, rows: 129, columns: 1))
        let loud = HardwareBlock.uniform(chip: 0, hemisphere: 0, rows: 2, columns: 2, input: 32)
        #expect(
            executor.refusal(of: loud)
                == .outOfRange(name: "block 0 input", value: 32, allowed: 0...31))
    }
}
