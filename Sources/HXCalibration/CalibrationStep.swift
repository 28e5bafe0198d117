import HXPhysics

/// One step of a calibration: a trim (or a survey) that runs on the chip through the
/// experimenter's interface and leaves what later steps and the result need in the
/// ``CalibrationState``. ``CalibrationSettings/steps`` lists the steps in the order they run;
/// ``Calibrator/calibrate(_:progress:clock:)`` runs that list, so the step count, progress,
/// validation and timings follow from it. A new step is a type conforming to this protocol
/// (its settings are the type's stored properties) and its place in that list.
protocol CalibrationStep: Sendable {
    /// The step's name in progress lines, timings and errors, for example `baseline`.
    var name: String { get }
    /// Whether the step runs; optional steps can be switched off.
    var isEnabled: Bool { get }
    /// Measurements (batches of vectors or CADC reads) the step takes, for progress.
    var plannedBatches: Int { get }
    /// Checks the step's settings for a chip with `parameters`, before anything runs.
    /// - Throws: ``CalibrationError/settingOutOfRange(name:value:allowed:)``.
    func validate(for parameters: PhysicsParameters) throws
    /// Runs the step on `chip` and records its reports, targets or correction in `state`.
    func perform(on chip: inout Chip, probe: inout ChipProbe, state: inout CalibrationState) throws
}

extension CalibrationStep {
    /// Steps run unless they say otherwise.
    var isEnabled: Bool { true }
}

/// What the steps of one calibration have found so far: every step's reports, the targets the
/// trims resolved, the digital correction and the surveys before and after.
struct CalibrationState {
    /// The reports, in the order the steps ran.
    var reports: [StepReport] = []
    /// The CADC offset step's resolved target, in LSB.
    var cadcReference: Double?
    /// The baseline step's resolved target, in LSB.
    var baseline: Double?
    /// The gain step's resolved amplitude target (LSB) and its reference pattern's Σ a·w.
    var amplitude: (target: Double, referenceSum: Int)?
    /// The digital fit's correction.
    var correction: DigitalCorrection?
    /// The chip surveyed before the trims, after them, and after them with the correction.
    var before: ChipSurvey?
    var after: ChipSurvey?
    var afterCorrection: ChipSurvey?

    /// `value`, which step `source` finds, for step `step`.
    /// - Throws: ``CalibrationError/settingOutOfRange(name:value:allowed:)`` when the steps are
    ///   listed so that `source` has not run before `step`.
    func require<T>(_ value: T?, from source: String, for step: String) throws -> T {
        guard let value else {
            throw CalibrationError.settingOutOfRange(
                name: "steps", value: "\(step) before \(source)",
                allowed: "\(step) after the \(source) step")
        }
        return value
    }

    /// The targets of the result.
    func targets() throws -> CalibrationTargets {
        let gain = try require(amplitude, from: "gain", for: "the result")
        return CalibrationTargets(
            cadcReference: try require(cadcReference, from: "CADC offsets", for: "the result"),
            baseline: try require(baseline, from: "baseline", for: "the result"),
            amplitude: gain.target,
            lsbPerInputWeight: gain.target / Double(gain.referenceSum))
    }
}
