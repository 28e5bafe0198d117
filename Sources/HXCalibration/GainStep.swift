import HXNumerics
import HXPhysics

/// Step 3: per-column synaptic strength. A reference pattern (every one of `rows` inputs at
/// `activation`, every weight `+weight`) drives the excitatory input of all columns; each
/// column's excitatory OTA bias cell is binary-searched so that its mean output over `trials`
/// equals the target amplitude. Then the same with weights `−weight` and the inhibitory OTA
/// bias, towards the negative of the same target, so that both signs have one gain [calix
/// `neuron_synin`: the median amplitude at a common bias as target, inhibitory matched to
/// excitatory]. The column gain is ∝ I_gm / C_m × CADC slope × synapse currents; the OTA bias
/// is the cell that scales it.
public struct GainStep: Sendable, Equatable, Codable {
    /// The amplitude every column should reach with the reference pattern, in LSB: the median
    /// of the columns at the starting biases (calix), or a fixed value.
    public var target: CalibrationTarget
    /// Largest accepted deviation of a column's amplitude from the target, in percent of it.
    public var tolerance: Double
    /// Vectors per measurement (output noise ≈ 2 LSB per vector).
    public var trials: Int
    /// Inputs of the reference pattern (the first `rows` signed inputs), 1…128.
    public var rows: Int
    /// Activation of every input of the reference pattern, 1…31.
    public var activation: Int
    /// Weight magnitude of the reference pattern, 1…63.
    public var weight: Int
    /// The range of OTA bias cell values searched.
    public var searchRange: ClosedRange<Int>

    /// The median amplitude of 128 inputs at 15 with weights ±16 (≈ 60 LSB, the linear range),
    /// within 1 %, 256 trials per measurement (0.2 % noise of the mean).
    public init(
        target: CalibrationTarget = .median, tolerance: Double = 1, trials: Int = 256,
        rows: Int = 128, activation: Int = 15, weight: Int = 16,
        searchRange: ClosedRange<Int> = 0...ChipGeometry.maxCellValue
    ) {
        self.target = target
        self.tolerance = tolerance
        self.trials = trials
        self.rows = rows
        self.activation = activation
        self.weight = weight
        self.searchRange = searchRange
    }

    /// Σ a·w of the reference pattern (positive sign).
    public var referenceSum: Int { rows * activation * weight }

    /// Measurements the step takes.
    var plannedBatches: Int { 2 * (2 + BinarySearch(range: searchRange).steps) }

    /// Checks the settings.
    public func validate() throws {
        try Settings.check("gain.target", target, 5...110)
        try Settings.check("gain.tolerance", tolerance, 0.01...50)
        try Settings.check("gain.trials", trials, 1...65536)
        try Settings.check("gain.rows", rows, 1...ChipGeometry.signedInputsPerHemisphere)
        try Settings.check("gain.activation", activation, 1...ChipGeometry.maxInput)
        try Settings.check("gain.weight", weight, 1...ChipGeometry.maxWeight)
        try Settings.check("gain.searchRange", searchRange, 0...ChipGeometry.maxCellValue)
    }

    /// The reference pattern's input vector.
    var pattern: Matrix<UInt8> {
        Matrix(rows: 1, columns: rows, repeating: UInt8(activation))
    }

    /// The reference weights with sign `sign` (+1 or −1), rows × 256.
    func weights(sign: Int) -> Matrix<Int> {
        Matrix(rows: rows, columns: ChipProbe.columns, repeating: sign * weight)
    }

    /// Runs the step on both hemispheres; returns the excitatory and inhibitory reports and the
    /// resolved target amplitude (LSB).
    func run(
        on chip: inout Chip, probe: inout ChipProbe
    ) throws -> (reports: [StepReport], target: Double) {
        var goal = 0.0
        var reports: [StepReport] = []
        for (sign, field, name) in [
            (1, \HemisphereConfiguration.excitatoryOTABias, "excitatory"),
            (-1, \HemisphereConfiguration.inhibitoryOTABias, "inhibitory"),
        ] {
            let start = probe.batches
            try probe.write(weights(sign: sign), to: &chip)
            func amplitudes() throws -> [Double] {
                try probe.meanOutputs(pattern, trials: trials, on: &chip)[0].map {
                    Double(sign) * $0
                }
            }
            let before = try amplitudes()
            // The inhibitory side aims for the excitatory target (calix).
            if sign == 1 {
                goal = target.resolve(before)
                try Settings.checkResolved("gain.target", goal, 5...110)
            }
            let outcome = try BinarySearch(range: searchRange, increasing: true).run(
                targets: Array(repeating: goal, count: ChipProbe.instances)
            ) { values in
                try probe.setColumns(field, to: values, on: &chip)
                return try amplitudes()
            }
            try probe.setColumns(field, to: outcome.parameters, on: &chip)
            let after = try amplitudes()
            reports.append(
                StepReport(
                    step: "gain (\(name))",
                    quantity:
                        "\(name) amplitude, \(rows) inputs × \(activation), weights "
                        + "\(sign > 0 ? "+" : "−")\(weight)",
                    unit: "LSB", target: goal, tolerance: tolerance, relativeTolerance: true,
                    before: Spread(before, center: goal), after: Spread(after, center: goal),
                    outOfTolerance: StepReport.outside(
                        after, target: goal, tolerance: tolerance, relative: true),
                    atRangeLimit: outcome.atLimit.indices.filter { outcome.atLimit[$0] },
                    batches: probe.batches - start))
        }
        return (reports, goal)
    }
}

extension GainStep: CalibrationStep {
    var name: String { "gain" }

    func validate(for parameters: PhysicsParameters) throws { try validate() }

    func perform(on chip: inout Chip, probe: inout ChipProbe, state: inout CalibrationState) throws
    {
        let (reports, target) = try run(on: &chip, probe: &probe)
        state.reports += reports
        state.amplitude = (target, referenceSum)
    }
}
