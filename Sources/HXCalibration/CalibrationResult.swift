import Foundation
import HXIO
import HXNumerics
import HXPhysics

/// The targets a calibration resolved (medians as measured), in LSB.
public struct CalibrationTargets: Sendable, Equatable, Codable {
    /// The code every CADC channel reads at the offset step's reference voltage.
    public var cadcReference: Double
    /// The baseline code of every column at zero input.
    public var baseline: Double
    /// The amplitude of every column with the gain step's reference pattern (both signs).
    public var amplitude: Double
    /// The ideal output per unit of Σ a·w that the digital correction maps to, in LSB.
    public var lsbPerInputWeight: Double
}

/// The wall-clock time one calibration step took.
public struct StepTiming: Sendable, Equatable, Codable {
    /// The step.
    public var step: String
    /// Its wall-clock time, in seconds.
    public var seconds: Double
    /// Batches of input vectors and CADC reads it sent.
    public var batches: Int
}

/// What a calibration found for one chip: the trims (the whole configuration), the digital
/// fit, the targets, the settings, the reports of every step, the spreads before and after,
/// the chip it was made for and the time it took.
///
/// A result is saved as versioned JSON (``write(to:)``) and loaded back with
/// ``init(contentsOf:)``, which validates everything and refuses a damaged file. It applies
/// only to the chip it was made for: the same seed and the same physics parameters (compared by
/// ``parameterHash(_:)``, the SHA-256 of `PhysicsParameters.jsonData()`).
public struct CalibrationResult: Sendable, Equatable, Codable {
    /// The `format` tag of calibration files.
    public static let fileFormat = "hxsim-calibration"
    /// The version this HXSim writes and the newest it reads.
    public static let fileVersion = 1

    /// The format tag, ``fileFormat``.
    public var format: String
    /// The file version.
    public var version: Int
    /// The seed of the chip calibrated.
    public var chipSeed: UInt64
    /// SHA-256 (hex) of the canonical JSON of the chip's physics parameters.
    public var parameterHash: String
    /// The chip's trial counter when calibration started (its noise depends on it; a fresh chip
    /// starts at 0).
    public var firstTrial: UInt64
    /// The chip's age and temperature when it was calibrated (nil in files written before
    /// HXSim modelled slow drift); see ``staleness(for:)``.
    public var environment: ChipEnvironment? = nil
    /// The calibrated configuration: every analog cell and digital trim of both hemispheres.
    public var configuration: ChipConfiguration
    /// The digital fit, if the step ran: applied on readout when the user asks for it.
    public var correction: DigitalCorrection?
    /// The resolved targets.
    public var targets: CalibrationTargets
    /// The settings the calibration ran with.
    public var settings: CalibrationSettings
    /// One report per step (gain and digital fit have two each), in the order they ran.
    public var steps: [StepReport]
    /// Spreads of the chip before calibration, after it, and after it with the digital
    /// correction applied (nil when the survey was skipped).
    public var before: SurveySpreads?
    public var after: SurveySpreads?
    public var afterCorrection: SurveySpreads?
    /// Wall-clock time of each step (surveys included), in the order they ran.
    public var timings: [StepTiming]
    /// Wall-clock time the calibration took, in seconds.
    public var wallTime: Double
    /// SHA-256 (hex) of the result's JSON with an empty checksum: a file whose content was
    /// changed or damaged after it was written no longer matches.
    public var checksum: String

    /// The hash a result records for `parameters`: SHA-256 of `parameters.jsonData()`.
    public static func parameterHash(_ parameters: PhysicsParameters) -> String {
        SHA256.hex(parameters.jsonData())
    }

    /// Checks that this result was made for `chip` (same seed, same physics parameters).
    /// - Throws: ``CalibrationError/chipMismatch(calibratedSeed:chipSeed:)`` or
    ///   ``CalibrationError/parameterMismatch(calibratedHash:chipHash:)``.
    public func check(for chip: Chip) throws {
        guard chip.seed == chipSeed else {
            throw CalibrationError.chipMismatch(calibratedSeed: chipSeed, chipSeed: chip.seed)
        }
        let hash = Self.parameterHash(chip.parameters)
        guard hash == parameterHash else {
            throw CalibrationError.parameterMismatch(calibratedHash: parameterHash, chipHash: hash)
        }
    }

    /// Configures `chip` with the calibrated trims. Weights, trial counter and everything else
    /// stay as they are.
    /// - Throws: when the result was made for another chip or parameter set, or holds an
    ///   invalid configuration; the chip is unchanged then.
    public func apply(to chip: inout Chip) throws {
        try check(for: chip)
        var candidate = chip
        do { try candidate.configure(configuration) } catch {
            throw CalibrationError.invalidContent(path: "<result>", reason: "\(error)")
        }
        chip = candidate
    }

    /// The digital correction, or an error saying the calibration ran without its fit.
    public func requireCorrection() throws -> DigitalCorrection {
        guard let correction else {
            throw CalibrationError.invalidContent(
                path: "<result>",
                reason: "the calibration ran without the digital-fit step, so it has no "
                    + "digital correction")
        }
        return correction
    }

    /// Corrects outputs (batch × columns.count) of columns `columns` of `hemisphere` with the
    /// digital fit: (code − offset) / gain, clamped to −128…127 and rounded to the nearest code,
    /// or dithered with draws from `ditherSeed` so that the rounding is unbiased on average
    /// (see ``DigitalCorrection/correct(_:hemisphere:columns:ditherSeed:firstRow:rowStride:)``,
    /// which says how rows key the dither).
    /// - Throws: when there is no digital fit or the shape does not fit the chip.
    public func correct(
        _ outputs: Matrix<Int8>, hemisphere: Int, columns: Range<Int>, ditherSeed: UInt64? = nil,
        firstRow: Int = 0, rowStride: Int = 1
    ) throws -> Matrix<Int8> {
        try requireCorrection().correct(
            outputs, hemisphere: hemisphere, columns: columns, ditherSeed: ditherSeed,
            firstRow: firstRow, rowStride: rowStride)
    }

    /// Corrects the outputs of `Chip.vmm` (batch × up to 512 columns, the first 256 from
    /// hemisphere 0) with the digital fit, rounding as
    /// ``correct(_:hemisphere:columns:ditherSeed:firstRow:rowStride:)``; `firstRow` is the row
    /// of the batch that `outputs` starts at (for a batch in chunks).
    public func correctVMM(
        _ outputs: Matrix<Int8>, ditherSeed: UInt64? = nil, firstRow: Int = 0
    ) throws -> Matrix<Int8> {
        try requireCorrection().correctVMM(outputs, ditherSeed: ditherSeed, firstRow: firstRow)
    }
}
