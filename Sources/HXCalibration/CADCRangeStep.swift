import HXPhysics

/// Step 0 (optional, calix's first): the CADC's range. Per hemisphere, the ramp start cell is
/// searched so that a low reference voltage reads `lowTargetCode` on average over the
/// channels, then the ramp current cell so that a high reference voltage reads
/// `highTargetCode` [calix `cadc.RampOffsetCalibration`, `RampSlopeCalibration`: 0.30 V → 20,
/// 0.95 V → 220]. The two interact (the slope moves the low code a little), so the pair is
/// repeated `rounds` times.
public struct CADCRangeStep: Sendable, Equatable, Codable {
    /// Whether the step runs.
    public var isEnabled: Bool
    /// The low reference voltage, in V, and the code it should read, in LSB.
    public var lowReferenceVoltage: Double
    public var lowTargetCode: Double
    /// The high reference voltage, in V, and the code it should read, in LSB.
    public var highReferenceVoltage: Double
    public var highTargetCode: Double
    /// CADC reads per channel and measurement (each is a mean over 256 channels too).
    public var reads: Int
    /// Times the start/slope pair is searched.
    public var rounds: Int
    /// Largest accepted deviation of a hemisphere's mean code from its target, in LSB.
    public var tolerance: Double

    /// calix's range with 8 reads per channel and two rounds.
    public init(
        isEnabled: Bool = true, lowReferenceVoltage: Double = 0.30, lowTargetCode: Double = 20,
        highReferenceVoltage: Double = 0.95, highTargetCode: Double = 220, reads: Int = 8,
        rounds: Int = 2, tolerance: Double = 1
    ) {
        self.isEnabled = isEnabled
        self.lowReferenceVoltage = lowReferenceVoltage
        self.lowTargetCode = lowTargetCode
        self.highReferenceVoltage = highReferenceVoltage
        self.highTargetCode = highTargetCode
        self.reads = reads
        self.rounds = rounds
        self.tolerance = tolerance
    }

    /// Measurements the step takes.
    var plannedBatches: Int {
        isEnabled ? 4 + rounds * 2 * BinarySearch(range: 0...ChipGeometry.maxCellValue).steps : 0
    }

    /// Checks the settings against the chip's parameters.
    public func validate(for parameters: PhysicsParameters) throws {
        let fullScale = parameters.cellVoltageFullScale
        try Settings.checkVoltage(
            "cadcRange.lowReferenceVoltage", lowReferenceVoltage, fullScale: fullScale)
        try Settings.checkVoltage(
            "cadcRange.highReferenceVoltage", highReferenceVoltage, fullScale: fullScale)
        guard lowReferenceVoltage < highReferenceVoltage else {
            throw CalibrationError.settingOutOfRange(
                name: "cadcRange.highReferenceVoltage", value: "\(highReferenceVoltage) V",
                allowed: "above the low reference \(lowReferenceVoltage) V")
        }
        for (name, code) in [
            ("cadcRange.lowTargetCode", lowTargetCode),
            ("cadcRange.highTargetCode", highTargetCode),
        ] where !(code.isFinite && code >= 1 && code <= 254) {
            throw CalibrationError.settingOutOfRange(
                name: name, value: "\(code)", allowed: "1…254 LSB (inside the 8-bit CADC)")
        }
        guard lowTargetCode + 10 <= highTargetCode else {
            throw CalibrationError.settingOutOfRange(
                name: "cadcRange.highTargetCode", value: "\(highTargetCode)",
                allowed: "at least 10 LSB above the low target \(lowTargetCode)")
        }
        try Settings.check("cadcRange.reads", reads, 1...4096)
        try Settings.check("cadcRange.rounds", rounds, 1...8)
        try Settings.check("cadcRange.tolerance", tolerance, 0.01...50)
    }

    /// Runs the step on both hemispheres; returns the reports of the low and high reference.
    func run(on chip: inout Chip, probe: inout ChipProbe) throws -> [StepReport] {
        let start = probe.batches
        let fullScale = chip.parameters.cellVoltageFullScale
        let lowCell = AnalogCell.value(for: lowReferenceVoltage, fullScale: fullScale)
        let highCell = AnalogCell.value(for: highReferenceVoltage, fullScale: fullScale)
        func hemisphereMeans(_ cell: Int) throws -> [Double] {
            let means = try probe.meanCADC(cell: cell, reads: reads, on: &chip)
            let n = ChipProbe.columns
            return (0..<ChipProbe.hemispheres).map {
                means[($0 * n)..<(($0 + 1) * n)].reduce(0, +) / Double(n)
            }
        }
        let lowBefore = try hemisphereMeans(lowCell)
        let highBefore = try hemisphereMeans(highCell)
        // Both cells lower the codes as they rise: a later start, a steeper (larger) ramp
        // current per code.
        let search = BinarySearch(range: 0...ChipGeometry.maxCellValue, increasing: false)
        var atLimit = Set<Int>()
        for _ in 0..<rounds {
            atLimit = []
            // The ramp's start sets the low code, then its current the high code.
            for (field, target, cell) in [
                (\HemisphereConfiguration.cadcRampStart, lowTargetCode, lowCell),
                (\HemisphereConfiguration.cadcRampCurrent, highTargetCode, highCell),
            ] {
                let outcome = try search.run(targets: [target, target]) { values in
                    try probe.setGlobal(field, to: values, on: &chip)
                    return try hemisphereMeans(cell)
                }
                try probe.setGlobal(field, to: outcome.parameters, on: &chip)
                atLimit.formUnion(outcome.atLimit.indices.filter { outcome.atLimit[$0] })
            }
        }
        let lowAfter = try hemisphereMeans(lowCell)
        let highAfter = try hemisphereMeans(highCell)
        let batches = probe.batches - start
        func report(
            _ quantity: String, target: Double, before: [Double], after: [Double]
        ) -> StepReport {
            StepReport(
                step: "CADC range", quantity: quantity, unit: "LSB", target: target,
                tolerance: tolerance, relativeTolerance: false,
                before: Spread(before, center: target), after: Spread(after, center: target),
                outOfTolerance: StepReport.outside(
                    after, target: target, tolerance: tolerance, relative: false),
                atRangeLimit: atLimit.sorted(), batches: batches)
        }
        return [
            report(
                "mean code at \(lowReferenceVoltage) V per hemisphere", target: lowTargetCode,
                before: lowBefore, after: lowAfter),
            report(
                "mean code at \(highReferenceVoltage) V per hemisphere", target: highTargetCode,
                before: highBefore, after: highAfter),
        ]
    }
}

extension CADCRangeStep: CalibrationStep {
    var name: String { "CADC range" }

    func perform(on chip: inout Chip, probe: inout ChipProbe, state: inout CalibrationState) throws
    {
        state.reports += try run(on: &chip, probe: &probe)
    }
}
