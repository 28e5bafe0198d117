import HXIO
import HXNumerics

/// Errors of the chip model. Each case names what was wrong and what is allowed.
public enum PhysicsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A parameter value outside its allowed range, or not finite.
    case parameterOutOfRange(name: String, value: Double, allowed: ClosedRange<Double>)
    /// Two parameters that contradict each other.
    case inconsistentParameters(String)
    /// A parameter name that does not exist; `suggestion` is the closest known name.
    case unknownParameter(name: String, suggestion: String?)
    /// A parameter file that could not be read or parsed.
    case malformedParameterFile(path: String, reason: String)
    /// An input activation outside 0…31.
    case inputOutOfRange(sample: Int, row: Int, value: Int)
    /// A weight outside −63…63.
    case weightOutOfRange(row: Int, column: Int, value: Int)
    /// An analog parameter cell (0…1022) or digital trim outside its range.
    case cellOutOfRange(name: String, index: Int, value: Int, allowed: ClosedRange<Int>)
    /// A matrix of the wrong shape; `what` names it.
    case shapeMismatch(what: String, expected: String, got: [Int])
    /// A hemisphere index other than 0 or 1.
    case hemisphereOutOfRange(Int)
    /// A column index outside the hemisphere.
    case columnOutOfRange(column: Int, columns: Int)
    /// An execution option outside its range.
    case invalidOption(name: String, value: String, allowed: String)
    /// The ODE integrator failed.
    case integrationFailed(String)
    /// The membrane equations of a sample reached a state that is not finite (NaN or
    /// infinite), `time` seconds into its execution: parameters far outside the chip's regime.
    case nonFiniteState(hemisphere: Int, sample: Int, time: Double)
    /// A trace that would have more than `limit` (``TraceRequest/maximumPoints``) points: as
    /// many as `points`, its read `readTime` seconds after the baseline read. No resolution
    /// would do below `minimumResolution` seconds (infinite when the events alone are too
    /// many).
    case traceTooLong(points: Double, limit: Int, readTime: Double, minimumResolution: Double)

    public var description: String {
        switch self {
        case .parameterOutOfRange(let name, let value, let allowed):
            return ValueText.outside(
                "parameter \(name)", "\(value)",
                "its allowed range " + ValueText.range(allowed))
        case .inconsistentParameters(let text):
            return "inconsistent parameters: \(text)"
        case .unknownParameter(let name, let suggestion):
            return "unknown parameter '\(name)'" + Spelling.hint(suggestion)
        case .malformedParameterFile(let path, let reason):
            return FileText.cannotRead("parameter file", path, reason)
        case .inputOutOfRange(let sample, let row, let value):
            return
                "input \(value) at sample \(sample), row \(row) is outside 0…31 (5-bit activation)"
        case .weightOutOfRange(let row, let column, let value):
            return
                "weight \(value) at row \(row), column \(column) is outside −63…63 (6-bit signed)"
        case .cellOutOfRange(let name, let index, let value, let allowed):
            return ValueText.outside("\(name)[\(index)]", "\(value)", ValueText.range(allowed))
        case .shapeMismatch(let what, let expected, let got):
            return "\(what) has shape \(ValueText.shape(got)), expected \(expected)"
        case .hemisphereOutOfRange(let index):
            return "hemisphere \(index) does not exist (a chip has hemispheres 0 and 1)"
        case .columnOutOfRange(let column, let columns):
            return "column \(column) is outside 0..<\(columns)"
        case .invalidOption(let name, let value, let allowed):
            return ValueText.notAllowed(name, value, allowed)
        case .integrationFailed(let text):
            return "ODE integration failed: \(text)"
        case .nonFiniteState(let hemisphere, let sample, let time):
            return
                "the membrane equations of sample \(sample) on hemisphere \(hemisphere) reached "
                + "a non-finite state (NaN or infinite) at t = \(time) s; check the parameters"
        case .traceTooLong(let points, let limit, let readTime, let minimumResolution):
            let fix =
                minimumResolution.isFinite
                ? String(format: "a resolution of at least %.4g s, ", minimumResolution) : ""
            return String(
                format: "a trace of %.4g points (over a %.4g s execution) is more than the ",
                points, readTime)
                + "\(limit) a trace may have; ask for \(fix)fewer sends or a shorter wait"
        }
    }
}
