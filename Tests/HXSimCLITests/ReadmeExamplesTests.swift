import HXNetwork
import HXNumerics
import HXPhysics
import Testing

/// The library examples of README.md, kept compiling and running.
@Suite("README examples")
struct ReadmeExamplesTests {
    @Test("the physics example runs and gives the anchor's outputs")
    func physics() throws {
        var chip = try Chip(seed: 7)
        let x = Matrix<Int>(rows: 50, columns: 100, repeating: 15)
        let w = Matrix<Int>(rows: 100, columns: 256, repeating: 21)
        let result = try chip.vmm(inputs: x, weights: w)
        #expect((30...90).contains(result.outputs[0, 0]) && result.projectedTime > 0)
        let options = ExecutionOptions(numSends: 2, waitBetweenEvents: 5, integrator: .gsl)
        let traced = try chip.vmm(
            inputs: x.slice(rows: 0..<1, columns: 0..<100),
            weights: w.slice(rows: 0..<100, columns: 0..<8),
            options: options, traceColumn: 3)
        #expect(traced.trace != nil)
    }

    @Test("the network example runs on two simulated chips")
    func network() throws {
        let executor = try PhysicsExecutor(chipCount: 2, firstSeed: 1)
        let model = Sequential(
            try Linear(inFeatures: 4, outFeatures: 128, seed: 1),
            try ConvertingReLU(shift: 1),
            try Linear(inFeatures: 128, outFeatures: 3, avg: 5, seed: 2))
        var context = ExecutionContext(backend: .hardware(executor), seed: 1)
        let input = try Tensor(shape: [1, 4], storage: [31, 0, 0, 31])
        let logits = try model(input, context: &context)
        #expect(logits.shape == [1, 3])
    }
}
