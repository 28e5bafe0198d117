import Foundation
import HXNumerics

/// How much a per-column quantity differs between columns: its mean, standard deviation and
/// worst column, in the quantity's unit (LSB) and in percent of a reference amplitude (the
/// column gain), as the calibration report lists them.
public struct Spread: Sendable, Equatable, Codable {
    /// Number of instances (columns or hemispheres) the spread is over.
    public var count: Int
    /// Mean over instances, in the quantity's unit.
    public var mean: Double
    /// Median over instances, in the quantity's unit.
    public var median: Double
    /// Sample standard deviation over instances, in the quantity's unit.
    public var standardDeviation: Double
    /// The instance farthest from `center` (flat index: hemisphere · 256 + column for columns,
    /// the hemisphere for per-hemisphere quantities).
    public var worstInstance: Int
    /// The worst instance's deviation from `center`, signed, in the quantity's unit.
    public var worstDeviation: Double
    /// What deviations are measured from: the step's target, or the mean when there is none.
    public var center: Double
    /// The amplitude that percentages refer to (the mean itself for a gain, the calibrated
    /// column amplitude for an offset), in the quantity's unit.
    public var reference: Double

    /// The spread of `values` around `center` (default: their mean); percentages refer to
    /// `reference` (default: the mean).
    public init(_ values: [Double], center: Double? = nil, reference: Double? = nil) {
        count = values.count
        let (mean, deviation) = meanAndSampleDeviation(values)
        self.mean = mean
        median = Self.median(values)
        standardDeviation = deviation
        let center = center ?? mean
        self.center = center
        self.reference = reference ?? mean
        var worst = 0
        for (index, value) in values.enumerated()
        where abs(value - center) > abs(values[worst] - center) {
            worst = index
        }
        worstInstance = worst
        worstDeviation = values.isEmpty ? 0 : values[worst] - center
    }

    /// The standard deviation in percent of `reference`.
    public var relativeStandardDeviation: Double {
        reference == 0 ? .infinity : 100 * standardDeviation / abs(reference)
    }

    /// The worst deviation in percent of `reference`.
    public var relativeWorstDeviation: Double {
        reference == 0 ? .infinity : 100 * worstDeviation / abs(reference)
    }

    /// The worst instance as a column, for spreads over columns.
    public var worstColumn: ColumnIndex { ColumnIndex(flat: worstInstance) }

    /// The median of `values` (mean of the middle two for an even count; 0 for none).
    public static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : 0.5 * (sorted[middle - 1] + sorted[middle])
    }
}
