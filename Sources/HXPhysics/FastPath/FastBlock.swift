import Foundation
import HXNumerics

/// What the fast path precomputes when weights are written (and again when the configuration
/// changes): the effective weight matrix in volts per unit of encoded input, the per-driver
/// kernel tables, and per-column constants of the transform after the matrix product. Computed
/// once per write, as the chip holds its weights, and reused by every batch.
struct FastBlock: Sendable {
    let rows: Int
    let columns: Int
    /// `columns` rounded up to the transform's lane width (16): the row length of
    /// ``weights``, of the matrix product and of ``columnTable``. The padding columns have zero
    /// weights and neutral constants, and their outputs are never stored.
    let paddedColumns: Int
    /// Effective weights, rows × paddedColumns, row-major: the membrane voltage (V) that one
    /// unit of encoded input on row i leaves on column j, in the linear regime with the
    /// column-mean pseudo-leak.
    let weights: [Float]
    /// Row sums of |weights|: with ``Field/absoluteFraction``, a rank-1 model of |W| that
    /// estimates how a column's charge splits into excitatory and inhibitory.
    let absoluteRowSums: [Float]
    /// Column-mean pseudo-leak rate λ̄ (1/s).
    let meanLeakRate: Double
    /// Per driver and activation (rows × 32 pairs): the pulse's two kernel terms, already
    /// divided by (α − λ̄) and the input scale, side by side (leak term at 2(32i + a), line
    /// term after it) so that one cache line serves both. The kernel of an event with m events
    /// after it is `leakFactor[m] · leakTerm − lineFactor[m] · lineTerm` (see ``FastPath``).
    /// Activation 0 sends no event; its terms are zero, so the encoder needs no branch for it.
    let pulseTerms: [Float]
    /// Per-column constants of the transform, one row of `paddedColumns` values per ``Field``,
    /// so that the vectorised transform walks contiguous memory.
    let columnTable: [Float]
    /// The baseline read's distribution per column, for drawing its code directly. With
    /// t_m = 65536 · P(code ≤ lowest + m) rounded, a 16-bit uniform u gives the code lowest +
    /// #{m: u ≥ t_m} (see ``FastPath/baselineLanes(_:_:)``). Stored for a signed 16-bit
    /// compare, which does sixteen columns in one AVX2 instruction: the thresholds that every
    /// u reaches (t_m = 0) are counted into lowest (``Field/baselineLowest``), and row m holds
    /// t − 1 − 32768 of the next threshold, so that u − 32768 > row m exactly when u ≥ t;
    /// rows past the last threshold, and thresholds no u reaches (t = 65536), hold 32767.
    let baselineThresholds: [Int16]
    /// Codes below lowest and above lowest + count have probability below 2⁻¹⁶ at the default
    /// read noise (more than 4.6 σ from the mean).
    static let baselineThresholdCount = 12
    /// Scratch memory and event tables of the fast path, kept between batches so that batches
    /// after the first allocate and precompute nothing but their outputs.
    let workspace: FastPath.Workspace

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
        /// Excursions beyond which the output stage's roll-off begins, in V: upwards (positive)
        /// and downwards (negative).
        case upperLinearLimit
        case lowerLinearLimit
        /// Reset potential and output limits, in V.
        case reset
        case lowerLimit
        case upperLimit
        /// CADC gain (LSB/V) and the continuous code of the reset potential (LSB).
        case cadcGain
        case baselineCode
        /// The lowest baseline code ``baselineThresholds`` describe: the nearest code of the
        /// clipped baseline, minus half the table, plus ``FastPath/roundingMagic`` (LSB).
        case baselineLowest
    }

    /// The constant `field` of column `j`.
    @inline(__always)
    func value(_ field: Field, _ j: Int) -> Float {
        columnTable[field.rawValue * paddedColumns + j]
    }

    init(block: ProgrammedBlock, circuit c: HemisphereCircuit, parameters p: PhysicsParameters) {
        rows = block.rows
        columns = block.columns
        let n = columns
        let stride = (n + FastPath.lanes - 1) / FastPath.lanes * FastPath.lanes
        paddedColumns = stride
        let scale = FastPath.inputScale(parameters: p)
        var w = [Float](repeating: 0, count: rows * stride)
        for i in 0..<rows {
            for j in 0..<n {
                let factor = scale / (c.synapticCapacitance * c.membraneCapacitance[j])
                let exc = block.excitatoryCurrent[i * n + j] * c.excitatoryTransconductance[j]
                let inh = block.inhibitoryCurrent[i * n + j] * c.inhibitoryTransconductance[j]
                w[i * stride + j] = Float((exc - inh) * factor)
            }
        }
        weights = w
        var rowSums = [Float](repeating: 0, count: rows)
        var columnSums = [Float](repeating: 0, count: n)
        for i in 0..<rows {
            for j in 0..<n {
                rowSums[i] += abs(w[i * stride + j])
                columnSums[j] += abs(w[i * stride + j])
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
        var terms = [Float](repeating: 0, count: rows * 32 * 2)
        for i in 0..<rows {
            for a in 1...ChipGeometry.maxInput {
                let d = c.pulseWidth[i * 32 + a]
                let ld = mean * d
                let ad = alpha * d
                terms[2 * (i * 32 + a)] = Float(d * (1 + ld * (0.5 + ld / 6)) * normalisation)
                terms[2 * (i * 32 + a) + 1] = Float(
                    d * (1 + ad * (0.5 + ad * (1.0 / 6 + ad * (1.0 / 24 + ad / 120))))
                        * normalisation)
            }
        }
        pulseTerms = terms

        let width = p.complianceWidth
        var table = [Float](repeating: 0, count: Field.allCases.count * stride)
        // Padding columns: no leak, no charge, no drift, never near a limit, gain 0.
        for j in n..<stride {
            table[Field.upperLinearLimit.rawValue * stride + j] = .greatestFiniteMagnitude
            table[Field.lowerLinearLimit.rawValue * stride + j] = -.greatestFiniteMagnitude
            table[Field.baselineLowest.rawValue * stride + j] = FastPath.roundingMagic
        }
        func set(_ field: Field, _ j: Int, _ value: Double) {
            table[field.rawValue * stride + j] = Float(value)
        }
        let huge = Double(Float.greatestFiniteMagnitude)
        for j in 0..<n {
            let capacitance = c.membraneCapacitance[j]
            set(.leakDeviation, j, c.leakRate[j] - mean)
            set(.leakRate, j, c.leakRate[j])
            set(.absoluteFraction, j, Double(columnSums[j] / total))
            set(.excitatoryLineFactor, j, capacitance / max(c.excitatoryTransconductance[j], 1e-30))
            set(.inhibitoryLineFactor, j, capacitance / max(c.inhibitoryTransconductance[j], 1e-30))
            set(.driftRate, j, c.driftCurrent[j] / capacitance)
            set(.driftNoiseRate, j, p.driftCurrentNoise / capacitance * c.cadcGain[j])
            set(
                .upperLinearLimit, j,
                p.membraneCompliance ? c.upperLimit[j] - c.resetPotential[j] - width : huge)
            set(
                .lowerLinearLimit, j,
                p.membraneCompliance ? c.lowerLimit[j] - c.resetPotential[j] + width : -huge)
            set(.reset, j, c.resetPotential[j])
            set(.lowerLimit, j, c.lowerLimit[j])
            set(.upperLimit, j, c.upperLimit[j])
            set(.cadcGain, j, c.cadcGain[j])
            set(.baselineCode, j, c.cadcCode(column: j, voltage: c.resetPotential[j]))
        }
        let count = Self.baselineThresholdCount
        var thresholds = [Int16](repeating: .max, count: count * stride)
        for j in 0..<n {
            // The code the baseline rounds to without noise (ties to even, as the magic-number
            // rounding of the result read), clipped as the CADC clips.
            let code = table[Field.baselineCode.rawValue * stride + j]
            let clipped = min(max(code, 0), 255)
            let nearest = (clipped + FastPath.roundingMagic) - FastPath.roundingMagic
            let lowest = nearest - Float(count / 2)
            let sigma = p.readNoise
            let levels = (0..<count).map { m -> Int in
                // P(code ≤ lowest + m) = Φ((lowest + m + ½ − c)/σ); without noise, the step at
                // the nearest code.
                let edge = Double(lowest) + Double(m) + 0.5 - Double(code)
                let probability =
                    sigma > 0
                    ? 0.5 * erfc(-edge / (sigma * 2.0.squareRoot()))
                    : (Float(m) + lowest >= nearest ? 1 : 0)
                return Int((probability * 65536).rounded())
            }
            let certain = levels.prefix { $0 == 0 }.count
            table[Field.baselineLowest.rawValue * stride + j] =
                lowest + Float(certain) + FastPath.roundingMagic
            for (m, level) in levels.dropFirst(certain).enumerated() {
                thresholds[m * stride + j] = Int16(level - 1 - 32768)
            }
        }
        baselineThresholds = thresholds
        columnTable = table
        workspace = FastPath.Workspace(rows: rows, paddedColumns: stride)
    }
}
