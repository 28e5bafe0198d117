import Foundation

/// A range of numbers for an axis: `steps` values from `from` to `to`, both included, equally
/// spaced (`linear`) or in equal ratios (`log`).
public struct RangeSpec: Sendable, Codable, Equatable {
    /// How values are spaced.
    public enum Spacing: String, Sendable, Codable {
        /// Equal differences.
        case linear
        /// Equal ratios; both ends must be positive.
        case log
    }

    /// The first value, in the axis's unit.
    public var from: Double
    /// The last value, in the axis's unit.
    public var to: Double
    /// The number of values (1 gives `from` alone, which must then equal `to`).
    public var steps: Int
    /// Linear (default) or logarithmic spacing.
    public var spacing: Spacing

    /// A range of `steps` values from `from` to `to`.
    public init(from: Double, to: Double, steps: Int, spacing: Spacing = .linear) {
        self.from = from
        self.to = to
        self.steps = steps
        self.spacing = spacing
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case from, to, steps, spacing }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        from = try c.decode(Double.self, forKey: .from)
        to = try c.decode(Double.self, forKey: .to)
        steps = try c.decode(Int.self, forKey: .steps)
        spacing = try c.decodeIfPresent(Spacing.self, forKey: .spacing) ?? .linear
    }

    /// The values, first to last; the ends are exactly `from` and `to`.
    /// - Throws: ``SweepError/badRange(axis:reason:)`` for fewer than one step, non-finite
    ///   ends, one step between different ends, or a log range that is not positive.
    public func values(axis: String) throws -> [Double] {
        guard from.isFinite, to.isFinite else {
            throw SweepError.badRange(axis: axis, reason: "from and to must be finite numbers")
        }
        guard steps >= 1 else {
            throw SweepError.badRange(axis: axis, reason: "steps = \(steps); it must be at least 1")
        }
        guard steps <= 1_000_000 else {
            throw SweepError.badRange(axis: axis, reason: "steps = \(steps) exceeds 1,000,000")
        }
        if steps == 1 {
            guard from == to else {
                throw SweepError.badRange(
                    axis: axis, reason: "one step cannot span \(from) … \(to); use steps ≥ 2")
            }
            return [from]
        }
        guard from != to else {
            throw SweepError.badRange(
                axis: axis, reason: "from = to = \(from) with \(steps) steps repeats one value")
        }
        let last = steps - 1
        switch spacing {
        case .linear:
            return (0...last).map { i in
                i == last ? to : from + (to - from) * Double(i) / Double(last)
            }
        case .log:
            guard from > 0, to > 0 else {
                throw SweepError.badRange(
                    axis: axis, reason: "a log range needs positive ends, got \(from) … \(to)")
            }
            let (a, b) = (log10(from), log10(to))
            return (0...last).map { i in
                i == 0 ? from : i == last ? to : pow(10, a + (b - a) * Double(i) / Double(last))
            }
        }
    }
}

/// One axis as written in a specification: what it varies (`axis`) and its values, as a list
/// or a range.
///
/// `axis` is one of (units in brackets):
/// - `parameter:<name>`: any ``PhysicsParameters`` field by name [its unit]; switches take
///   `true`/`false`.
/// - `scale:<label>`: a factor [1] on the base value of several parameters at once: those named
///   in `parameters`, or else the group `<label>` (`noise`: `readNoise`, `pulseJitter`,
///   `driftCurrentNoise`; `mismatch`: every mismatch spread), or else the one parameter
///   `<label>`.
/// - a setting of ``SettingAxis/all``, the table of the other axes with their values and what
///   they set: `seed`, `calibration` (`"on"`/`"off"`), `backend` (`"software"`, `"mock"`,
///   `"hardware"`; the earlier `"physics"` is read as `"hardware"`), `numSends` and
///   `waitBetweenEvents` [FPGA cycles] (every VMM layer, or with `@i+j`, for example
///   `numSends@1`, VMM layers i and j only, 0-based in model order), `chips`, `repetitions`,
///   `mockGain` [LSB per chip unit² per send] and `mockNoise` [LSB].
public struct AxisSpec: Sendable, Codable, Equatable {
    /// What the axis varies, for example `parameter:readNoise` or `scale:noise`.
    public var axis: String
    /// The values, in the axis's unit; exclusive with `range`.
    public var values: [SweepValue]?
    /// A range of numbers; exclusive with `values`.
    public var range: RangeSpec?
    /// For `scale:` axes: the parameters the factor applies to.
    public var parameters: [String]?

    /// An axis over `values`, or over `range`.
    public init(
        _ axis: String, values: [SweepValue]? = nil, range: RangeSpec? = nil,
        parameters: [String]? = nil
    ) {
        self.axis = axis
        self.values = values
        self.range = range
        self.parameters = parameters
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case axis, values, range, parameters
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        axis = try c.decode(String.self, forKey: .axis)
        values = try c.decodeIfPresent([SweepValue].self, forKey: .values)
        range = try c.decodeIfPresent(RangeSpec.self, forKey: .range)
        parameters = try c.decodeIfPresent([String].self, forKey: .parameters)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(axis, forKey: .axis)
        try c.encodeIfPresent(values, forKey: .values)
        try c.encodeIfPresent(range, forKey: .range)
        try c.encodeIfPresent(parameters, forKey: .parameters)
    }
}
