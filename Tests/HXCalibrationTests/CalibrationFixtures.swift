import Foundation
import HXNumerics
import HXPhysics

@testable import HXCalibration

/// Calibrations shared by several tests, computed once (quick settings, a constant clock).
enum Fixtures {
    /// Quick settings: a quarter of the default trials.
    static let settings = CalibrationSettings.quick

    /// Calibrates a fresh chip `seed` with `settings`; returns the chip before, the chip after
    /// and the run.
    static func calibrate(
        seed: UInt64, parameters: PhysicsParameters = PhysicsParameters(),
        settings: CalibrationSettings = settings
    ) throws -> (fresh: Chip, calibrated: Chip, run: CalibrationRun) {
        let fresh = try Chip(seed: seed, parameters: parameters)
        var chip = fresh
        let run = try Calibrator(settings: settings).calibrate(&chip, clock: { 0 })
        return (fresh, chip, run)
    }

    /// Chip 2, calibrated with the quick settings.
    static let chip2 = Result { try calibrate(seed: 2) }
    /// Chip 3, calibrated with the quick settings.
    static let chip3 = Result { try calibrate(seed: 3) }
}

/// Measurements through `Chip.vmm`, the experimenter's path, independent of calibration's own
/// numbers and patterns.
enum Independent {
    /// The mean output of every column (512) over `trials` vectors of `activation` on the first
    /// `rows` inputs, with weights given per input row by `weight(row)` on all 512 columns.
    static func meanOutputs(
        _ chip: inout Chip, rows: Int, activation: Int, trials: Int, weight: (Int) -> Int
    ) throws -> [Double] {
        let inputs = Matrix<Int>(rows: trials, columns: rows, repeating: activation)
        var storage = [Int]()
        for i in 0..<rows { storage += [Int](repeating: weight(i), count: 512) }
        let weights = try Matrix(rows: rows, columns: 512, storage: storage)
        let outputs = try chip.vmm(inputs: inputs, weights: weights).outputs
        var means = [Double](repeating: 0, count: 512)
        for b in 0..<trials {
            for j in 0..<512 { means[j] += Double(outputs[b, j]) / Double(trials) }
        }
        return means
    }

    /// the specification's anchor: 100 inputs of 15, weights 21 (outputs ≈ 55…63).
    static func gain(_ chip: inout Chip, trials: Int = 128) throws -> [Double] {
        try meanOutputs(&chip, rows: 100, activation: 15, trials: trials) { _ in 21 }
    }

    /// Zero net input with every input active: 128 inputs of 15, weights alternating +21, −21.
    static func zeroNet(_ chip: inout Chip, trials: Int = 128) throws -> [Double] {
        try meanOutputs(&chip, rows: 128, activation: 15, trials: trials) { $0 % 2 == 0 ? 21 : -21 }
    }

    /// Zero input: no events at all.
    static func zeroInput(_ chip: inout Chip, trials: Int = 128) throws -> [Double] {
        try meanOutputs(&chip, rows: 128, activation: 0, trials: trials) { _ in 21 }
    }
}

/// A held-out check of a digital correction: patterns of the digital fit's family at levels
/// and a base activation the fit never used, fresh trials, through `Chip.vmm` (both hemispheres,
/// 512 columns).
enum HeldOut {
    /// Per level, per column: the mean raw output and the mean corrected value (unrounded, so
    /// that no dither noise enters), and the ideal output `lsbPerInputWeight · Σ a·w`.
    struct Levels {
        var raw: [[Double]]
        var corrected: [[Double]]
        var ideal: [Double]

        /// Root-mean-square of (mean − ideal) over levels and columns.
        func rms(_ values: [[Double]]) -> Double {
            var sum = 0.0
            var count = 0
            for (level, row) in values.enumerated() {
                for value in row {
                    sum += (value - ideal[level]) * (value - ideal[level])
                    count += 1
                }
            }
            return (sum / Double(count)).squareRoot()
        }
    }

    /// Levels ±5 and ±10 around activation 6 with weights ±24 (the fit: ±3…12 around 4, ±32).
    static func levels(
        _ chip: inout Chip, correction: DigitalCorrection, trials: Int = 48
    ) throws -> Levels {
        let levels = [-10, -5, 5, 10]
        let (base, weight) = (6, 24)
        var weights = Matrix<Int>(rows: 128, columns: 512, repeating: weight)
        for i in stride(from: 1, to: 128, by: 2) {
            for j in 0..<512 { weights[i, j] = -weight }
        }
        var result = Levels(raw: [], corrected: [], ideal: [])
        for d in levels {
            var inputs = Matrix<Int>(rows: trials, columns: 128, repeating: 0)
            for b in 0..<trials {
                for i in 0..<128 { inputs[b, i] = base + max(i % 2 == 0 ? d : -d, 0) }
            }
            let outputs = try chip.vmm(inputs: inputs, weights: weights).outputs
            var raw = [Double](repeating: 0, count: 512)
            var corrected = raw
            for h in 0..<2 {
                let part = outputs.slice(rows: 0..<trials, columns: (h * 256)..<((h + 1) * 256))
                let values = try correction.correctedValues(part, hemisphere: h, columns: 0..<256)
                for b in 0..<trials {
                    for j in 0..<256 {
                        raw[h * 256 + j] += Double(part[b, j]) / Double(trials)
                        corrected[h * 256 + j] += values[b, j] / Double(trials)
                    }
                }
            }
            result.raw.append(raw)
            result.corrected.append(corrected)
            result.ideal.append(correction.lsbPerInputWeight * Double(64 * weight * d))
        }
        return result
    }
}
