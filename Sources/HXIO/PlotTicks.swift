import Foundation

/// A tick of an axis: its value and its label.
public struct PlotTick: Sendable, Equatable {
    /// The position, in data units.
    public var value: Double
    /// The text under or beside the tick; empty for minor ticks.
    public var label: String
}

/// "Nice" tick values: multiples of 1, 2, 2.5 or 5 times a power of ten on linear axes,
/// powers of ten (and 2× and 5× them on short ranges) on logarithmic ones.
public enum PlotTicks {
    /// The nice step sizes within one decade.
    static let mantissas: [Double] = [1, 2, 2.5, 5, 10]

    /// The smallest nice step (1, 2, 2.5 or 5 × 10ᵏ) that is at least `raw`.
    public static func niceStep(atLeast raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let mantissa = raw / magnitude
        // A tolerance, so that 0.3 / 0.1 = 2.9999999999999996 still picks 5, not 2.5 rounded up.
        let chosen = mantissas.first { $0 >= mantissa * (1 - 1e-9) } ?? 10
        return chosen * magnitude
    }

    /// The nice step (1, 2, 2.5 or 5 × 10ᵏ) nearest to `raw` on a log scale (the switch points
    /// are the geometric means of neighbouring steps).
    public static func niceStep(near raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let mantissa = raw / magnitude
        let chosen: Double
        switch mantissa {
        case ..<2.0.squareRoot(): chosen = 1
        case ..<5.0.squareRoot(): chosen = 2
        case ..<12.5.squareRoot(): chosen = 2.5
        case ..<50.0.squareRoot(): chosen = 5
        default: chosen = 10
        }
        return chosen * magnitude
    }

    /// Nice tick values inside `range`, about `target` of them (never fewer than two for a
    /// range of positive width), all multiples of one nice step. With `integral`, the step is
    /// a whole number other than 2.5 × 10ᵏ (1, 2, 5, 10, 20, …), so that an axis of seeds or
    /// counts is labelled with values it can take (fewer than two ticks then where the range
    /// holds fewer than two whole numbers).
    public static func linear(
        _ range: ClosedRange<Double>, target: Int = 6, integral: Bool = false
    ) -> [Double] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [range.lowerBound] }
        var step = niceStep(near: span / Double(max(1, target)))
        if integral {
            step = max(1, step)
            // 2.5 × 10ᵏ is whole only from 25 up: 2.5 becomes 2.
            let magnitude = pow(10, log10(step).rounded(.down))
            if abs(step / magnitude - 2.5) < 1e-9, step < 25 { step = 2 * magnitude }
            return multiples(of: step, in: range)
        }
        var values = multiples(of: step, in: range)
        // A narrow range between two multiples: refine until two ticks fit.
        while values.count < 2 {
            step = niceStep(atLeast: step / 2.01)
            values = multiples(of: step, in: range)
        }
        return values
    }

    /// The multiples of `step` inside `range` (with a tolerance for rounding), computed as
    /// integer × step so that errors do not accumulate.
    private static func multiples(of step: Double, in range: ClosedRange<Double>) -> [Double] {
        let slack = step * 1e-9
        let first = ((range.lowerBound - slack) / step).rounded(.up)
        let last = ((range.upperBound + slack) / step).rounded(.down)
        guard first <= last, last - first < 10_000 else { return [] }
        return stride(from: first, through: last, by: 1).map { index in
            let value = index * step
            return abs(value) < slack ? 0 : value
        }
    }

    /// Major ticks with labels for `range` (of positive numbers) on a log axis: the powers of
    /// ten inside it (every second or fifth one on wide ranges), plus 2× and 5× them when the
    /// range spans less than about two decades.
    public static func logarithmic(_ range: ClosedRange<Double>) -> [Double] {
        guard range.lowerBound > 0, range.upperBound > range.lowerBound else {
            return [range.lowerBound]
        }
        let lowExponent = Int(log10(range.lowerBound).rounded(.down))
        let highExponent = Int(log10(range.upperBound).rounded(.up))
        let decades = log10(range.upperBound / range.lowerBound)
        let every = decades > 24 ? 5 : (decades > 8 ? 2 : 1)
        let multipliers: [Double] = decades < 2.2 ? [1, 2, 5] : [1]
        var values: [Double] = []
        for exponent in lowExponent...highExponent where exponent % every == 0 {
            for multiplier in multipliers {
                let value = multiplier * pow(10, Double(exponent))
                if value >= range.lowerBound * (1 - 1e-12), value <= range.upperBound * (1 + 1e-12)
                {
                    values.append(value)
                }
            }
        }
        return values
    }

    /// Unlabelled minor ticks of a log axis: 2…9 × each power of ten, for ranges of at most
    /// six decades.
    public static func logarithmicMinor(_ range: ClosedRange<Double>) -> [Double] {
        guard range.lowerBound > 0, range.upperBound / range.lowerBound <= 1e6 else { return [] }
        let low = Int(log10(range.lowerBound).rounded(.down))
        let high = Int(log10(range.upperBound).rounded(.up))
        return (low...high).flatMap { exponent in
            (2...9).map { Double($0) * pow(10, Double(exponent)) }
        }.filter { range.contains($0) }
    }

    /// Labels for `values` that are ticks `step` apart: as few decimals as the step needs;
    /// for very large or small magnitudes, `m×10ⁿ`.
    public static func labels(_ values: [Double], step: Double) -> [String] {
        let largest = values.map(abs).max() ?? 0
        if largest >= 1e5 || (largest > 0 && largest < 1e-3) {
            return values.map { scientific($0, significant: significantDigits(values, step)) }
        }
        let decimals = decimalsNeeded(step)
        return values.map { value in
            let text = String(format: "%.\(decimals)f", value)
            return text.allSatisfy({ "-0.".contains($0) }) ? String(text.drop { $0 == "-" }) : text
        }
    }

    /// Labels for the major ticks of a log axis: plain numbers when all lie within 0.001…10000,
    /// otherwise all as `10ⁿ` or `m×10ⁿ`, so that one axis uses one style.
    public static func logLabels(_ values: [Double]) -> [String] {
        let plain = values.allSatisfy { $0 >= 1e-3 && $0 <= 1e4 }
        return values.map { plain ? logLabel($0) : scientific($0, significant: 1) }
    }

    /// A label for a log-axis tick: plain for 0.001…10000, `10ⁿ` or `m×10ⁿ` otherwise.
    public static func logLabel(_ value: Double) -> String {
        if value >= 1e-3 && value <= 1e4 {
            let exponent = Int(log10(value).rounded(.down))
            let decimals = max(0, -exponent)
            return String(format: "%.\(decimals)f", value)
        }
        return scientific(value, significant: 1)
    }

    /// Digits after the point that a step of `step` needs: 0.25 needs 2, 0.5 needs 1.
    static func decimalsNeeded(_ step: Double) -> Int {
        guard step > 0, step.isFinite else { return 0 }
        for decimals in 0...15 {
            let scaled = step * pow(10, Double(decimals))
            if abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled) { return decimals }
        }
        return 15
    }

    private static func significantDigits(_ values: [Double], _ step: Double) -> Int {
        let largest = values.map(abs).max() ?? 1
        guard largest > 0, step > 0 else { return 1 }
        let exponent = log10(largest).rounded(.down)
        return max(1, min(15, decimalsNeeded(step / pow(10, exponent)) + 1))
    }

    /// `value` as `m×10ⁿ` with `significant` digits in m (`10ⁿ` alone when m is 1).
    static func scientific(_ value: Double, significant: Int) -> String {
        guard value != 0 else { return "0" }
        var exponent = Int(log10(abs(value)).rounded(.down))
        var mantissa = value / pow(10, Double(exponent))
        let decimals = max(0, significant - 1)
        // Rounding can carry into the next power: 9.99 → 10.0.
        if abs(Double(String(format: "%.\(decimals)f", mantissa)) ?? 0) >= 10 {
            exponent += 1
            mantissa /= 10
        }
        var text = String(format: "%.\(decimals)f", mantissa)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        let power = "10" + superscript(exponent)
        switch text {
        case "1": return power
        case "-1": return "−" + power
        default: return text.replacingOccurrences(of: "-", with: "−") + "×" + power
        }
    }

    /// An integer in Unicode superscript digits.
    static func superscript(_ number: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        let text = String(abs(number)).compactMap { $0.wholeNumberValue.map { digits[$0] } }
        return (number < 0 ? "⁻" : "") + String(text)
    }
}
