import HXNumerics
import HXPhysics

/// Every setting of a calibration: one value per step, in the order the steps run (calix's
/// order: CADC range → synapse drivers → CADC offsets → neurons), plus the survey that measures the chip before
/// and after for the report.
public struct CalibrationSettings: Sendable, Equatable, Codable {
    /// Step 0 (optional): the CADC's global range.
    public var cadcRange: CADCRangeStep
    /// Step 0b (optional): the synapse drivers' pulse offsets.
    public var synapseDrivers: SynapseDriverStep
    /// Step 1: per-channel CADC offsets.
    public var cadcOffsets: CADCOffsetStep
    /// Step 2: per-column reset potential (baseline).
    public var baseline: BaselineStep
    /// Step 3: per-column excitatory and inhibitory gain.
    public var gain: GainStep
    /// Step 4: the per-column digital fit.
    public var digitalFit: DigitalFitStep
    /// Vectors (and CADC reads) per quantity of the before/after survey; 0 skips the survey.
    public var surveyTrials: Int

    /// The defaults of each step.
    public init(
        cadcRange: CADCRangeStep = CADCRangeStep(),
        synapseDrivers: SynapseDriverStep = SynapseDriverStep(),
        cadcOffsets: CADCOffsetStep = CADCOffsetStep(),
        baseline: BaselineStep = BaselineStep(), gain: GainStep = GainStep(),
        digitalFit: DigitalFitStep = DigitalFitStep(), surveyTrials: Int = 128
    ) {
        self.cadcRange = cadcRange
        self.synapseDrivers = synapseDrivers
        self.cadcOffsets = cadcOffsets
        self.baseline = baseline
        self.gain = gain
        self.digitalFit = digitalFit
        self.surveyTrials = surveyTrials
    }

    /// Fewer trials everywhere (a quarter to a half of the defaults): for tests and quick
    /// looks. The remaining spreads are up to twice the defaults'.
    public static var quick: CalibrationSettings {
        var settings = CalibrationSettings()
        settings.cadcRange.reads = 4
        settings.synapseDrivers.trials = 8
        settings.cadcOffsets.reads = 32
        settings.baseline.trials = 16
        settings.gain.trials = 64
        settings.digitalFit.trials = 32
        settings.surveyTrials = 32
        return settings
    }

    /// The steps in the order they run, the surveys first and last; a calibration runs those
    /// that are enabled.
    var steps: [any CalibrationStep] {
        [
            SurveyStep(phase: .before, settings: self), cadcRange, synapseDrivers, cadcOffsets,
            baseline, gain, digitalFit, SurveyStep(phase: .after, settings: self),
        ]
    }

    /// Checks every step's settings for a chip with `parameters`.
    /// - Throws: ``CalibrationError/settingOutOfRange(name:value:allowed:)`` naming the first bad
    ///   setting.
    public func validate(for parameters: PhysicsParameters) throws {
        for step in steps { try step.validate(for: parameters) }
    }

    /// Measurements (batches and CADC reads) a calibration takes, for progress.
    var plannedBatches: Int {
        steps.filter { $0.isEnabled }.reduce(0) { $0 + $1.plannedBatches }
    }
}

/// Range checks of settings, with errors that name the setting.
enum Settings {
    /// `value` must lie in `allowed` (a NaN never does); the error shows it as `shown`, and the
    /// range followed by `note`.
    static func check<T: Comparable>(
        _ name: String, _ value: T, _ allowed: ClosedRange<T>, shown: String? = nil,
        note: String = ""
    ) throws {
        guard allowed.contains(value) else {
            throw CalibrationError.settingOutOfRange(
                name: name, value: shown ?? "\(value)",
                allowed: ValueText.range(allowed) + note)
        }
    }

    /// A fixed target must lie in `allowed` (LSB); a median target is checked once resolved.
    static func check(
        _ name: String, _ target: CalibrationTarget, _ allowed: ClosedRange<Double>
    ) throws {
        if case .value(let value) = target { try check(name, value, allowed) }
    }

    /// A search range: two or more values inside `allowed`.
    static func check(
        _ name: String, _ range: ClosedRange<Int>, _ allowed: ClosedRange<Int>
    ) throws {
        guard range.lowerBound >= allowed.lowerBound, range.upperBound <= allowed.upperBound,
            range.lowerBound < range.upperBound
        else {
            throw CalibrationError.settingOutOfRange(
                name: name, value: ValueText.range(range),
                allowed: "two or more values inside \(ValueText.range(allowed))")
        }
    }

    /// A reference voltage must be one a voltage cell can make: 0 V to the cells' full scale.
    static func checkVoltage(_ name: String, _ voltage: Double, fullScale: Double) throws {
        try check(name, voltage, 0...fullScale, shown: "\(voltage) V", note: " V (a voltage cell)")
    }

    /// A target resolved from measurements (a median) must lie in `allowed`.
    static func checkResolved(
        _ name: String, _ value: Double, _ allowed: ClosedRange<Double>
    ) throws {
        try check(name, value, allowed, shown: "median \(value)", note: " (set a fixed target)")
    }
}
