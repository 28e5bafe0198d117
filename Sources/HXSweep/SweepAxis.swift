import Foundation
import HXPhysics

/// Where a point's network runs.
public enum SweepBackend: String, Sendable, Codable, CaseIterable {
    /// The ideal linear float model (no randomness: repetitions agree).
    case software
    /// hxtorch's statistical mock (gain and Gaussian noise, `mockGain`, `mockNoise`).
    case mock
    /// Simulated HICANN-X chips (HXPhysics) through ``PhysicsExecutor``.
    case physics
}

/// What an axis varies. See ``AxisSpec`` for the spelling of each kind in a specification.
public enum AxisKind: Sendable, Hashable {
    /// One physics parameter, by its name in ``PhysicsParameters/descriptors``.
    case parameter(String)
    /// A factor on the base values of `parameters`.
    case scale(label: String, parameters: [String])
    /// The seed of the first chip.
    case seed
    /// Calibration on or off.
    case calibration
    /// The back end.
    case backend
    /// Sends per vector of the VMM layers `layers` (0-based), or of all when nil.
    case numSends(layers: [Int]?)
    /// FPGA cycles between events of the VMM layers `layers`, or of all when nil.
    case waitBetweenEvents(layers: [Int]?)
    /// Number of chips.
    case chips
    /// Evaluations per point.
    case repetitions
    /// The mock's gain.
    case mockGain
    /// The mock's noise, in LSB.
    case mockNoise

    /// The kinds written without a suffix, for suggestions.
    static let plainNames = [
        "seed", "calibration", "backend", "numSends", "waitBetweenEvents", "chips",
        "repetitions", "mockGain", "mockNoise",
    ]

    /// Parses an axis name such as `parameter:readNoise`, `scale:noise` or `numSends@1`.
    /// - Parameter parameters: the explicit parameter list of a `scale:` axis.
    /// - Throws: ``SweepError/unknownAxis(name:suggestion:)``,
    ///   ``SweepError/unknownParameter(axis:name:suggestion:)`` or
    ///   ``SweepError/invalidSetting(name:reason:)`` for a bad layer list.
    public static func parse(_ name: String, parameters: [String]? = nil) throws -> AxisKind {
        let parameterNames = PhysicsParameters.descriptors.map(\.name)
        if parameters != nil, !name.hasPrefix("scale:") {
            throw SweepError.invalidSetting(
                name: "axis \(name)", reason: "\"parameters\" belongs to scale:<label> axes only")
        }
        if name.hasPrefix("parameter:") {
            let parameter = String(name.dropFirst("parameter:".count))
            try checkParameter(parameter, axis: name)
            return .parameter(parameter)
        }
        if name.hasPrefix("scale:") {
            let label = String(name.dropFirst("scale:".count))
            let names: [String]
            if let parameters {
                guard !parameters.isEmpty else {
                    throw SweepError.invalidSetting(
                        name: "axis \(name)", reason: "\"parameters\" is empty")
                }
                names = parameters
            } else if let group = ParameterGroup(rawValue: label), group != .model {
                names = PhysicsParameters.descriptors.filter { $0.group == group }.map(\.name)
            } else if parameterNames.contains(label) {
                names = [label]
            } else {
                let groups = ParameterGroup.allCases.filter { $0 != .model }.map(\.rawValue)
                throw SweepError.unknownParameter(
                    axis: name, name: label,
                    suggestion: closestName(to: label, among: groups + parameterNames))
            }
            for parameter in names {
                try checkParameter(parameter, axis: name)
                if try PhysicsParameters.descriptor(named: parameter).isFlag {
                    throw SweepError.invalidSetting(
                        name: "axis \(name)", reason: "cannot scale the switch \(parameter)")
                }
            }
            guard Set(names).count == names.count else {
                throw SweepError.invalidSetting(
                    name: "axis \(name)", reason: "\"parameters\" names a parameter twice")
            }
            return .scale(label: label, parameters: names)
        }
        let parts = name.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let base = String(parts[0])
        let layers = try parts.count > 1 ? parseLayers(String(parts[1]), axis: name) : nil
        switch base {
        case "numSends": return .numSends(layers: layers)
        case "waitBetweenEvents": return .waitBetweenEvents(layers: layers)
        default: break
        }
        if layers != nil {
            throw SweepError.unknownAxis(
                name: name, suggestion: closestName(to: base, among: plainNames))
        }
        switch base {
        case "seed": return .seed
        case "calibration": return .calibration
        case "backend": return .backend
        case "chips": return .chips
        case "repetitions": return .repetitions
        case "mockGain": return .mockGain
        case "mockNoise": return .mockNoise
        default:
            if parameterNames.contains(name) {
                throw SweepError.unknownAxis(name: name, suggestion: "parameter:\(name)")
            }
            let suggestion =
                closestName(to: name, among: plainNames)
                ?? closestName(to: name, among: parameterNames).map { "parameter:\($0)" }
            throw SweepError.unknownAxis(name: name, suggestion: suggestion)
        }
    }

    private static func checkParameter(_ parameter: String, axis: String) throws {
        do {
            _ = try PhysicsParameters.descriptor(named: parameter)
        } catch PhysicsError.unknownParameter(let name, let suggestion) {
            throw SweepError.unknownParameter(axis: axis, name: name, suggestion: suggestion)
        }
    }

    private static func parseLayers(_ text: String, axis: String) throws -> [Int] {
        let layers = text.split(separator: "+", omittingEmptySubsequences: false).map {
            Int($0)
        }
        guard !layers.isEmpty, layers.allSatisfy({ ($0 ?? -1) >= 0 }) else {
            throw SweepError.invalidSetting(
                name: "axis \(axis)",
                reason: "after @ come VMM layer indices joined by +, for example numSends@0+1")
        }
        let indices = layers.compactMap { $0 }
        guard Set(indices).count == indices.count else {
            throw SweepError.invalidSetting(name: "axis \(axis)", reason: "a layer is listed twice")
        }
        return indices
    }

    /// Whether the axis takes whole numbers only.
    var isInteger: Bool {
        switch self {
        case .seed, .numSends, .waitBetweenEvents, .chips, .repetitions: return true
        default: return false
        }
    }

    /// Whether the axis takes numbers (and so ranges).
    var isNumeric: Bool {
        switch self {
        case .calibration, .backend: return false
        case .parameter(let name):
            return (try? PhysicsParameters.descriptor(named: name).isFlag) == false
        default: return true
        }
    }

    /// The value in its canonical form (`"on"`/`"off"` for calibration, a switch for switch
    /// parameters given as 0/1), checked against what the axis allows.
    /// - Throws: ``SweepError/invalidValue(axis:value:reason:)`` saying what is allowed.
    func canonical(_ value: SweepValue, axis: String) throws -> SweepValue {
        func fail(_ reason: String) -> SweepError {
            .invalidValue(axis: axis, value: value.description, reason: reason)
        }
        func integer(in range: ClosedRange<Int>) throws -> SweepValue {
            guard let whole = value.integer, range.contains(whole) else {
                throw fail("an integer in \(range.lowerBound)…\(range.upperBound)")
            }
            return .number(Double(whole))
        }
        func number(
            in range: ClosedRange<Double>, excludingLower: Bool = false
        ) throws
            -> SweepValue
        {
            guard let x = value.number, x.isFinite, range.contains(x),
                !(excludingLower && x == range.lowerBound)
            else {
                let low = excludingLower ? "(\(range.lowerBound)" : "[\(range.lowerBound)"
                throw fail("a number in \(low), \(range.upperBound)]")
            }
            return value
        }
        switch self {
        case .parameter(let name):
            let descriptor = try PhysicsParameters.descriptor(named: name)
            let candidate: ParameterValue
            switch value {
            case .flag(let on) where descriptor.isFlag: candidate = .flag(on)
            case .number(let x) where descriptor.isFlag && (x == 0 || x == 1):
                candidate = .flag(x == 1)
            case .number(let x) where !descriptor.isFlag: candidate = .real(x)
            default:
                throw fail(
                    descriptor.isFlag
                        ? "\(name) is a switch: true or false"
                        : "\(name) is a number in \(descriptor.unit.isEmpty ? "1" : descriptor.unit)"
                )
            }
            var parameters = PhysicsParameters()
            do {
                try parameters.set(name, to: candidate)
            } catch {
                let unit = descriptor.unit.isEmpty ? "" : " \(descriptor.unit)"
                throw fail(
                    "\(name) must lie in \(descriptor.allowed.lowerBound)…"
                        + "\(descriptor.allowed.upperBound)\(unit)")
            }
            if case .flag(let on) = candidate { return .flag(on) }
            return value
        case .scale:
            return try number(in: 0...1e6)
        case .seed:
            return try integer(in: 0...(1 << 53))
        case .calibration:
            switch value {
            case .flag(let on): return .text(on ? "on" : "off")
            case .text("on"), .text("off"): return value
            default: throw fail("\"on\" or \"off\"")
            }
        case .backend:
            guard case .text(let name) = value, SweepBackend(rawValue: name) != nil else {
                throw fail(
                    SweepBackend.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
            }
            return value
        case .numSends: return try integer(in: ChipGeometry.numSendsRange)
        case .waitBetweenEvents: return try integer(in: ChipGeometry.waitBetweenEventsRange)
        case .chips: return try integer(in: 1...1024)
        case .repetitions: return try integer(in: 1...100_000)
        case .mockGain: return try number(in: 0...1, excludingLower: true)
        case .mockNoise: return try number(in: 0...1e6)
        }
    }
}

/// A validated axis: its name, what it varies and its values in canonical form.
public struct SweepAxis: Sendable, Equatable {
    /// The name as written (`parameter:readNoise`, `scale:noise`, `numSends@1`): the key of the
    /// axis in every point's coordinates.
    public let name: String
    /// What the axis varies.
    public let kind: AxisKind
    /// The values, in order, distinct.
    public let values: [SweepValue]

    /// Validates `spec`: a known axis, values given one way and not empty, every value allowed,
    /// no value twice.
    /// - Throws: the ``SweepError`` naming the problem.
    public init(_ spec: AxisSpec) throws {
        let kind = try AxisKind.parse(spec.axis, parameters: spec.parameters)
        var raw: [SweepValue]
        switch (spec.values, spec.range) {
        case (.some, .some):
            throw SweepError.invalidSetting(
                name: "axis \(spec.axis)", reason: "give \"values\" or \"range\", not both")
        case (nil, nil):
            throw SweepError.emptyAxis(spec.axis)
        case (.some(let values), nil):
            raw = values
        case (nil, .some(let range)):
            guard kind.isNumeric else {
                throw SweepError.badRange(
                    axis: spec.axis, reason: "this axis is not numeric; list its \"values\"")
            }
            let numbers = try range.values(axis: spec.axis)
            if kind.isInteger {
                raw = try numbers.map { x in
                    let whole = x.rounded()
                    // Linear ranges must land on integers; log ranges round to the nearest.
                    guard range.spacing == .log || abs(x - whole) <= 1e-9 * max(1, abs(x)) else {
                        throw SweepError.badRange(
                            axis: spec.axis,
                            reason:
                                "\(x) is not an integer; choose steps so that (to − from) / "
                                + "(steps − 1) is whole")
                    }
                    return .number(whole)
                }
            } else {
                raw = numbers.map { .number($0) }
            }
        }
        guard !raw.isEmpty else { throw SweepError.emptyAxis(spec.axis) }
        let values = try raw.map { try kind.canonical($0, axis: spec.axis) }
        var seen = Set<SweepValue>()
        for value in values where !seen.insert(value).inserted {
            throw SweepError.duplicateValue(axis: spec.axis, value: value.description)
        }
        self.name = spec.axis
        self.kind = kind
        self.values = values
    }
}
