import HXNumerics
import HXPhysics

/// One VMM of the front end (a ``matmul(_:_:numSends:waitBetweenEvents:backend:context:)``, or
/// the one VMM of a convolution) whose rows may run in parts.
///
/// The settings are checked, the back end resolved, the call's index reserved and the weights
/// encoded once; each part's rows then key their noise (mock) and trials (hardware) as rows of
/// one call of the whole batch, so the parts give the result of one call bit for bit when they
/// are the ``parts`` of the call (``ExecutionContext/partRows`` says about how many rows a part
/// holds). The software back end runs in one part: its float products may round differently
/// when rows are grouped otherwise. Memory: a part's encoded inputs and outputs, never the
/// whole batch's.
package struct VMMCall {
    /// Rows of the weights (length of an input vector).
    package let k: Int
    /// Columns of the weights (length of an output vector).
    package let n: Int
    /// Timing of the VMM.
    let settings: VMMSettings
    /// The back end the call runs on.
    let backend: Backend
    /// g · n, LSB per unit of `Σ a·w`: the slope of the linear model.
    let scale: Double
    /// The weights as passed, k × n row-major, chip units.
    let weights: [Float]
    /// The parts the call runs in, as ranges of units (rows, or images of `unitRows` rows).
    package let parts: [Range<Int>]
    /// Rows per unit.
    let unitRows: Int
    private let policy: RangePolicy
    private let noiseStd: Double
    /// The mock's noise key of this call.
    private var callKey: UInt64 = 0
    /// The context's number of this call on the hardware back end, shared by its parts.
    private var callIndex = 0
    /// The mock's quantised weights, made by the first part.
    private var quantizedWeights: [Float]?
    /// The hardware back end's partition and weight blocks, made once.
    private var encoded: EncodedWeights?
    /// Whether the chip-aware backward needs the blocks' outputs.
    private var keepsResults = false
    /// Per block, the outputs of every part so far, when ``keepsResults``.
    private var kept: [[Int8]] = []

    /// The partition of the weights and their blocks as the chip holds them, with what the
    /// encoding saw (non-finite or out-of-range values).
    private struct EncodedWeights {
        let plan: PartitionPlan
        let blocks: [Matrix<Int8>]
        let scan: Narrowing.Scan

        init(_ weights: [Float], k: Int, n: Int, chipCount: Int) throws {
            plan = try PartitionPlan(rows: k, columns: n, chipCount: chipCount)
            (blocks, scan) = try HardwareBackend.encodeWeights(weights, n: n, plan: plan)
        }
    }

    /// A call of `weights` (k × n, chip units) on `backend` (nil: the context's) for `units`
    /// units of `unitRows` rows each, whose values `input` holds (or the values the rows are
    /// made of, for a convolution the images). The settings and the gain are checked here; so
    /// are non-finite values of `input` and `weights` on the software and mock back ends
    /// (before the call takes its index), and, when the call runs in several parts, the whole
    /// input on the hardware back end, so that a bad value stops the call before any part
    /// runs. The hardware back end checks a single part while it encodes it (one pass).
    /// - Throws: ``NetworkError`` for bad settings, a bad gain, or bad values as above.
    package init(
        weights: [Float], k: Int, n: Int, settings: VMMSettings, backend: Backend?,
        units: Int, unitRows: Int = 1, input: UnsafeBufferPointer<Float>,
        context: inout ExecutionContext
    ) throws {
        try settings.validate()
        try context.mockParameter.validate()
        self.k = k
        self.n = n
        self.settings = settings
        self.weights = weights
        self.unitRows = unitRows
        self.backend = backend ?? context.backend
        self.scale = context.mockParameter.gain * Double(settings.numSends)
        self.policy = context.rangePolicy
        self.noiseStd = context.mockParameter.noiseStd
        if case .hardware = self.backend {
        } else {
            try ChipEncoding.check(
                input, range: VMMLimits.inputRange, policy: .clamp, name: "matmul input")
            try weights.withUnsafeBufferPointer { w in
                try ChipEncoding.check(
                    w, range: VMMLimits.weightRange, policy: .clamp, name: "matmul weights")
            }
        }
        switch self.backend {
        case .software:
            parts = [0..<units]
        case .mock:
            parts = Chip.parts(units: units, unitRows: unitRows, partRows: context.partRows)
            callKey = SeedSequence(context.noiseSeed).seed(
                SeedSequence.label("mock-noise"), context.nextCallIndex())
            // Input before weights, as the quantiser of one part reports them.
            if policy == .reject {
                try ChipEncoding.check(
                    input, range: VMMLimits.inputRange, policy: .reject, name: "matmul input")
            }
        case .hardware(let executor):
            parts = Chip.parts(units: units, unitRows: unitRows, partRows: context.partRows)
            callIndex = Int(truncatingIfNeeded: context.nextCallIndex())
            if case .chip = context.backward { keepsResults = true }
            guard parts.count > 1 else { break }
            // The whole input first, in the order of one part's errors.
            let (policy, weights) = (policy, weights)
            try ChipEncoding.check(
                input, range: VMMLimits.inputRange, policy: .clamp, name: "matmul input")
            let encoded = try context.measure(.encode) {
                try EncodedWeights(weights, k: k, n: n, chipCount: executor.chipCount)
            }
            if !encoded.scan.finite { throw NetworkError.nonFinite(tensor: "matmul weights") }
            // The range, under `reject` (finiteness is checked above; `clamp` has nothing more).
            if policy == .reject {
                try ChipEncoding.check(
                    input, range: VMMLimits.inputRange, policy: .reject, name: "matmul input")
            }
            self.encoded = encoded
        }
    }

    /// Runs rows `rows` of `x` (rows × k, chip units), which are rows `firstRow…` of the call,
    /// and returns their outputs (rows × n, LSB).
    /// - Throws: ``NetworkError`` for non-finite or (reject policy) out-of-range values; the
    ///   executor's errors pass through.
    package mutating func run(
        _ x: UnsafeBufferPointer<Float>, rows: Range<Int>, firstRow: Int,
        context: inout ExecutionContext
    ) throws -> [Float] {
        let (k, n, policy) = (self.k, self.n, self.policy)
        switch backend {
        case .software:
            let a = Array(x[(rows.lowerBound * k)..<(rows.upperBound * k)])
            let (w, alpha) = (weights, Float(scale))
            return context.measure(.execute) {
                Tensor.gemm(a, w, m: rows.count, n: n, k: k, alpha: alpha)
            }
        case .mock:
            let a = try context.measure(.encode) {
                let a = try ChipEncoding.quantize(
                    Array(x[(rows.lowerBound * k)..<(rows.upperBound * k)]),
                    range: VMMLimits.inputRange, policy: policy, name: "matmul input")
                if quantizedWeights == nil {
                    quantizedWeights = try ChipEncoding.quantize(
                        weights, range: VMMLimits.weightRange, policy: policy,
                        name: "matmul weights")
                }
                return a
            }
            let (w, scale, noise, key) = (quantizedWeights ?? [], scale, noiseStd, callKey)
            return context.measure(.execute) {
                MockBackend.forward(
                    a, w, batch: rows.count, k: k, n: n, scale: scale, noiseStd: noise,
                    callKey: key, firstRow: firstRow)
            }
        case .hardware(let executor):
            let weights = self.weights
            let (encoded, blocks) = try context.measure(.encode) {
                let encoded =
                    try self.encoded
                    ?? EncodedWeights(weights, k: k, n: n, chipCount: executor.chipCount)
                return (
                    encoded,
                    try HardwareBackend.assemble(
                        x, weights, rows: rows, k: k, plan: encoded.plan,
                        weights: (encoded.blocks, encoded.scan), policy: policy)
                )
            }
            self.encoded = encoded
            let (settings, call) = (self.settings, callIndex)
            let results = try context.measure(.execute) {
                try executor.execute(
                    blocks, numSends: settings.numSends,
                    waitBetweenEvents: settings.waitBetweenEvents, call: call)
            }
            if keepsResults {
                if kept.isEmpty { kept = Array(repeating: [], count: results.count) }
                for index in results.indices {
                    kept[index].append(contentsOf: results[index].storage)
                }
            }
            return try context.measure(.decode) {
                try HardwareBackend.decode(results, plan: encoded.plan, batch: rows.count, n: n)
            }
        }
    }

    /// What the chip-aware backward needs of the call, after every part ran on the hardware
    /// back end with ``ExecutionContext/backward`` set to ``BackwardModel/chip(_:)``; nil
    /// otherwise.
    func hardwareCall(batch: Int) throws -> HardwareCall? {
        guard keepsResults, let plan = encoded?.plan else { return nil }
        // The weights as the chip holds them: the same rounding and range policy as the
        // encoding, kept out of its fused loop.
        let q = try ChipEncoding.quantize(
            weights, range: VMMLimits.weightRange, policy: policy, name: "matmul weights")
        let results = try zip(plan.blocks, kept).map { block, storage in
            try Matrix(rows: batch, columns: block.columns.count, storage: storage)
        }
        return HardwareCall(plan: plan, quantizedWeights: q, results: results)
    }
}
