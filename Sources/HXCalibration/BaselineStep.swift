import HXNumerics
import HXPhysics

/// Step 2: per-column reset potential. With zero input the chip reads each column's baseline
/// (the CADC code of its reset potential); each column's reset cell is binary-searched so that
/// the baseline averaged over `trials` reads equals the target [calix
/// `neuron_potentials.ResetCalibration`, target read 120 in hagen mode]. The baseline sets
/// where each column's output range sits inside the CADC and the OTA output limits.
public struct BaselineStep: Sendable, Equatable, Codable {
    /// The baseline code every column should read, in LSB (120 = the middle of the membrane's
    /// range, as calix's hagen calibration).
    public var target: CalibrationTarget
    /// Largest accepted deviation of a column's mean baseline from the target, in LSB.
    public var tolerance: Double
    /// Zero-input vectors per measurement; each reads the baseline once (1.2 LSB read noise).
    public var trials: Int
    /// The range of reset-cell values searched.
    public var searchRange: ClosedRange<Int>

    /// Baseline 120 LSB within 1 LSB, 64 trials per measurement (0.15 LSB noise of the mean;
    /// one cell step moves the baseline by about 0.5 LSB), the whole cell range.
    public init(
        target: CalibrationTarget = .value(120), tolerance: Double = 1, trials: Int = 64,
        searchRange: ClosedRange<Int> = 0...ChipGeometry.maxCellValue
    ) {
        self.target = target
        self.tolerance = tolerance
        self.trials = trials
        self.searchRange = searchRange
    }

    /// Measurements the step takes.
    var plannedBatches: Int { 2 + BinarySearch(range: searchRange).steps }

    /// Checks the settings.
    public func validate() throws {
        try Settings.check("baseline.target", target, 30...210)
        try Settings.check("baseline.tolerance", tolerance, 0.01...50)
        try Settings.check("baseline.trials", trials, 1...65536)
        try Settings.check("baseline.searchRange", searchRange, 0...ChipGeometry.maxCellValue)
    }

    /// Runs the step on both hemispheres.
    func run(on chip: inout Chip, probe: inout ChipProbe) throws -> StepReport {
        let start = probe.batches
        let rows = ChipProbe.rows
        try probe.write(
            Matrix(rows: rows, columns: ChipProbe.columns, repeating: 0), to: &chip)
        let before = try probe.meanBaselines(trials: trials, rows: rows, on: &chip)
        let goal = target.resolve(before)
        try Settings.checkResolved("baseline.target", goal, 30...210)
        let outcome = try BinarySearch(range: searchRange, increasing: true).run(
            targets: Array(repeating: goal, count: ChipProbe.instances)
        ) { values in
            try probe.setColumns(\.resetPotential, to: values, on: &chip)
            return try probe.meanBaselines(trials: trials, rows: rows, on: &chip)
        }
        try probe.setColumns(\.resetPotential, to: outcome.parameters, on: &chip)
        let after = try probe.meanBaselines(trials: trials, rows: rows, on: &chip)
        return StepReport(
            step: "baseline", quantity: "baseline code at zero input", unit: "LSB", target: goal,
            tolerance: tolerance, relativeTolerance: false,
            before: Spread(before, center: goal), after: Spread(after, center: goal),
            outOfTolerance: StepReport.outside(
                after, target: goal, tolerance: tolerance, relative: false),
            atRangeLimit: outcome.atLimit.indices.filter { outcome.atLimit[$0] },
            batches: probe.batches - start)
    }
}

extension BaselineStep: CalibrationStep {
    var name: String { "baseline" }

    func validate(for parameters: PhysicsParameters) throws { try validate() }

    func perform(on chip: inout Chip, probe: inout ChipProbe, state: inout CalibrationState) throws
    {
        let report = try run(on: &chip, probe: &probe)
        state.reports.append(report)
        state.baseline = report.target
    }
}
