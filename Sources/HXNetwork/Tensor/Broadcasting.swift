/// Element-wise arithmetic with NumPy/PyTorch broadcasting: shapes are aligned at the right, and
/// an axis of size 1 (or a missing leading axis) stretches to the other operand's size.
extension Tensor {
    /// The broadcast shape of `a` and `b`.
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:got:)`` when an axis differs and
    ///   neither size is 1.
    static func broadcastShape(_ a: [Int], _ b: [Int], operation: String) throws -> [Int] {
        let rank = max(a.count, b.count)
        var shape = [Int](repeating: 1, count: rank)
        for axis in 0..<rank {
            let sa = axis < rank - a.count ? 1 : a[axis - (rank - a.count)]
            let sb = axis < rank - b.count ? 1 : b[axis - (rank - b.count)]
            guard sa == sb || sa == 1 || sb == 1 else {
                throw NetworkError.shapeMismatch(operation: operation, expected: a, got: b)
            }
            shape[axis] = sa == 1 ? sb : sa
        }
        return shape
    }

    /// Element strides of `shape` read as `target` (same or higher rank): 0 along broadcast axes.
    static func broadcastStrides(of shape: [Int], to target: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: target.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            let targetAxis = axis + target.count - shape.count
            strides[targetAxis] = shape[axis] == 1 ? 0 : step
            step *= shape[axis]
        }
        return strides
    }

    enum BinaryKind { case add, subtract, multiply }

    /// `kind` applied element-wise to `a` and `b` broadcast to `shape`.
    static func broadcastApply(
        _ kind: BinaryKind, _ a: Tensor, _ b: Tensor, shape: [Int]
    )
        -> [Float]
    {
        let count = shape.reduce(1, *)
        var out = [Float](repeating: 0, count: count)
        guard count > 0 else { return out }
        let sa = broadcastStrides(of: a.shape, to: shape)
        let sb = broadcastStrides(of: b.shape, to: shape)
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in
                    forEachRow(shape: shape, sa, sb) { outOffset, aOffset, bOffset, length in
                        let ia = sa.last ?? 0
                        let ib = sb.last ?? 0
                        switch kind {
                        case .add:
                            for j in 0..<length {
                                po[outOffset + j] = pa[aOffset + j * ia] + pb[bOffset + j * ib]
                            }
                        case .subtract:
                            for j in 0..<length {
                                po[outOffset + j] = pa[aOffset + j * ia] - pb[bOffset + j * ib]
                            }
                        case .multiply:
                            for j in 0..<length {
                                po[outOffset + j] = pa[aOffset + j * ia] * pb[bOffset + j * ib]
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Calls `body(outputOffset, aOffset, bOffset, rowLength)` once per row (last axis) of
    /// `shape`, with the offsets of that row's first element in the output and in two operands
    /// read through the strides `sa` and `sb`.
    static func forEachRow(
        shape: [Int], _ sa: [Int], _ sb: [Int], _ body: (Int, Int, Int, Int) -> Void
    ) {
        let rank = shape.count
        guard rank > 0 else {
            body(0, 0, 0, 1)
            return
        }
        let length = shape[rank - 1]
        let rows = shape.dropLast().reduce(1, *)
        var index = [Int](repeating: 0, count: rank - 1)
        var aOffset = 0
        var bOffset = 0
        for row in 0..<rows {
            body(row * length, aOffset, bOffset, length)
            // Odometer step over the leading axes.
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                aOffset += sa[axis]
                bOffset += sb[axis]
                if index[axis] < shape[axis] { break }
                aOffset -= sa[axis] * shape[axis]
                bOffset -= sb[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// Sums `gradient` (of the broadcast shape) over the axes along which a tensor of `shape` was
    /// stretched: the gradient of that operand.
    static func reduce(_ gradient: Tensor, to shape: [Int]) -> Tensor {
        if gradient.shape == shape { return gradient }
        var out = [Float](repeating: 0, count: shape.reduce(1, *))
        let st = broadcastStrides(of: shape, to: gradient.shape)
        let dense = contiguousStrides(gradient.shape)
        gradient.storage.withUnsafeBufferPointer { pg in
            out.withUnsafeMutableBufferPointer { po in
                forEachRow(shape: gradient.shape, dense, st) { offset, _, target, length in
                    let step = st.last ?? 0
                    for j in 0..<length { po[target + j * step] += pg[offset + j] }
                }
            }
        }
        return Tensor(unchecked: shape, out)
    }

    /// Row-major strides of a dense tensor of `shape`.
    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = step
            step *= shape[axis]
        }
        return strides
    }

    /// Element-wise sum with broadcasting (differentiable).
    public static func + (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try binary(.add, lhs, rhs, operation: "add")
    }

    /// Element-wise difference with broadcasting (differentiable).
    public static func - (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try binary(.subtract, lhs, rhs, operation: "subtract")
    }

    /// Element-wise product with broadcasting (differentiable).
    public static func * (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try binary(.multiply, lhs, rhs, operation: "multiply")
    }

    /// Every element times `scale` (differentiable).
    public static func * (lhs: Tensor, scale: Float) -> Tensor {
        lhs.scaled(by: scale)
    }

    /// Every element negated (differentiable).
    public static prefix func - (operand: Tensor) -> Tensor {
        operand.scaled(by: -1)
    }

    /// Every element times `scale` (differentiable).
    public func scaled(by scale: Float) -> Tensor {
        var out = storage
        out.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices { buffer[index] *= scale }
        }
        return .result(shape: shape, storage: out, inputs: [self]) { gradient, _ in
            [gradient.scaled(by: scale)]
        }
    }

    private static func binary(
        _ kind: BinaryKind, _ a: Tensor, _ b: Tensor, operation: String
    )
        throws -> Tensor
    {
        let shape = try broadcastShape(a.shape, b.shape, operation: operation)
        let out = broadcastApply(kind, a, b, shape: shape)
        let (aShape, bShape) = (a.shape, b.shape)
        switch kind {
        case .add, .subtract:
            let sign: Float = kind == .add ? 1 : -1
            return .result(shape: shape, storage: out, inputs: [a, b]) { gradient, needs in
                [
                    needs[0] ? reduce(gradient, to: aShape) : nil,
                    needs[1] ? reduce(gradient.scaled(by: sign), to: bShape) : nil,
                ]
            }
        case .multiply:
            // The product rule needs the other operand's values, not its graph.
            let (aValues, bValues) = (a.detached(), b.detached())
            return .result(shape: shape, storage: out, inputs: [a, b]) { gradient, needs in
                func part(_ other: Tensor, _ target: [Int]) -> Tensor {
                    let product = broadcastApply(.multiply, gradient, other, shape: shape)
                    return reduce(Tensor(unchecked: shape, product), to: target)
                }
                return [
                    needs[0] ? part(bValues, aShape) : nil, needs[1] ? part(aValues, bShape) : nil,
                ]
            }
        }
    }
}
