import HXNumerics
import HXPhysics

/// The per-column state of a chip as the report shows it, measured with fresh trials: the
/// CADC reads at the offset step's reference, the baseline codes, the excitatory and
/// inhibitory amplitudes of the gain step's reference pattern, and the outputs at zero input
/// (no events) and at zero net input (the digital fit's level 0: every input sends an event,
/// Σ a·w = 0). Arrays are flat over the chip's columns (hemisphere · 256 + column), in LSB.
public struct ChipSurvey: Sendable, Equatable {
    /// Mean CADC code of each channel at the reference voltage.
    public var cadcReads: [Double]
    /// Mean baseline code of each column.
    public var baselines: [Double]
    /// Mean output of each column with the positive reference pattern.
    public var excitatoryAmplitudes: [Double]
    /// Magnitude of the mean output of each column with the negative reference pattern.
    public var inhibitoryAmplitudes: [Double]
    /// Mean output of each column at zero net input (events present).
    public var zeroNetOutputs: [Double]
    /// Mean output of each column at zero input (no events).
    public var zeroInputOutputs: [Double]

    /// Executions (and CADC reads) one survey takes.
    static let batches = 4

    /// Spreads of every quantity; amplitudes in percent of their mean, offsets in percent of
    /// `amplitude` (the gain target), CADC reads and baselines around `cadcTarget` and
    /// `baselineTarget` when given.
    public func spreads(
        amplitude: Double, cadcTarget: Double? = nil, baselineTarget: Double? = nil
    ) -> SurveySpreads {
        SurveySpreads(
            cadcRead: Spread(cadcReads, center: cadcTarget, reference: amplitude),
            baseline: Spread(baselines, center: baselineTarget, reference: amplitude),
            excitatoryAmplitude: Spread(excitatoryAmplitudes),
            inhibitoryAmplitude: Spread(inhibitoryAmplitudes),
            zeroNetOutput: Spread(zeroNetOutputs, reference: amplitude),
            zeroInputOutput: Spread(zeroInputOutputs, reference: amplitude))
    }

    /// Measures the chip with `trials` vectors or reads per quantity; with a `correction`,
    /// also returns the output quantities after the digital correction of every output.
    static func measure(
        _ chip: inout Chip, settings: CalibrationSettings, trials: Int,
        correction: DigitalCorrection?, probe: inout ChipProbe
    ) throws -> (raw: ChipSurvey, corrected: ChipSurvey?) {
        let cell = AnalogCell.value(
            for: settings.cadcOffsets.referenceVoltage,
            fullScale: chip.parameters.cellVoltageFullScale)
        let cadc = try probe.meanCADC(cell: cell, reads: trials, on: &chip)
        let gain = settings.gain
        let fit = settings.digitalFit
        // Positive reference and zero input in one batch, with the baseline reads.
        let rows = gain.rows
        var both = [UInt8](repeating: UInt8(gain.activation), count: rows)
        both += [UInt8](repeating: 0, count: rows)
        try probe.write(gain.weights(sign: 1), to: &chip)
        let positive = try probe.run(
            Matrix(rows: 2, columns: rows, storage: both), trials: trials, on: &chip,
            rawReads: true)
        try probe.write(gain.weights(sign: -1), to: &chip)
        let negative = try probe.run(gain.pattern, trials: trials, on: &chip).outputs
        try probe.write(fit.weights, to: &chip)
        // The sweep's level 0: every input at the base activation, Σ a·w = 0.
        let zeroNetPattern = Matrix(
            rows: 1, columns: ChipGeometry.signedInputsPerHemisphere,
            repeating: UInt8(fit.baseActivation))
        let zeroNet = try probe.run(zeroNetPattern, trials: trials, on: &chip).outputs
        let baselines = ChipProbe.means(
            positive.baselines.map { $0.map { Double($0) } }, patterns: 2, trials: trials)

        func survey(_ transform: (Matrix<Int8>, Int) throws -> Matrix<Int8>) throws -> ChipSurvey {
            func means(_ outputs: [Matrix<Int8>], patterns: Int) throws -> [[Double]] {
                let changed = try outputs.enumerated().map { try transform($1, $0) }
                return ChipProbe.means(
                    changed.map { $0.map { Double($0) } }, patterns: patterns, trials: trials)
            }
            let first = try means(positive.outputs, patterns: 2)
            return ChipSurvey(
                cadcReads: cadc,
                baselines: zip(baselines[0], baselines[1]).map { 0.5 * ($0 + $1) },
                excitatoryAmplitudes: first[0],
                inhibitoryAmplitudes: try means(negative, patterns: 1)[0].map { -$0 },
                zeroNetOutputs: try means(zeroNet, patterns: 1)[0],
                zeroInputOutputs: first[1])
        }
        let raw = try survey { matrix, _ in matrix }
        guard let correction else { return (raw, nil) }
        // Dithered rounding, as a user who averages corrected codes should use it.
        let seeds = SeedSequence(chip.seed)
        let corrected = try survey { matrix, h in
            try correction.correct(
                matrix, hemisphere: h, columns: 0..<ChipProbe.columns,
                ditherSeed: seeds.seed(SeedSequence.label("survey dither"), UInt64(h)))
        }
        return (raw, corrected)
    }
}

/// The spreads of a ``ChipSurvey``'s quantities.
public struct SurveySpreads: Sendable, Equatable, Codable {
    /// CADC channel reads at the reference voltage (LSB).
    public var cadcRead: Spread
    /// Baseline codes at zero input (LSB).
    public var baseline: Spread
    /// Excitatory amplitude of the reference pattern (LSB; percent of its mean).
    public var excitatoryAmplitude: Spread
    /// Inhibitory amplitude of the reference pattern (LSB; percent of its mean).
    public var inhibitoryAmplitude: Spread
    /// Output at zero net input with every input active (LSB; percent of the gain target).
    public var zeroNetOutput: Spread
    /// Output at zero input, no events (LSB; percent of the gain target).
    public var zeroInputOutput: Spread
}

/// The survey of the chip before the trims or after them (with and without the digital
/// correction), for the report; it trims nothing. Runs when ``CalibrationSettings/surveyTrials``
/// is positive.
struct SurveyStep: CalibrationStep {
    /// Before the first trim, or after the last step.
    enum Phase { case before, after }

    /// When the survey runs.
    var phase: Phase
    /// The calibration's settings: the survey measures with the steps' reference patterns.
    var settings: CalibrationSettings

    var name: String { phase == .before ? "survey before" : "survey after" }

    var isEnabled: Bool { settings.surveyTrials > 0 }

    var plannedBatches: Int { isEnabled ? ChipSurvey.batches : 0 }

    func validate(for parameters: PhysicsParameters) throws {
        try Settings.check("surveyTrials", settings.surveyTrials, 0...65536)
    }

    func perform(on chip: inout Chip, probe: inout ChipProbe, state: inout CalibrationState) throws
    {
        switch phase {
        case .before:
            state.before = try ChipSurvey.measure(
                &chip, settings: settings, trials: settings.surveyTrials, correction: nil,
                probe: &probe
            ).raw
        case .after:
            (state.after, state.afterCorrection) = try ChipSurvey.measure(
                &chip, settings: settings, trials: settings.surveyTrials,
                correction: state.correction, probe: &probe)
        }
    }
}
