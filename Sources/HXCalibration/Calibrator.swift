import Foundation
import HXIO
import HXNumerics
import HXPhysics

/// A calibration and the surveys its report is drawn from.
public struct CalibrationRun: Sendable {
    /// The result (trims, fit, reports, spreads).
    public var result: CalibrationResult
    /// The chip before calibration, after it, and after it with the digital correction (nil
    /// when the survey was skipped or there is no fit).
    public var before: ChipSurvey?
    public var after: ChipSurvey?
    public var afterCorrection: ChipSurvey?
}

/// Calibrates a chip as calix calibrates the real one, through the experimenter's interface
/// only (configuration cells, weights, input vectors, CADC reads): CADC range and synapse-driver
/// pulse offsets (both optional), CADC offsets, baselines, gains, and a final digital fit.
///
/// Calibration is deterministic: the same chip (seed, parameters, trial counter) and settings
/// give the same result, except for the measured wall time.
public struct Calibrator: Sendable {
    /// The settings of every step.
    public var settings: CalibrationSettings

    /// A calibrator with `settings`.
    public init(settings: CalibrationSettings = CalibrationSettings()) {
        self.settings = settings
    }

    /// The first trial of calibration's measurements. Calibration measures in a trial range of
    /// its own, far beyond any experiment's, so that its noise draws are never those of an
    /// experiment on the same chip and its result does not depend on the chip's trial counter.
    public static let firstTrial: UInt64 = 1 << 62

    /// Calibrates `chip`: on success the chip holds the calibrated configuration (and the
    /// weights it had before, if any; otherwise calibration's last test weights) and its trial
    /// counter is where it was. On error the chip is unchanged.
    /// - Parameters:
    ///   - progress: receives progress lines (for stderr), or nil for none.
    ///   - clock: the current time in seconds, for the wall time; a constant clock makes the
    ///     result byte-identical between runs.
    /// - Throws: ``CalibrationError/settingOutOfRange(name:value:allowed:)`` for bad settings
    ///   (before touching the chip), or a chip or fit failure.
    public func calibrate(
        _ chip: inout Chip, progress: (@Sendable (String) -> Void)? = nil,
        clock: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime }
    ) throws -> CalibrationRun {
        try settings.validate(for: chip.parameters)
        let started = clock()
        var work = chip
        let firstTrial = Self.firstTrial
        work.setNextTrial(firstTrial)
        let savedWeights = (0..<ChipGeometry.hemispheres).map {
            chip.writtenWeights(hemisphere: $0)
        }
        let say: @Sendable (String) -> Void = progress ?? { _ in }
        var probe = ChipProbe(
            step: "survey",
            progress: ProgressReporter(
                label: "calibrate", total: settings.plannedBatches, interval: 1,
                enabled: progress != nil, clock: clock, write: say))
        let steps = settings.steps.filter { $0.isEnabled }
        var state = CalibrationState()
        var timings: [StepTiming] = []
        for (number, step) in steps.enumerated() {
            let start = (time: clock(), batches: probe.batches)
            probe.step = step.name
            say("calibrate: step \(number + 1)/\(steps.count): \(step.name)\n")
            try step.perform(on: &work, probe: &probe, state: &state)
            if number == steps.count - 1 {
                // The chip gets its weights back within the last step's time.
                for (h, weights) in savedWeights.enumerated() {
                    guard let weights else { continue }
                    try probe.chip { try work.writeWeights(weights.map { Int($0) }, hemisphere: h) }
                }
            }
            timings.append(
                StepTiming(
                    step: step.name, seconds: max(0, clock() - start.time),
                    batches: probe.batches - start.batches))
        }
        probe.progress?.finish()

        let targets = try state.targets()
        func spreads(_ survey: ChipSurvey?) -> SurveySpreads? {
            survey?.spreads(
                amplitude: targets.amplitude, cadcTarget: targets.cadcReference,
                baselineTarget: targets.baseline)
        }
        let result = try CalibrationResult(
            format: CalibrationResult.fileFormat, version: CalibrationResult.fileVersion,
            chipSeed: work.seed, parameterHash: CalibrationResult.parameterHash(work.parameters),
            firstTrial: firstTrial, environment: work.environment,
            configuration: work.configuration,
            correction: state.correction, targets: targets, settings: settings,
            steps: state.reports, before: spreads(state.before), after: spreads(state.after),
            afterCorrection: spreads(state.afterCorrection), timings: timings,
            wallTime: max(0, clock() - started), checksum: ""
        ).sealed()
        work.setNextTrial(chip.nextTrial)
        chip = work
        return CalibrationRun(
            result: result, before: state.before, after: state.after,
            afterCorrection: state.afterCorrection)
    }
}
