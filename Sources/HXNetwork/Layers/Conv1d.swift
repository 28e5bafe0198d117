/// 1-d convolution over `[N, C, L]` inputs, on the chip.
public struct Conv1d: ChipLayer {
    /// Kernels `[outChannels, inChannels, kernelSize]`, chip units.
    public var weight: Tensor
    /// Biases `[outChannels]`, LSB, or `nil`.
    public var bias: Tensor?
    /// Step between output positions (1…``TensorLimits/maxExtent``).
    public var stride: Int
    /// Zeros added at both ends of the input (0…kernel size − 1).
    public var padding: Int
    /// Sends per input vector (``ChipGeometry/numSendsRange``).
    public var numSends: Int
    /// FPGA cycles (8 ns) between input events (``ChipGeometry/waitBetweenEventsRange``).
    public var waitBetweenEvents: Int
    /// This layer's back end, or `nil` for the context's. Not saved in model files.
    public var backend: Backend?

    /// A layer initialised as hxtorch does, from `seed`; `numSends: nil` derives the sends from
    /// the initialisation with fan-in `inChannels × kernelSize`.
    public init(
        inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = true, numSends: Int? = nil,
        waitBetweenEvents: Int = VMMLimits.defaultWaitBetweenEvents,
        initialization: WeightInitialization = WeightInitialization(), backend: Backend? = nil,
        seed: UInt64
    ) throws {
        let drawn = try initialChipWeights(
            outputs: outChannels, inputs: inChannels, kernel: [kernelSize], bias: bias,
            numSends: numSends, waitBetweenEvents: waitBetweenEvents,
            initialization: initialization, seed: seed, layer: "Conv1d")
        try self.init(
            weight: drawn.weight, bias: drawn.bias, stride: stride, padding: padding,
            numSends: drawn.numSends, waitBetweenEvents: waitBetweenEvents, backend: backend)
    }

    /// A layer with given kernels `[O, C, K]` and biases `[O]`.
    public init(
        weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, numSends: Int,
        waitBetweenEvents: Int = VMMLimits.defaultWaitBetweenEvents, backend: Backend? = nil
    ) throws {
        try checkConvolution(
            weight: weight, bias: bias, rank: 3, strides: [stride], paddings: [padding],
            numSends: numSends, waitBetweenEvents: waitBetweenEvents, layer: "Conv1d")
        (self.weight, self.bias, self.stride, self.padding) = (weight, bias, stride, padding)
        (self.numSends, self.waitBetweenEvents, self.backend) = (
            numSends, waitBetweenEvents, backend
        )
    }

    /// `[N, C, L]` to `[N, O, (L + 2 padding − K) / stride + 1]`.
    public func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor {
        try conv1d(
            input, weight, bias: bias, stride: stride, padding: padding, numSends: numSends,
            waitBetweenEvents: waitBetweenEvents, backend: backend, context: &context)
    }
}

extension Conv1d {
    /// Decodes and validates a layer (the chip layer's keys, `stride`, `padding`).
    public init(from decoder: any Decoder) throws {
        let (shared, c) = try ChipLayerFields.decode(from: decoder)
        try self.init(
            weight: shared.weight, bias: shared.bias, stride: c.decode(Int.self, forKey: "stride"),
            padding: c.decode(Int.self, forKey: "padding"), numSends: shared.numSends,
            waitBetweenEvents: shared.waitBetweenEvents)
    }

    /// Encodes kernels and settings (not the back end).
    public func encode(to encoder: any Encoder) throws {
        var c = try encodeChipLayerFields(to: encoder)
        try c.encode(stride, forKey: "stride")
        try c.encode(padding, forKey: "padding")
    }
}
