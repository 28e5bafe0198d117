/// How error messages show shapes, numbers and ranges, stated once so that `[128, _]`, `0…31`
/// and `1…∞` read the same in the errors of every module.
public enum ValueText {
    /// A shape as `[a, b]`; a negative extent (any size) as `_`.
    public static func shape(_ shape: [Int]) -> String {
        "[" + shape.map { $0 < 0 ? "_" : String($0) }.joined(separator: ", ") + "]"
    }

    /// A number as a user typed it: an integral value without a fraction (`3`, not `3.0`) below
    /// 10¹⁵, infinities as `∞` and `-∞`, anything else as Swift prints a `Double`.
    public static func number(_ value: Double) -> String {
        if value == .infinity { return "∞" }
        if value == -.infinity { return "-∞" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// A range of counts and sizes held as `Double` (so that it can reach ∞) as `lo…hi`, its
    /// bounds as ``number(_:)`` shows them: `1…∞`, `0…31`.
    public static func countRange(_ range: ClosedRange<Double>) -> String {
        number(range.lowerBound) + "…" + number(range.upperBound)
    }

    /// "`subject` = `value` is outside `allowed`": the one sentence of a value beyond the range
    /// it must lie in.
    public static func outside(_ subject: String, _ value: String, _ allowed: String) -> String {
        "\(subject) = \(value) is outside \(allowed)"
    }

    /// "`subject` = `value` is not allowed (`allowed`)": the one sentence of a setting's value
    /// that is none of those it may take, followed by those it may.
    public static func notAllowed(_ subject: String, _ value: String, _ allowed: String) -> String {
        "\(subject) = \(value) is not allowed (\(allowed))"
    }

    /// A closed range as `lo…hi`, its bounds as Swift prints them (`0…31`, `0.0…1.0`).
    public static func range<Bound>(_ range: ClosedRange<Bound>) -> String {
        "\(range.lowerBound)…\(range.upperBound)"
    }
}
