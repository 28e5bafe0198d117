import HXNumerics

/// How the gradient of a VMM on the chip is computed (``ExecutionContext/backward``).
public enum BackwardModel: Sendable {
    /// hxtorch's `MAC::backward`: the linear model with one slope, gain · numSends, straight
    /// through rounding, clamping, saturation and noise. The default, on every back end.
    case hxtorch
    /// A backward pass that knows the chip (hardware back end only; others use hxtorch's):
    /// each weight's slope is the gain measured for its column, its sign (excitatory or
    /// inhibitory OTA) and the hemisphere its block ran on (``ChipResponse``), and the gradient
    /// is zero where the output was clamped to the int8 range or a block's output left the
    /// column's measured linear range.
    case chip(ChipResponse)
}

/// What one call of a VMM on the chip leaves for the backward pass: the partition, the
/// weights as the chip received them and every block's output.
struct HardwareCall: Sendable {
    let plan: PartitionPlan
    /// The weights after rounding and clamping, k × n row-major, chip units.
    let quantizedWeights: [Float]
    /// Each block's output, in the order of `plan.blocks`.
    let results: [Matrix<Int8>]
}

/// The chip-aware backward pass of one VMM call (``BackwardModel/chip(_:)``).
///
/// With y the summed and clamped output, Yᵣ the output of row block r and G the gain of a
/// weight's column, sign and placement: ∂y/∂x[b, i] = mᵣ[b, c] · G[i, c] · w[i, c] and
/// ∂y/∂w[i, c] = mᵣ[b, c] · G[i, c] · x[b, i], summed over c or b, where r is i's row block and
/// the mask mᵣ is 0 where y[b, c] was clamped or Yᵣ[b, c] lies outside the column's linear
/// range, 1 elsewhere. Float operands as passed in, as in hxtorch's backward.
struct ChipAwareGradient: Sendable {
    let batch: Int
    let k: Int
    let n: Int
    /// The rows of each row block.
    let rowBlocks: [Range<Int>]
    /// G[i, c], k × n.
    let gains: [Float]
    /// Per row block, batch × n: 1 where the gradient passes, 0 where it is stopped.
    let masks: [[Float]]

    /// The gradient data of one call.
    /// - Parameters:
    ///   - values: the call's outputs, batch × n, after summing and clamping.
    /// - Throws: when `response` lacks a placement or timing of the call.
    init(
        call: HardwareCall, values: [Float], batch: Int, k: Int, n: Int,
        settings: VMMSettings, response: ChipResponse
    ) throws {
        self.batch = batch
        self.k = k
        self.n = n
        let plan = call.plan
        rowBlocks = (0..<plan.rowBlockCount).map { r in
            plan.blocks.first { $0.rowBlock == r }?.rows ?? 0..<0
        }
        let top = Float(VMMLimits.outputRange.upperBound)
        let bottom = Float(VMMLimits.outputRange.lowerBound)
        var gains = [Float](repeating: 0, count: k * n)
        var masks = Array(
            repeating: [Float](repeating: 0, count: batch * n), count: plan.rowBlockCount)
        for (block, result) in zip(plan.blocks, call.results) {
            let columns = try response.columns(block.placement, settings)
            let first = block.columns.lowerBound
            for row in block.rows {
                for c in block.columns {
                    let j = c - first
                    let q = call.quantizedWeights[row * n + c]
                    let g =
                        q > 0
                        ? columns.excitatoryGain[j]
                        : q < 0
                            ? columns.inhibitoryGain[j]
                            : 0.5 * (columns.excitatoryGain[j] + columns.inhibitoryGain[j])
                    gains[row * n + c] = Float(g)
                }
            }
            let width = block.columns.count
            for b in 0..<batch {
                for j in 0..<width {
                    let c = first + j
                    let y = values[b * n + c]
                    let output = Double(result[b, j])
                    let passes =
                        y < top && y > bottom && output <= columns.upperLimit[j]
                        && output >= columns.lowerLimit[j]
                    masks[block.rowBlock][b * n + c] = passes ? 1 : 0
                }
            }
        }
        self.gains = gains
        self.masks = masks
    }

    /// The gradients of the input (batch × k) and the weights (k × n) for the output gradient
    /// `gradient` (batch × n); `x` and `w` are the float operands of the forward pass.
    func backward(_ gradient: Tensor, needs: [Bool], x: [Float], w: [Float]) -> [Tensor?] {
        var inputGradient = needs[0] ? [Float](repeating: 0, count: batch * k) : []
        var weightGradient = needs[1] ? [Float](repeating: 0, count: k * n) : []
        for (r, rows) in rowBlocks.enumerated() {
            let height = rows.count
            var masked = gradient.storage
            for index in masked.indices { masked[index] *= masks[r][index] }
            if needs[0] {
                // (G ⊙ w) of the block's rows, then ∂x = ĝ · (G ⊙ w)ᵀ.
                var effective = [Float](repeating: 0, count: height * n)
                for (local, row) in rows.enumerated() {
                    for c in 0..<n {
                        effective[local * n + c] = gains[row * n + c] * w[row * n + c]
                    }
                }
                let part = Tensor.gemm(
                    masked, effective, m: batch, n: height, k: n, transposeB: true)
                for b in 0..<batch {
                    for local in 0..<height {
                        inputGradient[b * k + rows.lowerBound + local] = part[b * height + local]
                    }
                }
            }
            if needs[1] {
                // ∂w = G ⊙ (xᵀ · ĝ) over the block's rows.
                var slice = [Float](repeating: 0, count: batch * height)
                for b in 0..<batch {
                    for local in 0..<height {
                        slice[b * height + local] = x[b * k + rows.lowerBound + local]
                    }
                }
                let part = Tensor.gemm(slice, masked, m: height, n: n, k: batch, transposeA: true)
                for (local, row) in rows.enumerated() {
                    for c in 0..<n {
                        weightGradient[row * n + c] = gains[row * n + c] * part[local * n + c]
                    }
                }
            }
        }
        return [
            needs[0] ? Tensor(unchecked: [batch, k], inputGradient) : nil,
            needs[1] ? Tensor(unchecked: [k, n], weightGradient) : nil,
        ]
    }
}
