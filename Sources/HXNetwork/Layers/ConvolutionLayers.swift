/// Convolution layers on the chip (hxtorch's `Conv1d`, `Conv2d`, `ExpandedConv1d`). Weights are
/// chip units, inputs chip units (0…31), outputs LSB; the bias is added in float after the VMM,
/// as hxtorch's `conv` does. Fan-in for the initialisation is `inChannels × kernel size`.

/// Checks what every convolution layer needs: a weight of `rank`, a bias of `[outChannels]`,
/// valid VMM settings, positive strides, non-negative padding and finite values.
private func validateConvolution(
    weight: Tensor, bias: Tensor?, rank: Int, strides: [Int], paddings: [Int], numSends: Int,
    waitBetweenEvents: Int, layer: String
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
    for stride in strides where stride < 1 {
        throw NetworkError.outOfRange(
            name: "\(layer) stride", value: Double(stride), allowed: 1...Double.infinity)
    }
    for padding in paddings where padding < 0 {
        throw NetworkError.outOfRange(
            name: "\(layer) padding", value: Double(padding), allowed: 0...Double.infinity)
    }
    try weight.checkFinite("\(layer) weight")
    try bias?.checkFinite("\(layer) bias")
}

/// Draws weights `[O, C, kernel...]` (and biases) as hxtorch does; returns them with the sends.
private func initialConvolution(
    outChannels: Int, inChannels: Int, kernel: [Int], bias: Bool, numSends: Int?,
    initialization: WeightInitialization, seed: UInt64
) throws -> (weight: Tensor, bias: Tensor?, numSends: Int) {
    guard outChannels >= 1, inChannels >= 1, kernel.allSatisfy({ $0 >= 1 }) else {
        throw NetworkError.invalidArgument(
            "convolution needs positive channels and kernel sizes, got \(inChannels) → "
                + "\(outChannels), kernel \(kernel)")
    }
    let fanIn = inChannels * kernel.reduce(1, *)
    try initialization.validate(fanIn: fanIn)
    let sends = numSends ?? initialization.automaticNumSends(fanIn: fanIn)
    try VMMSettings(numSends: sends).validate()
    let drawn = try initialization.draw(
        shape: [outChannels, inChannels] + kernel, fanIn: fanIn, numSends: sends,
        biasCount: bias ? outChannels : nil, seed: seed)
    return (drawn.weight, drawn.bias, sends)
}

/// 1-d convolution over `[N, C, L]` inputs, on the chip.
public struct Conv1d: Module {
    /// Kernels `[outChannels, inChannels, kernelSize]`, chip units.
    public var weight: Tensor
    /// Biases `[outChannels]`, LSB, or `nil`.
    public var bias: Tensor?
    /// Step between output positions.
    public var stride: Int
    /// Zeros added at both ends of the input.
    public var padding: Int
    /// Sends per input vector (≥ 1).
    public var numSends: Int
    /// FPGA cycles (8 ns) between input events.
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
        let drawn = try initialConvolution(
            outChannels: outChannels, inChannels: inChannels, kernel: [kernelSize], bias: bias,
            numSends: numSends, initialization: initialization, seed: seed)
        try self.init(
            weight: drawn.weight, bias: drawn.bias, stride: stride, padding: padding,
            numSends: drawn.numSends, waitBetweenEvents: waitBetweenEvents, backend: backend)
    }

    /// A layer with given kernels `[O, C, K]` and biases `[O]`.
    public init(
        weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, numSends: Int,
        waitBetweenEvents: Int = VMMLimits.defaultWaitBetweenEvents, backend: Backend? = nil
    ) throws {
        try validateConvolution(
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

    /// `[weight]` or `[weight, bias]`.
    public var parameters: [Tensor] { bias.map { [weight, $0] } ?? [weight] }

    /// Replaces weight (and bias), keeping their shapes.
    public mutating func setParameters(_ values: [Tensor]) throws {
        try replaceParameters(weight: &weight, bias: &bias, with: values, layer: "Conv1d")
    }

    /// Clamps the kernels into −63…63.
    public mutating func clampWeightsToChipRange() { weight = clampedToWeightRange(weight) }

    /// The layer as an entry of a model file.
    public func layerRecord() throws -> LayerRecord { .conv1d(self) }
}

/// hxtorch's `ExpandedConv1d`: a ``Conv1d`` whose kernel is unrolled `numExpansions` times per
/// VMM (see ``expandedConv1d(_:_:bias:stride:numExpansions:numSends:waitBetweenEvents:backend:context:)``).
/// Padding is not supported, as in hxtorch's functional form. The copies share one trained
/// kernel, so fixed-pattern differences between them cannot be trained away.
public struct ExpandedConv1d: Module {
    /// Kernels `[outChannels, inChannels, kernelSize]`, chip units.
    public var weight: Tensor
    /// Biases `[outChannels]`, LSB, or `nil`.
    public var bias: Tensor?
    /// Step between output positions.
    public var stride: Int
    /// Kernel copies per VMM (≥ 1).
    public var numExpansions: Int
    /// Sends per input vector (≥ 1).
    public var numSends: Int
    /// FPGA cycles (8 ns) between input events.
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
        let drawn = try initialConvolution(
            outChannels: outChannels, inChannels: inChannels, kernel: [kernelSize], bias: bias,
            numSends: numSends, initialization: initialization, seed: seed)
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
        try validateConvolution(
            weight: weight, bias: bias, rank: 3, strides: [stride, numExpansions], paddings: [],
            numSends: numSends, waitBetweenEvents: waitBetweenEvents, layer: "ExpandedConv1d")
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

    /// `[weight]` or `[weight, bias]`.
    public var parameters: [Tensor] { bias.map { [weight, $0] } ?? [weight] }

    /// Replaces weight (and bias), keeping their shapes.
    public mutating func setParameters(_ values: [Tensor]) throws {
        try replaceParameters(weight: &weight, bias: &bias, with: values, layer: "ExpandedConv1d")
    }

    /// Clamps the kernels into −63…63.
    public mutating func clampWeightsToChipRange() { weight = clampedToWeightRange(weight) }

    /// The layer as an entry of a model file.
    public func layerRecord() throws -> LayerRecord { .expandedConv1d(self) }
}

/// 2-d convolution over `[N, C, H, W]` inputs, on the chip.
public struct Conv2d: Module {
    /// Kernels `[outChannels, inChannels, kernelHeight, kernelWidth]`, chip units.
    public var weight: Tensor
    /// Biases `[outChannels]`, LSB, or `nil`.
    public var bias: Tensor?
    /// Steps between output positions, (vertical, horizontal).
    public var stride: (Int, Int)
    /// Zeros added on both sides, (vertical, horizontal).
    public var padding: (Int, Int)
    /// Sends per input vector (≥ 1).
    public var numSends: Int
    /// FPGA cycles (8 ns) between input events.
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
        let drawn = try initialConvolution(
            outChannels: outChannels, inChannels: inChannels, kernel: [kernelSize.0, kernelSize.1],
            bias: bias, numSends: numSends, initialization: initialization, seed: seed)
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
        try validateConvolution(
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

    /// `[weight]` or `[weight, bias]`.
    public var parameters: [Tensor] { bias.map { [weight, $0] } ?? [weight] }

    /// Replaces weight (and bias), keeping their shapes.
    public mutating func setParameters(_ values: [Tensor]) throws {
        try replaceParameters(weight: &weight, bias: &bias, with: values, layer: "Conv2d")
    }

    /// Clamps the kernels into −63…63.
    public mutating func clampWeightsToChipRange() { weight = clampedToWeightRange(weight) }

    /// The layer as an entry of a model file.
    public func layerRecord() throws -> LayerRecord { .conv2d(self) }
}
