/// The settings of one hemisphere that an experimenter (and calibration) may change: the analog
/// parameter cells (10-bit values 0…1022, docs/SPECIFICATION.md §3) and the digital trims. These are the
/// only knobs; the mismatch they compensate stays hidden inside the chip.
public struct HemisphereConfiguration: Sendable, Equatable, Hashable, Codable {
    /// Per-column reset potential V_reset (voltage cell).
    public var resetPotential: [Int]
    /// Per-column bias I_gm of the excitatory synaptic-input OTA (current cell).
    public var excitatoryOTABias: [Int]
    /// Per-column bias I_gm of the inhibitory synaptic-input OTA (current cell).
    public var inhibitoryOTABias: [Int]
    /// Per-driver 4-bit pulse-offset trim, 0…15, 8 neutral.
    public var pulseOffsetTrim: [Int]
    /// Per-channel digital CADC offset, −128…127 LSB, added to every read.
    public var cadcDigitalOffset: [Int]
    /// Global synapse bias I_bias,syn (current cell); I_LSB,syn = I_bias,syn / 63.
    public var synapseBias: Int
    /// CADC ramp start: the voltage that reads code 0 (voltage cell).
    public var cadcRampStart: Int
    /// CADC ramp current: the LSB size is proportional to it (current cell).
    public var cadcRampCurrent: Int

    /// The nominal configuration for `parameters`: each cell at the value an ideal DAC would
    /// need for the nominal operating point, trims neutral.
    public init(nominalFor parameters: PhysicsParameters) {
        let columns = ChipGeometry.columnsPerHemisphere
        let voltage = { (v: Double) in
            AnalogCell.value(for: v, fullScale: parameters.cellVoltageFullScale)
        }
        let current = { (i: Double) in
            AnalogCell.value(for: i, fullScale: parameters.cellCurrentFullScale)
        }
        resetPotential = Array(repeating: voltage(parameters.nominalResetPotential), count: columns)
        excitatoryOTABias = Array(repeating: current(parameters.nominalOTABias), count: columns)
        inhibitoryOTABias = excitatoryOTABias
        pulseOffsetTrim = Array(repeating: 8, count: ChipGeometry.signedInputsPerHemisphere)
        cadcDigitalOffset = Array(repeating: 0, count: columns)
        synapseBias = current(parameters.nominalSynapseBias)
        cadcRampStart = voltage(parameters.nominalCADCRampStart)
        cadcRampCurrent = current(parameters.nominalCADCRampCurrent)
    }

    /// Checks array lengths and value ranges.
    /// - Throws: ``PhysicsError/cellOutOfRange(name:index:value:allowed:)`` or
    ///   ``PhysicsError/shapeMismatch(what:expected:got:)`` naming the field.
    public func validate() throws {
        let cells = 0...ChipGeometry.maxCellValue
        let columns = ChipGeometry.columnsPerHemisphere
        let arrays: [(String, [Int], Int, ClosedRange<Int>)] = [
            ("resetPotential", resetPotential, columns, cells),
            ("excitatoryOTABias", excitatoryOTABias, columns, cells),
            ("inhibitoryOTABias", inhibitoryOTABias, columns, cells),
            (
                "pulseOffsetTrim", pulseOffsetTrim, ChipGeometry.signedInputsPerHemisphere,
                ChipGeometry.pulseOffsetTrimRange
            ),
            ("cadcDigitalOffset", cadcDigitalOffset, columns, ChipGeometry.cadcDigitalOffsetRange),
        ]
        for (name, values, count, allowed) in arrays {
            guard values.count == count else {
                throw PhysicsError.shapeMismatch(
                    what: name, expected: "[\(count)]", got: [values.count])
            }
            if let index = values.firstIndex(where: { !allowed.contains($0) }) {
                throw PhysicsError.cellOutOfRange(
                    name: name, index: index, value: values[index], allowed: allowed)
            }
        }
        for (name, value) in [
            ("synapseBias", synapseBias), ("cadcRampStart", cadcRampStart),
            ("cadcRampCurrent", cadcRampCurrent),
        ] where !cells.contains(value) {
            throw PhysicsError.cellOutOfRange(name: name, index: 0, value: value, allowed: cells)
        }
    }
}

/// The configuration of a whole chip: one ``HemisphereConfiguration`` per hemisphere.
public struct ChipConfiguration: Sendable, Equatable, Hashable, Codable {
    /// Per hemisphere, index 0 and 1.
    public var hemispheres: [HemisphereConfiguration]

    /// The nominal configuration for `parameters`.
    public init(nominalFor parameters: PhysicsParameters) {
        hemispheres = Array(
            repeating: HemisphereConfiguration(nominalFor: parameters),
            count: ChipGeometry.hemispheres)
    }

    /// Checks both hemispheres.
    public func validate() throws {
        guard hemispheres.count == ChipGeometry.hemispheres else {
            throw PhysicsError.shapeMismatch(
                what: "configuration.hemispheres", expected: "[2]", got: [hemispheres.count])
        }
        for hemisphere in hemispheres { try hemisphere.validate() }
    }
}

/// The transfer of an analog parameter cell's DAC: value 0…1022 to volts or amperes.
public enum AnalogCell {
    /// The cell value an ideal DAC needs for `physical` (volts or amperes) at `fullScale`.
    public static func value(for physical: Double, fullScale: Double) -> Int {
        let raw = (physical / fullScale * Double(ChipGeometry.maxCellValue)).rounded()
        return Int(min(max(raw, 0), Double(ChipGeometry.maxCellValue)))
    }

    /// The physical output of a cell at `value` with DAC `gain` error (relative) and `offset`
    /// (in the physical unit), never below zero.
    static func output(value: Int, fullScale: Double, gain: Double, offset: Double) -> Double {
        max(0, Double(value) / Double(ChipGeometry.maxCellValue) * fullScale * (1 + gain) + offset)
    }
}
