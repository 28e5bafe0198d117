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

    /// The layer as an entry of a model file.
    /// - Throws: ``NetworkError/notSerializable(type:)`` for modules the format does not know.
    func layerRecord() throws -> LayerRecord
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

    /// Not serializable unless the type says otherwise.
    public func layerRecord() throws -> LayerRecord {
        throw NetworkError.notSerializable(type: String(describing: Self.self))
    }

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

/// Replaces a layer's weight and optional bias by `values` (`[weight]` or `[weight, bias]`),
/// checking count and shapes.
func replaceParameters(
    weight: inout Tensor, bias: inout Tensor?, with values: [Tensor], layer: String
) throws {
    let expected = bias == nil ? 1 : 2
    guard values.count == expected else {
        throw NetworkError.shapeMismatch(
            operation: "setParameters of \(layer)", expected: [expected], got: [values.count])
    }
    try checkReplacement(weight, values[0], name: "\(layer) weight")
    if let old = bias { try checkReplacement(old, values[1], name: "\(layer) bias") }
    weight = values[0]
    if bias != nil { bias = values[1] }
}

/// `value` clamped into the chip's weight range, keeping shape (and dropping any graph).
func clampedToWeightRange(_ value: Tensor) -> Tensor {
    let low = Float(VMMLimits.weightRange.lowerBound)
    let high = Float(VMMLimits.weightRange.upperBound)
    return Tensor(unchecked: value.shape, value.storage.map { min(max($0, low), high) })
}

/// Layers applied one after another.
public struct Sequential: Module {
    /// The layers, first to last.
    public var layers: [any Module]

    /// A network of `layers`.
    public init(_ layers: [any Module]) {
        self.layers = layers
    }

    /// A network of `layers`.
    public init(_ layers: any Module...) {
        self.layers = layers
    }

    /// Runs the layers in order.
    public func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor {
        var value = input
        for layer in layers { value = try layer(value, context: &context) }
        return value
    }

    /// The layers' parameters, first layer first.
    public var parameters: [Tensor] { layers.flatMap(\.parameters) }

    /// Hands each layer its share of `values`.
    public mutating func setParameters(_ values: [Tensor]) throws {
        let counts = layers.map { $0.parameters.count }
        guard counts.reduce(0, +) == values.count else {
            throw NetworkError.shapeMismatch(
                operation: "setParameters of Sequential", expected: [counts.reduce(0, +)],
                got: [values.count])
        }
        var start = 0
        for index in layers.indices {
            try layers[index].setParameters(Array(values[start..<(start + counts[index])]))
            start += counts[index]
        }
    }

    /// Clamps every layer's chip weights.
    public mutating func clampWeightsToChipRange() {
        for index in layers.indices { layers[index].clampWeightsToChipRange() }
    }

    /// The layer as an entry of a model file.
    public func layerRecord() throws -> LayerRecord { .sequential(self) }
}

extension Sequential: Codable {
    private enum CodingKeys: String, CodingKey { case layers }

    /// Decodes `{"layers": [layer records]}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        layers = try container.decode([LayerRecord].self, forKey: .layers).map(\.module)
    }

    /// Encodes the layers as records; throws for a module that is not serializable.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(try layers.map { try $0.layerRecord() }, forKey: .layers)
    }
}
