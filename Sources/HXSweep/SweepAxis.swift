import Foundation
import HXNetwork
import HXNumerics
import HXPhysics

/// Where a point's network runs.
public enum SweepBackend: String, Sendable, Codable, CaseIterable {
    /// The ideal linear float model (no randomness: repetitions agree).
    case software
    /// hxtorch's statistical mock (gain and Gaussian noise, `mockGain`, `mockNoise`).
    case mock
    /// Simulated HICANN-X chips (HXPhysics) through ``PhysicsExecutor``: HXNetwork's
    /// `Backend.hardware`. Specifications may also write the earlier name `physics`.
    case hardware

    /// Earlier names still read in specifications, and the back end each names.
    static let formerNames: [String: SweepBackend] = ["physics": .hardware]
}

/// What values an axis takes and their canonical form.
enum AxisValues: Sendable {
    /// Whole numbers in the range.
    case integers(ClosedRange<Int>)
    /// Finite numbers in the range; the lower end itself excluded when `excludingLower`.
    case numbers(ClosedRange<Double>, excludingLower: Bool)
    /// Words; `formerNames` maps earlier spellings to words, and `switchWords`, when given, are
    /// the words `true` and `false` stand for.
    case words([String], formerNames: [String: String], switchWords: (on: String, off: String)?)

    /// Whether the axis takes numbers, and so ranges.
    var isNumeric: Bool {
        if case .words = self { return false }
        return true
    }

    /// Whether the axis takes whole numbers only.
    var isInteger: Bool {
        if case .integers = self { return true }
        return false
    }

    /// `value` in canonical form, or the reason it is not allowed.
    func canonical(_ value: SweepValue) -> Result<SweepValue, Reason> {
        switch self {
        case .integers(let range):
            guard let whole = value.integer, range.contains(whole) else {
                return .failure(Reason("an integer in \(ValueText.range(range))"))
            }
            return .success(.number(Double(whole)))
        case .numbers(let range, let excludingLower):
            guard let x = value.number, x.isFinite, range.contains(x),
                !(excludingLower && x == range.lowerBound)
            else {
                let low = excludingLower ? "(\(range.lowerBound)" : "[\(range.lowerBound)"
                return .failure(Reason("a number in \(low), \(range.upperBound)]"))
            }
            return .success(value)
        case .words(let words, let formerNames, let switchWords):
            if case .flag(let on) = value, let switchWords {
                return .success(.text(on ? switchWords.on : switchWords.off))
            }
            if case .text(let word) = value {
                if words.contains(word) { return .success(value) }
                if let current = formerNames[word] { return .success(.text(current)) }
            }
            let quoted = words.map { "\"\($0)\"" }
            return .failure(
                Reason(
                    quoted.count == 2
                        ? quoted.joined(separator: " or ") : quoted.joined(separator: ", ")))
        }
    }

    /// Why a value is not allowed: what the axis takes.
    struct Reason: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }
}

/// An axis that sets one field of a point's settings: its name, the values it takes and how it
/// applies. ``all`` is the table of them; the plan, the settings of a point, the conflict and
/// layer checks and the error messages all read it, so a new axis is one entry there (and the
/// field it sets in ``PointSettings``).
public struct SettingAxis: Sendable, Hashable {
    /// The name in specifications (before any `@i+j`).
    public let name: String
    /// The values it takes.
    let values: AxisValues
    /// Whether `name@i+j` restricts it to VMM layers i and j (0-based, in model order).
    let perLayer: Bool
    /// Sets the field of `settings`; `layers` is the `@` list of a per-layer axis.
    let apply:
        @Sendable (_ value: SweepValue, _ layers: [Int]?, _ settings: inout PointSettings) -> Void

    init(
        _ name: String, _ values: AxisValues, perLayer: Bool = false,
        apply: @escaping @Sendable (SweepValue, [Int]?, inout PointSettings) -> Void
    ) {
        self.name = name
        self.values = values
        self.perLayer = perLayer
        self.apply = apply
    }

    public static func == (a: SettingAxis, b: SettingAxis) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    /// The seed of the first chip; chip i has seed `seed + i` [integer].
    static let seed = SettingAxis("seed", .integers(0...(1 << 53))) { value, _, settings in
        settings.seed = UInt64(value.number ?? 0)
    }
    /// Calibration `"on"` or `"off"` (or `true`/`false`).
    static let calibration = SettingAxis(
        "calibration", .words(["on", "off"], formerNames: [:], switchWords: ("on", "off"))
    ) { value, _, settings in
        settings.calibration = value == .text("on")
    }
    /// The back end: `"software"`, `"mock"` or `"hardware"` (earlier `"physics"`).
    static let backend = SettingAxis(
        "backend",
        .words(
            SweepBackend.allCases.map(\.rawValue),
            formerNames: SweepBackend.formerNames.mapValues(\.rawValue), switchWords: nil)
    ) { value, _, settings in
        if case .text(let name) = value, let backend = SweepBackend(rawValue: name) {
            settings.backend = backend
        }
    }
    /// Sends per vector of every VMM layer, or with `@i+j` of layers i and j.
    static let numSends = SettingAxis(
        "numSends", .integers(ChipGeometry.numSendsRange), perLayer: true
    ) { value, layers, settings in
        settings.numSends.set(Int(value.number ?? 0), layers: layers)
    }
    /// FPGA cycles between events of every VMM layer, or with `@i+j` of layers i and j.
    static let waitBetweenEvents = SettingAxis(
        "waitBetweenEvents", .integers(ChipGeometry.waitBetweenEventsRange), perLayer: true
    ) { value, layers, settings in
        settings.waitBetweenEvents.set(Int(value.number ?? 0), layers: layers)
    }
    /// The number of chips the model is spread over [integer].
    static let chips = SettingAxis("chips", .integers(PhysicsExecutor.chipCountRange)) {
        value, _, settings in
        settings.chips = Int(value.number ?? 1)
    }
    /// Evaluations per point [integer]; in `base` it is the top-level `repetitions` instead.
    static let repetitions = SettingAxis("repetitions", .integers(1...100_000)) {
        value, _, settings in
        settings.repetitions = Int(value.number ?? 1)
    }
    /// The mock back end's gain [LSB per chip unit² per send].
    static let mockGain = SettingAxis("mockGain", .numbers(0...1, excludingLower: true)) {
        value, _, settings in
        settings.mock.gain = value.number ?? 0
    }
    /// The mock back end's noise [LSB].
    static let mockNoise = SettingAxis("mockNoise", .numbers(0...1e6, excludingLower: false)) {
        value, _, settings in
        settings.mock.noiseStd = value.number ?? 0
    }

    /// The chips' age when the point runs, seconds since power-up (slow drift) [s].
    static let age = SettingAxis("age", .numbers(ChipEnvironment.ageRange, excludingLower: false)) {
        value, _, settings in
        settings.age = value.number ?? 0
    }
    /// The chips' temperature when the point runs [K].
    static let temperature = SettingAxis(
        "temperature", .numbers(ChipEnvironment.temperatureRange, excludingLower: false)
    ) { value, _, settings in
        settings.temperature = value.number
    }
    /// With calibration on, `"on"` calibrates at the point's age and temperature, `"off"` at
    /// power-up and nominal temperature (or `true`/`false`).
    static let recalibration = SettingAxis(
        "recalibration", .words(["on", "off"], formerNames: [:], switchWords: ("on", "off"))
    ) { value, _, settings in
        settings.recalibration = value == .text("on")
    }

    /// Every setting axis, in the order help and errors list them.
    public static let all: [SettingAxis] = [
        seed, calibration, backend, numSends, waitBetweenEvents, chips, repetitions, mockGain,
        mockNoise, age, temperature, recalibration,
    ]

    /// How errors list the axes.
    static var summary: String {
        (["parameter:<name>", "scale:<label>"] + all.map(\.name)).joined(separator: ", ")
    }
}

/// What an axis varies. See ``AxisSpec`` for the spelling of each kind in a specification.
public enum AxisKind: Sendable, Hashable {
    /// One physics parameter, by its name in ``PhysicsParameters/descriptors``.
    case parameter(String)
    /// A factor on the base values of `parameters`.
    case scale(label: String, parameters: [String])
    /// A setting of ``SettingAxis/all``; for a per-layer one, of the VMM layers `layers`
    /// (0-based), or of all when nil.
    case setting(SettingAxis, layers: [Int]?)

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
            return try parseScale(name, parameters: parameters, parameterNames: parameterNames)
        }
        let parts = name.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let base = String(parts[0])
        let layers = try parts.count > 1 ? parseLayers(String(parts[1]), axis: name) : nil
        let plainNames = SettingAxis.all.map(\.name)
        if let axis = SettingAxis.all.first(where: { $0.name == base }),
            axis.perLayer || layers == nil
        {
            return .setting(axis, layers: layers)
        }
        if layers != nil {
            throw SweepError.unknownAxis(
                name: name, suggestion: closestName(to: base, among: plainNames))
        }
        if parameterNames.contains(name) {
            throw SweepError.unknownAxis(name: name, suggestion: "parameter:\(name)")
        }
        let suggestion =
            closestName(to: name, among: plainNames)
            ?? closestName(to: name, among: parameterNames).map { "parameter:\($0)" }
        throw SweepError.unknownAxis(name: name, suggestion: suggestion)
    }

    /// A `scale:<label>` axis: the parameters named in `parameters`, or else the group
    /// `<label>`, or else the one parameter `<label>`.
    private static func parseScale(
        _ name: String, parameters: [String]?, parameterNames: [String]
    ) throws -> AxisKind {
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
        if case .setting(let axis, _) = self { return axis.values.isInteger }
        return false
    }

    /// Whether the axis takes numbers (and so ranges).
    var isNumeric: Bool {
        switch self {
        case .setting(let axis, _): return axis.values.isNumeric
        case .parameter(let name):
            return (try? PhysicsParameters.descriptor(named: name).isFlag) == false
        case .scale: return true
        }
    }

    /// The value in its canonical form (`"on"`/`"off"` for calibration, a switch for switch
    /// parameters given as 0/1, the current name of a back end), checked against what the axis
    /// allows.
    /// - Throws: ``SweepError/invalidValue(axis:value:reason:)`` saying what is allowed.
    func canonical(_ value: SweepValue, axis: String) throws -> SweepValue {
        func fail(_ reason: String) -> SweepError {
            .invalidValue(axis: axis, value: value.description, reason: reason)
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
                throw fail("\(name) must lie in \(ValueText.range(descriptor.allowed))\(unit)")
            }
            if case .flag(let on) = candidate { return .flag(on) }
            return value
        case .scale:
            return try AxisValues.numbers(0...1e6, excludingLower: false).canonical(value).mapError
            {
                fail($0.text)
            }.get()
        case .setting(let setting, _):
            return try setting.values.canonical(value).mapError { fail($0.text) }.get()
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
