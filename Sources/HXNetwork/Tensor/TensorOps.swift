import HXNumerics

/// Shape operations and reductions. All are differentiable: each records how to send the
/// gradient of its result back to its input.
extension Tensor {
    /// The same elements under a new shape with the same element count; one axis may be `-1`
    /// and is then inferred.
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:got:)`` when the counts differ.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var resolved = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            var others = newShape
            others.remove(at: unknown)
            let known = try Tensor.elementCount(others, operation: "reshape")
            guard known > 0, count % known == 0 else {
                throw NetworkError.shapeMismatch(
                    operation: "reshape", expected: newShape, got: shape)
            }
            resolved[unknown] = count / known
        }
        guard try Tensor.elementCount(resolved, operation: "reshape") == count else {
            throw NetworkError.shapeMismatch(operation: "reshape", expected: resolved, got: shape)
        }
        let original = shape
        return .result(shape: resolved, storage: storage, inputs: [self]) { gradient, _ in
            [Tensor(unchecked: original, gradient.storage)]
        }
    }

    /// The tensor with axes `startAxis...` merged into one (PyTorch's `flatten(start_dim)`).
    /// - Throws: ``NetworkError/outOfRange(name:value:allowed:)`` for a bad axis.
    public func flattened(startAxis: Int = 1) throws -> Tensor {
        guard startAxis >= 0, startAxis < max(rank, 1) else {
            throw NetworkError.outOfRange(
                name: "flatten start axis", value: Double(startAxis),
                allowed: 0...Double(max(rank - 1, 0)))
        }
        guard rank > 0 else { return try reshaped([1]) }
        return try reshaped(Array(shape[..<startAxis]) + [shape[startAxis...].reduce(1, *)])
    }

    /// The transpose of a rank-2 tensor.
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:got:)`` for another rank.
    public func transposed() throws -> Tensor {
        guard rank == 2 else {
            throw NetworkError.shapeMismatch(
                operation: "transpose", expected: [-1, -1], got: shape)
        }
        return try permuted([1, 0])
    }

    /// The tensor with its axes reordered: axis `i` of the result is axis `axes[i]` of this one.
    /// - Throws: ``NetworkError/invalidArgument(_:)`` when `axes` is not a permutation.
    public func permuted(_ axes: [Int]) throws -> Tensor {
        guard axes.count == rank, Set(axes) == Set(0..<rank) else {
            throw NetworkError.invalidArgument(
                "permute: \(axes) is not a permutation of the \(rank) axes of \(shape)")
        }
        let out = Tensor.permute(storage, shape: shape, axes: axes)
        var inverse = [Int](repeating: 0, count: rank)
        for (position, axis) in axes.enumerated() { inverse[axis] = position }
        let (original, newShape, back) = (shape, axes.map { shape[$0] }, inverse)
        return .result(shape: newShape, storage: out, inputs: [self]) { gradient, _ in
            [
                Tensor(
                    unchecked: original,
                    Tensor.permute(gradient.storage, shape: newShape, axes: back))
            ]
        }
    }

    /// Row-major `values` of `shape` with axes reordered by `axes`.
    static func permute(_ values: [Float], shape: [Int], axes: [Int]) -> [Float] {
        if axes == Array(axes.indices) { return values }
        let inStrides = contiguousStrides(shape)
        let outShape = axes.map { shape[$0] }
        let readStrides = axes.map { inStrides[$0] }
        var out = [Float](repeating: 0, count: values.count)
        guard !values.isEmpty else { return out }
        values.withUnsafeBufferPointer { pin in
            out.withUnsafeMutableBufferPointer { pout in
                forEachRow(shape: outShape, readStrides, readStrides) { offset, read, _, length in
                    let step = readStrides.last ?? 1
                    for j in 0..<length { pout[offset + j] = pin[read + j * step] }
                }
            }
        }
        return out
    }

    /// The elements whose index along `axis` lies in `range`.
    /// - Throws: ``NetworkError/outOfRange(name:value:allowed:)`` for a bad axis or range.
    public func sliced(axis: Int, _ range: Range<Int>) throws -> Tensor {
        guard axis >= 0, axis < rank else {
            throw NetworkError.outOfRange(
                name: "slice axis", value: Double(axis), allowed: 0...Double(max(rank - 1, 0)))
        }
        guard range.lowerBound >= 0, range.upperBound <= shape[axis] else {
            throw NetworkError.outOfRange(
                name: "slice end", value: Double(range.upperBound),
                allowed: Double(range.lowerBound)...Double(shape[axis]))
        }
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        let (full, part) = (shape[axis], range.count)
        var out = [Float]()
        out.reserveCapacity(outer * part * inner)
        for o in 0..<outer {
            let start = (o * full + range.lowerBound) * inner
            out.append(contentsOf: storage[start..<(start + part * inner)])
        }
        var newShape = shape
        newShape[axis] = part
        let original = shape
        return .result(shape: newShape, storage: out, inputs: [self]) { gradient, _ in
            var back = [Float](repeating: 0, count: original.reduce(1, *))
            for o in 0..<outer {
                let start = (o * full + range.lowerBound) * inner
                for j in 0..<(part * inner) {
                    back[start + j] = gradient.storage[o * part * inner + j]
                }
            }
            return [Tensor(unchecked: original, back)]
        }
    }

    /// Each element along the last axis repeated `times` times in place (PyTorch's
    /// `repeat_interleave(times, -1)`): `[a, b]` becomes `[a, a, b, b]` for `times` 2.
    /// - Throws: ``NetworkError`` for `times` below 1 or a result of more than
    ///   ``TensorLimits/maxElements`` elements.
    public func repeatingLastAxis(_ times: Int) throws -> Tensor {
        try requireAtLeast(1, times, "repeat count")
        guard rank > 0 else { return self }
        if times == 1 { return self }
        let total = try TensorLimits.requireElements(
            shape + [times], "\(ValueText.shape(shape)) repeated \(times) times")
        var out = [Float]()
        out.reserveCapacity(total)
        for value in storage { out.append(contentsOf: repeatElement(value, count: times)) }
        var newShape = shape
        newShape[rank - 1] *= times
        let original = shape
        return .result(shape: newShape, storage: out, inputs: [self]) { gradient, _ in
            var back = [Float](repeating: 0, count: original.reduce(1, *))
            for index in back.indices {
                var sum: Float = 0
                for j in 0..<times { sum += gradient.storage[index * times + j] }
                back[index] = sum
            }
            return [Tensor(unchecked: original, back)]
        }
    }

    /// The mean of each group of `size` consecutive elements along the last axis (PyTorch's
    /// `avg_pool1d(kernel = stride = size)` on the last axis).
    public func averagingLastAxis(groupsOf size: Int) throws -> Tensor {
        guard rank > 0, size >= 1, shape[rank - 1] % size == 0 else {
            throw NetworkError.shapeMismatch(
                operation: "average groups of \(size)", expected: [-1, size], got: shape)
        }
        if size == 1 { return self }
        let groups = count / size
        var out = [Float](repeating: 0, count: groups)
        for g in 0..<groups {
            var sum: Float = 0
            for j in 0..<size { sum += storage[g * size + j] }
            out[g] = sum / Float(size)
        }
        var newShape = shape
        newShape[rank - 1] /= size
        let original = shape
        return .result(shape: newShape, storage: out, inputs: [self]) { gradient, _ in
            var back = [Float](repeating: 0, count: groups * size)
            for g in 0..<groups {
                for j in 0..<size { back[g * size + j] = gradient.storage[g] / Float(size) }
            }
            return [Tensor(unchecked: original, back)]
        }
    }

    /// The sum of all elements, as a scalar tensor.
    public func sum() -> Tensor {
        let total = storage.withUnsafeBufferPointer { buffer in
            var sum: Double = 0
            for value in buffer { sum += Double(value) }
            return Float(sum)
        }
        let original = shape
        return .result(shape: [], storage: [total], inputs: [self]) { gradient, _ in
            [
                Tensor(
                    unchecked: original,
                    Array(repeating: gradient.storage[0], count: original.reduce(1, *)))
            ]
        }
    }

    /// The mean of all elements, as a scalar tensor (0 for an empty tensor).
    public func mean() -> Tensor {
        sum().scaled(by: count > 0 ? 1 / Float(count) : 0)
    }

    /// The product of two rank-2 value arrays through BLAS, outside the graph:
    /// `alpha · op(a) · op(b)` with `op(a)` m × k and `op(b)` k × n.
    static func gemm(
        _ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, alpha: Float = 1,
        transposeA: Bool = false, transposeB: Bool = false
    ) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        guard m > 0, n > 0, k > 0 else { return c }
        // One OpenBLAS thread per call: its tiling, and so the last bit of a product, depends on
        // the thread count, and HXSim's results must not.
        BLAS.prepareForCallerThreads()
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    BLAS.sgemm(
                        m: m, n: n, k: k, alpha: alpha, a: pa.baseAddress!, b: pb.baseAddress!,
                        c: pc.baseAddress!, transposeA: transposeA, transposeB: transposeB)
                }
            }
        }
        return c
    }
}
