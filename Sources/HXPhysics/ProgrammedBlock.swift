import HXNumerics

/// A weight block written to one hemisphere: the signed weights as the user gave them and what
/// the synapse array makes of them with this chip's mismatch and configuration.
struct ProgrammedBlock: Sendable {
    /// The signed weights, rows (signed inputs, ≤ 128) × columns (≤ 256), −63…63.
    let weights: Matrix<Int8>
    /// Synapse current onto the excitatory / inhibitory line of each column while signed input
    /// `row` pulses, rows × columns, in amperes.
    let excitatoryCurrent: [Double]
    let inhibitoryCurrent: [Double]

    var rows: Int { weights.rows }
    var columns: Int { weights.columns }

    init(weights: Matrix<Int8>, circuit: HemisphereCircuit, mismatch: HemisphereMismatch) {
        self.weights = weights
        let columns = weights.columns
        let arrayColumns = ChipGeometry.columnsPerHemisphere
        var excitatory = [Double](repeating: 0, count: weights.rows * columns)
        var inhibitory = excitatory
        for row in 0..<weights.rows {
            for column in 0..<columns {
                let w = Int(weights[row, column])
                // Row 2i holds w⁺ = max(w, 0), row 2i + 1 holds w⁻ = max(−w, 0).
                if w > 0 {
                    let error = Double(mismatch.synapse[(2 * row) * arrayColumns + column])
                    excitatory[row * columns + column] =
                        Double(w) * circuit.lsbCurrent * max(0, 1 + error)
                } else if w < 0 {
                    let error = Double(mismatch.synapse[(2 * row + 1) * arrayColumns + column])
                    inhibitory[row * columns + column] =
                        Double(-w) * circuit.lsbCurrent * max(0, 1 + error)
                }
            }
        }
        excitatoryCurrent = excitatory
        inhibitoryCurrent = inhibitory
    }
}
