/// Convolutions lowered to VMMs via im2col, as hxtorch's `conv` does with a strided view: every
/// output position becomes one input vector of `inChannels × kernel` chip inputs, and the kernels
/// become the columns of one weight matrix, so a convolution runs on the chip (and is partitioned
/// like any other VMM). Padding adds zeros (which send no events).

/// The geometry of a 2-d convolution or pooling window over `[N, C, H, W]` inputs.
struct WindowGeometry: Sendable, Equatable {
    var channels: Int
    var height: Int
    var width: Int
    var kernelHeight: Int
    var kernelWidth: Int
    var strideY: Int
    var strideX: Int
    var padTop = 0
    var padBottom = 0
    var padLeft = 0
    var padRight = 0

    var outputHeight: Int { (height + padTop + padBottom - kernelHeight) / strideY + 1 }
    var outputWidth: Int { (width + padLeft + padRight - kernelWidth) / strideX + 1 }
    var patchSize: Int { channels * kernelHeight * kernelWidth }

    /// Checks strides and kernels in 1…``TensorLimits/maxExtent``, padding in
    /// 0…``TensorLimits/maxExtent``, a kernel that fits the padded input, and the patches of one
    /// image (`Ho · Wo · C · kH · kW`) within ``TensorLimits/maxElements``. With every extent
    /// bounded so, the sums and products below cannot overflow for any input a tensor can hold.
    func validate(operation: String) throws {
        try TensorLimits.requireExtent(strideY, minimum: 1, "\(operation) stride")
        try TensorLimits.requireExtent(strideX, minimum: 1, "\(operation) stride")
        try TensorLimits.requireExtent(kernelHeight, minimum: 1, "\(operation) kernel size")
        try TensorLimits.requireExtent(kernelWidth, minimum: 1, "\(operation) kernel size")
        for padding in [padTop, padBottom, padLeft, padRight] {
            try TensorLimits.requireExtent(padding, minimum: 0, "\(operation) padding")
        }
        guard kernelHeight <= height + padTop + padBottom, kernelWidth <= width + padLeft + padRight
        else {
            throw NetworkError.invalidArgument(
                "\(operation): kernel \(kernelHeight) × \(kernelWidth) is larger than the padded "
                    + "input \(height + padTop + padBottom) × \(width + padLeft + padRight)")
        }
        try TensorLimits.requireElements(
            [outputHeight, outputWidth, patchSize],
            "\(operation): the patches of one image (\(outputHeight) × \(outputWidth) positions "
                + "of \(patchSize) inputs)")
    }
}

extension Tensor {
    /// The patches of a `[N, C, H, W]` tensor as rows of a `[N · Ho · Wo, C · kH · kW]` matrix
    /// (row `(n · Ho + y) · Wo + x`, column `(c · kH + i) · kW + j`, the order of a flattened
    /// `[O, C, kH, kW]` kernel). Differentiable: the backward pass adds each patch gradient back
    /// to the positions it was read from (col2im).
    func im2col(_ g: WindowGeometry) -> Tensor {
        let n = shape[0]
        var out = [Float](repeating: 0, count: n * g.outputHeight * g.outputWidth * g.patchSize)
        storage.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in
                g.forEachTap(batch: n) { patch, image in o[patch] = x[image] }
            }
        }
        let inputShape = shape
        return .result(
            shape: [n * g.outputHeight * g.outputWidth, g.patchSize], storage: out, inputs: [self]
        ) { gradient, _ in
            var back = [Float](repeating: 0, count: inputShape.reduce(1, *))
            gradient.storage.withUnsafeBufferPointer { gr in
                back.withUnsafeMutableBufferPointer { x in
                    g.forEachTap(batch: n) { patch, image in x[image] += gr[patch] }
                }
            }
            return [Tensor(unchecked: inputShape, back)]
        }
    }
}

extension WindowGeometry {
    /// Calls `body(patchIndex, imageIndex)` for every kernel tap of every output position of
    /// `batch` images that falls inside the image (padding taps are skipped): `patchIndex` into
    /// the `[batch · Ho · Wo, C · kH · kW]` patch matrix, `imageIndex` into the `[batch, C, H, W]`
    /// image. im2col reads along it, its backward pass (col2im) accumulates along it.
    @inline(__always)
    func forEachTap(batch: Int, _ body: (_ patch: Int, _ image: Int) -> Void) {
        for b in 0..<batch {
            for y in 0..<outputHeight {
                for xo in 0..<outputWidth {
                    let row = ((b * outputHeight + y) * outputWidth + xo) * patchSize
                    for c in 0..<channels {
                        let plane = (b * channels + c) * height
                        for i in 0..<kernelHeight {
                            let iy = y * strideY - padTop + i
                            guard iy >= 0, iy < height else { continue }
                            for j in 0..<kernelWidth {
                                let ix = xo * strideX - padLeft + j
                                guard ix >= 0, ix < width else { continue }
                                body(
                                    row + (c * kernelHeight + i) * kernelWidth + j,
                                    (plane + iy) * width + ix)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// 2-d convolution on the chip (hxtorch's `conv2d`): input `[N, C, H, W]` in chip units, weight
/// `[O, C, kH, kW]` in chip units, optional bias `[O]` in LSB added digitally in float (as
/// hxtorch). Output `[N, O, Ho, Wo]` in LSB with `Ho = (H + 2 padY − kH) / strideY + 1`.
/// The VMM is `[N · Ho · Wo, C · kH · kW] × [C · kH · kW, O]` on the chosen back end.
public func conv2d(
    _ input: Tensor, _ weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1),
    padding: (Int, Int) = (0, 0), numSends: Int = 1,
    waitBetweenEvents: Int = VMMLimits.defaultWaitBetweenEvents, backend: Backend? = nil,
    context: inout ExecutionContext
) throws -> Tensor {
    guard input.rank == 4 else {
        throw NetworkError.shapeMismatch(
            operation: "conv2d input", expected: [-1, -1, -1, -1], got: input.shape)
    }
    guard weight.rank == 4, weight.shape[1] == input.shape[1] else {
        throw NetworkError.shapeMismatch(
            operation: "conv2d weight", expected: [-1, input.shape[1], -1, -1], got: weight.shape)
    }
    let geometry = WindowGeometry(
        channels: input.shape[1], height: input.shape[2], width: input.shape[3],
        kernelHeight: weight.shape[2], kernelWidth: weight.shape[3], strideY: stride.0,
        strideX: stride.1, padTop: padding.0, padBottom: padding.0, padLeft: padding.1,
        padRight: padding.1)
    return try convolve(
        input, weight, bias: bias, geometry: geometry,
        settings: VMMSettings(numSends: numSends, waitBetweenEvents: waitBetweenEvents),
        backend: backend, context: &context)
}

/// 1-d convolution on the chip (hxtorch's `conv1d`): input `[N, C, L]`, weight `[O, C, K]`,
/// optional bias `[O]`; output `[N, O, Lo]` with `Lo = (L + 2 padding − K) / stride + 1`.
public func conv1d(
    _ input: Tensor, _ weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
    numSends: Int = 1, waitBetweenEvents: Int = VMMLimits.defaultWaitBetweenEvents,
    backend: Backend? = nil, context: inout ExecutionContext
) throws -> Tensor {
    try conv1d(
        input, weight, bias: bias, stride: stride, padLeft: padding, padRight: padding,
        settings: VMMSettings(numSends: numSends, waitBetweenEvents: waitBetweenEvents),
        backend: backend, context: &context)
}

/// 1-d convolution with separate left and right zero padding.
func conv1d(
    _ input: Tensor, _ weight: Tensor, bias: Tensor?, stride: Int, padLeft: Int, padRight: Int,
    settings: VMMSettings, backend: Backend?, context: inout ExecutionContext
) throws -> Tensor {
    try checkConv1dOperands(input, weight, operation: "conv1d")
    let (n, c, length) = (input.shape[0], input.shape[1], input.shape[2])
    let (o, k) = (weight.shape[0], weight.shape[2])
    let geometry = WindowGeometry(
        channels: c, height: 1, width: length, kernelHeight: 1, kernelWidth: k, strideY: 1,
        strideX: stride, padLeft: padLeft, padRight: padRight)
    let out = try convolve(
        input.reshaped([n, c, 1, length]), weight.reshaped([o, c, 1, k]), bias: bias,
        geometry: geometry, settings: settings, backend: backend, context: &context)
    return try out.reshaped([n, o, geometry.outputWidth])
}

/// Checks a 1-d convolution's input `[N, C, L]` and weight `[O, C, K]`.
func checkConv1dOperands(_ input: Tensor, _ weight: Tensor, operation: String) throws {
    guard input.rank == 3 else {
        throw NetworkError.shapeMismatch(
            operation: "\(operation) input", expected: [-1, -1, -1], got: input.shape)
    }
    guard weight.rank == 3, weight.shape[1] == input.shape[1] else {
        throw NetworkError.shapeMismatch(
            operation: "\(operation) weight", expected: [-1, input.shape[1], -1],
            got: weight.shape)
    }
}

/// The shared lowering: im2col, one VMM, reshape to channels-first, float bias.
func convolve(
    _ input: Tensor, _ weight: Tensor, bias: Tensor?, geometry: WindowGeometry,
    settings: VMMSettings, backend: Backend?, context: inout ExecutionContext
) throws -> Tensor {
    try geometry.validate(operation: "convolution")
    let (n, o) = (input.shape[0], weight.shape[0])
    if let bias, bias.shape != [o] {
        throw NetworkError.shapeMismatch(
            operation: "convolution bias", expected: [o], got: bias.shape)
    }
    let (oh, ow) = (geometry.outputHeight, geometry.outputWidth)
    try TensorLimits.requireElements(
        [n, o, oh, ow], "convolution: the output (\(n) × \(o) × \(oh) × \(ow))")
    let kernels = try weight.reshaped([o, geometry.patchSize]).transposed()
    var out: Tensor
    if input.requiresGradient || weight.requiresGradient {
        // The backward pass needs every patch: one VMM of all of them.
        try requirePatchLimit(images: n, geometry)
        let columns = context.measure(.encode) { input.im2col(geometry) }
        let product = try matmul(
            columns, kernels, numSends: settings.numSends,
            waitBetweenEvents: settings.waitBetweenEvents, backend: backend, context: &context)
        out = try context.measure(.decode) {
            try product.reshaped([n, oh * ow, o]).permuted([0, 2, 1]).reshaped([n, o, oh, ow])
        }
    } else {
        out = try convolveInParts(
            input, kernels, geometry: geometry, settings: settings, backend: backend,
            context: &context)
    }
    if let bias {
        out = try context.measure(.digital) { try out + bias.reshaped([o, 1, 1]) }
    }
    return out
}

/// Throws unless the patch matrix of `images` images (`images · Ho · Wo × C · kH · kW`) fits
/// ``TensorLimits/maxElements``.
func requirePatchLimit(images: Int, _ g: WindowGeometry) throws {
    try TensorLimits.requireElements(
        [images, g.outputHeight, g.outputWidth, g.patchSize],
        "convolution: the patches of \(images) images (\(g.outputHeight) × \(g.outputWidth) "
            + "positions of \(g.patchSize) inputs each)")
}

/// The convolution of `input` `[N, C, H, W]` with `kernels` `[C · kH · kW, O]` when no gradient
/// is needed: one VMM call (``VMMCall``) run in parts of images, each part's patches made,
/// run and rearranged to `[m, O, Ho, Wo]` on its own, so that the patches (Ho · Wo · C · kH ·
/// kW values per image) are never held for the whole batch. The result equals one VMM of all
/// patches.
func convolveInParts(
    _ input: Tensor, _ kernels: Tensor, geometry: WindowGeometry, settings: VMMSettings,
    backend: Backend?, context: inout ExecutionContext
) throws -> Tensor {
    let (n, o) = (input.shape[0], kernels.shape[1])
    let positions = geometry.outputHeight * geometry.outputWidth
    let imageSize = geometry.channels * geometry.height * geometry.width
    var out = [Float](repeating: 0, count: n * o * positions)
    try input.storage.withUnsafeBufferPointer { images in
        var call = try VMMCall(
            weights: kernels.storage, k: geometry.patchSize, n: o, settings: settings,
            backend: backend, units: n, unitRows: positions, input: images, context: &context)
        // The patches of a part's images are held at once (on the software back end, the
        // whole batch's).
        try requirePatchLimit(images: call.parts.map(\.count).max() ?? 0, geometry)
        for part in call.parts {
            let columns = context.measure(.encode) {
                Tensor(
                    unchecked: [part.count, geometry.channels, geometry.height, geometry.width],
                    Array(images[(part.lowerBound * imageSize)..<(part.upperBound * imageSize)])
                ).im2col(geometry)
            }
            let product = try columns.storage.withUnsafeBufferPointer { patches in
                try call.run(
                    patches, rows: 0..<(part.count * positions),
                    firstRow: part.lowerBound * positions, context: &context)
            }
            // [m, positions, O] to channels first, into the part's images of the result.
            context.measure(.decode) {
                for (m, image) in part.enumerated() {
                    for p in 0..<positions {
                        for c in 0..<o {
                            out[(image * o + c) * positions + p] =
                                product[(m * positions + p) * o + c]
                        }
                    }
                }
            }
        }
    }
    return Tensor(unchecked: [n, o, geometry.outputHeight, geometry.outputWidth], out)
}

/// Checks what every convolution layer needs: the chip layer's checks (weight of `rank`, bias
/// `[outChannels]`, timing), strides in 1…``TensorLimits/maxExtent``, finite values, and the
/// padding of each spatial axis (`paddings`, in the order of the kernel's axes) in 0…kernel − 1.
/// A wider padding than that (PyTorch accepts it) only adds output positions whose windows hold
/// nothing but zeros, so a layer with one is refused as a damaged setting rather than run.
func checkConvolution(
    weight: Tensor, bias: Tensor?, rank: Int, strides: [Int], paddings: [Int], numSends: Int,
    waitBetweenEvents: Int, layer: String
) throws {
    try checkChipLayer(
        weight: weight, bias: bias, rank: rank, numSends: numSends,
        waitBetweenEvents: waitBetweenEvents, layer: layer)
    for stride in strides { try TensorLimits.requireExtent(stride, minimum: 1, "\(layer) stride") }
    for (padding, kernel) in zip(paddings, weight.shape.dropFirst(2)) {
        try requireWithin(0...(kernel - 1), padding, "\(layer) padding")
    }
    try checkFinite(weight: weight, bias: bias, layer: layer)
}
