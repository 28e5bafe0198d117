import Foundation
import HXIO

/// The value of one parameter: a real number or an on/off switch.
public enum ParameterValue: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// A real number, in the parameter's unit.
    case real(Double)
    /// A switch.
    case flag(Bool)

    public var description: String {
        switch self {
        case .real(let value): return "\(value)"
        case .flag(let value): return "\(value)"
        }
    }
}

/// What a parameter describes, so that tools can switch whole groups off.
public enum ParameterGroup: String, Sendable, CaseIterable {
    /// A physical constant of the circuit.
    case circuit
    /// The spread of fixed-pattern mismatch (0 gives an ideal chip).
    case mismatch
    /// The size of trial-to-trial noise (0 switches it off).
    case noise
    /// A model switch.
    case model
    /// The size of slow drift with the chip's age and temperature (0 switches it off).
    case drift
}

/// Describes one field of ``PhysicsParameters``: its name in files and sweeps, unit, allowed
/// range and source.
public struct ParameterDescriptor: Sendable {
    /// The name, as in JSON files and sweep specifications (the Swift property name).
    public let name: String
    /// The unit (SI, or "LSB", "1" for relative values, "" for switches).
    public let unit: String
    /// Where the default comes from (docs/SPECIFICATION.md tags).
    public let source: String
    /// The group.
    public let group: ParameterGroup
    /// The allowed range of a real parameter.
    public let allowed: ClosedRange<Double>

    enum Access: Sendable {
        case real(WritableKeyPath<PhysicsParameters, Double> & Sendable)
        case flag(WritableKeyPath<PhysicsParameters, Bool> & Sendable)
    }
    let access: Access

    /// Whether the parameter is a switch.
    public var isFlag: Bool {
        if case .flag = access { return true }
        return false
    }

    /// The value of this parameter in `parameters`.
    public func value(in parameters: PhysicsParameters) -> ParameterValue {
        switch access {
        case .real(let path): return .real(parameters[keyPath: path])
        case .flag(let path): return .flag(parameters[keyPath: path])
        }
    }
}

extension PhysicsParameters {
    private static func real(
        _ name: String, _ path: WritableKeyPath<PhysicsParameters, Double> & Sendable,
        _ unit: String, _ source: String, _ group: ParameterGroup,
        _ allowed: ClosedRange<Double>
    ) -> ParameterDescriptor {
        ParameterDescriptor(
            name: name, unit: unit, source: source, group: group, allowed: allowed,
            access: .real(path))
    }

    private static func flag(
        _ name: String, _ path: WritableKeyPath<PhysicsParameters, Bool> & Sendable,
        _ source: String
    ) -> ParameterDescriptor {
        ParameterDescriptor(
            name: name, unit: "", source: source, group: .model, allowed: 0...1,
            access: .flag(path))
    }

    /// Every parameter, in the order of docs/SPECIFICATION.md.
    public static let descriptors: [ParameterDescriptor] = [
        real("fpgaClockPeriod", \.fpgaClockPeriod, "s", "hxtorch", .circuit, 1e-10...1e-6),
        real("maxPulseWidth", \.maxPulseWidth, "s", "haldls, demos", .circuit, 1e-11...1e-6),
        real("driverGainMismatch", \.driverGainMismatch, "1", "assumed", .mismatch, 0...0.5),
        real("driverOffsetMismatch", \.driverOffsetMismatch, "s", "assumed", .mismatch, 0...1e-8),
        real("pulseOffsetTrimStep", \.pulseOffsetTrimStep, "s", "assumed", .circuit, 0...1e-8),
        real("pulseJitter", \.pulseJitter, "1", "assumed", .noise, 0...1),
        real("synapseMismatch", \.synapseMismatch, "1", "assumed", .mismatch, 0...0.5),
        real("synapseRowGradient", \.synapseRowGradient, "1", "demos, assumed", .mismatch, 0...0.5),
        real("synapticTimeConstant", \.synapticTimeConstant, "s", "calix", .circuit, 1e-9...1e-3),
        real("synapticCapacitance", \.synapticCapacitance, "F", "assumed", .circuit, 1e-15...1e-9),
        real("otaLinearRange", \.otaLinearRange, "V", "assumed", .circuit, 1e-3...10),
        real("otaMismatch", \.otaMismatch, "1", "assumed", .mismatch, 0...0.5),
        flag("otaSaturates", \.otaSaturates, "specification"),
        real("membraneCapacitance", \.membraneCapacitance, "F", "haldls", .circuit, 1e-14...1e-9),
        real(
            "membraneCapacitanceMismatch", \.membraneCapacitanceMismatch, "1", "assumed",
            .mismatch, 0...0.5),
        real("pseudoLeakConductance", \.pseudoLeakConductance, "S", "calix", .circuit, 0...1e-5),
        real("pseudoLeakMismatch", \.pseudoLeakMismatch, "1", "assumed", .mismatch, 0...0.9),
        real("driftCurrentMismatch", \.driftCurrentMismatch, "A", "assumed", .mismatch, 0...1e-6),
        real("driftCurrentNoise", \.driftCurrentNoise, "A", "assumed", .noise, 0...1e-6),
        real("outputLowerLimit", \.outputLowerLimit, "V", "assumed", .circuit, 0...2),
        real("outputUpperLimit", \.outputUpperLimit, "V", "assumed", .circuit, 0...2),
        real("outputLimitMismatch", \.outputLimitMismatch, "V", "assumed", .mismatch, 0...0.1),
        real("complianceWidth", \.complianceWidth, "V", "specification", .circuit, 1e-3...0.5),
        flag("membraneCompliance", \.membraneCompliance, "specification"),
        real("resetMismatch", \.resetMismatch, "V", "assumed", .mismatch, 0...0.2),
        real("settlingTime", \.settlingTime, "s", "grenade", .circuit, 0...1e-3),
        real("fixedOverheadPerVector", \.fixedOverheadPerVector, "s", "grenade", .circuit, 0...1),
        real("cadcLowReferenceVoltage", \.cadcLowReferenceVoltage, "V", "calix", .circuit, 0...2),
        real("cadcLowReferenceCode", \.cadcLowReferenceCode, "LSB", "calix", .circuit, 0...255),
        real("cadcHighReferenceVoltage", \.cadcHighReferenceVoltage, "V", "calix", .circuit, 0...2),
        real("cadcHighReferenceCode", \.cadcHighReferenceCode, "LSB", "calix", .circuit, 0...255),
        real("cadcOffsetMismatch", \.cadcOffsetMismatch, "LSB", "assumed", .mismatch, 0...40),
        real("cadcSlopeMismatch", \.cadcSlopeMismatch, "1", "assumed", .mismatch, 0...0.5),
        real("readNoise", \.readNoise, "LSB", "calix", .noise, 0...40),
        real("cellVoltageFullScale", \.cellVoltageFullScale, "V", "demos", .circuit, 0.1...5),
        real("cellCurrentFullScale", \.cellCurrentFullScale, "A", "demos", .circuit, 1e-9...1e-3),
        real("cellGainMismatch", \.cellGainMismatch, "1", "assumed", .mismatch, 0...0.5),
        real(
            "cellVoltageOffsetMismatch", \.cellVoltageOffsetMismatch, "V", "assumed", .mismatch,
            0...0.1),
        real(
            "cellCurrentOffsetMismatch", \.cellCurrentOffsetMismatch, "A", "assumed", .mismatch,
            0...1e-7),
        real("nominalSynapseBias", \.nominalSynapseBias, "A", "hxtorch, demos", .circuit, 0...1e-3),
        real("nominalOTABias", \.nominalOTABias, "A", "derived", .circuit, 1e-12...1e-3),
        real("nominalResetPotential", \.nominalResetPotential, "V", "assumed", .circuit, 0...2),
        real(
            "nominalCADCRampCurrent", \.nominalCADCRampCurrent, "A", "assumed", .circuit,
            1e-12...1e-3),
        real(
            "nominalTemperature", \.nominalTemperature, "K", "assumed", .circuit,
            ChipEnvironment.temperatureRange),
        real("driftSpectralExponent", \.driftSpectralExponent, "1", "assumed", .circuit, 0...3),
        real("driftShortestPeriod", \.driftShortestPeriod, "s", "assumed", .circuit, 1...1e6),
        real("driftLongestPeriod", \.driftLongestPeriod, "s", "assumed", .circuit, 1e2...1e9),
        real("cellCurrentDrift", \.cellCurrentDrift, "1", "assumed", .drift, 0...0.5),
        real("cellVoltageDrift", \.cellVoltageDrift, "V", "assumed", .drift, 0...0.1),
        real("otaDrift", \.otaDrift, "1", "assumed", .drift, 0...0.5),
        real("synapseDrift", \.synapseDrift, "1", "assumed", .drift, 0...0.5),
        real("leakDrift", \.leakDrift, "1", "assumed", .drift, 0...0.9),
        real("cadcOffsetDrift", \.cadcOffsetDrift, "LSB", "assumed", .drift, 0...40),
        real(
            "cellCurrentTemperatureCoefficient", \.cellCurrentTemperatureCoefficient, "1/K",
            "assumed", .drift, -0.1...0.1),
        real(
            "cellVoltageTemperatureCoefficient", \.cellVoltageTemperatureCoefficient, "V/K",
            "assumed", .drift, -0.01...0.01),
        real(
            "otaTemperatureCoefficient", \.otaTemperatureCoefficient, "1/K", "assumed", .drift,
            -0.1...0.1),
        real(
            "synapseTemperatureCoefficient", \.synapseTemperatureCoefficient, "1/K", "assumed",
            .drift, -0.1...0.1),
        real(
            "leakTemperatureCoefficient", \.leakTemperatureCoefficient, "1/K", "assumed", .drift,
            -0.5...0.5),
        real(
            "cadcOffsetTemperatureCoefficient", \.cadcOffsetTemperatureCoefficient, "LSB/K",
            "assumed", .drift, -5...5),
        real(
            "temperatureCoefficientMismatch", \.temperatureCoefficientMismatch, "1", "assumed",
            .circuit, 0...2),
    ]

    /// The descriptor of the parameter called `name`.
    /// - Throws: ``PhysicsError/unknownParameter(name:suggestion:)`` with the closest name.
    public static func descriptor(named name: String) throws -> ParameterDescriptor {
        if let found = descriptors.first(where: { $0.name == name }) { return found }
        throw PhysicsError.unknownParameter(
            name: name, suggestion: closestName(to: name, among: descriptors.map(\.name)))
    }

    /// The value of the parameter called `name`.
    public func value(of name: String) throws -> ParameterValue {
        try Self.descriptor(named: name).value(in: self)
    }

    /// Sets the parameter called `name`; checks its range (not cross-field consistency: call
    /// ``validate()`` after setting several).
    public mutating func set(_ name: String, to value: ParameterValue) throws {
        let descriptor = try Self.descriptor(named: name)
        switch (descriptor.access, value) {
        case (.real(let path), .real(let number)):
            guard number.isFinite, descriptor.allowed.contains(number) else {
                throw PhysicsError.parameterOutOfRange(
                    name: name, value: number, allowed: descriptor.allowed)
            }
            self[keyPath: path] = number
        case (.flag(let path), .flag(let on)):
            self[keyPath: path] = on
        case (.real, .flag):
            throw PhysicsError.invalidOption(name: name, value: "\(value)", allowed: "a number")
        case (.flag(let path), .real(let number)):
            // Sweeps may give switches as 0/1.
            guard number == 0 || number == 1 else {
                throw PhysicsError.invalidOption(
                    name: name, value: "\(number)", allowed: "true, false, 0 or 1")
            }
            self[keyPath: path] = number == 1
        }
    }

    /// Checks every range and the relations between parameters.
    /// - Throws: the first problem found, naming the parameter.
    public func validate() throws {
        for descriptor in Self.descriptors {
            guard case .real(let value) = descriptor.value(in: self) else { continue }
            guard value.isFinite, descriptor.allowed.contains(value) else {
                throw PhysicsError.parameterOutOfRange(
                    name: descriptor.name, value: value, allowed: descriptor.allowed)
            }
        }
        if outputLowerLimit + 2 * complianceWidth >= outputUpperLimit {
            throw PhysicsError.inconsistentParameters(
                "outputLowerLimit + 2·complianceWidth must stay below outputUpperLimit")
        }
        if cadcHighReferenceVoltage <= cadcLowReferenceVoltage
            || cadcHighReferenceCode <= cadcLowReferenceCode
        {
            throw PhysicsError.inconsistentParameters(
                "the CADC's high reference (voltage and code) must exceed the low one")
        }
        if maxPulseWidth * 1.5 >= fpgaClockPeriod {
            throw PhysicsError.inconsistentParameters(
                "maxPulseWidth must be well below one FPGA cycle so that pulses never overlap")
        }
        if nominalSynapseBias > cellCurrentFullScale || nominalOTABias > cellCurrentFullScale
            || nominalCADCRampCurrent > cellCurrentFullScale
        {
            throw PhysicsError.inconsistentParameters(
                "a nominal current exceeds cellCurrentFullScale, so no cell value can set it")
        }
        if nominalResetPotential > cellVoltageFullScale {
            throw PhysicsError.inconsistentParameters(
                "nominalResetPotential exceeds cellVoltageFullScale")
        }
        if driftShortestPeriod >= driftLongestPeriod {
            throw PhysicsError.inconsistentParameters(
                "driftShortestPeriod must be below driftLongestPeriod")
        }
    }
}

/// The closest known name to a mistyped one (``Spelling/closest(to:among:allowance:)``).
func closestName(to name: String, among candidates: [String]) -> String? {
    Spelling.closest(to: name, among: candidates)
}
