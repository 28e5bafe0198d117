/// hxtorch's `expanded_conv1d`: a 1-d convolution whose kernel is unrolled `E` times along the
/// input so that one VMM row covers `E` neighbouring output positions, filling more of the
/// synapse array per send.
///
/// The expanded weight has `O · E` output channels and kernel length `K + s (E − 1)`; expanded
/// channel `o · E + i` holds kernel `o` shifted by `i · s`. It runs as an ordinary convolution
/// with stride `s · E`, and its outputs are interleaved back into positions
/// `(group · E + i)`, then cut to the plain convolution's length `(L − K) / s + 1`. In software
/// mode the result equals ``conv1d(_:_:bias:stride:padding:numSends:waitBetweenEvents:backend:context:)``.
///
/// Departure from hxtorch: the input is padded on the right by the least number of zeros that
/// gives enough output groups (hxtorch pads by `s · E` when needed); the extra zeros only feed
/// positions that are cut away, so the results agree.
public func expandedConv1d(
    _ input: Tensor, _ weight: Tensor, bias: Tensor? = nil, stride: Int = 1,
    numExpansions: Int, numSends: Int = 1,
    waitBetweenEvents: Int = VMMLimits.defaultWaitBetweenEvents, backend: Backend? = nil,
    context: inout ExecutionContext
) throws -> Tensor {
    try checkConv1dOperands(input, weight, operation: "expandedConv1d")
    try TensorLimits.requireExtent(numExpansions, minimum: 1, "expandedConv1d numExpansions")
    try TensorLimits.requireExtent(stride, minimum: 1, "expandedConv1d stride")
    // The expanded convolution steps by stride × numExpansions (both ≤ 2²⁴, so no overflow).
    try TensorLimits.requireExtent(
        stride * numExpansions, minimum: 1, "expandedConv1d stride × numExpansions")
    let (n, length) = (input.shape[0], input.shape[2])
    let (o, k) = (weight.shape[0], weight.shape[2])
    guard k <= length else {
        throw NetworkError.invalidArgument(
            "expandedConv1d: kernel \(k) is longer than the input \(length)")
    }
    if let bias, bias.shape != [o] {
        throw NetworkError.shapeMismatch(
            operation: "expandedConv1d bias", expected: [o], got: bias.shape)
    }
    let e = numExpansions
    try TensorLimits.requireElements(
        [o, e, input.shape[1], k + stride * (e - 1)],
        "expandedConv1d: the kernel expanded \(e) times")
    let expanded = try weight.expandingKernel(times: e, stride: stride)
    let expandedLength = k + stride * (e - 1)
    let outputLength = (length - k) / stride + 1
    let groups = (outputLength + e - 1) / e
    let padRight = max(0, expandedLength + (groups - 1) * stride * e - length)
    let grouped = try conv1d(
        input, expanded, bias: nil, stride: stride * e, padLeft: 0, padRight: padRight,
        settings: VMMSettings(numSends: numSends, waitBetweenEvents: waitBetweenEvents),
        backend: backend, context: &context)
    let computed = grouped.shape[2]  // ≥ groups by the choice of padding
    var out = try context.measure(.decode) {
        try grouped.reshaped([n, o, e, computed]).permuted([0, 1, 3, 2])
            .reshaped([n, o, computed * e]).sliced(axis: 2, 0..<outputLength)
    }
    if let bias {
        out = try context.measure(.digital) { try out + bias.reshaped([o, 1]) }
    }
    return out
}

/// hxtorch's automatic number of expansions, limited by the block height as well as the width:
/// `min(256 / O, (128 / C − K) / s + 1)`, at least 1. hxtorch uses `(128 − K) / s + 1` for the
/// height, which ignores the input channels and lets a multi-channel expanded kernel spill into a
/// second row block; with one input channel both agree.
public func automaticExpansions(
    outChannels: Int, inChannels: Int, kernelSize: Int, stride: Int
)
    -> Int
{
    let byWidth = VMMLimits.columnsPerBlock / max(outChannels, 1)
    let rowsPerChannel = VMMLimits.rowsPerBlock / max(inChannels, 1)
    let byHeight =
        rowsPerChannel >= kernelSize ? (rowsPerChannel - kernelSize) / max(stride, 1) + 1 : 1
    return max(1, min(byWidth, byHeight))
}

extension Tensor {
    /// A `[O, C, K]` kernel unrolled `times` times with shift `stride`: `[O · times, C,
    /// K + stride · (times − 1)]`, channel `o · times + i` holding kernel `o` at offset
    /// `i · stride`. Differentiable: the gradient of each copy is added back to the kernel.
    func expandingKernel(times: Int, stride: Int) throws -> Tensor {
        let (o, c, k) = (shape[0], shape[1], shape[2])
        let wide = k + stride * (times - 1)
        var out = [Float](repeating: 0, count: o * times * c * wide)
        for oc in 0..<o {
            for i in 0..<times {
                for ch in 0..<c {
                    let target = ((oc * times + i) * c + ch) * wide + i * stride
                    let source = (oc * c + ch) * k
                    for j in 0..<k { out[target + j] = storage[source + j] }
                }
            }
        }
        let original = shape
        return .result(shape: [o * times, c, wide], storage: out, inputs: [self]) { gradient, _ in
            var back = [Float](repeating: 0, count: o * c * k)
            for oc in 0..<o {
                for i in 0..<times {
                    for ch in 0..<c {
                        let source = ((oc * times + i) * c + ch) * wide + i * stride
                        let target = (oc * c + ch) * k
                        for j in 0..<k { back[target + j] += gradient.storage[source + j] }
                    }
                }
            }
            return [Tensor(unchecked: original, back)]
        }
    }
}
