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
        let steps =
            3 + (settings.cadcRange.isEnabled ? 1 : 0) + (settings.digitalFit.isEnabled ? 1 : 0)
            + (settings.synapseDrivers.isEnabled ? 1 : 0)
            + (settings.surveyTrials > 0 ? 2 : 0)
        var stepNumber = 0
        var timings: [StepTiming] = []
        var stepStart = (time: started, batches: 0)
        // Closes the running step's timing.
        func end() {
            guard stepNumber > 0 else { return }
            timings.append(
                StepTiming(
                    step: probe.step, seconds: max(0, clock() - stepStart.time),
                    batches: probe.batches - stepStart.batches))
        }
        func begin(_ name: String) {
            end()
            stepNumber += 1
            probe.step = name
            stepStart = (clock(), probe.batches)
            say("calibrate: step \(stepNumber)/\(steps): \(name)\n")
        }

        var before: ChipSurvey?
        if settings.surveyTrials > 0 {
            begin("survey before")
            before = try ChipSurvey.measure(
                &work, settings: settings, trials: settings.surveyTrials, correction: nil,
                probe: &probe
            ).raw
        }
        var reports: [StepReport] = []
        if settings.cadcRange.isEnabled {
            begin("CADC range")
            reports += try settings.cadcRange.run(on: &work, probe: &probe)
        }
        if settings.synapseDrivers.isEnabled {
            begin("synapse drivers")
            reports.append(try settings.synapseDrivers.run(on: &work, probe: &probe))
        }
        begin("CADC offsets")
        let offsets = try settings.cadcOffsets.run(on: &work, probe: &probe)
        reports.append(offsets)
        begin("baseline")
        let baseline = try settings.baseline.run(on: &work, probe: &probe)
        reports.append(baseline)
        begin("gain")
        let gain = try settings.gain.run(on: &work, probe: &probe)
        reports += gain.reports
        var correction: DigitalCorrection?
        if settings.digitalFit.isEnabled {
            begin("digital fit")
            let fit = try settings.digitalFit.run(
                on: &work, probe: &probe, targetAmplitude: gain.target,
                referenceSum: settings.gain.referenceSum)
            correction = fit.correction
            reports += fit.reports
        }
        var after: ChipSurvey?
        var afterCorrection: ChipSurvey?
        if settings.surveyTrials > 0 {
            begin("survey after")
            (after, afterCorrection) = try ChipSurvey.measure(
                &work, settings: settings, trials: settings.surveyTrials, correction: correction,
                probe: &probe)
        }
        for (h, weights) in savedWeights.enumerated() {
            guard let weights else { continue }
            try probe.chip { try work.writeWeights(weights.map { Int($0) }, hemisphere: h) }
        }
        end()
        probe.progress?.finish()

        let targets = CalibrationTargets(
            cadcReference: offsets.target, baseline: baseline.target, amplitude: gain.target,
            lsbPerInputWeight: gain.target / Double(settings.gain.referenceSum))
        func spreads(_ survey: ChipSurvey?) -> SurveySpreads? {
            survey?.spreads(
                amplitude: gain.target, cadcTarget: offsets.target, baselineTarget: baseline.target)
        }
        let result = try CalibrationResult(
            format: CalibrationResult.fileFormat, version: CalibrationResult.fileVersion,
            chipSeed: work.seed, parameterHash: CalibrationResult.parameterHash(work.parameters),
            firstTrial: firstTrial, configuration: work.configuration, correction: correction,
            targets: targets, settings: settings, steps: reports, before: spreads(before),
            after: spreads(after), afterCorrection: spreads(afterCorrection), timings: timings,
            wallTime: max(0, clock() - started), checksum: ""
        ).sealed()
        work.setNextTrial(chip.nextTrial)
        chip = work
        return CalibrationRun(
            result: result, before: before, after: after, afterCorrection: afterCorrection)
    }
}
