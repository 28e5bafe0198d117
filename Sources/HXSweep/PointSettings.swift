import HXNetwork
import HXPhysics

/// An override of a per-layer setting (`numSends`, `waitBetweenEvents`): one value for every
/// VMM layer and/or values for single layers, which win.
public struct LayerOverride: Sendable, Equatable {
    /// The value for every VMM layer, or nil to keep the model's.
    public var all: Int?
    /// Values for single VMM layers (0-based, in model order).
    public var layers: [Int: Int]

    /// No override.
    public init(all: Int? = nil, layers: [Int: Int] = [:]) {
        self.all = all
        self.layers = layers
    }

    /// The value for VMM layer `index`, or nil to keep the model's.
    public func value(layer index: Int) -> Int? { layers[index] ?? all }

    /// Whether nothing is overridden.
    public var isEmpty: Bool { all == nil && layers.isEmpty }

    /// Sets `value` for the VMM layers `layers`, or for every one when nil.
    mutating func set(_ value: Int, layers: [Int]?) {
        guard let layers else {
            all = value
            return
        }
        for layer in layers { self.layers[layer] = value }
    }
}

/// Everything one point runs with, resolved from the base settings and its coordinates.
public struct PointSettings: Sendable, Equatable {
    /// The back end.
    public var backend: SweepBackend = .hardware
    /// Whether the chips are calibrated (hardware back end only).
    public var calibration = false
    /// Seed of the first chip; chip i has seed `seed + i` (as `PhysicsExecutor` numbers them).
    public var seed: UInt64 = 1
    /// Number of chips.
    public var chips = 1
    /// The physics parameters the chips are drawn with.
    public var parameters = PhysicsParameters()
    /// Sends per vector, per VMM layer.
    public var numSends = LayerOverride()
    /// FPGA cycles (8 ns) between events, per VMM layer.
    public var waitBetweenEvents = LayerOverride()
    /// Evaluations of the point.
    public var repetitions = 1
    /// Gain and noise of the mock back end.
    public var mock = MockParameter()
    /// The chips' age when the point runs, in seconds since power-up (slow drift).
    public var age = 0.0
    /// The chips' temperature when the point runs, in kelvins; nil: the parameters'
    /// `nominalTemperature`.
    public var temperature: Double?
    /// With calibration on: calibrate where the point runs (its age and temperature) when true;
    /// when false, calibrate at power-up at the nominal temperature and let the chips drift to
    /// the point, so that `age` is the time since calibration.
    public var recalibration = false

    /// Where the chips run.
    public var environment: ChipEnvironment {
        ChipEnvironment(age: age, temperature: temperature ?? parameters.nominalTemperature)
    }

    /// Where the chips are calibrated (with calibration on): the point's environment with
    /// recalibration, else power-up at the nominal temperature.
    public var calibrationEnvironment: ChipEnvironment {
        recalibration ? environment : .nominal(for: parameters)
    }

    /// Settings with the defaults: hardware (simulated chips), calibration off, chip seed 1, one chip, the model's
    /// sends and waits, hxtorch's mock parameters.
    public init() {}

    /// Resolves the settings of a point from named settings (the plan's base and the point's
    /// coordinates, by axis name) with their kinds.
    ///
    /// Order: `parameters` (the specification's parameter file or the defaults), then every
    /// `parameter:` setting, then every `scale:` factor on the result.
    /// - Throws: ``SweepError/invalidValue(axis:value:reason:)`` when a scaled parameter leaves
    ///   its range; ``SweepError/invalidSetting(name:reason:)`` when the parameters contradict
    ///   each other.
    static func resolve(
        _ entries: [(name: String, kind: AxisKind, value: SweepValue)],
        parameters: PhysicsParameters, repetitions: Int, key: String
    ) throws -> PointSettings {
        var settings = PointSettings()
        settings.parameters = parameters
        settings.repetitions = repetitions
        var scales: [(name: String, parameters: [String], factor: Double)] = []
        for (name, kind, value) in entries {
            let number = value.number ?? 0
            switch kind {
            case .parameter(let parameter):
                let parameterValue: ParameterValue
                if case .flag(let on) = value {
                    parameterValue = .flag(on)
                } else {
                    parameterValue = .real(number)
                }
                try settings.parameters.set(parameter, to: parameterValue)
            case .scale(_, let names):
                scales.append((name, names, number))
            case .setting(let axis, let layers):
                axis.apply(value, layers, &settings)
            }
        }
        for scale in scales {
            for parameter in scale.parameters {
                guard case .real(let current) = try settings.parameters.value(of: parameter) else {
                    continue
                }
                let scaled = current * scale.factor
                do {
                    try settings.parameters.set(parameter, to: .real(scaled))
                } catch {
                    throw SweepError.invalidValue(
                        axis: scale.name, value: SweepValue.number(scale.factor).description,
                        reason: "it makes \(parameter) = \(scaled): \(error)")
                }
            }
        }
        do {
            try settings.parameters.validate()
        } catch {
            throw SweepError.invalidSetting(name: "point \(key)", reason: "\(error)")
        }
        return settings
    }
}

extension SweepPlan {
    /// The settings of `point`: the base settings, replaced by the point's coordinates where
    /// they name the same axis.
    /// - Parameters:
    ///   - parameters: the physics parameters before any setting (the specification's file or
    ///     the defaults).
    ///   - repetitions: the specification's repetitions, unless an axis sets them.
    public func settings(
        for point: SweepPoint, parameters: PhysicsParameters, repetitions: Int
    ) throws -> PointSettings {
        var entries: [(name: String, kind: AxisKind, value: SweepValue)] = []
        for (name, value) in base.sorted(by: { $0.key < $1.key })
        where point.coordinates[name] == nil {
            guard let kind = kinds[name] else { continue }
            entries.append((name, kind, value))
        }
        for axis in axes {
            guard let value = point.coordinates[axis.name] else { continue }
            entries.append((axis.name, axis.kind, value))
        }
        return try PointSettings.resolve(
            entries, parameters: parameters, repetitions: repetitions, key: point.key)
    }
}
