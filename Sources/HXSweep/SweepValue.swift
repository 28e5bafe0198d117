import Foundation

/// One coordinate of a sweep point: a number, a word (`"on"`, `"hardware"`) or a switch.
///
/// Values are written to JSON as themselves (`0.5`, `"off"`, `true`), so a point's coordinates
/// read like the specification that produced them. Numbers are `Double`s; integer axes (seeds,
/// `numSends`, chips) hold integers below 2⁵³, which a `Double` represents exactly.
public enum SweepValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A number, in the unit of its axis.
    case number(Double)
    /// A word, for example a back end or `on`/`off`.
    case text(String)
    /// A switch (physics parameters such as `otaSaturates`).
    case flag(Bool)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = .flag(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            throw DecodingError.typeMismatch(
                SweepValue.self,
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription: "expected a number, a string or true/false"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        case .flag(let value): try container.encode(value)
        }
    }

    /// The number, if this is one.
    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The value as an integer, if it is a whole number of magnitude at most 2⁵³.
    public var integer: Int? {
        guard case .number(let value) = self, value.rounded() == value,
            abs(value) <= 9_007_199_254_740_992
        else { return nil }
        return Int(value)
    }

    /// The value as it appears in JSON (`0.5`, `off`, `true`), for messages and tables.
    public var description: String {
        switch self {
        case .number(let value):
            if let whole = integer { return String(whole) }
            return String(describing: value)
        case .text(let value): return value
        case .flag(let value): return String(value)
        }
    }
}

/// The canonical JSON of a point's coordinates: one line, keys sorted, numbers in their
/// shortest exact form. Equal coordinates always give the same text, so it is the point's key.
public func canonicalKey(_ coordinates: [String: SweepValue]) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // Coordinates are validated finite, so encoding cannot fail.
    guard let data = try? encoder.encode(coordinates) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
}
