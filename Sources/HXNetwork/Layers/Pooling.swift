/// Digital pooling on the host, as hxtorch models use PyTorch's pools: windows without padding,
/// output size `(H − k) / stride + 1` (floor), stride defaulting to the kernel size.

/// Max pooling over the last axis of `[N, C, L]` (differentiable: the gradient goes to the first
/// maximum of each window).
public func maxPool1d(_ input: Tensor, kernelSize: Int, stride: Int? = nil) throws -> Tensor {
    try pool1d(input, kernelSize: kernelSize, stride: stride, kind: .max)
}

/// Average pooling over the last axis of `[N, C, L]` (differentiable).
public func avgPool1d(_ input: Tensor, kernelSize: Int, stride: Int? = nil) throws -> Tensor {
    try pool1d(input, kernelSize: kernelSize, stride: stride, kind: .average)
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

enum PoolKind { case max, average }

private func pool1d(_ input: Tensor, kernelSize: Int, stride: Int?, kind: PoolKind) throws -> Tensor
{
    guard input.rank == 3 else {
        throw NetworkError.shapeMismatch(
            operation: "pool1d", expected: [-1, -1, -1], got: input.shape)
    }
    let (n, c, l) = (input.shape[0], input.shape[1], input.shape[2])
    let out = try pool2d(
        input.reshaped([n, c, 1, l]), kernelSize: (1, kernelSize),
        stride: (1, stride ?? kernelSize),
        kind: kind)
    return try out.reshaped([n, c, out.shape[3]])
}

private func pool2d(
    _ input: Tensor, kernelSize: (Int, Int), stride: (Int, Int), kind: PoolKind
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
