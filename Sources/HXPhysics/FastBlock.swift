import Foundation
import HXNumerics

/// What the fast path precomputes when weights are written (and again when the configuration
/// changes): the effective weight matrix in volts per unit of encoded input, and per-column
/// constants of the transform after the matrix product.
struct FastBlock: Sendable {
    let rows: Int
    let columns: Int
    /// Effective weights, rows × columns, row-major: the membrane voltage (V) that one unit of
    /// encoded input (``FastPath/inputScale`` s²) on row i leaves on column j, in the linear
    /// regime with the column-mean pseudo-leak.
    let weights: [Float]
    /// Row sums and column sums of |weights| and their total: a rank-1 model of |W| used to
    /// estimate how much of a column's charge is excitatory and how much inhibitory.
    let absoluteRowSums: [Float]
    let absoluteColumnFractions: [Float]
    /// Column-mean pseudo-leak rate λ̄ (1/s) and each column's deviation λ_j − λ̄.
    let meanLeakRate: Double
    let leakDeviation: [Float]
    let leakRate: [Double]
    /// Per column: C_m / g_m of the excitatory and inhibitory OTA (s), to turn membrane volts
    /// into the synaptic-line voltage that set them.
    let excitatoryLineFactor: [Float]
    let inhibitoryLineFactor: [Float]
    /// Per column, in volts: reset potential and OTA output limits.
    let reset: [Float]
    let lowerLimit: [Float]
    let upperLimit: [Float]
    /// Per column: CADC gain (LSB/V), continuous code of the reset potential (LSB), fixed drift
    /// current over C_m (V/s).
    let cadcGain: [Float]
    let baselineCode: [Float]
    let driftRate: [Double]
    /// Per column: trial-to-trial drift current over C_m, in V/s.
    let driftNoiseRate: [Double]

    init(
        block: ProgrammedBlock, circuit c: HemisphereCircuit, parameters p: PhysicsParameters
    ) {
        rows = block.rows
        columns = block.columns
        let n = columns
        let scale = FastPath.inputScale(parameters: p)
        var w = [Float](repeating: 0, count: rows * n)
        for i in 0..<rows {
            for j in 0..<n {
                let ge = c.excitatoryTransconductance[j]
                let gi = c.inhibitoryTransconductance[j]
                let factor = scale / (c.synapticCapacitance * c.membraneCapacitance[j])
                let exc = block.excitatoryCurrent[i * n + j] * ge
                let inh = block.inhibitoryCurrent[i * n + j] * gi
                w[i * n + j] = Float((exc - inh) * factor)
            }
        }
        weights = w
        var rowSums = [Float](repeating: 0, count: rows)
        var columnSums = [Float](repeating: 0, count: n)
        for i in 0..<rows {
            for j in 0..<n {
                rowSums[i] += abs(w[i * n + j])
                columnSums[j] += abs(w[i * n + j])
            }
        }
        let total = max(columnSums.reduce(0, +), .leastNormalMagnitude)
        absoluteRowSums = rowSums
        absoluteColumnFractions = columnSums.map { $0 / total }
        let rates = Array(c.leakRate[0..<n])
        let mean = rates.reduce(0, +) / Double(n)
        meanLeakRate = mean
        leakRate = rates
        leakDeviation = rates.map { Float($0 - mean) }
        excitatoryLineFactor = (0..<n).map {
            Float(c.membraneCapacitance[$0] / max(c.excitatoryTransconductance[$0], 1e-30))
        }
        inhibitoryLineFactor = (0..<n).map {
            Float(c.membraneCapacitance[$0] / max(c.inhibitoryTransconductance[$0], 1e-30))
        }
        reset = (0..<n).map { Float(c.resetPotential[$0]) }
        lowerLimit = (0..<n).map { Float(c.lowerLimit[$0]) }
        upperLimit = (0..<n).map { Float(c.upperLimit[$0]) }
        cadcGain = (0..<n).map { Float(c.cadcGain[$0]) }
        baselineCode = (0..<n).map { Float(c.cadcCode(column: $0, voltage: c.resetPotential[$0])) }
        driftRate = (0..<n).map { c.driftCurrent[$0] / c.membraneCapacitance[$0] }
        driftNoiseRate = (0..<n).map { p.driftCurrentNoise / c.membraneCapacitance[$0] }
    }
}
