import HXNumerics
import HXPhysics

/// Step 4: the final digital fit. A sweep of input levels in the linear range drives every
/// column through mixed excitatory and inhibitory events: even inputs carry weight `+weight`,
/// odd inputs `−weight`; at level d the even inputs are at `baseActivation + max(d, 0)` and the
/// odd ones at `baseActivation + max(−d, 0)`, so Σ a·w = 64 · weight · d while every input
/// sends an event at every level (level 0 is zero net input with all events present). Per
/// column, the mean outputs over `trials` are fitted against the ideal outputs by a least-squares
/// line (GSL `gsl_fit_linear`): its intercept is the residual offset (LSB), its slope the
/// residual gain.
public struct DigitalFitStep: Sendable, Equatable, Codable {
    /// Whether the step runs (without it the result has no digital correction).
    public var isEnabled: Bool
    /// The levels d of the sweep (at least two distinct).
    public var levels: [Int]
    /// The activation every input has at level 0, 1…31.
    public var baseActivation: Int
    /// The weight magnitude, 1…63.
    public var weight: Int
    /// Vectors per level.
    public var trials: Int
    /// Columns whose fit leaves a larger root-mean-square residual (LSB) are reported as out of
    /// tolerance (not linear enough for the correction).
    public var residualTolerance: Double

    /// Nine levels d = −12…12 in steps of 3 around activation 4 with weights ±32: ideal outputs
    /// within about ±47 LSB at the default gain target, inside the linear range (the output
    /// stage's roll-off begins near ±65 LSB, earlier for some columns, and would bend the line).
    public init(
        isEnabled: Bool = true, levels: [Int] = [-12, -9, -6, -3, 0, 3, 6, 9, 12],
        baseActivation: Int = 4, weight: Int = 32, trials: Int = 128,
        residualTolerance: Double = 1.5
    ) {
        self.isEnabled = isEnabled
        self.levels = levels
        self.baseActivation = baseActivation
        self.weight = weight
        self.trials = trials
        self.residualTolerance = residualTolerance
    }

    /// Measurements the step takes.
    var plannedBatches: Int { isEnabled ? 1 : 0 }

    /// Checks the settings.
    public func validate() throws {
        guard Set(levels).count >= 2 else {
            throw CalibrationError.settingOutOfRange(
                name: "digitalFit.levels", value: "\(levels)", allowed: "at least two levels")
        }
        try Settings.check("digitalFit.baseActivation", baseActivation, 1...ChipGeometry.maxInput)
        let largest = levels.map(abs).max() ?? 0
        guard baseActivation + largest <= ChipGeometry.maxInput else {
            throw CalibrationError.settingOutOfRange(
                name: "digitalFit.levels", value: "\(levels)",
                allowed: "baseActivation + |level| ≤ 31 (largest level \(31 - baseActivation))")
        }
        try Settings.check("digitalFit.weight", weight, 1...ChipGeometry.maxWeight)
        try Settings.check("digitalFit.trials", trials, 2...65536)
        try Settings.check("digitalFit.residualTolerance", residualTolerance, 0.01...50)
    }

    /// The input vectors of the sweep, one row per level.
    /// - Throws: ``CalibrationError/settingOutOfRange(name:value:allowed:)`` when a level takes
    ///   an input outside 0…31 (settings that ``validate()`` refuses).
    func patterns() throws -> Matrix<UInt8> {
        let rows = ChipGeometry.signedInputsPerHemisphere
        var storage = [UInt8]()
        storage.reserveCapacity(levels.count * rows)
        for d in levels {
            for i in 0..<rows {
                let activation = baseActivation + max(i % 2 == 0 ? d : -d, 0)
                guard (0...ChipGeometry.maxInput).contains(activation) else {
                    throw CalibrationError.settingOutOfRange(
                        name: "digitalFit.levels", value: "\(levels)",
                        allowed: "baseActivation + |level| within 0…\(ChipGeometry.maxInput)")
                }
                storage.append(UInt8(activation))
            }
        }
        return try Matrix(rows: levels.count, columns: rows, storage: storage)
    }

    /// The sweep's weights: +weight on even inputs, −weight on odd ones.
    var weights: Matrix<Int> {
        let rows = ChipGeometry.signedInputsPerHemisphere
        var matrix = Matrix(rows: rows, columns: ChipProbe.columns, repeating: weight)
        matrix.withUnsafeMutableStorage { storage in
            for i in stride(from: 1, to: rows, by: 2) {
                for j in 0..<ChipProbe.columns { storage[i * ChipProbe.columns + j] = -weight }
            }
        }
        return matrix
    }

    /// Σ a·w of level `d`.
    func inputWeightSum(_ d: Int) -> Int {
        ChipGeometry.signedInputsPerHemisphere / 2 * weight * d
    }

    /// Runs the sweep and fits every column. The ideal output is `targetAmplitude` per
    /// `referenceSum` of Σ a·w (the gain step's target and pattern). Returns the correction and
    /// the reports of offset and gain: before = the fitted residuals, after = the residuals
    /// refitted to the corrected outputs of the same sweep.
    func run(
        on chip: inout Chip, probe: inout ChipProbe, targetAmplitude: Double, referenceSum: Int
    ) throws -> (correction: DigitalCorrection, reports: [StepReport]) {
        let lsbPerInputWeight = targetAmplitude / Double(referenceSum)
        let start = probe.batches
        try probe.write(weights, to: &chip)
        let outputs = try probe.run(patterns(), trials: trials, on: &chip).outputs
        let ideal = levels.map { Double(inputWeightSum($0)) * lsbPerInputWeight }
        let fits = try Self.fit(outputs, ideal: ideal, trials: trials)
        let columns = ChipProbe.columns
        func perHemisphere(_ values: [Double]) -> [[Double]] {
            (0..<ChipProbe.hemispheres).map { Array(values[($0 * columns)..<(($0 + 1) * columns)]) }
        }
        // A column whose line leaves the correction's valid range (a dead or wild column) is
        // clamped into it and reported.
        let gainRange = DigitalCorrection.gainRange
        let clamped = fits.indices.filter {
            !gainRange.contains(fits[$0].slope) || abs(fits[$0].intercept) > 128
        }
        let correction = DigitalCorrection(
            offsets: perHemisphere(fits.map { min(max($0.intercept, -128), 128) }),
            gains: perHemisphere(
                fits.map { min(max($0.slope, gainRange.lowerBound), gainRange.upperBound) }),
            residuals: perHemisphere(fits.map(\.residual)), lsbPerInputWeight: lsbPerInputWeight)
        let seeds = SeedSequence(chip.seed)
        let corrected = try outputs.enumerated().map { h, matrix in
            try correction.correct(
                matrix, hemisphere: h, columns: 0..<columns,
                ditherSeed: seeds.seed(SeedSequence.label("fit dither"), UInt64(h)))
        }
        let refits = try Self.fit(corrected, ideal: ideal, trials: trials)
        let batches = probe.batches - start
        let amplitude = targetAmplitude
        let outside = fits.indices.filter { fits[$0].residual > residualTolerance }
        return (
            correction,
            [
                StepReport(
                    step: "digital fit", quantity: "residual offset (output at zero net input)",
                    unit: "LSB", target: 0, tolerance: residualTolerance,
                    relativeTolerance: false,
                    before: Spread(fits.map(\.intercept), center: 0, reference: amplitude),
                    after: Spread(refits.map(\.intercept), center: 0, reference: amplitude),
                    outOfTolerance: outside, atRangeLimit: clamped, batches: batches),
                StepReport(
                    step: "digital fit", quantity: "residual gain (relative to the target)",
                    unit: "1", target: 1, tolerance: residualTolerance, relativeTolerance: false,
                    before: Spread(fits.map(\.slope), center: 1, reference: 1),
                    after: Spread(refits.map(\.slope), center: 1, reference: 1),
                    outOfTolerance: outside, atRangeLimit: clamped, batches: batches),
            ]
        )
    }

    /// A column's fitted line and the root-mean-square residual of the level means (LSB).
    struct ColumnLine {
        var intercept: Double
        var slope: Double
        var residual: Double
    }

    /// Fits every column (flat) of per-hemisphere outputs (levels · trials × 256) against the
    /// ideal output of each level.
    static func fit(
        _ outputs: [Matrix<Int8>], ideal: [Double], trials: Int
    ) throws -> [ColumnLine] {
        let means = ChipProbe.means(
            outputs.map { $0.map { Double($0) } }, patterns: ideal.count, trials: trials)
        return try (0..<ChipProbe.instances).map { index in
            let y = means.map { $0[index] }
            do {
                let line = try LeastSquares.line(x: ideal, y: y)
                return ColumnLine(
                    intercept: line.intercept, slope: line.slope,
                    residual: (line.residualSumOfSquares / Double(ideal.count)).squareRoot())
            } catch {
                let column = ColumnIndex(flat: index)
                throw CalibrationError.fitFailed(
                    hemisphere: column.hemisphere, column: column.column, reason: "\(error)")
            }
        }
    }
}

extension DigitalFitStep: CalibrationStep {
    var name: String { "digital fit" }

    func validate(for parameters: PhysicsParameters) throws { try validate() }

    func perform(on chip: inout Chip, probe: inout ChipProbe, state: inout CalibrationState) throws
    {
        let gain = try state.require(state.amplitude, from: "gain", for: name)
        let fit = try run(
            on: &chip, probe: &probe, targetAmplitude: gain.target,
            referenceSum: gain.referenceSum)
        state.correction = fit.correction
        state.reports += fit.reports
    }
}
