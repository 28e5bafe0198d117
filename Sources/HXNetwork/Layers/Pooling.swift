/// Digital pooling on the host, as hxtorch models use PyTorch's pools: windows without padding,
/// output size `(H − k) / stride + 1` (floor), stride defaulting to the kernel size.

/// Max pooling over the last axis of `[N, C, L]` (differentiable: the gradient goes to the first
/// maximum of each window).
public func maxPool1d(_ input: Tensor, kernelSize: Int, stride: Int? = nil) throws -> Tensor {
    try pool1d(input, kernelSize: kernelSize, stride: stride ?? kernelSize, kind: .max)
}

/// Average pooling over the last axis of `[N, C, L]` (differentiable).
public func avgPool1d(_ input: Tensor, kernelSize: Int, stride: Int? = nil) throws -> Tensor {
    try pool1d(input, kernelSize: kernelSize, stride: stride ?? kernelSize, kind: .average)
}

/// Max pooling over the last two axes of `[N, C, H, W]` (differentiable: the gradient goes to
/// the first maximum of each window, in row-major order).
public func maxPool2d(
    _ input: Tensor, kernelSize: (Int, Int), stride: (Int, Int)? = nil
) throws
    -> Tensor
{
    try pool2d(input, kernelSize: kernelSize, stride: stride ?? kernelSize, kind: .max)
}

/// Average pooling over the last two axes of `[N, C, H, W]` (differentiable).
public func avgPool2d(
    _ input: Tensor, kernelSize: (Int, Int), stride: (Int, Int)? = nil
) throws
    -> Tensor
{
    try pool2d(input, kernelSize: kernelSize, stride: stride ?? kernelSize, kind: .average)
}

func pool1d(
    _ input: Tensor, kernelSize: Int, stride: Int, kind: PoolReduction
) throws -> Tensor {
    guard input.rank == 3 else {
        throw NetworkError.shapeMismatch(
            operation: "pool1d", expected: [-1, -1, -1], got: input.shape)
    }
    let (n, c, l) = (input.shape[0], input.shape[1], input.shape[2])
    let out = try pool2d(
        input.reshaped([n, c, 1, l]), kernelSize: (1, kernelSize),
        stride: (1, stride),
        kind: kind)
    return try out.reshaped([n, c, out.shape[3]])
}

func pool2d(
    _ input: Tensor, kernelSize: (Int, Int), stride: (Int, Int), kind: PoolReduction
)
    throws -> Tensor
{
    guard input.rank == 4 else {
        throw NetworkError.shapeMismatch(
            operation: "pool2d", expected: [-1, -1, -1, -1], got: input.shape)
    }
    try input.checkFinite("pooling input")
    let g = WindowGeometry(
        channels: input.shape[1], height: input.shape[2], width: input.shape[3],
        kernelHeight: kernelSize.0, kernelWidth: kernelSize.1, strideY: stride.0, strideX: stride.1)
    try g.validate(operation: "pooling")
    let planes = input.shape[0] * g.channels
    let (h, w, oh, ow) = (g.height, g.width, g.outputHeight, g.outputWidth)
    let window = Float(g.kernelHeight * g.kernelWidth)
    var out = [Float](repeating: 0, count: planes * oh * ow)
    // For max pooling, the input offset that won each output, for the backward pass.
    var winners = [Int](repeating: 0, count: kind == .max ? out.count : 0)
    input.storage.withUnsafeBufferPointer { x in
        for p in 0..<planes {
            for y in 0..<oh {
                for xo in 0..<ow {
                    let index = (p * oh + y) * ow + xo
                    var best = -Float.infinity
                    var bestOffset = 0
                    var sum: Float = 0
                    for i in 0..<g.kernelHeight {
                        for j in 0..<g.kernelWidth {
                            let offset = (p * h + y * g.strideY + i) * w + xo * g.strideX + j
                            sum += x[offset]
                            if x[offset] > best {
                                best = x[offset]
                                bestOffset = offset
                            }
                        }
                    }
                    if kind == .max {
                        out[index] = best
                        winners[index] = bestOffset
                    } else {
                        out[index] = sum / window
                    }
                }
            }
        }
    }
    let inputShape = input.shape
    let shape = [input.shape[0], g.channels, oh, ow]
    let sources = winners
    return .result(shape: shape, storage: out, inputs: [input]) { gradient, _ in
        var back = [Float](repeating: 0, count: inputShape.reduce(1, *))
        switch kind {
        case .max:
            for (index, offset) in sources.enumerated() { back[offset] += gradient.storage[index] }
        case .average:
            for p in 0..<planes {
                for y in 0..<oh {
                    for xo in 0..<ow {
                        let share = gradient.storage[(p * oh + y) * ow + xo] / window
                        for i in 0..<g.kernelHeight {
                            for j in 0..<g.kernelWidth {
                                back[(p * h + y * g.strideY + i) * w + xo * g.strideX + j] += share
                            }
                        }
                    }
                }
            }
        }
        return [Tensor(unchecked: inputShape, back)]
    }
}

/// What a pooling window gives: its maximum (``MaxPooling``) or its mean (``AveragePooling``).
/// The pooling layers are generic over it, so max and average pooling share one declaration.
public protocol PoolingKind: Sendable {
    /// The start of the layer's type name in model files: `Max` or `Avg`.
    static var namePrefix: String { get }
    /// The kind of window reduction.
    static var reduction: PoolReduction { get }
}

/// The reduction of one pooling window.
public enum PoolReduction: Sendable {
    /// The largest value; the gradient goes to the first maximum.
    case max
    /// The mean; the gradient is shared equally.
    case average
}

/// Max pooling (PyTorch's `MaxPool`).
public enum MaxPooling: PoolingKind {
    public static let namePrefix = "Max"
    public static let reduction = PoolReduction.max
}

/// Average pooling (PyTorch's `AvgPool`).
public enum AveragePooling: PoolingKind {
    public static let namePrefix = "Avg"
    public static let reduction = PoolReduction.average
}

/// Pooling over the last axis of `[N, C, L]` (timed as digital).
public struct Pool1d<Kind: PoolingKind>: SerializableLayer {
    /// Window length.
    public var kernelSize: Int
    /// Step between windows (defaults to the window length).
    public var stride: Int

    /// A pooling layer with windows of `kernelSize`.
    public init(kernelSize: Int, stride: Int? = nil) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
    }

    /// ``maxPool1d(_:kernelSize:stride:)`` or ``avgPool1d(_:kernelSize:stride:)`` of `[N, C, L]`.
    public func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor {
        try context.measure(.digital) {
            try pool1d(input, kernelSize: kernelSize, stride: stride, kind: Kind.reduction)
        }
    }

    /// `MaxPool1d` or `AvgPool1d`.
    public static var typeName: String { Kind.namePrefix + "Pool1d" }
}

/// Pooling over the last two axes of `[N, C, H, W]` (timed as digital).
public struct Pool2d<Kind: PoolingKind>: SerializableLayer {
    /// Window (height, width).
    public var kernelSize: (Int, Int)
    /// Steps between windows (defaults to the window size).
    public var stride: (Int, Int)

    /// A pooling layer with windows of `kernelSize`.
    public init(kernelSize: (Int, Int), stride: (Int, Int)? = nil) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
    }

    /// A pooling layer with square windows.
    public init(kernelSize: Int, stride: Int? = nil) {
        self.init(kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) })
    }

    /// ``maxPool2d(_:kernelSize:stride:)`` or ``avgPool2d(_:kernelSize:stride:)`` of
    /// `[N, C, H, W]`.
    public func callAsFunction(_ input: Tensor, context: inout ExecutionContext) throws -> Tensor {
        try context.measure(.digital) {
            try pool2d(input, kernelSize: kernelSize, stride: stride, kind: Kind.reduction)
        }
    }

    /// `MaxPool2d` or `AvgPool2d`.
    public static var typeName: String { Kind.namePrefix + "Pool2d" }
}

/// Max pooling over the last axis of `[N, C, L]`.
public typealias MaxPool1d = Pool1d<MaxPooling>
/// Average pooling over the last axis of `[N, C, L]`.
public typealias AvgPool1d = Pool1d<AveragePooling>
/// Max pooling over the last two axes of `[N, C, H, W]`.
public typealias MaxPool2d = Pool2d<MaxPooling>
/// Average pooling over the last two axes of `[N, C, H, W]`.
public typealias AvgPool2d = Pool2d<AveragePooling>

extension Pool2d {
    /// Decodes `kernelSize` `[h, w]` and `stride` `[y, x]`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: LayerKey.self)
        self.init(kernelSize: try c.decodePair("kernelSize"), stride: try c.decodePair("stride"))
    }

    /// Encodes `kernelSize` and `stride` as pairs.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: LayerKey.self)
        try c.encodePair(kernelSize, forKey: "kernelSize")
        try c.encodePair(stride, forKey: "stride")
    }
}
