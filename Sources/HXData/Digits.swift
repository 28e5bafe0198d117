import HXIO
import HXNumerics

/// The 8 × 8 handwritten digits of UCI's "Optical Recognition of Handwritten Digits" (as
/// shipped with scikit-learn): 1,797 samples, each a line of 64 pixel counts 0–16 (row after
/// row) and then the label 0–9, comma-separated, gzip-compressed or plain.
///
/// Pixels 0…16 are mapped linearly onto `pixelRange`, by default **0…1**;
/// ``Dataset/featureShape`` is `[1, 8, 8]`.
public enum Digits {
    /// Loads the digits CSV at `path` (for example `digits.csv.gz`).
    /// - Throws: ``DataError`` naming the sample and feature of a pixel outside 0…16 or a
    ///   label outside 0–9; wrapped ``IOError``s for CSV and gzip problems.
    public static func load(
        path: String, pixelRange: ClosedRange<Float> = 0...1, limit: Int? = nil
    ) throws -> Dataset {
        let matrix = try DataError.wrapping {
            try CSV.parse(Gzip.readPossiblyCompressed(path: path), source: path).matrix
        }
        guard matrix.columns == 65 else {
            throw DataError.dimensionMismatch(
                path: path, what: "values per line", expected: [65], got: [matrix.columns])
        }
        let count = min(matrix.rows, limit ?? Int.max)
        var features: [Float] = []
        features.reserveCapacity(count * 64)
        var labels: [Int] = []
        let lower = Double(pixelRange.lowerBound)
        let width = Double(pixelRange.upperBound) - lower
        for sample in 0..<count {
            for feature in 0..<64 {
                let value = matrix[sample, feature]
                guard (0...16).contains(value), value.rounded() == value else {
                    throw DataError.valueOutOfRange(
                        path: path, sample: sample, feature: feature, value: value,
                        allowed: "an integer \(ValueText.range(0...16))")
                }
                features.append(Float(lower + value / 16 * width))
            }
            let label = matrix[sample, 64]
            guard (0...9).contains(label), label.rounded() == label else {
                throw DataError.invalidLabel(
                    path: path, sample: sample, label: "\(label)",
                    allowed: "an integer \(ValueText.range(0...9))")
            }
            labels.append(Int(label))
        }
        return try Dataset(
            name: "digits", features: Matrix(rows: count, columns: 64, storage: features),
            labels: labels, classCount: 10, classNames: (0...9).map(String.init),
            featureShape: [1, 8, 8])
    }
}
