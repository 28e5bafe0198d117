import Foundation
import HXNumerics
import HXPhysics
import Testing

@testable import HXCalibration

/// Each step on its own, on a fresh (noisy) chip, with fewer trials than the defaults: it must
/// bring its own quantity to its own target.
@Suite("Calibration steps converge on a noisy chip")
struct StepTests {
    /// Expects `report`'s spread by `measure` above `before` when the step began and below
    /// `after` when it ended (both strict); a failure names the step and the value seen.
    func expectNarrowed(
        _ report: StepReport, _ measure: KeyPath<Spread, Double>, from before: Double,
        toBelow after: Double, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let (start, end) = (report.before[keyPath: measure], report.after[keyPath: measure])
        #expect(
            start > before, "\(report.step) before: \(measure) = \(start)",
            sourceLocation: sourceLocation)
        #expect(
            end < after, "\(report.step) after: \(measure) = \(end)",
            sourceLocation: sourceLocation)
    }

    @Test("CADC range: each hemisphere's mean code at 0.30 V and 0.95 V reaches 20 and 220")
    func cadcRange() throws {
        var chip = try Chip(seed: 7)
        var probe = ChipProbe(step: "test")
        let reports = try CADCRangeStep(reads: 4).run(on: &chip, probe: &probe)
        for report in reports {
            #expect(
                abs(report.after.worstDeviation) <= 0.5,
                "\(report.quantity): worst hemisphere off by \(report.after.worstDeviation) LSB")
            #expect(report.outOfTolerance.isEmpty && report.atRangeLimit.isEmpty)
        }
    }

    @Test(
        "synapse drivers: pulse offsets (σ ≈ 0.4 activation units) trimmed to below one trim step")
    func synapseDrivers() throws {
        var chip = try Chip(seed: 7)
        var probe = ChipProbe(step: "test")
        let report = try SynapseDriverStep(trials: 8).run(on: &chip, probe: &probe)
        #expect(report.before.count == 256)
        expectNarrowed(report, \.standardDeviation, from: 0.3, toBelow: 0.15)
        #expect(abs(report.after.mean) < 0.05, "after: mean offset \(report.after.mean)")
        let trims = chip.configuration.hemispheres.flatMap(\.pulseOffsetTrim)
        #expect(Set(trims).count > 3, "trims \(Set(trims).sorted())")
    }

    @Test("CADC offsets: channels read the median at the reference within 1 LSB (σ 5 before)")
    func cadcOffsets() throws {
        var chip = try Chip(seed: 7)
        var probe = ChipProbe(step: "test")
        let report = try CADCOffsetStep(reads: 48).run(on: &chip, probe: &probe)
        expectNarrowed(report, \.standardDeviation, from: 3, toBelow: 0.5)
        #expect(
            abs(report.after.worstDeviation) <= 1.25,
            "worst channel \(report.after.worstColumn) off by \(report.after.worstDeviation) LSB")
        #expect(report.atRangeLimit.isEmpty)
        // The trims are the chip's digital offsets, nothing else.
        #expect(chip.configuration.hemispheres[0].cadcDigitalOffset.contains { $0 != 0 })
    }

    @Test("baseline: every column's zero-input baseline reads 120 within 1 LSB (256 reads after)")
    func baseline() throws {
        var chip = try Chip(seed: 7)
        var probe = ChipProbe(step: "test")
        let report = try BaselineStep(trials: 32).run(on: &chip, probe: &probe)
        #expect(report.target == 120)
        #expect(report.before.standardDeviation > 4, "before: σ \(report.before.standardDeviation)")
        #expect(report.atRangeLimit.isEmpty)
        let after = Spread(
            try probe.meanBaselines(trials: 256, rows: 128, on: &chip), center: report.target)
        #expect(after.standardDeviation < 0.4, "after: σ \(after.standardDeviation) LSB")
        #expect(
            abs(after.worstDeviation) <= 1,
            "worst column \(after.worstColumn) off by \(after.worstDeviation) LSB")
    }

    @Test("gain: excitatory and inhibitory amplitudes reach the median within 1 % (σ 10 % before)")
    func gain() throws {
        var chip = try Chip(seed: 7)
        var probe = ChipProbe(step: "test")
        let (reports, target) = try GainStep(trials: 64).run(on: &chip, probe: &probe)
        #expect((50...70).contains(target), "target amplitude \(target) LSB")
        for report in reports {
            expectNarrowed(report, \.relativeStandardDeviation, from: 5, toBelow: 1)
            #expect(
                abs(report.after.mean - target) < 0.01 * target,
                "\(report.step): mean \(report.after.mean) vs target \(target)")
        }
    }

    @Test("a fixed gain target out of the trims' reach is reported as at the range limit")
    func gainAtLimit() throws {
        var chip = try Chip(seed: 7)
        var probe = ChipProbe(step: "test")
        // 110 LSB needs 1.9 × the nominal OTA bias, beyond the cell's 1022 (1.5 ×).
        let (reports, _) = try GainStep(target: .value(110), trials: 8).run(
            on: &chip, probe: &probe)
        #expect(reports[0].atRangeLimit.count > 450, "at limit: \(reports[0].atRangeLimit.count)")
        #expect(reports[0].outOfTolerance.count > 450)
    }

    @Test("digital fit: levels that take an input outside 0…31 are an error, not a wrong pattern")
    func digitalFitPatterns() throws {
        let step = DigitalFitStep(levels: [-12, 0, 30], baseActivation: 4)
        #expect(throws: CalibrationError.self) { try step.validate() }
        #expect(throws: CalibrationError.self) { try step.patterns() }
        let patterns = try DigitalFitStep().patterns()
        // Level −12: even inputs at 4, odd ones at 16; level 12 the other way round.
        #expect(patterns.rows == 9 && patterns[0, 0] == 4 && patterns[0, 1] == 16)
        #expect(patterns[8, 0] == 16 && patterns[8, 1] == 4)
    }

    @Test(
        "digital fit: fitted on its sweep, the correction maps held-out levels (other base, weights and trials) onto the ideal line"
    )
    func digitalFit() throws {
        // On an uncalibrated chip (column gains σ ≈ 10 %), so that there is much to correct.
        var chip = try Chip(seed: 7)
        var probe = ChipProbe(step: "test")
        let (correction, reports) = try DigitalFitStep(trials: 32).run(
            on: &chip, probe: &probe, targetAmplitude: 60, referenceSum: GainStep().referenceSum)
        try correction.validate(source: "test")
        // Columns whose line leaves a residual above the tolerance are the ones reported.
        let residuals = Array(correction.residuals.joined())
        #expect(
            Set(reports[0].outOfTolerance)
                == Set(residuals.indices.filter { residuals[$0] > 1.5 }))
        // Regression pin: 419 of 512 columns of this uncalibrated chip are linear enough.
        #expect(residuals.filter { $0 < 1.5 }.count > 400, "\(residuals.max() ?? 0)")
        #expect(reports.count == 2 && reports.allSatisfy { $0.step == "digital fit" })
        // Held out: the column gains' spread disappears on levels the fit never saw (4.7 → 0.66
        // LSB RMS), down to the noise of 48 trials (2 LSB / √48 ≈ 0.3 LSB) and the line's
        // slight dependence on the base activation.
        let heldOut = try HeldOut.levels(&chip, correction: correction)
        let (raw, corrected) = (heldOut.rms(heldOut.raw), heldOut.rms(heldOut.corrected))
        #expect(raw > 2, "raw error \(raw) LSB")
        #expect(corrected < 0.2 * raw, "corrected error \(corrected) LSB (raw \(raw) LSB)")
        // Applied twice, the correction moves the values off the line again.
        var twice = heldOut
        twice.corrected = heldOut.corrected.map { row in
            row.enumerated().map { j, value in
                (value - correction.offsets[j / 256][j % 256]) / correction.gains[j / 256][j % 256]
            }
        }
        #expect(
            heldOut.rms(twice.corrected) > 2 * corrected,
            "twice: \(heldOut.rms(twice.corrected)) LSB, once: \(corrected) LSB")
    }
}
