import HXIO
import HXNumerics

/// Errors of the network front end: bad shapes, bad values, bad settings, bad model files, and
/// hardware executors that return results that do not fit what was asked of them.
///
/// Every case carries what the user needs to fix the problem, and ``description`` says it in one
/// line, as the command-line interface prints it.
public enum NetworkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An operation got a tensor of the wrong shape. `-1` in `expected` stands for "any size".
    case shapeMismatch(operation: String, expected: [Int], got: [Int])
    /// A tensor that must be finite holds NaN or an infinity; `tensor` names it.
    case nonFinite(tensor: String)
    /// A value or setting lies outside its allowed range.
    case outOfRange(name: String, value: Double, allowed: ClosedRange<Double>)
    /// A count, size, stride or padding lies outside its allowed range (`Int.max` as the upper
    /// bound: no bound). Held as integers, so that a huge value is printed as it was given.
    case countOutOfRange(name: String, value: Int, allowed: ClosedRange<Int>)
    /// An argument that is not a shape or range problem; the text says what is wrong.
    case invalidArgument(String)
    /// A hardware executor returned results that do not match the blocks it was given.
    case executorResult(String)
    /// A module of this type cannot be written to a model file.
    case notSerializable(type: String)
    /// A model file could not be read or written, or its content is damaged.
    case modelFile(path: String, reason: String)
    /// A model file was written in a format version this build cannot read.
    case unsupportedModelVersion(path: String, found: Int, supported: Int)

    /// A one-line human-readable form.
    public var description: String {
        switch self {
        case .shapeMismatch(let operation, let expected, let got):
            return
                "\(operation): expected shape \(ValueText.shape(expected)), got "
                + ValueText.shape(got)
        case .nonFinite(let tensor):
            return "\(tensor) contains NaN or infinity; check the data and the learning rate"
        case .outOfRange(let name, let value, let allowed):
            return ValueText.outside(name, ValueText.number(value), ValueText.countRange(allowed))
        case .countOutOfRange(let name, let value, let allowed):
            let upper = allowed.upperBound == .max ? "∞" : String(allowed.upperBound)
            return ValueText.outside(name, String(value), "\(allowed.lowerBound)…\(upper)")
        case .invalidArgument(let text):
            return "invalid argument: \(text)"
        case .executorResult(let text):
            return "hardware executor returned unusable results: \(text)"
        case .notSerializable(let type):
            return "\(type) cannot be saved in a model file; use the built-in layers"
        case .modelFile(let path, let reason):
            return "model file \(path): \(reason)"
        case .unsupportedModelVersion(let path, _, _):
            return "model file \(path) has " + (modelFileReason ?? "")
        }
    }

    /// For an error about a model file, what is wrong without the file's name, for a message
    /// that names the file already; nil for other errors.
    public var modelFileReason: String? {
        switch self {
        case .modelFile(_, let reason):
            return reason
        case .unsupportedModelVersion(_, let found, let supported):
            return FileText.otherVersion(found: found, supported: supported)
                + " — re-save it with a matching HXSim"
        default:
            return nil
        }
    }
}

/// Throws ``NetworkError/countOutOfRange(name:value:allowed:)`` unless `value` is at least
/// `minimum`: the one check of every count, size, stride and padding of the front end.
func requireAtLeast(_ minimum: Int, _ value: Int, _ name: String) throws {
    try requireWithin(minimum...Int.max, value, name)
}

/// Throws ``NetworkError/countOutOfRange(name:value:allowed:)`` unless `value` lies in `range`:
/// the check of a setting bounded on both sides (a Linear layer's `avg`, a convolution's
/// padding, the extents of ``TensorLimits``).
func requireWithin(_ range: ClosedRange<Int>, _ value: Int, _ name: String) throws {
    guard range.contains(value) else {
        throw NetworkError.countOutOfRange(name: name, value: value, allowed: range)
    }
}
