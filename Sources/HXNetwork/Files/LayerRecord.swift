/// One layer of a model file: the layer's type and its settings and tensors, flat in one JSON
/// object, e.g. `{"type": "Linear", "weight": {...}, "numSends": 3, ...}`. See `HXNetwork.docc/ModelFormat.md`.
public enum LayerRecord: Sendable {
    /// A ``Linear`` layer.
    case linear(Linear)
    /// A ``Conv1d`` layer.
    case conv1d(Conv1d)
    /// A ``Conv2d`` layer.
    case conv2d(Conv2d)
    /// An ``ExpandedConv1d`` layer.
    case expandedConv1d(ExpandedConv1d)
    /// A ``ReLU``.
    case relu(ReLU)
    /// A ``ConvertingReLU``.
    case convertingReLU(ConvertingReLU)
    /// A ``Flatten`` layer.
    case flatten(Flatten)
    /// A ``Reshape`` layer.
    case reshape(Reshape)
    /// A ``ScaleInput`` layer.
    case scaleInput(ScaleInput)
    /// A ``MaxPool1d`` layer.
    case maxPool1d(MaxPool1d)
    /// An ``AvgPool1d`` layer.
    case avgPool1d(AvgPool1d)
    /// A ``MaxPool2d`` layer.
    case maxPool2d(MaxPool2d)
    /// An ``AvgPool2d`` layer.
    case avgPool2d(AvgPool2d)
    /// A nested ``Sequential``.
    case sequential(Sequential)

    /// The layer.
    public var module: any Module {
        switch self {
        case .linear(let m): return m
        case .conv1d(let m): return m
        case .conv2d(let m): return m
        case .expandedConv1d(let m): return m
        case .relu(let m): return m
        case .convertingReLU(let m): return m
        case .flatten(let m): return m
        case .reshape(let m): return m
        case .scaleInput(let m): return m
        case .maxPool1d(let m): return m
        case .avgPool1d(let m): return m
        case .maxPool2d(let m): return m
        case .avgPool2d(let m): return m
        case .sequential(let m): return m
        }
    }

    /// The `type` string in the file.
    public var typeName: String {
        switch self {
        case .linear: return "Linear"
        case .conv1d: return "Conv1d"
        case .conv2d: return "Conv2d"
        case .expandedConv1d: return "ExpandedConv1d"
        case .relu: return "ReLU"
        case .convertingReLU: return "ConvertingReLU"
        case .flatten: return "Flatten"
        case .reshape: return "Reshape"
        case .scaleInput: return "ScaleInput"
        case .maxPool1d: return "MaxPool1d"
        case .avgPool1d: return "AvgPool1d"
        case .maxPool2d: return "MaxPool2d"
        case .avgPool2d: return "AvgPool2d"
        case .sequential: return "Sequential"
        }
    }

    static let knownTypes = [
        "Linear", "Conv1d", "Conv2d", "ExpandedConv1d", "ReLU", "ConvertingReLU", "Flatten",
        "Reshape", "ScaleInput", "MaxPool1d", "AvgPool1d", "MaxPool2d", "AvgPool2d", "Sequential",
    ]
}

extension LayerRecord: Codable {
    private enum CodingKeys: String, CodingKey { case type }

    /// Decodes and validates the layer (see `HXNetwork.docc/ModelFormat.md`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "Linear": self = .linear(try Linear(from: decoder))
        case "Conv1d": self = .conv1d(try Conv1d(from: decoder))
        case "Conv2d": self = .conv2d(try Conv2d(from: decoder))
        case "ExpandedConv1d": self = .expandedConv1d(try ExpandedConv1d(from: decoder))
        case "ReLU": self = .relu(ReLU())
        case "ConvertingReLU": self = .convertingReLU(try ConvertingReLU(from: decoder))
        case "Flatten": self = .flatten(try Flatten(from: decoder))
        case "Reshape": self = .reshape(try Reshape(from: decoder))
        case "ScaleInput": self = .scaleInput(ScaleInput())
        case "MaxPool1d": self = .maxPool1d(try MaxPool1d(from: decoder))
        case "AvgPool1d": self = .avgPool1d(try AvgPool1d(from: decoder))
        case "MaxPool2d": self = .maxPool2d(try MaxPool2d(from: decoder))
        case "AvgPool2d": self = .avgPool2d(try AvgPool2d(from: decoder))
        case "Sequential": self = .sequential(try Sequential(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c,
                debugDescription: "unknown layer type \"\(type)\"; known: "
                    + Self.knownTypes.joined(separator: ", "))
        }
    }

    /// Encodes the layer's settings and tensors (see `HXNetwork.docc/ModelFormat.md`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(typeName, forKey: .type)
        switch self {
        case .linear(let m): try m.encode(to: encoder)
        case .conv1d(let m): try m.encode(to: encoder)
        case .conv2d(let m): try m.encode(to: encoder)
        case .expandedConv1d(let m): try m.encode(to: encoder)
        case .relu, .scaleInput: break
        case .convertingReLU(let m): try m.encode(to: encoder)
        case .flatten(let m): try m.encode(to: encoder)
        case .reshape(let m): try m.encode(to: encoder)
        case .maxPool1d(let m): try m.encode(to: encoder)
        case .avgPool1d(let m): try m.encode(to: encoder)
        case .maxPool2d(let m): try m.encode(to: encoder)
        case .avgPool2d(let m): try m.encode(to: encoder)
        case .sequential(let m): try m.encode(to: encoder)
        }
    }
}

/// Settings keys shared by the layer encodings below.
private enum LayerKeys: String, CodingKey {
    case weight, bias, stride, padding, numSends, waitBetweenEvents, numExpansions, shift
    case startAxis, shape, kernelSize
}

/// A pair stored as a two-element array.
private func decodePair(
    _ c: KeyedDecodingContainer<LayerKeys>, _ key: LayerKeys
) throws -> (Int, Int) {
    let values = try c.decode([Int].self, forKey: key)
    guard values.count == 2 else {
        throw DecodingError.dataCorruptedError(
            forKey: key, in: c, debugDescription: "expected two values, found \(values.count)")
    }
    return (values[0], values[1])
}

extension Conv1d: Codable {
    /// Decodes and validates the layer (see `HXNetwork.docc/ModelFormat.md`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: LayerKeys.self)
        try self.init(
            weight: c.decode(Tensor.self, forKey: .weight),
            bias: c.decodeIfPresent(Tensor.self, forKey: .bias),
            stride: c.decode(Int.self, forKey: .stride),
            padding: c.decode(Int.self, forKey: .padding),
            numSends: c.decode(Int.self, forKey: .numSends),
            waitBetweenEvents: c.decode(Int.self, forKey: .waitBetweenEvents))
    }

    /// Encodes the layer's settings and tensors (see `HXNetwork.docc/ModelFormat.md`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: LayerKeys.self)
        try c.encode(weight, forKey: .weight)
        try c.encodeIfPresent(bias, forKey: .bias)
        try c.encode(stride, forKey: .stride)
        try c.encode(padding, forKey: .padding)
        try c.encode(numSends, forKey: .numSends)
        try c.encode(waitBetweenEvents, forKey: .waitBetweenEvents)
    }
}

extension ExpandedConv1d: Codable {
    /// Decodes and validates the layer (see `HXNetwork.docc/ModelFormat.md`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: LayerKeys.self)
        try self.init(
            weight: c.decode(Tensor.self, forKey: .weight),
            bias: c.decodeIfPresent(Tensor.self, forKey: .bias),
            stride: c.decode(Int.self, forKey: .stride),
            numExpansions: c.decode(Int.self, forKey: .numExpansions),
            numSends: c.decode(Int.self, forKey: .numSends),
            waitBetweenEvents: c.decode(Int.self, forKey: .waitBetweenEvents))
    }

    /// Encodes the layer's settings and tensors (see `HXNetwork.docc/ModelFormat.md`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: LayerKeys.self)
        try c.encode(weight, forKey: .weight)
        try c.encodeIfPresent(bias, forKey: .bias)
        try c.encode(stride, forKey: .stride)
        try c.encode(numExpansions, forKey: .numExpansions)
        try c.encode(numSends, forKey: .numSends)
        try c.encode(waitBetweenEvents, forKey: .waitBetweenEvents)
    }
}

extension Conv2d: Codable {
    /// Decodes and validates the layer (see `HXNetwork.docc/ModelFormat.md`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: LayerKeys.self)
        try self.init(
            weight: c.decode(Tensor.self, forKey: .weight),
            bias: c.decodeIfPresent(Tensor.self, forKey: .bias),
            stride: decodePair(c, .stride), padding: decodePair(c, .padding),
            numSends: c.decode(Int.self, forKey: .numSends),
            waitBetweenEvents: c.decode(Int.self, forKey: .waitBetweenEvents))
    }

    /// Encodes the layer's settings and tensors (see `HXNetwork.docc/ModelFormat.md`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: LayerKeys.self)
        try c.encode(weight, forKey: .weight)
        try c.encodeIfPresent(bias, forKey: .bias)
        try c.encode([stride.0, stride.1], forKey: .stride)
        try c.encode([padding.0, padding.1], forKey: .padding)
        try c.encode(numSends, forKey: .numSends)
        try c.encode(waitBetweenEvents, forKey: .waitBetweenEvents)
    }
}

extension ConvertingReLU: Codable {
    /// Decodes and validates the layer (see `HXNetwork.docc/ModelFormat.md`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: LayerKeys.self)
        try self.init(shift: c.decode(Int.self, forKey: .shift))
    }

    /// Encodes the layer's settings and tensors (see `HXNetwork.docc/ModelFormat.md`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: LayerKeys.self)
        try c.encode(shift, forKey: .shift)
    }
}

extension Flatten: Codable {
    /// Decodes and validates the layer (see `HXNetwork.docc/ModelFormat.md`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: LayerKeys.self)
        self.init(startAxis: try c.decode(Int.self, forKey: .startAxis))
    }

    /// Encodes the layer's settings and tensors (see `HXNetwork.docc/ModelFormat.md`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: LayerKeys.self)
        try c.encode(startAxis, forKey: .startAxis)
    }
}

extension Reshape: Codable {
    /// Decodes and validates the layer (see `HXNetwork.docc/ModelFormat.md`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: LayerKeys.self)
        self.init(shape: try c.decode([Int].self, forKey: .shape))
    }

    /// Encodes the layer's settings and tensors (see `HXNetwork.docc/ModelFormat.md`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: LayerKeys.self)
        try c.encode(shape, forKey: .shape)
    }
}

extension MaxPool1d: Codable {
    /// Decodes and validates the layer (see `HXNetwork.docc/ModelFormat.md`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: LayerKeys.self)
        self.init(
            kernelSize: try c.decode(Int.self, forKey: .kernelSize),
            stride: try c.decode(Int.self, forKey: .stride))
    }

    /// Encodes the layer's settings and tensors (see `HXNetwork.docc/ModelFormat.md`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: LayerKeys.self)
        try c.encode(kernelSize, forKey: .kernelSize)
        try c.encode(stride, forKey: .stride)
    }
}

extension AvgPool1d: Codable {
    /// Decodes and validates the layer (see `HXNetwork.docc/ModelFormat.md`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: LayerKeys.self)
        self.init(
            kernelSize: try c.decode(Int.self, forKey: .kernelSize),
            stride: try c.decode(Int.self, forKey: .stride))
    }

    /// Encodes the layer's settings and tensors (see `HXNetwork.docc/ModelFormat.md`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: LayerKeys.self)
        try c.encode(kernelSize, forKey: .kernelSize)
        try c.encode(stride, forKey: .stride)
    }
}

extension MaxPool2d: Codable {
    /// Decodes and validates the layer (see `HXNetwork.docc/ModelFormat.md`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: LayerKeys.self)
        self.init(kernelSize: try decodePair(c, .kernelSize), stride: try decodePair(c, .stride))
    }

    /// Encodes the layer's settings and tensors (see `HXNetwork.docc/ModelFormat.md`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: LayerKeys.self)
        try c.encode([kernelSize.0, kernelSize.1], forKey: .kernelSize)
        try c.encode([stride.0, stride.1], forKey: .stride)
    }
}

extension AvgPool2d: Codable {
    /// Decodes and validates the layer (see `HXNetwork.docc/ModelFormat.md`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: LayerKeys.self)
        self.init(kernelSize: try decodePair(c, .kernelSize), stride: try decodePair(c, .stride))
    }

    /// Encodes the layer's settings and tensors (see `HXNetwork.docc/ModelFormat.md`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: LayerKeys.self)
        try c.encode([kernelSize.0, kernelSize.1], forKey: .kernelSize)
        try c.encode([stride.0, stride.1], forKey: .stride)
    }
}
