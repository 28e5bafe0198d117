import Foundation
import HXPhysics
import HXTestSupport
import Testing

@testable import HXCalibration

/// A calibration remembers where the chip was (age, temperature) and says when the chip has
/// drifted too far since.
@Suite("Stale calibrations")
struct StalenessTests {
    @Test("a result records the chip's age and temperature; older files without them still load")
    func recordsEnvironment() throws {
        let result = try Fixtures.chip2.get().run.result
        #expect(result.environment == .nominal(for: PhysicsParameters()))
        let loaded = try CalibrationResult(json: result.jsonData())
        #expect(loaded.environment == result.environment)
        // A file written before drift was modelled has no environment: it loads, never warns.
        var old = result
        old.environment = nil
        let json = try old.jsonData()
        #expect(!String(decoding: json, as: UTF8.self).contains("environment"))
        let oldLoaded = try CalibrationResult(json: json)
        let chip = try Chip(seed: 2, environment: ChipEnvironment(age: 1e7, temperature: 320))
        #expect(oldLoaded.environment == nil && oldLoaded.staleness(for: chip) == nil)
        #expect(oldLoaded.stalenessWarning(for: chip) == nil)
    }

    @Test("stale past the drift or the temperature threshold, fresh within both")
    func thresholds() throws {
        var result = try Fixtures.chip2.get().run.result
        let calibrated = ChipEnvironment(age: 10_000, temperature: 301)
        result.environment = calibrated
        // √D grows as τ^0.25 inside the band: 1 h → 1, 4 h → 1.41, 16 h → 2, 1 week → 3.6.
        let cases: [(age: Double, temperature: Double, stale: Bool)] = [
            (10_000, 301, false), (10_000 + 4 * 3600, 301, false), (10_000 + 7 * 86_400, 301, true),
            (10_000, 302.5, false), (10_000, 301 + 2.5, true), (10_000, 301 - 2.5, true),
        ]
        for (age, temperature, stale) in cases {
            var chip = try Chip(seed: 2, parameters: PhysicsParameters().withoutDrift)
            try chip.setEnvironment(ChipEnvironment(age: age, temperature: temperature))
            let staleness = try #require(result.staleness(for: chip))
            #expect(staleness.isStale == stale, "\(staleness)")
            let warning = result.stalenessWarning(for: chip)
            #expect((warning != nil) == stale)
            if let warning {
                #expect(warning.hasPrefix("warning: chip 2:") && warning.hasSuffix("recalibrate"))
            }
        }
    }

    @Test("drift undoes a calibration: after a week at +5 K the column gains spread again")
    func driftUndoesCalibration() throws {
        var calibrated = try Fixtures.chip3.get().calibrated
        let fresh = Spread(try Independent.gain(&calibrated)).relativeStandardDeviation
        try calibrated.setEnvironment(
            ChipEnvironment(
                age: 7 * 86_400, temperature: PhysicsParameters().nominalTemperature + 5))
        let aged = Spread(try Independent.gain(&calibrated)).relativeStandardDeviation
        // Independent drifts of the OTAs (0.3 %/h, 3.6× after a week) and current cells
        // (0.2 %/h) and 30 % spread of their temperature coefficients add ≈ 1.4 % in quadrature.
        #expect(aged > fresh + 0.5, "gain spread \(fresh) % calibrated, \(aged) % a week later")
        #expect(aged < 3, "gain spread \(aged) % a week later, uncalibrated chips spread ≈ 10 %")
    }
}
