import HXNumerics
import HXPhysics

/// Step 0b (optional, calix's synapse-driver calibration): per-driver pulse-offset trims.
///
/// A driver turns activation a into a pulse of nominal width ∝ a; its offset shifts every pulse
/// by a fixed time, as if the activation were a + δ. With only driver i active (weight +`weight`
/// on every column, the vector sent `numSends` times), the mean output over the hemisphere's
/// 256 columns is s · (a + δᵢ); measuring it at two activations gives the driver's slope s and
/// offset δᵢ in activation units. The events are spaced `waitBetweenEvents` apart so that the
/// synaptic line relaxes between them and its OTA stays linear (back-to-back events of one
/// strong synapse would compress the larger activation and bias δ). A third measurement with every trim raised by
/// `probeTrimSteps` gives the trim's effect per step (the median over drivers). Each driver's
/// 4-bit trim (0…15, 8 neutral) is then set to cancel its offset, so that the pulse width is
/// proportional to the activation, as the VMM assumes. Drivers are common to all columns of a
/// hemisphere: this makes the VMM linear in its inputs, not the columns alike.
public struct SynapseDriverStep: Sendable, Equatable, Codable {
    /// Whether the step runs.
    public var isEnabled: Bool
    /// The two activations measured (1…31, the first the smaller).
    public var lowActivation: Int
    public var highActivation: Int
    /// The weight of the active driver's row on every column, 1…63.
    public var weight: Int
    /// Times each vector is sent before the read (more charge per read, same read noise).
    public var numSends: Int
    /// Spacing of the events, in FPGA cycles of 8 ns.
    public var waitBetweenEvents: Int
    /// Vectors per driver and measurement.
    public var trials: Int
    /// Trim steps added to every trim for the measurement of the trim's effect.
    public var probeTrimSteps: Int
    /// Largest accepted remaining offset of a driver, in activation units.
    public var tolerance: Double

    /// Activations 2 and 24, weight 63, 8 sends 100 cycles (0.8 µs, 2.5 τ_syn) apart, 32
    /// vectors per driver, trim probe +4, tolerance 0.15 activation units (the trim step is
    /// about 0.19). Pulse jitter is common to all columns of a row, so only the vectors average
    /// it out, not the columns; the low activation keeps its effect on δ small.
    public init(
        isEnabled: Bool = true, lowActivation: Int = 2, highActivation: Int = 24, weight: Int = 63,
        numSends: Int = 8, waitBetweenEvents: Int = 100, trials: Int = 32, probeTrimSteps: Int = 4,
        tolerance: Double = 0.15
    ) {
        self.isEnabled = isEnabled
        self.lowActivation = lowActivation
        self.highActivation = highActivation
        self.weight = weight
        self.numSends = numSends
        self.waitBetweenEvents = waitBetweenEvents
        self.trials = trials
        self.probeTrimSteps = probeTrimSteps
        self.tolerance = tolerance
    }

    /// Measurements the step takes.
    var plannedBatches: Int { isEnabled ? 5 : 0 }

    /// Checks the settings.
    public func validate() throws {
        try Settings.check("synapseDrivers.lowActivation", lowActivation, 1...30)
        try Settings.check(
            "synapseDrivers.highActivation", highActivation,
            (lowActivation + 1)...ChipGeometry.maxInput)
        try Settings.check("synapseDrivers.weight", weight, 1...ChipGeometry.maxWeight)
        try Settings.check("synapseDrivers.numSends", numSends, ChipGeometry.numSendsRange)
        try Settings.check(
            "synapseDrivers.waitBetweenEvents", waitBetweenEvents,
            ChipGeometry.waitBetweenEventsRange)
        try Settings.check("synapseDrivers.trials", trials, 1...65536)
        try Settings.check("synapseDrivers.probeTrimSteps", probeTrimSteps, 1...7)
        try Settings.check("synapseDrivers.tolerance", tolerance, 0.01...5)
    }

    /// Per driver (flat: hemisphere · 128 + driver), the mean output over the hemisphere's
    /// columns with only that driver active at `activation`.
    private func driverMeans(
        activation: Int, on chip: inout Chip, probe: inout ChipProbe
    ) throws -> [Double] {
        let drivers = ChipProbe.rows
        var patterns = Matrix<UInt8>(rows: drivers, columns: drivers, repeating: 0)
        patterns.withUnsafeMutableStorage { storage in
            for i in 0..<drivers { storage[i * drivers + i] = UInt8(activation) }
        }
        let outputs = try probe.run(
            patterns, trials: trials, on: &chip, numSends: numSends,
            waitBetweenEvents: waitBetweenEvents
        ).outputs
        let means = ChipProbe.means(
            outputs.map { $0.map { Double($0) } }, patterns: drivers, trials: trials)
        var result = [Double](repeating: 0, count: ChipProbe.hemispheres * drivers)
        for h in 0..<ChipProbe.hemispheres {
            for i in 0..<drivers {
                let columns = means[i][(h * ChipProbe.columns)..<((h + 1) * ChipProbe.columns)]
                result[h * drivers + i] = columns.reduce(0, +) / Double(ChipProbe.columns)
            }
        }
        return result
    }

    /// Sets every driver's trim (flat, 256 values).
    private func setTrims(_ trims: [Int], on chip: inout Chip, probe: ChipProbe) throws {
        var configuration = chip.configuration
        let drivers = ChipProbe.rows
        for h in 0..<ChipProbe.hemispheres {
            configuration.hemispheres[h].pulseOffsetTrim = Array(
                trims[(h * drivers)..<((h + 1) * drivers)])
        }
        try probe.chip { try chip.configure(configuration) }
    }

    /// Offsets δ (activation units) and slopes (LSB per activation unit) from two measurements.
    private func offsets(low: [Double], high: [Double]) -> (offsets: [Double], slopes: [Double]) {
        let span = Double(highActivation - lowActivation)
        let slopes = zip(low, high).map { ($1 - $0) / span }
        let offsets = zip(low, slopes).map { $1 > 0 ? $0 / $1 - Double(lowActivation) : 0 }
        return (offsets, slopes)
    }

    /// Runs the step on both hemispheres' drivers.
    func run(on chip: inout Chip, probe: inout ChipProbe) throws -> StepReport {
        let start = probe.batches
        try probe.write(
            Matrix(rows: ChipProbe.rows, columns: ChipProbe.columns, repeating: weight), to: &chip)
        let initial = chip.configuration.hemispheres.flatMap(\.pulseOffsetTrim)
        let low = try driverMeans(activation: lowActivation, on: &chip, probe: &probe)
        let high = try driverMeans(activation: highActivation, on: &chip, probe: &probe)
        let before = offsets(low: low, high: high)
        // The trim's effect per step, in activation units: the median over drivers.
        let range = ChipGeometry.pulseOffsetTrimRange
        let probed = initial.map { min($0 + probeTrimSteps, range.upperBound) }
        try setTrims(probed, on: &chip, probe: probe)
        let shifted = try driverMeans(activation: lowActivation, on: &chip, probe: &probe)
        let effects = (0..<initial.count).compactMap { i -> Double? in
            let steps = probed[i] - initial[i]
            guard steps > 0, before.slopes[i] > 0 else { return nil }
            return (shifted[i] - low[i]) / before.slopes[i] / Double(steps)
        }
        let perStep = Spread.median(effects)
        guard perStep > 0 else {
            throw CalibrationError.chipFailed(
                step: "synapse drivers", reason: "the pulse-offset trims have no measurable effect")
        }
        let trims = (0..<initial.count).map { i in
            let steps = Int((-before.offsets[i] / perStep).rounded())
            return min(max(initial[i] + steps, range.lowerBound), range.upperBound)
        }
        try setTrims(trims, on: &chip, probe: probe)
        let after = offsets(
            low: try driverMeans(activation: lowActivation, on: &chip, probe: &probe),
            high: try driverMeans(activation: highActivation, on: &chip, probe: &probe)
        ).offsets
        let outside = StepReport.outside(after, target: 0, tolerance: tolerance, relative: false)
        return StepReport(
            step: "synapse drivers", quantity: "pulse offset per driver (activation units)",
            unit: "activation", target: 0, tolerance: tolerance, relativeTolerance: false,
            before: Spread(before.offsets, center: 0, reference: 1),
            after: Spread(after, center: 0, reference: 1), outOfTolerance: outside,
            atRangeLimit: outside.filter {
                trims[$0] == range.lowerBound || trims[$0] == range.upperBound
            },
            batches: probe.batches - start)
    }
}

extension SynapseDriverStep: CalibrationStep {
    var name: String { "synapse drivers" }

    func validate(for parameters: PhysicsParameters) throws { try validate() }

    func perform(on chip: inout Chip, probe: inout ChipProbe, state: inout CalibrationState) throws
    {
        state.reports.append(try run(on: &chip, probe: &probe))
    }
}
