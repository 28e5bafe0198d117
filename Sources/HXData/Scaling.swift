import HXIO
import HXNumerics

/// Per-feature standardisation, fitted on a training set and applied to others:
/// x ↦ (x − mean) / standardDeviation, so the training features get mean 0 and variance 1.
///
/// The standard deviation is the population one (divisor n, as scikit-learn's
/// `StandardScaler`). A constant feature (deviation 0) is only centred: it is divided by 1.
/// Codable, so a fitted scaler is saved beside the model that needs it.
public struct Standardizer: Sendable, Codable, Equatable {
    /// The training mean of each feature.
    public let mean: [Double]
    /// The training standard deviation of each feature.
    public let standardDeviation: [Double]

    /// A scaler with given statistics.
    public init(mean: [Double], standardDeviation: [Double]) throws {
        guard mean.count == standardDeviation.count else {
            throw DataError.invalidArgument(
                "\(mean.count) means for \(standardDeviation.count) standard deviations")
        }
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// Fits the per-feature mean and standard deviation of `features` (samples × features),
    /// accumulated in `Double`.
    /// - Throws: ``DataError/invalidArgument(_:)`` for no samples or a non-finite value.
    public static func fit(_ features: Matrix<Float>) throws -> Standardizer {
        try checkFinite(features)
        let n = Double(features.rows)
        var mean = [Double](repeating: 0, count: features.columns)
        for row in 0..<features.rows {
            for (column, value) in features.row(row).enumerated() { mean[column] += Double(value) }
        }
        mean = mean.map { $0 / n }
        var variance = [Double](repeating: 0, count: features.columns)
        for row in 0..<features.rows {
            for (column, value) in features.row(row).enumerated() {
                let deviation = Double(value) - mean[column]
                variance[column] += deviation * deviation
            }
        }
        return try Standardizer(
            mean: mean, standardDeviation: variance.map { ($0 / n).squareRoot() })
    }

    /// Fits on the features of `dataset`.
    public static func fit(_ dataset: Dataset) throws -> Standardizer { try fit(dataset.features) }

    /// `features` standardised with the fitted statistics.
    /// - Throws: ``DataError/invalidArgument(_:)`` when the feature count differs.
    public func apply(_ features: Matrix<Float>) throws -> Matrix<Float> {
        // A scaler decoded from edited JSON may be inconsistent.
        guard mean.count == standardDeviation.count else {
            throw DataError.invalidArgument(
                "standardizer has \(mean.count) means, \(standardDeviation.count) deviations")
        }
        guard features.columns == mean.count else {
            throw DataError.invalidArgument(
                "standardizer fitted on \(mean.count) features, got \(features.columns)")
        }
        var result = features
        let scale = standardDeviation.map { $0 > 0 ? 1 / $0 : 1 }
        result.withUnsafeMutableStorage { storage in
            for index in storage.indices {
                let column = index % mean.count
                storage[index] = Float((Double(storage[index]) - mean[column]) * scale[column])
            }
        }
        return result
    }

    /// `dataset` with standardised features.
    public func apply(_ dataset: Dataset) throws -> Dataset {
        try dataset.withFeatures { try apply($0) }
    }
}

/// Linear scaling of features onto a target range, for example onto 0…31 for the chip's
/// 5-bit input activations: x ↦ lower + (x − min) / (max − min) · (upper − lower), with min
/// and max from a training set, per feature or over all features.
///
/// Values of other sets beyond the training extremes are clipped to the target range unless
/// `clips` is false. A feature with max = min maps to `lower`. Codable, like ``Standardizer``.
public struct MinMaxScaler: Sendable, Codable, Equatable {
    /// Whether each feature has its own extremes or all share one pair.
    public enum Mode: String, Sendable, Codable {
        /// One minimum and maximum per feature.
        case perFeature
        /// One minimum and maximum over all features (keeps images' relative intensities).
        case global
    }

    /// Per feature or global.
    public let mode: Mode
    /// The training minima (one per feature, or one in ``Mode/global`` mode).
    public let minimum: [Double]
    /// The training maxima.
    public let maximum: [Double]
    /// The range the training extremes map onto.
    public let target: ClosedRange<Double>
    /// Whether results are clipped to ``target``.
    public let clips: Bool

    /// Fits the extremes of `features` to map them onto `target`.
    /// - Throws: ``DataError/invalidArgument(_:)`` for no samples, a non-finite value, or a
    ///   target range of zero or non-finite width.
    public static func fit(
        _ features: Matrix<Float>, to target: ClosedRange<Double>, mode: Mode = .perFeature,
        clips: Bool = true
    ) throws -> MinMaxScaler {
        try checkFinite(features)
        guard target.lowerBound.isFinite, target.upperBound.isFinite,
            target.upperBound > target.lowerBound
        else {
            throw DataError.invalidArgument("target range \(target) must be finite and wide")
        }
        let columns = mode == .global ? 1 : features.columns
        var minimum = [Double](repeating: .infinity, count: columns)
        var maximum = [Double](repeating: -.infinity, count: columns)
        for (index, value) in features.storage.enumerated() {
            let column = mode == .global ? 0 : index % features.columns
            minimum[column] = min(minimum[column], Double(value))
            maximum[column] = max(maximum[column], Double(value))
        }
        return MinMaxScaler(
            mode: mode, minimum: minimum, maximum: maximum, target: target, clips: clips)
    }

    /// Fits on the features of `dataset`.
    public static func fit(
        _ dataset: Dataset, to target: ClosedRange<Double>, mode: Mode = .perFeature,
        clips: Bool = true
    ) throws -> MinMaxScaler {
        try fit(dataset.features, to: target, mode: mode, clips: clips)
    }

    /// `features` mapped onto the target range.
    /// - Throws: ``DataError/invalidArgument(_:)`` when the feature count differs from the
    ///   fitted one (per-feature mode).
    public func apply(_ features: Matrix<Float>) throws -> Matrix<Float> {
        let global = mode == .global
        // A scaler decoded from edited JSON may be inconsistent.
        guard minimum.count == maximum.count, !global || minimum.count == 1,
            target.lowerBound.isFinite, target.upperBound.isFinite
        else {
            throw DataError.invalidArgument(
                "min-max scaler has \(minimum.count) minima, \(maximum.count) maxima, mode "
                    + "\(mode.rawValue), target \(target)")
        }
        guard global || features.columns == minimum.count else {
            throw DataError.invalidArgument(
                "scaler fitted on \(minimum.count) features, got \(features.columns)")
        }
        let width = target.upperBound - target.lowerBound
        var result = features
        result.withUnsafeMutableStorage { storage in
            for index in storage.indices {
                let column = global ? 0 : index % minimum.count
                let span = maximum[column] - minimum[column]
                var value =
                    span > 0
                    ? target.lowerBound + (Double(storage[index]) - minimum[column]) / span * width
                    : target.lowerBound
                if clips { value = min(max(value, target.lowerBound), target.upperBound) }
                storage[index] = Float(value)
            }
        }
        return result
    }

    /// `dataset` with scaled features.
    public func apply(_ dataset: Dataset) throws -> Dataset {
        try dataset.withFeatures { try apply($0) }
    }
}

/// Throws unless `features` has samples and only finite values.
private func checkFinite(_ features: Matrix<Float>) throws {
    guard features.rows > 0 else { throw DataError.invalidArgument("cannot fit on no samples") }
    if let bad = features.storage.firstIndex(where: { !$0.isFinite }) {
        throw DataError.invalidArgument(
            "cannot fit on a non-finite value: sample \(bad / features.columns), feature "
                + "\(bad % features.columns) is \(features.storage[bad])")
    }
}
