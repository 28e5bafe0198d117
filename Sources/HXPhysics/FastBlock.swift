import Foundation
import HXNumerics

/// What the fast path precomputes when weights are written (and again when the configuration
/// changes): the effective weight matrix in volts per unit of encoded input, the per-driver
/// kernel tables, and per-column constants of the transform after the matrix product.
struct FastBlock: Sendable {
    let rows: Int
    let columns: Int
    /// Effective weights, rows × columns, row-major: the membrane voltage (V) that one unit of
    /// encoded input on row i leaves on column j, in the linear regime with the column-mean
    /// pseudo-leak.
    let weights: [Float]
    /// Row sums of |weights|: with ``Field/absoluteFraction``, a rank-1 model of |W| that
    /// estimates how a column's charge splits into excitatory and inhibitory.
    let absoluteRowSums: [Float]
    /// Column-mean pseudo-leak rate λ̄ (1/s).
    let meanLeakRate: Double
    /// Per driver and activation (rows × 32): the pulse's two kernel terms, already divided by
    /// (α − λ̄) and the input scale. The kernel of an event with m events after it is
    /// `leakFactor[m] · leakTerm − lineFactor[m] · lineTerm` (see ``FastPath``).
    let leakTerm: [Float]
    let lineTerm: [Float]
    /// Per-column constants of the transform, one row of `columns` values per ``Field``, so
    /// that the vectorised transform walks contiguous memory.
    let columnTable: [Float]

    /// The per-column constants in ``columnTable``.
    enum Field: Int, CaseIterable {
        /// λ_j − λ̄, in 1/s.
        case leakDeviation
        /// λ_j, in 1/s.
        case leakRate
        /// The column's share of Σ|W| (rank-1 model of |W|).
        case absoluteFraction
        /// C_m / g_m of the excitatory and inhibitory OTA, in s: membrane volts back to the
        /// synaptic-line voltage that made them.
        case excitatoryLineFactor
        case inhibitoryLineFactor
        /// Fixed drift current over C_m, in V/s.
        case driftRate
        /// Trial-to-trial drift current over C_m times the CADC gain, in LSB/s.
        case driftNoiseRate
        /// Excursions (up, down) beyond which the output stage's roll-off begins, in V.
        case upperLinearLimit
        case lowerLinearLimit
        /// Reset potential and output limits, in V.
        case reset
        case lowerLimit
        case upperLimit
        /// CADC gain (LSB/V) and the continuous code of the reset potential (LSB).
        case cadcGain
        case baselineCode
    }

    /// The constant `field` of column `j`.
    @inline(__always)
    func value(_ field: Field, _ j: Int) -> Float { columnTable[field.rawValue * columns + j] }

    init(block: ProgrammedBlock, circuit c: HemisphereCircuit, parameters p: PhysicsParameters) {
        rows = block.rows
        columns = block.columns
        let n = columns
        let scale = FastPath.inputScale(parameters: p)
        var w = [Float](repeating: 0, count: rows * n)
        for i in 0..<rows {
            for j in 0..<n {
                let factor = scale / (c.synapticCapacitance * c.membraneCapacitance[j])
                let exc = block.excitatoryCurrent[i * n + j] * c.excitatoryTransconductance[j]
                let inh = block.inhibitoryCurrent[i * n + j] * c.inhibitoryTransconductance[j]
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
        let rates = Array(c.leakRate[0..<n])
        let mean = rates.reduce(0, +) / Double(n)
        meanLeakRate = mean
        // (e^{λd} − 1)/λ and (e^{αd} − 1)/α by their series: λd and αd are below 0.02.
        let alpha = 1 / p.synapticTimeConstant
        let normalisation = 1 / ((alpha - mean) * scale)
        var leakTable = [Float](repeating: 0, count: rows * 32)
        var lineTable = [Float](repeating: 0, count: rows * 32)
        for i in 0..<rows {
            for a in 1...ChipGeometry.maxInput {
                let d = c.pulseWidth[i * 32 + a]
                let ld = mean * d
                let ad = alpha * d
                leakTable[i * 32 + a] = Float(d * (1 + ld * (0.5 + ld / 6)) * normalisation)
                lineTable[i * 32 + a] = Float(
                    d * (1 + ad * (0.5 + ad * (1.0 / 6 + ad * (1.0 / 24 + ad / 120))))
                        * normalisation)
            }
        }
        leakTerm = leakTable
        lineTerm = lineTable

        let width = p.complianceWidth
        var table = [Float](repeating: 0, count: Field.allCases.count * n)
        for j in 0..<n {
            let values: [Field: Double] = [
                .leakDeviation: c.leakRate[j] - mean,
                .leakRate: c.leakRate[j],
                .absoluteFraction: Double(columnSums[j] / total),
                .excitatoryLineFactor: c.membraneCapacitance[j]
                    / max(c.excitatoryTransconductance[j], 1e-30),
                .inhibitoryLineFactor: c.membraneCapacitance[j]
                    / max(c.inhibitoryTransconductance[j], 1e-30),
                .driftRate: c.driftCurrent[j] / c.membraneCapacitance[j],
                .driftNoiseRate: p.driftCurrentNoise / c.membraneCapacitance[j] * c.cadcGain[j],
                .upperLinearLimit: p.membraneCompliance
                    ? c.upperLimit[j] - c.resetPotential[j] - width
                    : Double(Float.greatestFiniteMagnitude),
                .lowerLinearLimit: p.membraneCompliance
                    ? c.resetPotential[j] - c.lowerLimit[j] - width
                    : Double(Float.greatestFiniteMagnitude),
                .reset: c.resetPotential[j],
                .lowerLimit: c.lowerLimit[j],
                .upperLimit: c.upperLimit[j],
                .cadcGain: c.cadcGain[j],
                .baselineCode: c.cadcCode(column: j, voltage: c.resetPotential[j]),
            ]
            for (field, value) in values { table[field.rawValue * n + j] = Float(value) }
        }
        columnTable = table
    }
}
