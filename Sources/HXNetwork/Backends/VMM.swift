import HXNumerics
import HXPhysics

/// The chip's vector-matrix multiplication, named after hxtorch's `matmul`: `input · other` on
/// the chosen back end, in LSB.
///
/// Shapes: `input` is `[..., K]` (rank 1 or more; leading axes are batch axes), `other` is
/// `[K, N]` (or `[K]`). The result is `[..., N]` (or `[...]`).
///
/// Forward, per back end (g = ``MockParameter/gain``, n = `numSends`):
/// - software: `g · n · (input · other)` in float, nothing rounded or clamped.
/// - mock (hxtorch `mac_mock_forward`): `a = round(input)` into 0…31, `w = round(other)` into
///   −63…63 (``RangePolicy``); for each block of 128 rows r, `y_r = floor(g · n · (a_r · w_r) +
///   ε_r)` clamped to −128…127 with `ε_r ~ N(0, noiseStd²)` drawn per output element and block;
///   the `y_r` are summed and the sum clamped to −128…127. Departures from hxtorch: halves round
///   away from zero (hxtorch's mock uses `torch.round`, halves to even; its hardware path
///   `lround`), out-of-range values are clamped unless the policy is `reject` (hxtorch's mock
///   throws), and the noise comes from a counter-based stream (see ``ExecutionContext/noiseSeed``).
/// - hardware: the same rounding and clamping, then the blocks of ``PartitionPlan`` run on the
///   executor; their int8 results are summed per output and clamped to −128…127.
///
/// Backward (every back end, as hxtorch's `MAC::backward`): the linear model with slope
/// `g · n`, straight through rounding, clamping and noise: `∂input = g·n · ∂y · otherᵀ`,
/// `∂other = g·n · inputᵀ · ∂y`, using the float values as passed in. On the hardware back end
/// with ``ExecutionContext/backward`` set to ``BackwardModel/chip(_:)``, the slopes are the
/// measured gains of each column and the gradient stops where outputs saturated
/// (``ChipAwareGradient``).
///
/// - Parameters:
///   - input: activations in chip units (0…31 on the chip).
///   - other: weights in chip units (−63…63 on the chip).
///   - numSends: how often each input vector is sent (``ChipGeometry/numSendsRange``).
///   - waitBetweenEvents: FPGA cycles (8 ns) between events (``ChipGeometry/waitBetweenEventsRange``);
///     used by the hardware.
///   - backend: the back end, or `nil` for the context's.
///   - context: gain, noise seed, range policy, call counter and profiler.
/// - Throws: ``NetworkError`` for shapes that do not fit, non-finite values, bad settings or
///   out-of-range values under the reject policy; the executor's own errors pass through.
public func matmul(
    _ input: Tensor, _ other: Tensor, numSends: Int = 1,
    waitBetweenEvents: Int = VMMLimits.defaultWaitBetweenEvents, backend: Backend? = nil,
    context: inout ExecutionContext
) throws -> Tensor {
    let settings = VMMSettings(numSends: numSends, waitBetweenEvents: waitBetweenEvents)
    try settings.validate()
    try context.mockParameter.validate()
    guard input.rank >= 1 else {
        throw NetworkError.shapeMismatch(operation: "matmul", expected: [-1], got: input.shape)
    }
    let k = input.shape[input.rank - 1]
    guard other.rank == 1 || other.rank == 2, other.shape[0] == k else {
        let columns = other.rank == 2 ? other.shape[1] : -1
        throw NetworkError.shapeMismatch(
            operation: "matmul", expected: [k, columns], got: other.shape)
    }
    let weights = other.rank == 1 ? try other.reshaped([k, 1]) : other
    let n = weights.shape[1]
    let flat = try input.reshaped([-1, k])
    let batch = flat.shape[0]
    var values: [Float] = []
    let call = try flat.storage.withUnsafeBufferPointer { x in
        try forwardVMM(
            x, batch: batch, weights: weights.storage, k: k, n: n, settings: settings,
            backend: backend, context: &context
        ) { _, y in
            if values.isEmpty { values = y } else { values.append(contentsOf: y) }
        }
    }
    var chipGradient: ChipAwareGradient?
    if case .chip(let response) = context.backward, let kept = try call.hardwareCall(batch: batch) {
        chipGradient = try ChipAwareGradient(
            call: kept, values: values, batch: batch, k: k, n: n, settings: settings,
            response: response)
    }
    let scale = call.scale

    let (x, wValues, chipAware) = (flat.detached(), weights.detached(), chipGradient)
    let slope = Float(scale)
    let product = Tensor.result(shape: [batch, n], storage: values, inputs: [flat, weights]) {
        gradient, needs in
        if let chipAware {
            return chipAware.backward(gradient, needs: needs, x: x.storage, w: wValues.storage)
        }
        // Straight through the gain: slope · g · wᵀ for the input, slope · xᵀ · g for the weights.
        func scaledProduct(
            _ needed: Bool, _ a: [Float], _ b: [Float], shape: [Int], inner: Int,
            transposeA: Bool = false, transposeB: Bool = false
        ) -> Tensor? {
            guard needed else { return nil }
            return Tensor(
                unchecked: shape,
                Tensor.gemm(
                    a, b, m: shape[0], n: shape[1], k: inner, alpha: slope, transposeA: transposeA,
                    transposeB: transposeB))
        }
        return [
            scaledProduct(
                needs[0], gradient.storage, wValues.storage, shape: [batch, k], inner: n,
                transposeB: true),
            scaledProduct(
                needs[1], x.storage, gradient.storage, shape: [k, n], inner: batch,
                transposeA: true),
        ]
    }
    var outShape = Array(input.shape.dropLast())
    if other.rank == 2 { outShape.append(n) }
    return try product.reshaped(outShape)
}

/// The forward pass of ``matmul(_:_:numSends:waitBetweenEvents:backend:context:)`` on `batch`
/// rows of `x` (batch × k, chip units) and `weights` (k × n, chip units), after its shape
/// checks: the values are handed to `write` part by part (the part's rows, their values
/// rows × n in LSB), so that a caller with its own output buffer (the C library) never holds
/// the whole result twice. Checks as `matmul`: those of ``VMMCall``'s initialiser, then each
/// part's.
/// - Returns: the call, which holds what the chip-aware backward needs.
@discardableResult
package func forwardVMM(
    _ x: UnsafeBufferPointer<Float>, batch: Int, weights: [Float], k: Int, n: Int,
    settings: VMMSettings, backend: Backend?, context: inout ExecutionContext,
    write: (Range<Int>, [Float]) throws -> Void
) throws -> VMMCall {
    var call = try VMMCall(
        weights: weights, k: k, n: n, settings: settings, backend: backend, units: batch,
        input: x, context: &context)
    for part in call.parts {
        try write(part, try call.run(x, rows: part, firstRow: part.lowerBound, context: &context))
    }
    return call
}

/// The mock back end's arithmetic.
enum MockBackend {
    /// hxtorch's mock VMM on quantised row-major `a` (batch × k) and `w` (k × n); `a` holds rows
    /// `firstRow…` of the call, which key their noise.
    ///
    /// The product of one 128-row block is exact in `Float` (|Σ a·w| ≤ 31·63·128 < 2²⁴), so the
    /// result does not depend on BLAS's summation order or thread count.
    static func forward(
        _ a: [Float], _ w: [Float], batch: Int, k: Int, n: Int, scale: Double, noiseStd: Double,
        callKey: UInt64, firstRow: Int = 0
    ) -> [Float] {
        let height = VMMLimits.rowsPerBlock
        var sums = [Int32](repeating: 0, count: batch * n)
        var start = 0
        var block = 0
        while start < k {
            let rows = min(height, k - start)
            var slice = [Float](repeating: 0, count: batch * rows)
            for b in 0..<batch {
                for j in 0..<rows { slice[b * rows + j] = a[b * k + start + j] }
            }
            let weights = Array(w[(start * n)..<((start + rows) * n)])
            let product = Tensor.gemm(slice, weights, m: batch, n: n, k: rows)
            product.withUnsafeBufferPointer { p in
                sums.withUnsafeMutableBufferPointer { s in
                    for b in 0..<batch {
                        for c in 0..<n {
                            let noise =
                                noiseStd > 0
                                ? noiseStd
                                    * CounterGaussian.standardNormal(
                                        key: CounterGaussian.key(callKey, firstRow + b, c),
                                        index: block)
                                : 0
                            s[b * n + c] += ChipEncoding.mockCode(
                                product: p[b * n + c], scale: scale, noise: noise)
                        }
                    }
                }
            }
            start += rows
            block += 1
        }
        return sums.map(ChipEncoding.saturate)
    }
}

/// The hardware back end: encoding into blocks, the executor call, and decoding.
///
/// Thin by design: the executor's own time is the simulation, and everything here is one pass
/// over the inputs (check, round, clamp and narrow to the blocks' UInt8 in one loop), one over
/// the weights (to the blocks' Int8; a chip keeps weights it already holds, so a layer's
/// unchanged weights are written once), and one over the outputs. The loops are written to
/// vectorise: rounding by the float magic number instead of `roundf`, narrowing through the
/// bit pattern instead of a checked conversion.
enum HardwareBackend {
    /// The blocks of `plan` for rows `rows` of float activations `x` (batch × k) and the
    /// encoded `weights` (of `w`, k × n), rounded (halves away from zero) and brought into range
    /// by `policy`.
    /// - Throws: as ``ChipEncoding/quantize(_:range:policy:name:)``, in the same order:
    ///   non-finite inputs, non-finite weights, then values out of range under `reject`.
    static func assemble(
        _ x: UnsafeBufferPointer<Float>, _ w: [Float], rows: Range<Int>, k: Int,
        plan: PartitionPlan,
        weights: (blocks: [Matrix<Int8>], scan: Narrowing.Scan), policy: RangePolicy
    ) throws -> [HardwareBlock] {
        let inputs = try encodeInputs(x, rows: rows, k: k, plan: plan)
        // Errors as the general quantiser reports them (it names the tensor).
        if !inputs.scan.finite { throw NetworkError.nonFinite(tensor: "matmul input") }
        if !weights.scan.finite { throw NetworkError.nonFinite(tensor: "matmul weights") }
        if policy == .reject {
            if !inputs.scan.within(VMMLimits.inputRange) {
                try ChipEncoding.check(
                    UnsafeBufferPointer(rebasing: x[(rows.lowerBound * k)..<(rows.upperBound * k)]),
                    range: VMMLimits.inputRange, policy: .reject, name: "matmul input")
            }
            if !weights.scan.within(VMMLimits.weightRange) {
                try w.withUnsafeBufferPointer { w in
                    try ChipEncoding.check(
                        w, range: VMMLimits.weightRange, policy: .reject, name: "matmul weights")
                }
            }
        }
        return plan.blocks.map { block in
            HardwareBlock(
                placement: block.placement, inputs: inputs.blocks[block.rowBlock],
                weights: weights.blocks[block.rowBlock * plan.columnBlockCount + block.columnBlock])
        }
    }

    /// The input blocks of `plan` (one per row block) for rows `rows` of float activations `x`
    /// (batch × k), rounded (halves away from zero) and clamped to 0…31, with what the pass saw.
    static func encodeInputs(
        _ x: UnsafeBufferPointer<Float>, rows: Range<Int>, k: Int, plan: PartitionPlan
    ) throws -> (blocks: [Matrix<UInt8>], scan: Narrowing.Scan) {
        var inputs: [Matrix<UInt8>] = []
        var scan = Narrowing.Scan()
        for rowBlock in 0..<plan.rowBlockCount {
            let columns = plan.blocks[rowBlock * plan.columnBlockCount].rows
            var storage = [UInt8](repeating: 0, count: rows.count * columns.count)
            storage.withUnsafeMutableBufferPointer { target in
                guard let source = x.baseAddress, !rows.isEmpty else { return }
                scan.merge(
                    Narrowing.roundClampNarrow(
                        source + rows.lowerBound * k + columns.lowerBound,
                        rows: rows.count, columns: columns.count, sourceStride: k,
                        into: target.baseAddress!, range: VMMLimits.inputRange))
            }
            inputs.append(try Matrix(rows: rows.count, columns: columns.count, storage: storage))
        }
        return (inputs, scan)
    }

    /// The weight blocks of `plan` (in its order) for float weights `w` (k × n), rounded and
    /// clamped to −63…63, with what the pass saw.
    static func encodeWeights(
        _ w: [Float], n: Int, plan: PartitionPlan
    ) throws -> (blocks: [Matrix<Int8>], scan: Narrowing.Scan) {
        var weights: [Matrix<Int8>] = []
        var scan = Narrowing.Scan()
        for block in plan.blocks {
            var storage = [Int8](repeating: 0, count: block.rows.count * block.columns.count)
            w.withUnsafeBufferPointer { source in
                storage.withUnsafeMutableBufferPointer { target in
                    target.withMemoryRebound(to: UInt8.self) { bytes in
                        scan.merge(
                            Narrowing.roundClampNarrow(
                                source.baseAddress! + block.rows.lowerBound * n
                                    + block.columns.lowerBound,
                                rows: block.rows.count, columns: block.columns.count,
                                sourceStride: n, into: bytes.baseAddress!,
                                range: VMMLimits.weightRange))
                    }
                }
            }
            weights.append(
                try Matrix(rows: block.rows.count, columns: block.columns.count, storage: storage))
        }
        return (weights, scan)
    }

    /// Sums the block results of each output over row blocks and clamps to −128…127. With one
    /// row block a result is already an int8 code: it is only widened to float.
    static func decode(
        _ results: [Matrix<Int8>], plan: PartitionPlan, batch: Int, n: Int
    ) throws
        -> [Float]
    {
        guard results.count == plan.blocks.count else {
            throw NetworkError.executorResult(
                "\(results.count) results for \(plan.blocks.count) blocks")
        }
        for (index, (block, result)) in zip(plan.blocks, results).enumerated() {
            guard result.rows == batch, result.columns == block.columns.count else {
                throw NetworkError.executorResult(
                    "block \(index) on \(block.placement) returned \(result.rows) × "
                        + "\(result.columns), expected \(batch) × \(block.columns.count)")
            }
        }
        if plan.rowBlockCount == 1 {
            // In chunks of rows on every core: the chip's outputs wait on this pass.
            return [Float](unsafeUninitializedCapacity: batch * n) { out, initialized in
                let target = SharedBuffer(out)
                let chunkRows = Parallel.elementwiseChunkRows(columns: n)
                for (block, result) in zip(plan.blocks, results) {
                    let (width, offset) = (block.columns.count, block.columns.lowerBound)
                    result.storage.withUnsafeBufferPointer { r in
                        let codes = SharedReadBuffer(r)
                        try? Parallel.forEachChunk(count: batch, chunkSize: chunkRows) { rows in
                            for b in rows {
                                let row = target.base + b * n + offset
                                let source = codes.base + b * width
                                for j in 0..<width { row[j] = Float(source[j]) }
                            }
                        }
                    }
                }
                initialized = batch * n
            }
        }
        var sums = [Int32](repeating: 0, count: batch * n)
        for (block, result) in zip(plan.blocks, results) {
            result.storage.withUnsafeBufferPointer { r in
                let width = block.columns.count
                for b in 0..<batch {
                    for j in 0..<width {
                        sums[b * n + block.columns.lowerBound + j] += Int32(r[b * width + j])
                    }
                }
            }
        }
        return sums.map(ChipEncoding.saturate)
    }
}
