import Foundation

/// calix's binary search over an integer parameter, run for many instances (columns,
/// channels, hemispheres) at once.
///
/// It takes ⌈log₂ n⌉ + 2 steps for a range of n values: starting in the middle, each step moves
/// every instance's parameter towards its target by ⌈n / 2^(step+2)⌉; the second-last step tries
/// the other neighbour of the last bisection point, and each instance keeps the best of the
/// last three settings it measured [calix `algorithms.BinarySearch`]. On a noisy chip the
/// `measure` closure averages repeated reads, which is what makes it calix's noisy search.
///
/// With a `refinementWindow`, the choice among the last three is replaced by a local
/// least-squares line through every measurement the search took within that many values of
/// where it ended (the last five or six steps): the setting where the line meets the target is
/// chosen. An analog cell acts linearly over a few steps, and the line averages all those reads,
/// so one unlucky average (a 3σ read among thousands) no longer decides. Where the line does not
/// rise (or fall) as it should, calix's choice stands.
public struct BinarySearch: Sendable, Equatable, Codable {
    /// The parameter's range (cell values 0…1022 for analog parameter cells).
    public var range: ClosedRange<Int>
    /// Whether the measured value grows with the parameter (false for an inverted parameter).
    public var increasing: Bool
    /// Half-width (in parameter values) of the local line fit that makes the final choice; nil
    /// keeps calix's best of the last three.
    public var refinementWindow: Int?

    /// A search over `range` for a parameter whose effect grows (`increasing`) or falls.
    public init(range: ClosedRange<Int>, increasing: Bool = true, refinementWindow: Int? = 8) {
        self.range = range
        self.increasing = increasing
        self.refinementWindow = refinementWindow
    }

    /// Number of values in the range.
    public var possibilities: Int { range.upperBound - range.lowerBound + 1 }

    /// Number of measurements a search takes: ⌈log₂ n⌉ + 2.
    public var steps: Int {
        var bits = 0
        while (1 << bits) < possibilities { bits += 1 }
        return bits + 2
    }

    /// How far step `step` moves the parameter: ⌈n / 2^(step+2)⌉.
    func increment(_ step: Int) -> Int {
        let divisor = 1 << min(step + 2, 62)
        return (possibilities + divisor - 1) / divisor
    }

    /// The result of a search: per instance, the chosen parameter, its measured value and
    /// whether it ended at an end of the range.
    public struct Outcome: Sendable, Equatable {
        /// The chosen parameter of each instance.
        public var parameters: [Int]
        /// The value measured with the chosen parameter during the search.
        public var measured: [Double]
        /// Whether the chosen parameter is an end of the range and the target lies beyond it.
        public var atLimit: [Bool]
    }

    /// Runs the search for `targets.count` instances.
    /// - Parameters:
    ///   - targets: the value each instance should measure.
    ///   - measure: configures the given parameters (one per instance) and returns the
    ///     measured value of each instance (averaged over repeated reads).
    /// - Throws: what `measure` throws, or a shape error when it returns the wrong count.
    public func run(
        targets: [Double], measure: ([Int]) throws -> [Double]
    ) throws -> Outcome {
        guard range.lowerBound < range.upperBound else {
            throw CalibrationError.settingOutOfRange(
                name: "search range", value: "\(range)", allowed: "at least two values")
        }
        let count = targets.count
        let total = steps
        let lower = range.lowerBound
        let upper = range.upperBound
        var parameters = [Int](repeating: lower + possibilities / 2, count: count)
        // The last three settings and their distances from the target, newest last.
        var lastParameters: [[Int]] = []
        var lastValues: [[Double]] = []
        var history: [(parameters: [Int], values: [Double])] = []
        for step in 0..<total {
            let values = try measure(parameters)
            guard values.count == count else {
                throw CalibrationError.shapeMismatch(
                    what: "measured values", expected: "\(count)", got: "\(values.count)")
            }
            history.append((parameters, values))
            let stepsLeft = total - step - 1
            if stepsLeft < 3 {
                lastParameters.append(parameters)
                lastValues.append(values)
            }
            if stepsLeft > 1 {
                let move = increment(step)
                for i in 0..<count {
                    let high = values[i] > targets[i]
                    parameters[i] += (high == increasing) ? -move : move
                }
            } else if stepsLeft == 1 {
                // The other neighbour of the last bisection point.
                let centre = lastParameters[0]
                let latest = lastParameters[1]
                for i in 0..<count {
                    var next = 2 * centre[i] - latest[i]
                    if centre[i] == latest[i] {
                        next =
                            centre[i] == lower ? lower + 1 : (centre[i] == upper ? upper - 1 : next)
                    }
                    parameters[i] = next
                }
            }
            for i in 0..<count { parameters[i] = min(max(parameters[i], lower), upper) }
        }
        var chosen = [Int](repeating: 0, count: count)
        var measured = [Double](repeating: 0, count: count)
        var atLimit = [Bool](repeating: false, count: count)
        for i in 0..<count {
            var best = 0
            for k in 1..<lastParameters.count
            where abs(lastValues[k][i] - targets[i]) < abs(lastValues[best][i] - targets[i]) {
                best = k
            }
            chosen[i] = lastParameters[best][i]
            measured[i] = lastValues[best][i]
            if let window = refinementWindow,
                let line = localLine(history, instance: i, around: chosen[i], window: window)
            {
                let crossing = ((targets[i] - line.intercept) / line.slope).rounded()
                let limited = min(
                    max(crossing, Double(chosen[i] - window)), Double(chosen[i] + window))
                chosen[i] = min(max(Int(limited), lower), upper)
                measured[i] = line.intercept + line.slope * Double(chosen[i])
            }
            let below = measured[i] < targets[i]
            atLimit[i] =
                (chosen[i] >= upper - 1 && below == increasing)
                || (chosen[i] <= lower + 1 && below != increasing)
        }
        return Outcome(parameters: chosen, measured: measured, atLimit: atLimit)
    }

    /// The least-squares line value = intercept + slope · parameter through instance `i`'s
    /// measurements within `window` of `centre`, if there are three distinct settings among
    /// them and the line has the search's direction.
    private func localLine(
        _ history: [(parameters: [Int], values: [Double])], instance i: Int, around centre: Int,
        window: Int
    ) -> (intercept: Double, slope: Double)? {
        var points: [(x: Double, y: Double)] = []
        for (parameters, values) in history where abs(parameters[i] - centre) <= window {
            points.append((Double(parameters[i] - centre), values[i]))
        }
        guard Set(points.map(\.x)).count >= 3 else { return nil }
        let n = Double(points.count)
        let meanX = points.reduce(0) { $0 + $1.x } / n
        let meanY = points.reduce(0) { $0 + $1.y } / n
        let sxx = points.reduce(0) { $0 + ($1.x - meanX) * ($1.x - meanX) }
        let sxy = points.reduce(0) { $0 + ($1.x - meanX) * ($1.y - meanY) }
        let slope = sxy / sxx
        guard slope.isFinite, increasing ? slope > 0 : slope < 0 else { return nil }
        // Back from coordinates relative to `centre`.
        return (meanY - slope * (meanX + Double(centre)), slope)
    }
}
