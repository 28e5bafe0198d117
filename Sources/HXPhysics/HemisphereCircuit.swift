import HXNumerics

/// The physical values of one hemisphere's circuits: the chip's mismatch combined with the
/// current configuration, in SI units. Recomputed whenever the configuration changes.
struct HemisphereCircuit: Sendable {
    /// Current of one weight LSB, I_bias,syn / 63, in amperes.
    let lsbCurrent: Double
    /// OTA saturation current I_gm per column (excitatory, inhibitory), in amperes.
    let excitatorySaturation: [Double]
    let inhibitorySaturation: [Double]
    /// OTA small-signal transconductance g_m = I_gm / V_lin per column, in siemens.
    let excitatoryTransconductance: [Double]
    let inhibitoryTransconductance: [Double]
    /// Membrane capacitance per column, in farads.
    let membraneCapacitance: [Double]
    /// Pseudo-leak rate g_L / C_m per column, in 1/s.
    let leakRate: [Double]
    /// Fixed drift current per column, in amperes.
    let driftCurrent: [Double]
    /// Reset potential (and leak reversal) per column, in volts.
    let resetPotential: [Double]
    /// OTA output limits per column, in volts.
    let lowerLimit: [Double]
    let upperLimit: [Double]
    /// CADC: voltage of code 0, in volts; per-channel gain (LSB per volt) and offset (LSB,
    /// mismatch plus digital trim).
    let cadcRampStart: Double
    let cadcGain: [Double]
    let cadcOffset: [Double]
    /// Pulse width per driver and activation, drivers × 32, in seconds.
    let pulseWidth: [Double]
    /// Synaptic-line time constant (s) and capacitance (F), and the OTA linear range (V).
    let synapticTimeConstant: Double
    let synapticCapacitance: Double
    let otaLinearRange: Double

    init(
        parameters p: PhysicsParameters, mismatch m: HemisphereMismatch,
        configuration c: HemisphereConfiguration
    ) {
        let columns = ChipGeometry.columnsPerHemisphere
        func current(_ value: Int, _ error: CellError) -> Double {
            AnalogCell.output(
                value: value, fullScale: p.cellCurrentFullScale, gain: error.gain,
                offset: error.offset)
        }
        func voltage(_ value: Int, _ error: CellError) -> Double {
            AnalogCell.output(
                value: value, fullScale: p.cellVoltageFullScale, gain: error.gain,
                offset: error.offset)
        }
        lsbCurrent = current(c.synapseBias, m.synapseBiasCell) / Double(ChipGeometry.maxWeight)
        excitatorySaturation = (0..<columns).map {
            current(c.excitatoryOTABias[$0], m.excitatoryCell[$0]) * max(0, 1 + m.otaExcitatory[$0])
        }
        inhibitorySaturation = (0..<columns).map {
            current(c.inhibitoryOTABias[$0], m.inhibitoryCell[$0]) * max(0, 1 + m.otaInhibitory[$0])
        }
        excitatoryTransconductance = excitatorySaturation.map { $0 / p.otaLinearRange }
        inhibitoryTransconductance = inhibitorySaturation.map { $0 / p.otaLinearRange }
        let capacitance = m.membraneCapacitance.map { p.membraneCapacitance * max(0.1, 1 + $0) }
        membraneCapacitance = capacitance
        leakRate = (0..<columns).map {
            p.pseudoLeakConductance * max(0, 1 + m.leak[$0]) / capacitance[$0]
        }
        driftCurrent = m.driftCurrent
        resetPotential = (0..<columns).map {
            voltage(c.resetPotential[$0], m.resetCell[$0]) + m.reset[$0]
        }
        lowerLimit = m.lowerLimit.map { p.outputLowerLimit + $0 }
        upperLimit = m.upperLimit.map { p.outputUpperLimit + $0 }
        cadcRampStart = voltage(c.cadcRampStart, m.rampStartCell)
        // The LSB is proportional to the ramp current.
        let rampCurrent = max(current(c.cadcRampCurrent, m.rampCurrentCell), 1e-15)
        let lsb = p.nominalCADCLSB * rampCurrent / p.nominalCADCRampCurrent
        cadcGain = m.cadcSlope.map { (1 + $0) / lsb }
        cadcOffset = (0..<columns).map { m.cadcOffset[$0] + Double(c.cadcDigitalOffset[$0]) }
        var widths = [Double](repeating: 0, count: ChipGeometry.signedInputsPerHemisphere * 32)
        for driver in 0..<ChipGeometry.signedInputsPerHemisphere {
            let trim = Double(c.pulseOffsetTrim[driver] - 8) * p.pulseOffsetTrimStep
            for activation in 1...ChipGeometry.maxInput {
                let nominal = Double(activation) / Double(ChipGeometry.maxInput) * p.maxPulseWidth
                widths[driver * 32 + activation] = max(
                    0, nominal * (1 + m.driverGain[driver]) + m.driverOffset[driver] + trim)
            }
        }
        pulseWidth = widths
        synapticTimeConstant = p.synapticTimeConstant
        synapticCapacitance = p.synapticCapacitance
        otaLinearRange = p.otaLinearRange
    }

    /// The CADC's continuous code for `voltage` on channel `column`, before read noise,
    /// rounding and clipping.
    @inline(__always)
    func cadcCode(column: Int, voltage: Double) -> Double {
        (voltage - cadcRampStart) * cadcGain[column] + cadcOffset[column]
    }
}

/// Quantises a continuous CADC code with read noise: rounds to the nearest code and clips to
/// 0…255.
@inline(__always)
func quantiseCADC(_ code: Double) -> Int {
    let clipped = min(
        max(code, Double(ChipGeometry.cadcRange.lowerBound)),
        Double(ChipGeometry.cadcRange.upperBound))
    return Int(clipped.rounded())
}

/// The differential output of the chip: result minus baseline, saturated to int8.
@inline(__always)
func saturateOutput(_ difference: Int) -> Int8 {
    Int8(
        min(
            max(difference, ChipGeometry.outputRange.lowerBound),
            ChipGeometry.outputRange.upperBound))
}
