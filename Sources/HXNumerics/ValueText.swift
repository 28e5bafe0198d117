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

    /// A closed range as `lo…hi`, its bounds as ``number(_:)`` shows them.
    public static func range(_ range: ClosedRange<Double>) -> String {
        number(range.lowerBound) + "…" + number(range.upperBound)
    }

    /// A closed range of anything else (integers, `Float`) as `lo…hi`, its bounds as Swift
    /// prints them.
    public static func range<Bound>(_ range: ClosedRange<Bound>) -> String {
        "\(range.lowerBound)…\(range.upperBound)"
    }
}
