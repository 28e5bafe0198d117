/// A type an option or positional argument can hold: how it is read from the command line, what
/// an error says it should have been, and how help shows it.
public protocol ArgumentValue {
    /// The value `text` stands for, or nil when it stands for none.
    init?(argument text: String)
    /// What a value must look like; decides the error for text that is none.
    static var expectation: ArgumentExpectation { get }
    /// The value as help shows a default, for example `5` or `fast`.
    var argumentText: String { get }
}

/// What a value of an ``ArgumentValue`` type must look like.
public enum ArgumentExpectation: Sendable, Equatable {
    /// Any text.
    case text
    /// A whole number.
    case integer
    /// A whole number ≥ 0 (an unsigned type, such as a seed).
    case nonNegativeInteger
    /// A finite number.
    case number
    /// One of these words.
    case choice([String])
    /// Text of the form described (`comma-separated integers ≥ 0`).
    case form(String)

    /// The error for `text` given to option `name`.
    func error(option name: String, got text: String) -> ArgumentError {
        // A number that is spelled right but does not fit is a range error, not a typo.
        switch self {
        case .nonNegativeInteger where Int(text).map({ $0 < 0 }) == true:
            // `--seed -1`: a whole number, but no unsigned one.
            return .outOfRange(option: name, got: text, allowed: "≥ 0")
        case .text, .integer, .nonNegativeInteger:
            return isDecimalInteger(text)
                ? .unrepresentable(option: name, got: text)
                : .invalidInteger(option: name, got: text)
        case .number:
            return Double(text).map { !$0.isFinite && !$0.isNaN } ?? false
                ? .unrepresentable(option: name, got: text)
                : .invalidNumber(option: name, got: text)
        case .choice(let words): return .invalidChoice(option: name, got: text, choices: words)
        case .form(let form): return .invalidForm(option: name, got: text, expected: form)
        }
    }
}

/// Whether `text` is an optionally signed run of decimal digits.
private func isDecimalInteger(_ text: String) -> Bool {
    let digits = text.first == "-" || text.first == "+" ? text.dropFirst() : Substring(text)
    return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
}

extension String: ArgumentValue {
    public init?(argument text: String) { self = text }
    public static var expectation: ArgumentExpectation { .text }
    public var argumentText: String { self }
}

/// Whole numbers read as Swift reads them (`-3`, `42`).
extension ArgumentValue where Self: FixedWidthInteger {
    public init?(argument text: String) { self.init(text) }
    public static var expectation: ArgumentExpectation {
        isSigned ? .integer : .nonNegativeInteger
    }
    public var argumentText: String { String(self) }
}

/// Finite numbers (`0.5`, `1e-3`); `nan` and `inf` are not values.
extension ArgumentValue where Self: BinaryFloatingPoint & LosslessStringConvertible {
    public init?(argument text: String) {
        guard let value = Self(text), value.isFinite else { return nil }
        self = value
    }
    public static var expectation: ArgumentExpectation { .number }
    public var argumentText: String { description }
}

extension Int: ArgumentValue {}
extension UInt64: ArgumentValue {}
extension Double: ArgumentValue {}
extension Float: ArgumentValue {}

/// A string enumeration is a choice of its raw values: declare the conformance
/// (`extension Integrator: ArgumentValue {}`) and these give the rest.
extension ArgumentValue where Self: RawRepresentable & CaseIterable, RawValue == String {
    public init?(argument text: String) { self.init(rawValue: text) }
    public static var expectation: ArgumentExpectation { .choice(allCases.map(\.rawValue)) }
    public var argumentText: String { rawValue }
}
