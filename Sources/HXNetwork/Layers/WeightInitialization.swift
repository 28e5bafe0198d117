import Foundation
import HXNumerics

/// hxtorch's initialisation of VMM layers (`MACLayer.reset_parameters` in hxtorch's
/// `perceptron/nn.py`, after He et al. 2015), and its automatic choice of `numSends`.
///
/// With fan-in F (inputs per output: `inFeatures`, or `inChannels × kernel size`), gain g and the
/// shift s of the converting ReLU that follows:
/// - total standard deviation `σ = 2^s · √2 / (g · √F)`: the spread of `g · n · w` that keeps the
///   next layer's input in range;
/// - automatic sends `numSends = ⌈σ / 21⌉`, 21 = 63 / 3 so that the weights' standard deviation
///   stays within a third of the weight range;
/// - weights `w ~ N(mean, (σ / numSends)²)` truncated to −63…63 (chip units);
/// - biases uniform in ±`σ / σ_in`, `σ_in = 31 / √3` the deviation of inputs uniform in 0…31
///   (LSB).
///
/// hxtorch calls it from the layers' constructors with s = 1 and the current mock gain.
public struct WeightInitialization: Sendable, Codable, Equatable {
    /// Mean of the weight distribution, in chip units.
    public var weightMean: Double
    /// The shift of the converting ReLU assumed after the layer (hxtorch's default 1).
    public var reluShift: Int
    /// The VMM gain assumed, in LSB per (chip unit)² per send (hxtorch's default 0.002).
    public var gain: Double

    /// hxtorch's defaults: mean 0, shift 1, gain 0.002.
    public init(weightMean: Double = 0, reluShift: Int = 1, gain: Double = 0.002) {
        self.weightMean = weightMean
        self.reluShift = reluShift
        self.gain = gain
    }

    /// `σ = 2^reluShift · √2 / (gain · √fanIn)`.
    public func totalStandardDeviation(fanIn: Int) -> Double {
        pow(2, Double(reluShift)) * 2.0.squareRoot() / (gain * Double(fanIn).squareRoot())
    }

    /// hxtorch's automatic `numSends = ⌈σ / (63 / 3)⌉` (at least 1).
    public func automaticNumSends(fanIn: Int) -> Int {
        let limit = Double(VMMLimits.weightRange.upperBound) / 3
        return max(1, Int((totalStandardDeviation(fanIn: fanIn) / limit).rounded(.up)))
    }

    /// Checks fan-in ≥ 1, gain in (0, 1], shift ≥ 0 and a mean inside the weight range.
    func validate(fanIn: Int) throws {
        guard fanIn >= 1 else {
            throw NetworkError.outOfRange(name: "fan-in", value: Double(fanIn), allowed: 1...1e12)
        }
        guard gain > 0, gain <= 1 else {
            throw NetworkError.outOfRange(name: "initialisation gain", value: gain, allowed: 0...1)
        }
        guard reluShift >= 0, reluShift <= 30 else {
            throw NetworkError.outOfRange(
                name: "initialisation ReLU shift", value: Double(reluShift), allowed: 0...30)
        }
        let range =
            Double(VMMLimits.weightRange.lowerBound)...Double(VMMLimits.weightRange.upperBound)
        guard range.contains(weightMean) else {
            throw NetworkError.outOfRange(name: "weight mean", value: weightMean, allowed: range)
        }
    }

    /// Weights of `shape` and optional biases of `biasCount` drawn for a layer with `fanIn`
    /// inputs per output and `numSends` sends, from streams derived from `seed`.
    func draw(
        shape: [Int], fanIn: Int, numSends: Int, biasCount: Int?, seed: UInt64
    ) throws
        -> (weight: Tensor, bias: Tensor?)
    {
        try validate(fanIn: fanIn)
        let seeds = SeedSequence(seed)
        let total = totalStandardDeviation(fanIn: fanIn)
        let sigma = total / Double(numSends)
        let low = Double(VMMLimits.weightRange.lowerBound)
        let high = Double(VMMLimits.weightRange.upperBound)
        let random = GSLRandom(seed: seeds.seed(SeedSequence.label("weight")))
        var values = [Float]()
        let count = try Tensor.elementCount(shape, operation: "weight initialisation")
        values.reserveCapacity(count)
        for _ in 0..<count {
            values.append(Float(truncatedNormal(random, sigma: sigma, low: low, high: high)))
        }
        let weight = try Tensor(shape: shape, storage: values)
        guard let biasCount else { return (weight, nil) }
        let bound = total / (Double(VMMLimits.inputRange.upperBound) / 3.0.squareRoot())
        let biasRandom = GSLRandom(seed: seeds.seed(SeedSequence.label("bias")))
        let biases = (0..<biasCount).map { _ in Float(biasRandom.flat(-bound, bound)) }
        return (weight, Tensor(biases))
    }

    /// A draw from N(mean, σ²) truncated to [low, high] by rejection. When σ is so wide that
    /// 1000 draws miss the interval, the distribution is flat on it to within 1e-3 and a uniform
    /// draw is returned instead.
    private func truncatedNormal(
        _ random: GSLRandom, sigma: Double, low: Double, high: Double
    )
        -> Double
    {
        for _ in 0..<1000 {
            let value = weightMean + random.gaussian(sigma: sigma)
            if value >= low, value <= high { return value }
        }
        return random.flat(low, high)
    }
}
