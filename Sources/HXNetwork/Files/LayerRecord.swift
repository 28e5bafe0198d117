/// One layer of a model file: the layer's type and its settings and tensors, flat in one JSON
/// object, e.g. `{"type": "Linear", "weight": {...}, "numSends": 3, ...}`. Each layer type
/// writes and reads its own keys (its `Codable`, next to the type); the record adds `type` and
/// finds the type to decode in ``registry``. See `HXNetwork.docc/ModelFormat.md`.
public struct LayerRecord: Sendable {
    /// The layer.
    public let layer: any SerializableLayer

    /// The layer as a module.
    public var module: any Module { layer }

    /// The `type` string in the file.
    public var typeName: String { type(of: layer).typeName }

    /// The record of `module`.
    /// - Throws: ``NetworkError/notSerializable(type:)`` for a module that is not a
    ///   ``SerializableLayer``.
    public init(_ module: any Module) throws {
        guard let layer = module as? any SerializableLayer else {
            throw NetworkError.notSerializable(type: String(describing: type(of: module)))
        }
        self.layer = layer
    }

    /// The layer types model files can hold, in the order errors list them. A new layer type
    /// is its own file plus its entry here: the one place that makes its records loadable.
    public static var registry: [any SerializableLayer.Type] {
        [
            Linear.self, Conv1d.self, Conv2d.self, ExpandedConv1d.self, ReLU.self,
            ConvertingReLU.self, Flatten.self, Reshape.self, ScaleInput.self, MaxPool1d.self,
            AvgPool1d.self, MaxPool2d.self, AvgPool2d.self, Sequential.self,
        ]
    }
}

extension LayerRecord: Codable {
    /// Decodes and validates the layer of the registered type its `type` names (see
    /// `HXNetwork.docc/ModelFormat.md`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: LayerKey.self)
        let name = try c.decode(String.self, forKey: "type")
        guard let layerType = Self.registry.first(where: { $0.typeName == name }) else {
            throw DecodingError.dataCorruptedError(
                forKey: "type", in: c,
                debugDescription: "unknown layer type \"\(name)\"; known: "
                    + Self.registry.map { $0.typeName }.joined(separator: ", "))
        }
        do {
            layer = try layerType.init(from: decoder)
        } catch let error as NetworkError {
            // A layer's own check names the setting; the path names the layer in the file.
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    /// Encodes `type` and the layer's settings and tensors (see `HXNetwork.docc/ModelFormat.md`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: LayerKey.self)
        try c.encode(typeName, forKey: "type")
        try layer.encode(to: encoder)
    }
}

extension Module {
    /// The layer as an entry of a model file.
    /// - Throws: ``NetworkError/notSerializable(type:)`` for modules the format does not know.
    public func layerRecord() throws -> LayerRecord { try LayerRecord(self) }
}

/// A key of a layer record, named by a string literal (`"numSends"`).
struct LayerKey: CodingKey, ExpressibleByStringLiteral {
    let stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(stringLiteral value: String) { stringValue = value }
}

extension KeyedDecodingContainer<LayerKey> {
    /// A pair stored as a two-element array, such as a 2-d stride `[y, x]`.
    func decodePair(_ key: LayerKey) throws -> (Int, Int) {
        let values = try decode([Int].self, forKey: key)
        guard values.count == 2 else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self,
                debugDescription: "expected two values, found \(values.count)")
        }
        return (values[0], values[1])
    }
}

extension KeyedEncodingContainer<LayerKey> {
    /// Encodes a pair as a two-element array.
    mutating func encodePair(_ pair: (Int, Int), forKey key: LayerKey) throws {
        try encode([pair.0, pair.1], forKey: key)
    }
}
