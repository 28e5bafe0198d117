/// A module that model files can hold: it names its record's `type` and encodes its own
/// settings and tensors (its `Codable`, written next to the type). ``LayerRecord`` finds the
/// type to decode by this name in its registry.
public protocol SerializableLayer: Module, Codable {
    /// The `type` string of the layer's records in model files; the type's name by default.
    static var typeName: String { get }
}

extension SerializableLayer {
    /// The type's name, for example `Linear`.
    public static var typeName: String { String(describing: Self.self) }
}

/// A layer whose product runs as a VMM on the chip (hxtorch's `MACLayer`): a weight in chip
/// units, an optional bias in LSB, the event timing of its VMMs, and an optional back end of its
/// own. Everything these layers share comes from here: their parameters (`[weight]` or
/// `[weight, bias]`), replacing them, clamping the weight into the chip's range, and the
/// common keys of their model-file records. Tools such as sweeps find every chip layer of a
/// model through this protocol (``Sequential/updateChipLayers(_:)``), so a new chip layer needs
/// nothing beyond its own file and its name in ``LayerRecord/registry``.
public protocol ChipLayer: SerializableLayer {
    /// Weights in chip units (PyTorch's layout, output channels first).
    var weight: Tensor { get set }
    /// Biases per output, in LSB, or `nil`.
    var bias: Tensor? { get set }
    /// Sends per input vector (``ChipGeometry/numSendsRange``).
    var numSends: Int { get set }
    /// FPGA cycles (8 ns) between input events (``ChipGeometry/waitBetweenEventsRange``).
    var waitBetweenEvents: Int { get set }
    /// This layer's back end, or `nil` for the context's. Not saved in model files.
    var backend: Backend? { get set }
}

extension ChipLayer {
    /// `[weight]` or `[weight, bias]`.
    public var parameters: [Tensor] { bias.map { [weight, $0] } ?? [weight] }

    /// Replaces weight (and bias), keeping their shapes.
    public mutating func setParameters(_ values: [Tensor]) throws {
        let expected = bias == nil ? 1 : 2
        guard values.count == expected else {
            throw NetworkError.shapeMismatch(
                operation: "setParameters of \(Self.typeName)", expected: [expected],
                got: [values.count])
        }
        try checkReplacement(weight, values[0], name: "\(Self.typeName) weight")
        if let old = bias { try checkReplacement(old, values[1], name: "\(Self.typeName) bias") }
        weight = values[0]
        if bias != nil { bias = values[1] }
    }

    /// Clamps the weight into the chip's weight range (−63…63).
    public mutating func clampWeightsToChipRange() { weight = clampedToWeightRange(weight) }

    /// The event timing of the layer's VMMs.
    public var vmmSettings: VMMSettings {
        VMMSettings(numSends: numSends, waitBetweenEvents: waitBetweenEvents)
    }
}

/// `value` clamped into the chip's weight range, keeping shape (and dropping any graph).
func clampedToWeightRange(_ value: Tensor) -> Tensor {
    let low = Float(VMMLimits.weightRange.lowerBound)
    let high = Float(VMMLimits.weightRange.upperBound)
    return Tensor(unchecked: value.shape, value.storage.map { min(max($0, low), high) })
}

// MARK: Construction shared by the chip layers

/// Checks what every chip layer needs before its own settings: a non-empty weight of `rank`,
/// a bias of `[weight.shape[0]]`, and timing in the chip's ranges.
func checkChipLayer(
    weight: Tensor, bias: Tensor?, rank: Int, numSends: Int, waitBetweenEvents: Int,
    layer: String
) throws {
    guard weight.rank == rank, weight.count > 0 else {
        throw NetworkError.shapeMismatch(
            operation: "\(layer) weight", expected: Array(repeating: -1, count: rank),
            got: weight.shape)
    }
    if let bias, bias.shape != [weight.shape[0]] {
        throw NetworkError.shapeMismatch(
            operation: "\(layer) bias", expected: [weight.shape[0]], got: bias.shape)
    }
    try VMMSettings(numSends: numSends, waitBetweenEvents: waitBetweenEvents).validate()
}

/// Checks that a chip layer's weight and bias are finite.
func checkFinite(weight: Tensor, bias: Tensor?, layer: String) throws {
    try weight.checkFinite("\(layer) weight")
    try bias?.checkFinite("\(layer) bias")
}

/// Weights `[outputs, inputs, kernel...]` (and biases `[outputs]`) drawn as hxtorch draws them
/// (``WeightInitialization``) for a fan-in of `inputs × kernel sizes`, with the sends: `numSends`,
/// or the initialisation's automatic choice when nil.
func initialChipWeights(
    outputs: Int, inputs: Int, kernel: [Int] = [], bias: Bool, numSends: Int?,
    waitBetweenEvents: Int, initialization: WeightInitialization, seed: UInt64, layer: String
) throws -> (weight: Tensor, bias: Tensor?, numSends: Int) {
    guard outputs >= 1, inputs >= 1, kernel.allSatisfy({ $0 >= 1 }) else {
        throw NetworkError.invalidArgument(
            "\(layer) needs at least one input and one output"
                + (kernel.isEmpty ? "" : " and positive kernel sizes")
                + ", got \(inputs) → \(outputs)" + (kernel.isEmpty ? "" : ", kernel \(kernel)"))
    }
    let fanIn = inputs * kernel.reduce(1, *)
    try initialization.validate(fanIn: fanIn)
    let sends = numSends ?? initialization.automaticNumSends(fanIn: fanIn)
    try VMMSettings(numSends: sends, waitBetweenEvents: waitBetweenEvents).validate()
    let drawn = try initialization.draw(
        shape: [outputs, inputs] + kernel, fanIn: fanIn, numSends: sends,
        biasCount: bias ? outputs : nil, seed: seed)
    return (drawn.weight, drawn.bias, sends)
}

// MARK: The keys every chip layer's record has

/// The keys every chip layer's record holds: `weight`, `bias` (absent when there is none),
/// `numSends` and `waitBetweenEvents`. A layer's `Codable` decodes these first, then its own.
struct ChipLayerFields {
    var weight: Tensor
    var bias: Tensor?
    var numSends: Int
    var waitBetweenEvents: Int

    /// The shared keys of the record in `decoder`, and the container for the layer's own.
    static func decode(
        from decoder: any Decoder
    ) throws -> (fields: ChipLayerFields, container: KeyedDecodingContainer<LayerKey>) {
        let c = try decoder.container(keyedBy: LayerKey.self)
        let fields = try ChipLayerFields(
            weight: c.decode(Tensor.self, forKey: "weight"),
            bias: c.decodeIfPresent(Tensor.self, forKey: "bias"),
            numSends: c.decode(Int.self, forKey: "numSends"),
            waitBetweenEvents: c.decode(Int.self, forKey: "waitBetweenEvents"))
        return (fields, c)
    }
}

extension ChipLayer {
    /// Encodes the shared keys of the record and returns the container for the layer's own.
    func encodeChipLayerFields(to encoder: any Encoder) throws -> KeyedEncodingContainer<LayerKey> {
        var c = encoder.container(keyedBy: LayerKey.self)
        try c.encode(weight, forKey: "weight")
        try c.encodeIfPresent(bias, forKey: "bias")
        try c.encode(numSends, forKey: "numSends")
        try c.encode(waitBetweenEvents, forKey: "waitBetweenEvents")
        return c
    }
}
