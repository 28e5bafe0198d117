/// Errors of the numerics layer: bad shapes and arguments, and failures reported by GSL.
public enum NumericsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A matrix or vector had the wrong shape.
    case shapeMismatch(expected: [Int], got: [Int])
    /// Nested rows of different lengths.
    case raggedRows(row: Int, expected: Int, got: Int)
    /// An argument outside its domain; the text names it.
    case invalidArgument(String)
    /// GSL returned a non-zero status from `function`.
    case gsl(function: String, status: Int32, message: String)
    /// An ODE integration did not reach its end within the step budget.
    case integrationStalled(time: Double, target: Double, steps: Int)
    /// The right-hand side of an ODE met a state or derivative that is not finite (NaN or
    /// infinite) at `time` seconds.
    case nonFiniteState(time: Double)

    public var description: String {
        switch self {
        case .shapeMismatch(let expected, let got):
            return
                "shape mismatch: expected \(ValueText.shape(expected)), got \(ValueText.shape(got))"
        case .raggedRows(let row, let expected, let got):
            return "row \(row) has \(got) values, expected \(expected) like the first row"
        case .invalidArgument(let text):
            return "invalid argument: \(text)"
        case .gsl(let function, let status, let message):
            return "GSL \(function) failed with status \(status): \(message)"
        case .integrationStalled(let time, let target, let steps):
            return
                "ODE integration stalled at t = \(time) s before \(target) s after \(steps) steps"
        case .nonFiniteState(let time):
            return "ODE state or derivative is not finite (NaN or infinite) at t = \(time) s"
        }
    }
}
