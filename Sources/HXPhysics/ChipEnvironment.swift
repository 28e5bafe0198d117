import HXNumerics

/// Where a chip is in its slow drift: its age (time since power-up) and its temperature.
///
/// A chip drawn from a seed is at age 0 and the nominal temperature
/// (``PhysicsParameters/nominalTemperature``); moving it to another environment
/// (``Chip/setEnvironment(_:)``) changes its analog cells, OTAs, pseudo-leak, CADC offsets and
/// synapse currents along a seeded path (docs/MODEL.md, "Slow drift"). The same seed, age and
/// temperature always give the same chip, however it got there.
public struct ChipEnvironment: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// Seconds since the chip was powered up (``ageRange``).
    public var age: Double
    /// The chip's temperature, in kelvins (``temperatureRange``).
    public var temperature: Double

    /// The allowed ages, in seconds: up to about 30 years.
    public static let ageRange: ClosedRange<Double> = 0...1e9
    /// The allowed temperatures, in kelvins: the range where linear temperature coefficients
    /// are a fair model of a chip in operation.
    public static let temperatureRange: ClosedRange<Double> = 250...400

    /// An environment of `age` seconds and `temperature` kelvins.
    public init(age: Double, temperature: Double) {
        self.age = age
        self.temperature = temperature
    }

    /// Power-up at the nominal temperature of `parameters`: the chip as drawn.
    public static func nominal(for parameters: PhysicsParameters) -> ChipEnvironment {
        ChipEnvironment(age: 0, temperature: parameters.nominalTemperature)
    }

    /// Whether this is the chip as drawn for `parameters` (age 0, nominal temperature).
    public func isNominal(for parameters: PhysicsParameters) -> Bool {
        self == .nominal(for: parameters)
    }

    /// Throws unless both values are finite and in range, naming the one that is not.
    public func validate() throws {
        guard age.isFinite, Self.ageRange.contains(age) else {
            throw PhysicsError.invalidOption(
                name: "age", value: "\(age)",
                allowed: "\(ValueText.range(Self.ageRange)) s")
        }
        guard temperature.isFinite, Self.temperatureRange.contains(temperature) else {
            throw PhysicsError.invalidOption(
                name: "temperature", value: "\(temperature)",
                allowed: "\(ValueText.range(Self.temperatureRange)) K")
        }
    }

    /// `age 3600 s, 300.0 K`.
    public var description: String { "age \(age) s, \(temperature) K" }
}
