import HXNumerics

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
    let resolved = backend ?? context.backend
    // The hardware back end checks while it encodes (one pass over the values, not two).
    if case .hardware = resolved {
    } else {
        try input.checkFinite("matmul input")
        try other.checkFinite("matmul weights")
    }
    let weights = other.rank == 1 ? try other.reshaped([k, 1]) : other
    let n = weights.shape[1]
    let flat = try input.reshaped([-1, k])
    let batch = flat.shape[0]

    let gain = context.mockParameter.gain
    let scale = gain * Double(numSends)
    let values: [Float]
    var chipGradient: ChipAwareGradient?
    switch resolved {
    case .software:
        values = context.measure(.execute) {
            Tensor.gemm(flat.storage, weights.storage, m: batch, n: n, k: k, alpha: Float(scale))
        }
    case .mock:
        let callIndex = context.nextCallIndex()
        let callKey = SeedSequence(context.noiseSeed).seed(
            SeedSequence.label("mock-noise"), callIndex)
        let policy = context.rangePolicy
        let (a, w) = try context.measure(.encode) {
            (
                try ChipEncoding.quantize(
                    flat.storage, range: VMMLimits.inputRange, policy: policy, name: "matmul input"),
                try ChipEncoding.quantize(
                    weights.storage, range: VMMLimits.weightRange, policy: policy,
                    name: "matmul weights")
            )
        }
        let noise = context.mockParameter.noiseStd
        values = context.measure(.execute) {
            MockBackend.forward(
                a, w, batch: batch, k: k, n: n, scale: scale, noiseStd: noise, callKey: callKey)
        }
    case .hardware(let executor):
        _ = context.nextCallIndex()
        var call: HardwareCall?
        values = try HardwareBackend.forward(
            flat.storage, weights.storage, batch: batch, k: k, n: n, settings: settings,
            executor: executor, context: &context, keep: &call)
        if case .chip(let response) = context.backward, let call {
            chipGradient = try ChipAwareGradient(
                call: call, values: values, batch: batch, k: k, n: n, settings: settings,
                response: response)
        }
    }

    let (x, wValues, chipAware) = (flat.detached(), weights.detached(), chipGradient)
    let slope = Float(scale)
    let product = Tensor.result(shape: [batch, n], storage: values, inputs: [flat, weights]) {
        gradient, needs in
        if let chipAware {
            return chipAware.backward(gradient, needs: needs, x: x.storage, w: wValues.storage)
        }
        return [
            needs[0]
                ? Tensor(
                    unchecked: [batch, k],
                    Tensor.gemm(
                        gradient.storage, wValues.storage, m: batch, n: k, k: n, alpha: slope,
                        transposeB: true)) : nil,
            needs[1]
                ? Tensor(
                    unchecked: [k, n],
                    Tensor.gemm(
                        x.storage, gradient.storage, m: k, n: n, k: batch, alpha: slope,
                        transposeA: true)) : nil,
        ]
    }
    var outShape = Array(input.shape.dropLast())
    if other.rank == 2 { outShape.append(n) }
    return try product.reshaped(outShape)
}

/// The mock back end's arithmetic.
enum MockBackend {
    /// hxtorch's mock VMM on quantised row-major `a` (batch × k) and `w` (k × n).
    ///
    /// The product of one 128-row block is exact in `Float` (|Σ a·w| ≤ 31·63·128 < 2²⁴), so the
    /// result does not depend on BLAS's summation order or thread count.
    static func forward(
        _ a: [Float], _ w: [Float], batch: Int, k: Int, n: Int, scale: Double, noiseStd: Double,
        callKey: UInt64
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
                                        key: CounterGaussian.key(callKey, b, c), index: block)
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
    /// `keep` receives what the chip-aware backward needs (``HardwareCall``) when the context
    /// asks for it.
    static func forward(
        _ x: [Float], _ w: [Float], batch: Int, k: Int, n: Int, settings: VMMSettings,
        executor: any HardwareExecutor, context: inout ExecutionContext,
        keep: inout HardwareCall?
    ) throws -> [Float] {
        let policy = context.rangePolicy
        let (plan, blocks) = try context.measure(.encode) {
            let plan = try PartitionPlan(rows: k, columns: n, chipCount: executor.chipCount)
            return (plan, try encode(x, w, batch: batch, k: k, n: n, plan: plan, policy: policy))
        }
        let results = try context.measure(.execute) {
            try executor.execute(
                blocks, numSends: settings.numSends, waitBetweenEvents: settings.waitBetweenEvents)
        }
        if case .chip = context.backward {
            // The weights as the chip holds them, only for the chip-aware backward: the same
            // rounding and range policy as `encode`, kept out of its fused loop.
            let q = try ChipEncoding.quantize(
                w, range: VMMLimits.weightRange, policy: policy, name: "matmul weights")
            keep = HardwareCall(plan: plan, quantizedWeights: q, results: results)
        }
        return try context.measure(.decode) {
            try decode(results, plan: plan, batch: batch, n: n)
        }
    }

    /// The blocks of `plan` for float activations `x` (batch × k) and weights `w` (k × n),
    /// rounded (halves away from zero) and brought into range by `policy`.
    /// - Throws: as ``ChipEncoding/quantize(_:range:policy:name:)``, in the same order:
    ///   non-finite inputs, non-finite weights, then values out of range under `reject`.
    static func encode(
        _ x: [Float], _ w: [Float], batch: Int, k: Int, n: Int, plan: PartitionPlan,
        policy: RangePolicy
    ) throws -> [HardwareBlock] {
        let inputRange = VMMLimits.inputRange
        let weightRange = VMMLimits.weightRange
        var inputs: [Matrix<UInt8>] = []
        var inputScan = Narrowing.Scan()
        for rowBlock in 0..<plan.rowBlockCount {
            let rows = plan.blocks[rowBlock * plan.columnBlockCount].rows
            var storage = [UInt8](repeating: 0, count: batch * rows.count)
            x.withUnsafeBufferPointer { source in
                storage.withUnsafeMutableBufferPointer { target in
                    inputScan.merge(
                        Narrowing.roundClampNarrow(
                            source.baseAddress! + rows.lowerBound, rows: batch,
                            columns: rows.count, sourceStride: k, into: target.baseAddress!,
                            range: inputRange))
                }
            }
            inputs.append(try Matrix(rows: batch, columns: rows.count, storage: storage))
        }
        var weights: [Matrix<Int8>] = []
        var weightScan = Narrowing.Scan()
        for block in plan.blocks {
            var storage = [Int8](repeating: 0, count: block.rows.count * block.columns.count)
            w.withUnsafeBufferPointer { source in
                storage.withUnsafeMutableBufferPointer { target in
                    target.withMemoryRebound(to: UInt8.self) { bytes in
                        weightScan.merge(
                            Narrowing.roundClampNarrow(
                                source.baseAddress! + block.rows.lowerBound * n
                                    + block.columns.lowerBound,
                                rows: block.rows.count, columns: block.columns.count,
                                sourceStride: n, into: bytes.baseAddress!, range: weightRange))
                    }
                }
            }
            weights.append(
                try Matrix(rows: block.rows.count, columns: block.columns.count, storage: storage))
        }
        // Errors as the general quantiser reports them (it names the first bad value).
        if !inputScan.finite { throw NetworkError.nonFinite(tensor: "matmul input") }
        if !weightScan.finite { throw NetworkError.nonFinite(tensor: "matmul weights") }
        if policy == .reject {
            if !inputScan.within(inputRange) {
                _ = try ChipEncoding.quantize(
                    x, range: inputRange, policy: .reject, name: "matmul input")
            }
            if !weightScan.within(weightRange) {
                _ = try ChipEncoding.quantize(
                    w, range: weightRange, policy: .reject, name: "matmul weights")
            }
        }
        return plan.blocks.map { block in
            HardwareBlock(
                placement: block.placement, inputs: inputs[block.rowBlock],
                weights: weights[block.rowBlock * plan.columnBlockCount + block.columnBlock])
        }
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
            return [Float](unsafeUninitializedCapacity: batch * n) { out, initialized in
                for (block, result) in zip(plan.blocks, results) {
                    let width = block.columns.count
                    let offset = block.columns.lowerBound
                    result.storage.withUnsafeBufferPointer { r in
                        for b in 0..<batch {
                            let row = out.baseAddress! + b * n + offset
                            let codes = r.baseAddress! + b * width
                            for j in 0..<width { row[j] = Float(codes[j]) }
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
