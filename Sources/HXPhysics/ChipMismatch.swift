import HXNumerics

/// The DAC error of one analog parameter cell: relative gain and offset (volts or amperes).
struct CellError: Sendable, Equatable {
    var gain: Double
    var offset: Double
}

/// The fixed-pattern mismatch of one hemisphere, drawn once from the chip's seed.
///
/// Internal on purpose: calibration and every other layer see the chip only through its
/// configuration and its reads, as an experimenter sees the real chip.
struct HemisphereMismatch: Sendable, Equatable {
    /// Relative synapse-current error per physical row (2i excitatory, 2i + 1 inhibitory) and
    /// column, row-major 256 × 256, including the gradient along the row.
    var synapse: [Float]
    /// Relative transconductance error of the excitatory / inhibitory OTA per column.
    var otaExcitatory: [Double]
    var otaInhibitory: [Double]
    /// Relative membrane-capacitance error per column.
    var membraneCapacitance: [Double]
    /// Relative pseudo-leak error per column.
    var leak: [Double]
    /// Fixed drift current per column, in amperes.
    var driftCurrent: [Double]
    /// Reset-potential error per column, in volts.
    var reset: [Double]
    /// Output-limit errors per column, in volts.
    var lowerLimit: [Double]
    var upperLimit: [Double]
    /// CADC channel offset (LSB) and relative slope error per column.
    var cadcOffset: [Double]
    var cadcSlope: [Double]
    /// Pulse-width gain (relative) and offset (seconds) per synapse driver.
    var driverGain: [Double]
    var driverOffset: [Double]
    /// DAC errors of the per-column cells.
    var resetCell: [CellError]
    var excitatoryCell: [CellError]
    var inhibitoryCell: [CellError]
    /// DAC errors of the global cells.
    var synapseBiasCell: CellError
    var rampStartCell: CellError
    var rampCurrentCell: CellError
    var referenceCell: CellError

    /// Draws the mismatch of hemisphere `hemisphere` of the chip with `seeds`. Each quantity has
    /// its own GSL generator (mt19937) seeded from (seed, hemisphere, quantity), so that adding
    /// a quantity never changes the others.
    init(seeds: SeedSequence, hemisphere: Int, parameters p: PhysicsParameters) {
        let columns = ChipGeometry.columnsPerHemisphere
        let drivers = ChipGeometry.signedInputsPerHemisphere
        let rows = ChipGeometry.synapseRowsPerHemisphere
        func stream(_ name: String) -> GSLRandom {
            GSLRandom(
                seed: seeds.seed(
                    SeedSequence.label("mismatch"), UInt64(hemisphere), SeedSequence.label(name)),
                kind: .mt19937)
        }
        func gaussians(_ name: String, _ count: Int, _ sigma: Double) -> [Double] {
            let rng = stream(name)
            return (0..<count).map { _ in sigma > 0 ? rng.gaussian(sigma: sigma) : 0 }
        }
        func cells(_ name: String, _ count: Int, offsetSigma: Double) -> [CellError] {
            let gains = gaussians(name + ".gain", count, p.cellGainMismatch)
            let offsets = gaussians(name + ".offset", count, offsetSigma)
            return zip(gains, offsets).map { CellError(gain: $0, offset: $1) }
        }

        let perSynapse = gaussians("synapse", rows * columns, p.synapseMismatch)
        var synapse = [Float](repeating: 0, count: rows * columns)
        for row in 0..<rows {
            for column in 0..<columns {
                // Columns far from the drivers get weaker currents: a linear gradient of
                // synapseRowGradient end to end, centred on zero.
                let gradient = -p.synapseRowGradient * (Double(column) / Double(columns - 1) - 0.5)
                synapse[row * columns + column] = Float(
                    perSynapse[row * columns + column] + gradient)
            }
        }
        self.synapse = synapse
        otaExcitatory = gaussians("otaExcitatory", columns, p.otaMismatch)
        otaInhibitory = gaussians("otaInhibitory", columns, p.otaMismatch)
        membraneCapacitance = gaussians(
            "membraneCapacitance", columns, p.membraneCapacitanceMismatch)
        leak = gaussians("leak", columns, p.pseudoLeakMismatch)
        driftCurrent = gaussians("driftCurrent", columns, p.driftCurrentMismatch)
        reset = gaussians("reset", columns, p.resetMismatch)
        lowerLimit = gaussians("lowerLimit", columns, p.outputLimitMismatch)
        upperLimit = gaussians("upperLimit", columns, p.outputLimitMismatch)
        cadcOffset = gaussians("cadcOffset", columns, p.cadcOffsetMismatch)
        cadcSlope = gaussians("cadcSlope", columns, p.cadcSlopeMismatch)
        driverGain = gaussians("driverGain", drivers, p.driverGainMismatch)
        driverOffset = gaussians("driverOffset", drivers, p.driverOffsetMismatch)
        resetCell = cells("resetCell", columns, offsetSigma: p.cellVoltageOffsetMismatch)
        excitatoryCell = cells("excitatoryCell", columns, offsetSigma: p.cellCurrentOffsetMismatch)
        inhibitoryCell = cells("inhibitoryCell", columns, offsetSigma: p.cellCurrentOffsetMismatch)
        synapseBiasCell = cells("synapseBiasCell", 1, offsetSigma: p.cellCurrentOffsetMismatch)[0]
        rampStartCell = cells("rampStartCell", 1, offsetSigma: p.cellVoltageOffsetMismatch)[0]
        rampCurrentCell = cells("rampCurrentCell", 1, offsetSigma: p.cellCurrentOffsetMismatch)[0]
        referenceCell = cells("referenceCell", 1, offsetSigma: p.cellVoltageOffsetMismatch)[0]
    }
}

/// The mismatch of a whole chip; immutable and shared between copies of a ``Chip``.
final class ChipMismatch: Sendable {
    let hemispheres: [HemisphereMismatch]

    /// The mismatch drawn for chip `seed`.
    convenience init(seed: UInt64, parameters: PhysicsParameters) {
        let seeds = SeedSequence(seed)
        self.init(
            hemispheres: (0..<ChipGeometry.hemispheres).map {
                HemisphereMismatch(seeds: seeds, hemisphere: $0, parameters: parameters)
            })
    }

    /// A mismatch made of `hemispheres` (for example a drifted one, ``ChipDrift``).
    init(hemispheres: [HemisphereMismatch]) {
        self.hemispheres = hemispheres
    }
}
