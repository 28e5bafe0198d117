/// A layer or a network: a value that maps a tensor to a tensor and owns plain stored parameters
/// (as MLX's `Module`).
///
/// Parameters are listed in a fixed order by ``parameters`` and replaced in the same order by
/// ``setParameters(_:)``; optimizers and ``valueAndGradient(of:_:)`` rely on that order.
public protocol Module: Sendable {
    /// Runs the layer on `input` with the back end, gain, noise and profiler of `context`.
    func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor

    /// The trainable parameters, in a fixed order (weight before bias, layers in order).
    var parameters: [Tensor] { get }

    /// Replaces the parameters, in the order of ``parameters``.
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:got:)`` when the number or the
    ///   shapes differ.
    mutating func setParameters(_ values: [Tensor]) throws

    /// Clamps weights that go to the chip into −63…63, in place (hxtorch's `clamp_weight_`,
    /// which its layers apply to their weights on every forward pass).
    mutating func clampWeightsToChipRange()
}

extension Module {
    /// No parameters.
    public var parameters: [Tensor] { [] }

    /// Accepts only an empty list.
    public mutating func setParameters(_ values: [Tensor]) throws {
        guard values.isEmpty else {
            throw NetworkError.shapeMismatch(
                operation: "setParameters of \(Self.self)", expected: [0], got: [values.count])
        }
    }

    /// Nothing to clamp.
    public mutating func clampWeightsToChipRange() {}

    /// Runs the layer in software mode (the ideal linear model with hxtorch's default gain).
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        var context = ExecutionContext.software
        return try self(input, context: &context)
    }
}

/// Checks that `new` may replace the parameter `old`.
func checkReplacement(_ old: Tensor, _ new: Tensor, name: String) throws {
    guard old.shape == new.shape else {
        throw NetworkError.shapeMismatch(
            operation: "set \(name)", expected: old.shape, got: new.shape)
    }
}
