/// 2-d convolution over `[N, C, H, W]` inputs, on the chip.
public struct Conv2d: ChipLayer {
    /// Kernels `[outChannels, inChannels, kernelHeight, kernelWidth]`, chip units.
    public var weight: Tensor
    /// Biases `[outChannels]`, LSB, or `nil`.
    public var bias: Tensor?
    /// Steps between output positions, (vertical, horizontal), each 1…``TensorLimits/maxExtent``.
    public var stride: (Int, Int)
    /// Zeros added on both sides, (vertical, horizontal), each 0…kernel size − 1 on its axis.
    public var padding: (Int, Int)
    /// Sends per input vector (``ChipGeometry/numSendsRange``).
    public var numSends: Int
    /// FPGA cycles (8 ns) between input events (``ChipGeometry/waitBetweenEventsRange``).
    public var waitBetweenEvents: Int
    /// This layer's back end, or `nil` for the context's. Not saved in model files.
    public var backend: Backend?

    /// A layer initialised as hxtorch does, from `seed`; `numSends: nil` derives the sends from
    /// the initialisation with fan-in `inChannels × kernelHeight × kernelWidth`.
    public init(
        inChannels: Int, outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
        padding: (Int, Int) = (0, 0), bias: Bool = true, numSends: Int? = nil,
        waitBetweenEvents: Int = VMMLimits.defaultWaitBetweenEvents,
        initialization: WeightInitialization = WeightInitialization(), backend: Backend? = nil,
        seed: UInt64
    ) throws {
        let drawn = try initialChipWeights(
            outputs: outChannels, inputs: inChannels, kernel: [kernelSize.0, kernelSize.1],
            bias: bias, numSends: numSends, waitBetweenEvents: waitBetweenEvents,
            initialization: initialization, seed: seed, layer: "Conv2d")
        try self.init(
            weight: drawn.weight, bias: drawn.bias, stride: stride, padding: padding,
            numSends: drawn.numSends, waitBetweenEvents: waitBetweenEvents, backend: backend)
    }

    /// A square-kernel layer (hxtorch's integer `kernel_size`, `stride`, `padding`).
    public init(
        inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = true, numSends: Int? = nil,
        waitBetweenEvents: Int = VMMLimits.defaultWaitBetweenEvents,
        initialization: WeightInitialization = WeightInitialization(), backend: Backend? = nil,
        seed: UInt64
    ) throws {
        try self.init(
            inChannels: inChannels, outChannels: outChannels, kernelSize: (kernelSize, kernelSize),
            stride: (stride, stride), padding: (padding, padding), bias: bias, numSends: numSends,
            waitBetweenEvents: waitBetweenEvents, initialization: initialization, backend: backend,
            seed: seed)
    }

    /// A layer with given kernels `[O, C, kH, kW]` and biases `[O]`.
    public init(
        weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1),
        padding: (Int, Int) = (0, 0), numSends: Int,
        waitBetweenEvents: Int = VMMLimits.defaultWaitBetweenEvents, backend: Backend? = nil
    ) throws {
        try checkConvolution(
            weight: weight, bias: bias, rank: 4, strides: [stride.0, stride.1],
            paddings: [padding.0, padding.1], numSends: numSends,
            waitBetweenEvents: waitBetweenEvents, layer: "Conv2d")
        (self.weight, self.bias, self.stride, self.padding) = (weight, bias, stride, padding)
        (self.numSends, self.waitBetweenEvents, self.backend) = (
            numSends, waitBetweenEvents, backend
        )
    }

    /// `[N, C, H, W]` to `[N, O, Ho, Wo]`.
    public func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor {
        try conv2d(
            input, weight, bias: bias, stride: stride, padding: padding, numSends: numSends,
            waitBetweenEvents: waitBetweenEvents, backend: backend, context: &context)
    }
}

extension Conv2d {
    /// Decodes and validates a layer (the chip layer's keys, `stride` and `padding` as `[y, x]`).
    public init(from decoder: any Decoder) throws {
        let (shared, c) = try ChipLayerFields.decode(from: decoder)
        try self.init(
            weight: shared.weight, bias: shared.bias, stride: c.decodePair("stride"),
            padding: c.decodePair("padding"), numSends: shared.numSends,
            waitBetweenEvents: shared.waitBetweenEvents)
    }

    /// Encodes kernels and settings (not the back end).
    public func encode(to encoder: any Encoder) throws {
        var c = try encodeChipLayerFields(to: encoder)
        try c.encodePair(stride, forKey: "stride")
        try c.encodePair(padding, forKey: "padding")
    }
}
