import Foundation

/// A rule that updates a model's parameters from their gradients (as MLX's optimizers: a small
/// value type holding its hyperparameters and its per-parameter state).
public protocol Optimizer: Sendable {
    /// Updates `model`'s parameters from `gradients`, given in the order of
    /// ``Module/parameters``.
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:got:)`` when the gradients do not
    ///   match the parameters; ``NetworkError/nonFinite(tensor:)`` for NaN or infinite gradients.
    mutating func update<M: Module>(_ model: inout M, gradients: [Tensor]) throws
}

/// Writes back `parameters` with `step` applied to each: `step(index, values, gradient)`
/// updates the values of parameter `index` in place.
private func apply<M: Module>(
    to parameters: [Tensor], gradients: [Tensor], of model: inout M,
    _ step: (Int, UnsafeMutableBufferPointer<Float>, UnsafeBufferPointer<Float>) -> Void
) throws {
    let updated = zip(parameters, gradients).enumerated().map { index, pair in
        var values = pair.0.storage
        values.withUnsafeMutableBufferPointer { p in
            pair.1.storage.withUnsafeBufferPointer { g in step(index, p, g) }
        }
        return Tensor(unchecked: pair.0.shape, values)
    }
    try model.setParameters(updated)
}

/// Checks that `gradients` fit `parameters` and are finite.
private func checkGradients(
    _ gradients: [Tensor], for parameters: [Tensor], optimizer: String
) throws {
    guard gradients.count == parameters.count else {
        throw NetworkError.shapeMismatch(
            operation: "\(optimizer) gradients", expected: [parameters.count],
            got: [gradients.count])
    }
    for (index, (gradient, parameter)) in zip(gradients, parameters).enumerated() {
        guard gradient.shape == parameter.shape else {
            throw NetworkError.shapeMismatch(
                operation: "\(optimizer) gradient \(index)", expected: parameter.shape,
                got: gradient.shape)
        }
        try gradient.checkFinite("gradient of parameter \(index)")
    }
}

/// Stochastic gradient descent with momentum and weight decay, as PyTorch's `SGD` (no
/// dampening): `g ← ∇ + λ p`, `v ← μ v + g`, `p ← p − η v`.
public struct SGD: Optimizer {
    /// Learning rate η, in parameter units per gradient unit.
    public var learningRate: Float
    /// Momentum μ in [0, 1).
    public var momentum: Float
    /// L2 weight decay λ ≥ 0.
    public var weightDecay: Float
    private var velocities: [[Float]] = []

    /// An optimizer with learning rate η, momentum μ and weight decay λ.
    public init(learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    /// One step over all parameters; the velocities start at zero on the first call, and again
    /// for a model whose parameters differ in number or size from the last one's.
    public mutating func update<M: Module>(_ model: inout M, gradients: [Tensor]) throws {
        let (parameters, _) = try beginStep(
            model, gradients: gradients, state: &velocities, optimizer: "SGD")
        let (eta, mu, lambda) = (learningRate, momentum, weightDecay)
        try apply(to: parameters, gradients: gradients, of: &model) { index, p, g in
            velocities[index].withUnsafeMutableBufferPointer { v in
                for i in p.indices {
                    let step = g[i] + lambda * p[i]
                    v[i] = mu * v[i] + step
                    p[i] -= eta * v[i]
                }
            }
        }
    }
}

/// Adam (Kingma & Ba 2015) with optional L2 weight decay, as PyTorch's `Adam`:
/// `g ← ∇ + λ p`, `m ← β₁ m + (1 − β₁) g`, `v ← β₂ v + (1 − β₂) g²`,
/// `p ← p − η m̂ / (√v̂ + ε)` with bias-corrected `m̂ = m / (1 − β₁ᵗ)`, `v̂ = v / (1 − β₂ᵗ)`.
public struct Adam: Optimizer {
    /// Learning rate η (hxtorch's MNIST example uses 1.0 for weights in chip units).
    public var learningRate: Float
    /// Decay of the first moment, β₁.
    public var beta1: Float
    /// Decay of the second moment, β₂.
    public var beta2: Float
    /// ε added to the denominator.
    public var epsilon: Float
    /// L2 weight decay λ ≥ 0.
    public var weightDecay: Float
    /// Steps taken so far.
    public private(set) var step = 0
    private var first: [[Float]] = []
    private var second: [[Float]] = []

    /// An optimizer with PyTorch's defaults apart from the learning rate.
    public init(
        learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
        weightDecay: Float = 0
    ) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// One step over all parameters; both moments start at zero and the step count at 0 on the
    /// first call, and again for a model whose parameters differ in number or size from the
    /// last one's.
    public mutating func update<M: Module>(_ model: inout M, gradients: [Tensor]) throws {
        let (parameters, restarted) = try beginStep(
            model, gradients: gradients, state: &first, optimizer: "Adam")
        if restarted { (second, step) = (first, 0) }
        step += 1
        let correction1 = 1 - pow(beta1, Float(step))
        let correction2 = 1 - pow(beta2, Float(step))
        let (eta, b1, b2, eps, lambda) = (learningRate, beta1, beta2, epsilon, weightDecay)
        try apply(to: parameters, gradients: gradients, of: &model) { index, p, g in
            first[index].withUnsafeMutableBufferPointer { m in
                second[index].withUnsafeMutableBufferPointer { v in
                    for i in p.indices {
                        let grad = g[i] + lambda * p[i]
                        m[i] = b1 * m[i] + (1 - b1) * grad
                        v[i] = b2 * v[i] + (1 - b2) * grad * grad
                        let mHat = m[i] / correction1
                        let vHat = v[i] / correction2
                        p[i] -= eta * mHat / (vHat.squareRoot() + eps)
                    }
                }
            }
        }
    }
}

/// The start of an optimizer's step: `model`'s parameters, after checking that `gradients` fit
/// them and are finite. When `state` (one array per parameter) does not belong to parameters of
/// these sizes (on the first step, or for another model) it is zeroed for them, so that an
/// optimizer handed another model starts afresh instead of reading past the end of its state;
/// `restarted` says so.
private func beginStep<M: Module>(
    _ model: M, gradients: [Tensor], state: inout [[Float]], optimizer: String
) throws -> (parameters: [Tensor], restarted: Bool) {
    let parameters = model.parameters
    try checkGradients(gradients, for: parameters, optimizer: optimizer)
    let fits =
        state.count == parameters.count
        && zip(state, parameters).allSatisfy { $0.count == $1.count }
    if !fits { state = parameters.map { [Float](repeating: 0, count: $0.count) } }
    return (parameters, !fits)
}
