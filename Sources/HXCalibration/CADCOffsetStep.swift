import HXPhysics

/// Step 1: per-channel CADC offsets. A reference voltage from one cell is connected to every
/// channel of a hemisphere (as calix connects its CapMem debug line), each channel is read
/// `reads` times, and the channel's digital offset (−128…127) is moved by the rounded
/// difference between the target and its mean read. The offset acts linearly, so this is
/// calix's linear prediction rather than a search; it is repeated `iterations` times to catch
/// what noise and rounding left [calix `cadc.ChannelOffsetCalibration`: target the median read
/// at the middle of the range].
public struct CADCOffsetStep: Sendable, Equatable, Codable {
    /// The reference voltage connected to every channel, in V (the middle of the range).
    public var referenceVoltage: Double
    /// The code every channel should read there: the median of the channels (calix), or a
    /// fixed code, in LSB.
    public var target: CalibrationTarget
    /// Largest accepted deviation of a channel's mean read from the target, in LSB.
    public var tolerance: Double
    /// Reads per channel and measurement.
    public var reads: Int
    /// Rounds of measuring and correcting.
    public var iterations: Int

    /// The median read at 0.625 V, 128 reads, three rounds, 1 LSB tolerance.
    public init(
        referenceVoltage: Double = 0.625, target: CalibrationTarget = .median,
        tolerance: Double = 1, reads: Int = 128, iterations: Int = 3
    ) {
        self.referenceVoltage = referenceVoltage
        self.target = target
        self.tolerance = tolerance
        self.reads = reads
        self.iterations = iterations
    }

    /// Measurements the step takes.
    var plannedBatches: Int { 2 + iterations }

    /// Checks the settings against the chip's parameters.
    public func validate(for parameters: PhysicsParameters) throws {
        try Settings.checkVoltage(
            "cadcOffsets.referenceVoltage", referenceVoltage,
            fullScale: parameters.cellVoltageFullScale)
        try Settings.check("cadcOffsets.target", target, 30...210)
        try Settings.check("cadcOffsets.tolerance", tolerance, 0.01...50)
        try Settings.check("cadcOffsets.reads", reads, 1...4096)
        try Settings.check("cadcOffsets.iterations", iterations, 1...10)
    }

    /// Runs the step on both hemispheres.
    func run(on chip: inout Chip, probe: inout ChipProbe) throws -> StepReport {
        let start = probe.batches
        let cell = AnalogCell.value(
            for: referenceVoltage, fullScale: chip.parameters.cellVoltageFullScale)
        let before = try probe.meanCADC(cell: cell, reads: reads, on: &chip)
        let goal = target.resolve(before)
        try Settings.checkResolved("cadcOffsets.target", goal, 30...210)
        let allowed = ChipGeometry.cadcDigitalOffsetRange
        var offsets = ChipProbe.columns(\.cadcDigitalOffset, of: chip)
        var measured = before
        for iteration in 0..<iterations {
            if iteration > 0 { measured = try probe.meanCADC(cell: cell, reads: reads, on: &chip) }
            for i in offsets.indices {
                let step = Int((goal - measured[i]).rounded())
                offsets[i] = min(max(offsets[i] + step, allowed.lowerBound), allowed.upperBound)
            }
            try probe.setColumns(\.cadcDigitalOffset, to: offsets, on: &chip)
        }
        let after = try probe.meanCADC(cell: cell, reads: reads, on: &chip)
        let outside = StepReport.outside(
            after, target: goal, tolerance: tolerance, relative: false)
        return StepReport(
            step: "CADC offsets", quantity: "channel read at \(referenceVoltage) V", unit: "LSB",
            target: goal, tolerance: tolerance, relativeTolerance: false,
            before: Spread(before, center: goal), after: Spread(after, center: goal),
            outOfTolerance: outside,
            atRangeLimit: outside.filter {
                offsets[$0] == allowed.lowerBound || offsets[$0] == allowed.upperBound
            },
            batches: probe.batches - start)
    }
}

extension CADCOffsetStep: CalibrationStep {
    var name: String { "CADC offsets" }

    func perform(on chip: inout Chip, probe: inout ChipProbe, state: inout CalibrationState) throws
    {
        let report = try run(on: &chip, probe: &probe)
        state.reports.append(report)
        state.cadcReference = report.target
    }
}
