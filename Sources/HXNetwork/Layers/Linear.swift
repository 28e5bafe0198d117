import HXNumerics

/// A fully connected layer on the chip (hxtorch's `Linear`): `y = input · weightᵀ (+ bias)`.
///
/// The weight is `[outFeatures, inFeatures]` in chip units (PyTorch's layout); on its way to the
/// chip it is transposed to `inFeatures × outFeatures` (rows = inputs) and, in mock and hardware
/// mode, rounded and clamped to −63…63. Inputs are chip units (0…31), outputs LSB. A layer larger
/// than 128 inputs × 256 outputs is partitioned automatically.
///
/// `avg` (hxtorch's output averaging): each output column is placed `avg` times side by side and
/// the `avg` results are averaged, reducing trial-to-trial noise by about √avg at the cost of
/// `avg` times the columns. The copies share one trained weight, so their fixed-pattern
/// differences are averaged, not trained.
///
/// The bias (LSB) is added by the chip's processors (hxtorch's `add`): in mock and hardware mode
/// both the VMM result and the bias are floored and clamped to −128…127 before the clamped sum.
public struct Linear: ChipLayer {
    /// Weights `[outFeatures, inFeatures]`, chip units.
    public var weight: Tensor
    /// Biases `[outFeatures]`, LSB, or `nil`.
    public var bias: Tensor?
    /// Sends per input vector (``ChipGeometry/numSendsRange``).
    public var numSends: Int
    /// FPGA cycles (8 ns) between input events (``ChipGeometry/waitBetweenEventsRange``).
    public var waitBetweenEvents: Int
    /// Number of column copies averaged per output (``VMMLimits/avgRange``).
    public var avg: Int
    /// This layer's back end, or `nil` for the context's. Not saved in model files.
    public var backend: Backend?

    /// Inputs per sample.
    public var inFeatures: Int { weight.shape[1] }
    /// Outputs per sample.
    public var outFeatures: Int { weight.shape[0] }

    /// A layer initialised as hxtorch does (``WeightInitialization``), from `seed`.
    /// - Parameters:
    ///   - numSends: sends per vector; `nil` derives it from the initialisation
    ///     (``WeightInitialization/automaticNumSends(fanIn:)`` with fan-in `inFeatures`).
    ///   - waitBetweenEvents: FPGA cycles between events (default 5).
    ///   - avg: column copies averaged per output (default 1, ``VMMLimits/avgRange``).
    public init(
        inFeatures: Int, outFeatures: Int, bias: Bool = true, numSends: Int? = nil,
        waitBetweenEvents: Int = VMMLimits.defaultWaitBetweenEvents, avg: Int = 1,
        initialization: WeightInitialization = WeightInitialization(), backend: Backend? = nil,
        seed: UInt64
    ) throws {
        let drawn = try initialChipWeights(
            outputs: outFeatures, inputs: inFeatures, bias: bias, numSends: numSends,
            waitBetweenEvents: waitBetweenEvents, initialization: initialization, seed: seed,
            layer: "Linear")
        try self.init(
            weight: drawn.weight, bias: drawn.bias, numSends: drawn.numSends,
            waitBetweenEvents: waitBetweenEvents, avg: avg, backend: backend)
    }

    /// A layer with given weights `[outFeatures, inFeatures]` and biases `[outFeatures]`.
    /// - Throws: ``NetworkError`` for shapes that do not fit, non-finite values or bad settings
    ///   (`avg` outside ``VMMLimits/avgRange``, or a weight repeated `avg` times that exceeds
    ///   ``TensorLimits/maxElements``).
    public init(
        weight: Tensor, bias: Tensor? = nil, numSends: Int,
        waitBetweenEvents: Int = VMMLimits.defaultWaitBetweenEvents, avg: Int = 1,
        backend: Backend? = nil
    ) throws {
        try checkChipLayer(
            weight: weight, bias: bias, rank: 2, numSends: numSends,
            waitBetweenEvents: waitBetweenEvents, layer: "Linear")
        try requireWithin(VMMLimits.avgRange, avg, "Linear avg")
        // The chip sees the weight with every column repeated `avg` times.
        try TensorLimits.requireElements(
            weight.shape + [avg],
            "Linear weight \(ValueText.shape(weight.shape)) with avg \(avg)")
        try checkFinite(weight: weight, bias: bias, layer: "Linear")
        self.weight = weight
        self.bias = bias
        self.numSends = numSends
        self.waitBetweenEvents = waitBetweenEvents
        self.avg = avg
        self.backend = backend
    }

    /// `input` `[..., inFeatures]` (chip units) to `[..., outFeatures]` (LSB).
    public func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor {
        guard input.rank >= 1, input.shape[input.rank - 1] == inFeatures else {
            throw NetworkError.shapeMismatch(
                operation: "Linear input", expected: [-1, inFeatures], got: input.shape)
        }
        let resolved = backend ?? context.backend
        var columns = try weight.transposed()
        if avg > 1 { columns = try columns.repeatingLastAxis(avg) }
        var out = try matmul(
            input, columns, numSends: numSends, waitBetweenEvents: waitBetweenEvents,
            backend: resolved, context: &context)
        if avg > 1 {
            out = try context.measure(.digital) { try out.averagingLastAxis(groupsOf: avg) }
        }
        if let bias {
            out = try context.measure(.digital) { try add(out, bias, backend: resolved) }
        }
        return out
    }

}

extension Linear {
    /// Decodes and validates a layer (`weight`, `bias`, `numSends`, `waitBetweenEvents`, `avg`);
    /// the back end is left to the context.
    public init(from decoder: any Decoder) throws {
        let (shared, c) = try ChipLayerFields.decode(from: decoder)
        try self.init(
            weight: shared.weight, bias: shared.bias, numSends: shared.numSends,
            waitBetweenEvents: shared.waitBetweenEvents, avg: c.decode(Int.self, forKey: "avg"))
    }

    /// Encodes weights and settings (not the back end).
    public func encode(to encoder: any Encoder) throws {
        var c = try encodeChipLayerFields(to: encoder)
        try c.encode(avg, forKey: "avg")
    }
}
