import Foundation
import HXNumerics
import HXTestSupport
import Testing

@testable import HXPhysics

@Suite("Determinism: one seed, one chip, bit for bit")
struct DeterminismTests {
    @Test(
        "the same seed gives the same chip and the same codes; another seed does not",
        arguments: Integrator.allCases)
    func sameSeed(integrator: Integrator) throws {
        let (inputs, weights) = try randomOperands(batch: 6, rows: 32, columns: 40, seed: 1)
        let options = ExecutionOptions(integrator: integrator)
        var a = try Chip(seed: 42)
        var b = try Chip(seed: 42)
        var c = try Chip(seed: 43)
        let outA = try a.vmm(inputs: inputs, weights: weights, options: options).outputs
        #expect(outA == (try b.vmm(inputs: inputs, weights: weights, options: options).outputs))
        #expect(outA != (try c.vmm(inputs: inputs, weights: weights, options: options).outputs))
        #expect(a.mismatch.hemispheres == b.mismatch.hemispheres)
    }

    @Test("codes do not depend on the thread count", arguments: Integrator.allCases)
    func threads(integrator: Integrator) throws {
        let (inputs, weights) = try randomOperands(batch: 12, rows: 64, columns: 300, seed: 3)
        var results: [Matrix<Int8>] = []
        for threads in [1, 2, 3] {
            var chip = try Chip(seed: 5)
            let options = ExecutionOptions(integrator: integrator, threads: threads)
            results.append(try chip.vmm(inputs: inputs, weights: weights, options: options).outputs)
        }
        #expect(results[0] == results[1] && results[1] == results[2])
    }

    @Test(
        "a batch split over two calls gives the same codes as one call",
        arguments: Integrator.allCases)
    func batchSplit(integrator: Integrator) throws {
        let (inputs, weights) = try randomOperands(batch: 10, rows: 20, columns: 30, seed: 6)
        let options = ExecutionOptions(integrator: integrator)
        var whole = try Chip(seed: 8)
        let all = try whole.vmm(inputs: inputs, weights: weights, options: options).outputs
        var split = try Chip(seed: 8)
        let first = try split.vmm(
            inputs: inputs.slice(rows: 0..<4, columns: 0..<20), weights: weights, options: options
        ).outputs
        let second = try split.vmm(
            inputs: inputs.slice(rows: 4..<10, columns: 0..<20), weights: weights, options: options
        ).outputs
        #expect(first == all.slice(rows: 0..<4, columns: 0..<30))
        #expect(second == all.slice(rows: 4..<10, columns: 0..<30))
        #expect(whole.nextTrial == split.nextTrial)
    }

    @Test("naming the first trial repeats its noise; the next trial differs")
    func explicitTrial() throws {
        var chip = try Chip(seed: 9)
        let inputs = filled(3, 50, 20)
        let weights = filled(50, 64, 30)
        let first = try chip.vmm(
            inputs: inputs, weights: weights, options: ExecutionOptions(firstTrial: 100)
        ).outputs
        let again = try chip.vmm(
            inputs: inputs, weights: weights, options: ExecutionOptions(firstTrial: 100)
        ).outputs
        let next = try chip.vmm(
            inputs: inputs, weights: weights, options: ExecutionOptions(firstTrial: 101)
        ).outputs
        #expect(first == again)
        #expect(first != next)
        // Trial 101 is the second vector of the first run.
        #expect(
            first.slice(rows: 1..<3, columns: 0..<64) == next.slice(rows: 0..<2, columns: 0..<64))
    }

    @Test("a copy of a chip is an independent chip with the same state")
    func valueSemantics() throws {
        var original = try Chip(seed: 10)
        var copy = original
        try copy.configure(hemisphere: 0) { $0.synapseBias = 500 }
        #expect(original.configuration != copy.configuration)
        let a = try original.vmm(inputs: filled(1, 10, 31), weights: filled(10, 4, 63)).outputs
        let b = try copy.vmm(inputs: filled(1, 10, 31), weights: filled(10, 4, 63)).outputs
        #expect(a != b)
    }
}
