import Foundation

/// Numbers as a person reads them in messages and progress lines: durations with a unit that
/// keeps three significant digits (`4.10 ms`, `41.0 µs`, `2.35 s`, `3 min 05 s`), counts with
/// thousands separators (`200,000`), fractions as percentages with a fixed number of decimals
/// (`80.6 %`), never the shortest round-trip form of a double (`80.60000000000001`).
public enum HumanFormat {
    /// A duration in seconds with a fitting unit and three significant digits; a minute or more
    /// as minutes and seconds.
    public static func seconds(_ value: Double) -> String {
        guard value.isFinite else { return "\(value) s" }
        let magnitude = abs(value)
        if magnitude >= 60 {
            let whole = Int(magnitude.rounded())
            let sign = value < 0 ? "-" : ""
            if whole >= 3600 {
                return sign + String(format: "%d h %02d min", whole / 3600, whole % 3600 / 60)
            }
            return sign + String(format: "%d min %02d s", whole / 60, whole % 60)
        }
        let units: [(Double, String)] = [(1, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns")]
        var index = units.firstIndex { magnitude >= $0.0 } ?? units.count - 1
        // 0.9996 s rounds to 1000 ms: the next larger unit then.
        if index > 0, abs(Double(significant(value / units[index].0, digits: 3)) ?? 0) >= 1000 {
            index -= 1
        }
        return significant(value / units[index].0, digits: 3) + " " + units[index].1
    }

    /// `value` with `digits` significant digits in plain notation (`0.00193`, `41.0`, `2.35`).
    public static func significant(_ value: Double, digits: Int) -> String {
        guard value.isFinite, value != 0 else { return value == 0 ? "0" : "\(value)" }
        let exponent = Int(log10(abs(value)).rounded(.down))
        var decimals = max(0, digits - 1 - exponent)
        // Rounding may carry into the next power (9.996 → 10.0): one decimal fewer then.
        if abs(Double(String(format: "%.\(decimals)f", value)) ?? 0)
            >= pow(10, Double(exponent + 1)),
            decimals > 0
        {
            decimals -= 1
        }
        return String(format: "%.\(decimals)f", value)
    }

    /// A whole number with thousands separators: `200,000`.
    public static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start =
                digits.index(end, offsetBy: -3, limitedBy: digits.startIndex)
                ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (value < 0 ? "-" : "") + groups.joined(separator: ",")
    }

    /// A fraction (0…1) as a percentage with `decimals` decimals: `0.806` → `80.6 %`.
    public static func percent(_ fraction: Double, decimals: Int = 1) -> String {
        String(format: "%.\(decimals)f %%", fraction * 100)
    }
}
