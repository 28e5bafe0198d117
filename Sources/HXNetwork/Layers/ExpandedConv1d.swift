/// hxtorch's `ExpandedConv1d`: a ``Conv1d`` whose kernel is unrolled `numExpansions` times per
/// VMM (see ``expandedConv1d(_:_:bias:stride:numExpansions:numSends:waitBetweenEvents:backend:context:)``).
/// Padding is not supported, as in hxtorch's functional form. The copies share one trained
/// kernel, so fixed-pattern differences between them cannot be trained away.
public struct ExpandedConv1d: ChipLayer {
    /// Kernels `[outChannels, inChannels, kernelSize]`, chip units.
    public var weight: Tensor
    /// Biases `[outChannels]`, LSB, or `nil`.
    public var bias: Tensor?
    /// Step between output positions (1…``TensorLimits/maxExtent``).
    public var stride: Int
    /// Kernel copies per VMM (1…``TensorLimits/maxExtent``).
    public var numExpansions: Int
    /// Sends per input vector (``ChipGeometry/numSendsRange``).
    public var numSends: Int
    /// FPGA cycles (8 ns) between input events (``ChipGeometry/waitBetweenEventsRange``).
    public var waitBetweenEvents: Int
    /// This layer's back end, or `nil` for the context's. Not saved in model files.
    public var backend: Backend?

    /// A layer initialised as hxtorch does, from `seed`; `numExpansions: nil` chooses
    /// ``automaticExpansions(outChannels:inChannels:kernelSize:stride:)``.
    public init(
        inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, bias: Bool = true,
        numExpansions: Int? = nil, numSends: Int? = nil,
        waitBetweenEvents: Int = VMMLimits.defaultWaitBetweenEvents,
        initialization: WeightInitialization = WeightInitialization(), backend: Backend? = nil,
        seed: UInt64
    ) throws {
        let drawn = try initialChipWeights(
            outputs: outChannels, inputs: inChannels, kernel: [kernelSize], bias: bias,
            numSends: numSends, waitBetweenEvents: waitBetweenEvents,
            initialization: initialization, seed: seed, layer: "ExpandedConv1d")
        let expansions =
            numExpansions
            ?? automaticExpansions(
                outChannels: outChannels, inChannels: inChannels, kernelSize: kernelSize,
                stride: stride)
        try self.init(
            weight: drawn.weight, bias: drawn.bias, stride: stride, numExpansions: expansions,
            numSends: drawn.numSends, waitBetweenEvents: waitBetweenEvents, backend: backend)
    }

    /// A layer with given kernels `[O, C, K]` and biases `[O]`.
    public init(
        weight: Tensor, bias: Tensor? = nil, stride: Int = 1, numExpansions: Int, numSends: Int,
        waitBetweenEvents: Int = VMMLimits.defaultWaitBetweenEvents, backend: Backend? = nil
    ) throws {
        try checkConvolution(
            weight: weight, bias: bias, rank: 3, strides: [stride], paddings: [],
            numSends: numSends, waitBetweenEvents: waitBetweenEvents, layer: "ExpandedConv1d")
        try TensorLimits.requireExtent(numExpansions, minimum: 1, "ExpandedConv1d numExpansions")
        (self.weight, self.bias, self.stride, self.numExpansions) = (
            weight, bias, stride, numExpansions
        )
        (self.numSends, self.waitBetweenEvents, self.backend) = (
            numSends, waitBetweenEvents, backend
        )
    }

    /// `[N, C, L]` to `[N, O, (L − K) / stride + 1]`.
    public func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor {
        try expandedConv1d(
            input, weight, bias: bias, stride: stride, numExpansions: numExpansions,
            numSends: numSends, waitBetweenEvents: waitBetweenEvents, backend: backend,
            context: &context)
    }
}

extension ExpandedConv1d {
    /// Decodes and validates a layer (the chip layer's keys, `stride`, `numExpansions`).
    public init(from decoder: any Decoder) throws {
        let (shared, c) = try ChipLayerFields.decode(from: decoder)
        try self.init(
            weight: shared.weight, bias: shared.bias, stride: c.decode(Int.self, forKey: "stride"),
            numExpansions: c.decode(Int.self, forKey: "numExpansions"),
            numSends: shared.numSends, waitBetweenEvents: shared.waitBetweenEvents)
    }

    /// Encodes kernels and settings (not the back end).
    public func encode(to encoder: any Encoder) throws {
        var c = try encodeChipLayerFields(to: encoder)
        try c.encode(stride, forKey: "stride")
        try c.encode(numExpansions, forKey: "numExpansions")
    }
}
