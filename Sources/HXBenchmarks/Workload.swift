import HXNumerics
import HXPhysics

/// The inputs and weights of a benchmark case, drawn from a seed (the same seed gives the same
/// workload on every machine).
public struct VMMWorkload: Sendable {
    /// What the values look like.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Activations uniform in 0…31, weights uniform in −63…63: a typical signed VMM, mostly
        /// in the chip's linear range.
        case random
        /// Activations 20…31 on every row, weights 30…63 (all excitatory): the synaptic
        /// inputs saturate and many outputs reach the rails.
        case saturating
    }

    public let kind: Kind
    /// Activations, batch × rows.
    public let inputs: Matrix<UInt8>
    /// Signed weights, rows × columns.
    public let weights: Matrix<Int>

    /// A batch of `batch` vectors against a rows × columns weight matrix (a full hemisphere
    /// by default: 128 signed inputs × 256 outputs).
    public init(
        kind: Kind = .random, batch: Int, rows: Int = ChipGeometry.signedInputsPerHemisphere,
        columns: Int = ChipGeometry.columnsPerHemisphere, seed: UInt64 = 1
    ) throws {
        self.kind = kind
        var rng = SplitMix64(key: seed)
        let (inputRange, weightRange): (ClosedRange<Int>, ClosedRange<Int>) =
            switch kind {
            case .random: (ChipGeometry.inputRange, ChipGeometry.weightRange)
            case .saturating: (20...31, 30...63)
            }
        func draw(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(rng.next() % UInt64(range.count))
        }
        var input = [UInt8](repeating: 0, count: batch * rows)
        for index in input.indices { input[index] = UInt8(draw(inputRange)) }
        var weight = [Int](repeating: 0, count: rows * columns)
        for index in weight.indices { weight[index] = draw(weightRange) }
        inputs = try Matrix(rows: batch, columns: rows, storage: input)
        weights = try Matrix(rows: rows, columns: columns, storage: weight)
    }

    /// Number of vectors.
    public var batch: Int { inputs.rows }
    /// Multiply-accumulates of one vector (rows × columns).
    public var macsPerVector: Int { weights.rows * weights.columns }
}
