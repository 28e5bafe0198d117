/// What a calibration step aims for: a fixed value, or the median of the chip's columns as
/// measured before the step (calix takes the median so that the trims stay inside their
/// cells' range).
///
/// In JSON a target is the string `"median"` or a number.
public enum CalibrationTarget: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// The median over all instances (columns or channels of both hemispheres), measured at
    /// the start of the step.
    case median
    /// A fixed value, in the unit of the step's quantity (LSB).
    case value(Double)

    /// The target for `measured` values: the value itself, or their median.
    public func resolve(_ measured: [Double]) -> Double {
        switch self {
        case .median: return Spread.median(measured)
        case .value(let value): return value
        }
    }

    public var description: String {
        switch self {
        case .median: return "median"
        case .value(let value): return "\(value)"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            self = .value(number)
            return
        }
        let text = try container.decode(String.self)
        guard text == "median" else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "a target is \"median\" or a number, not '\(text)'"
            )
        }
        self = .median
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .median: try container.encode("median")
        case .value(let value): try container.encode(value)
        }
    }
}

/// One neuron column (or CADC channel) of a chip.
public struct ColumnIndex: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// The hemisphere, 0 or 1.
    public var hemisphere: Int
    /// The column within the hemisphere, 0…255.
    public var column: Int

    /// Column `column` of `hemisphere`.
    public init(hemisphere: Int, column: Int) {
        self.hemisphere = hemisphere
        self.column = column
    }

    /// The column with flat index `index` = hemisphere · 256 + column.
    public init(flat index: Int) {
        self.init(hemisphere: index / 256, column: index % 256)
    }

    public var description: String { "h\(hemisphere)c\(column)" }
}
