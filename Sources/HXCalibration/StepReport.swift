/// What one calibration step did: the quantity it trimmed, its target and tolerance, the spread
/// over instances before and after, and the instances it could not bring into tolerance.
public struct StepReport: Sendable, Equatable, Codable {
    /// The step, for example `baseline`.
    public var step: String
    /// The quantity measured, for example `baseline code at zero input`.
    public var quantity: String
    /// The unit of the quantity (LSB).
    public var unit: String
    /// The resolved target, in `unit` (a median target as measured).
    public var target: Double
    /// The tolerance: instances farther than this from the target are listed in
    /// `outOfTolerance`; in `unit`, or in percent of the target when `relativeTolerance`.
    public var tolerance: Double
    /// Whether `tolerance` is in percent of the target.
    public var relativeTolerance: Bool
    /// The spread before the step (at the configuration it started from).
    public var before: Spread
    /// The spread after the step, from a fresh measurement with the trims it chose.
    public var after: Spread
    /// Instances (flat column or channel index, or hemisphere) out of tolerance after the step.
    public var outOfTolerance: [Int]
    /// Instances whose trim ended at an end of its range with the target beyond it.
    public var atRangeLimit: [Int]
    /// Batches of input vectors or CADC reads the step sent.
    public var batches: Int

    /// Whether every instance ended within tolerance.
    public var converged: Bool { outOfTolerance.isEmpty }

    /// The instances of `values` farther from `target` than `tolerance` (in percent of the
    /// target when `relative`).
    static func outside(
        _ values: [Double], target: Double, tolerance: Double, relative: Bool
    ) -> [Int] {
        let limit = relative ? abs(target) * tolerance / 100 : tolerance
        return values.indices.filter { abs(values[$0] - target) > limit }
    }
}
