import Foundation
import HXPhysics
import Testing

@testable import HXNetwork

@Suite("hxtorch's initialisation and the optimizers")
struct InitializationAndOptimizerTests {
    @Test(
        "automatic numSends = ⌈2^shift · √2 / (gain · √fanIn) / 21⌉ (hxtorch MACLayer.reset_parameters)",
        arguments: [
            (500, 1, 0.002, 4), (100, 1, 0.002, 7), (128, 1, 0.002, 6), (128, 2, 0.002, 12),
            (1000, 1, 0.0015, 3), (10_000, 0, 0.002, 1),
        ])
    func automaticNumSends(fanIn: Int, shift: Int, gain: Double, expected: Int) {
        let initialization = WeightInitialization(reluShift: shift, gain: gain)
        #expect(initialization.automaticNumSends(fanIn: fanIn) == expected)
    }

    @Test("initial weights: truncated to ±63, spread σ / numSends, reproducible from the seed")
    func weightDistribution() throws {
        let layer = try Linear(inFeatures: 128, outFeatures: 256, seed: 11)
        #expect(layer.numSends == 6)
        let sigma = WeightInitialization().totalStandardDeviation(fanIn: 128) / 6  // 20.83
        let values = layer.weight.storage.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let std = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count))
            .squareRoot()
        // Truncation at ±3.02 σ shrinks the deviation by about 1.5 %.
        #expect(abs(std / sigma - 0.985) < 0.03, "weight sd \(std), σ/numSends \(sigma)")
        #expect(abs(mean) < 0.5)
        #expect(values.allSatisfy { abs($0) <= 63 })
        let bound =
            WeightInitialization().totalStandardDeviation(fanIn: 128) / (31 / 3.0.squareRoot())
        #expect(layer.bias!.storage.allSatisfy { abs(Double($0)) <= bound })
        #expect(try Linear(inFeatures: 128, outFeatures: 256, seed: 11).weight == layer.weight)
        #expect(try Linear(inFeatures: 128, outFeatures: 256, seed: 12).weight != layer.weight)
    }

    @Test(
        "every back end accepts the timing the physics back end accepts (ChipGeometry ranges)",
        arguments: [
            (1, 1, true), (255, 1023, true), (0, 5, false), (256, 5, false), (1, 0, false),
            (1, 1024, false), (300, 5, false),
        ])
    func timingAgrees(numSends: Int, wait: Int, allowed: Bool) throws {
        let layer = Result {
            try Linear(
                inFeatures: 2, outFeatures: 2, numSends: numSends, waitBetweenEvents: wait,
                seed: 1)
        }
        let physics = Result {
            try ExecutionOptions(numSends: numSends, waitBetweenEvents: wait).validate()
        }
        #expect(((try? layer.get()) != nil) == allowed, "Linear(\(numSends), \(wait))")
        #expect(((try? physics.get()) != nil) == allowed, "ExecutionOptions(\(numSends), \(wait))")
        #expect(ChipGeometry.numSendsRange == 1...255)
        #expect(ChipGeometry.waitBetweenEventsRange == 1...1023)
    }

    @Test("bad layer settings are errors")
    func badSettings() throws {
        #expect(throws: NetworkError.self) { try Linear(inFeatures: 0, outFeatures: 2, seed: 0) }
        // avg: one output over at most every output column of one chip execution (512).
        for avg in [0, 513, Int.max] {
            #expect(
                throws: NetworkError.countOutOfRange(
                    name: "Linear avg", value: avg, allowed: 1...512)
            ) {
                try Linear(inFeatures: 3, outFeatures: 2, avg: avg, seed: 0)
            }
        }
        // A huge value is printed as it was given, not rounded to a Double (9.2e18).
        #expect(
            NetworkError.countOutOfRange(name: "Linear avg", value: .max, allowed: 1...512)
                .description == "Linear avg = 9223372036854775807 is outside 1…512")
        #expect(
            NetworkError.countOutOfRange(name: "epochs", value: -1, allowed: 0...Int.max)
                .description == "epochs = -1 is outside 0…∞")
        #expect(try Linear(inFeatures: 3, outFeatures: 2, avg: 512, seed: 0).avg == 512)
        // 1024 × 1024 weights repeated 512 times would be 2²⁹ values on the chip's side.
        let wide = #expect(throws: NetworkError.self) {
            try Linear(
                weight: try Tensor(shape: [1024, 1024], repeating: 0), numSends: 1, avg: 512)
        }
        #expect(
            wide?.description.contains(
                "Linear weight [1024, 1024] with avg 512 would have 536870912 elements")
                == true, "\(String(describing: wide))")
        #expect(
            throws: NetworkError.outOfRange(
                name: "waitBetweenEvents", value: -1, allowed: 1...1023)
        ) {
            try Linear(inFeatures: 3, outFeatures: 2, waitBetweenEvents: -1, seed: 0)
        }
        #expect(throws: NetworkError.nonFinite(tensor: "Linear weight")) {
            try Linear(weight: try Tensor([[.nan]]), numSends: 1)
        }
        #expect(
            throws: NetworkError.shapeMismatch(
                operation: "Linear input", expected: [-1, 3], got: [2, 4])
        ) {
            try Linear(inFeatures: 3, outFeatures: 2, seed: 0)(
                try Tensor(shape: [2, 4], repeating: 1))
        }
    }

    /// A model with one parameter, for optimizer arithmetic.
    func scalarModel(_ value: Float) throws -> Linear {
        try Linear(weight: try Tensor([[value]]), numSends: 1)
    }

    @Test("SGD with momentum and weight decay follows PyTorch's update by hand")
    func sgdByHand() throws {
        var model = try scalarModel(1)
        var optimizer = SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 0.01)
        let gradient = [try Tensor([[0.5]])]
        try optimizer.update(&model, gradients: gradient)
        // g = 0.5 + 0.01 · 1 = 0.51, v = 0.51, p = 1 − 0.051.
        #expect(abs(model.weight.storage[0] - 0.949) < 1e-6)
        try optimizer.update(&model, gradients: gradient)
        // g = 0.5 + 0.00949, v = 0.9 · 0.51 + 0.50949 = 0.96849, p = 0.949 − 0.096849.
        #expect(abs(model.weight.storage[0] - 0.852151) < 1e-6)
    }

    @Test("Adam's bias-corrected first steps move each weight by the learning rate")
    func adamByHand() throws {
        var model = try scalarModel(1)
        var optimizer = Adam(learningRate: 0.1)
        try optimizer.update(&model, gradients: [try Tensor([[0.5]])])
        #expect(abs(model.weight.storage[0] - 0.9) < 1e-6)
        try optimizer.update(&model, gradients: [try Tensor([[0.5]])])
        #expect(abs(model.weight.storage[0] - 0.8) < 1e-6)
        #expect(optimizer.step == 2)
    }

    @Test(
        "an optimizer handed a model of other parameter sizes (the same count) starts afresh: no read past its state"
    )
    func optimizerOnAnotherModel() throws {
        // One parameter of 1 element, then one of 4: before, the state of the first was kept
        // and the second step read past its end (a trap).
        var small = try scalarModel(1)
        var large = try Linear(weight: try Tensor([[1, 2], [3, 4]]), numSends: 1)
        let gradient = [try Tensor([[0.5, -0.5], [0.25, 1]])]
        var adam = Adam(learningRate: 0.1)
        try adam.update(&small, gradients: [try Tensor([[0.5]])])
        try adam.update(&large, gradients: gradient)
        var freshLarge = try Linear(weight: try Tensor([[1, 2], [3, 4]]), numSends: 1)
        var fresh = Adam(learningRate: 0.1)
        try fresh.update(&freshLarge, gradients: gradient)
        // A fresh first step moves each weight by the learning rate against its gradient's sign.
        #expect(large.weight.storage == freshLarge.weight.storage)
        #expect(adam.step == 1)
        for (after, before) in zip(large.weight.storage, [Float(1), 2, 3, 4]) {
            #expect(abs(abs(after - before) - 0.1) < 1e-6)
        }
        var sgd = SGD(learningRate: 0.1, momentum: 0.9)
        var smallAgain = try scalarModel(1)
        try sgd.update(&smallAgain, gradients: [try Tensor([[0.5]])])
        var largeAgain = try Linear(weight: try Tensor([[1, 2], [3, 4]]), numSends: 1)
        try sgd.update(&largeAgain, gradients: gradient)
        #expect(largeAgain.weight.storage == [0.95, 2.05, 2.975, 3.9])
    }

    @Test("gradients that do not fit the parameters are rejected")
    func optimizerErrors() throws {
        var model = try scalarModel(1)
        var optimizer = SGD(learningRate: 0.1)
        #expect(throws: NetworkError.self) { try optimizer.update(&model, gradients: []) }
        #expect(throws: NetworkError.self) {
            try optimizer.update(&model, gradients: [Tensor([1, 2])])
        }
        #expect(throws: NetworkError.nonFinite(tensor: "gradient of parameter 0")) {
            try optimizer.update(&model, gradients: [try Tensor([[.infinity]])])
        }
    }
}
