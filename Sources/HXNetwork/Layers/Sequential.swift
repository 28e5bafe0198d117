/// Layers applied one after another.
public struct Sequential: SerializableLayer {
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

    /// The chip layers (``ChipLayer``), in model order, those of nested `Sequential`s included.
    public var chipLayers: [any ChipLayer] {
        layers.flatMap { layer -> [any ChipLayer] in
            if let chip = layer as? any ChipLayer { return [chip] }
            return (layer as? Sequential)?.chipLayers ?? []
        }
    }

    /// Calls `body` on every chip layer in model order (nested `Sequential`s included) and keeps
    /// what it changes, for tools that set the chip settings of a trained model.
    public mutating func updateChipLayers(_ body: (inout any ChipLayer) throws -> Void) rethrows {
        for index in layers.indices {
            if var chip = layers[index] as? any ChipLayer {
                try body(&chip)
                layers[index] = chip
            } else if var nested = layers[index] as? Sequential {
                try nested.updateChipLayers(body)
                layers[index] = nested
            }
        }
    }
}

extension Sequential {
    private enum CodingKeys: String, CodingKey { case layers }

    /// Decodes `{"layers": [layer records]}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        layers = try container.decode([LayerRecord].self, forKey: .layers).map(\.module)
    }

    /// Encodes the layers as records; throws for a module that is not serializable.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(try layers.map(LayerRecord.init), forKey: .layers)
    }
}
