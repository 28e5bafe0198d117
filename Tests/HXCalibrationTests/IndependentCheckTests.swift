import Foundation
import HXNumerics
import HXPhysics
import Testing

@testable import HXCalibration

/// The acceptance criteria, measured through `Chip.vmm` with patterns calibration never
/// used (the specification's anchor pattern, a balanced ±21 pattern, zero input), not through the
/// calibration's own numbers.
@Suite("A calibrated chip, measured independently")
struct IndependentCheckTests {
    static let seeds: [UInt64] = [2, 3]

    static func fixture(
        _ seed: UInt64
    ) throws -> (fresh: Chip, calibrated: Chip, run: CalibrationRun) {
        try (seed == 2 ? Fixtures.chip2 : Fixtures.chip3).get()
    }

    /// The spreads over the columns of chip `seed` of `measure` taken on the fresh and on the
    /// calibrated chip, and the calibrated chip after it (for measurements that follow).
    static func spreads(
        _ seed: UInt64, of measure: (inout Chip) throws -> [Double]
    ) throws -> (before: Spread, after: Spread, calibrated: Chip) {
        var (fresh, calibrated, _) = try fixture(seed)
        let before = Spread(try measure(&fresh))
        return (before, Spread(try measure(&calibrated)), calibrated)
    }

    @Test("column gain spread ≤ 2 % (100 inputs × 15, weights 21); > 5 % before", arguments: seeds)
    func gainSpread(seed: UInt64) throws {
        let (before, after, _) = try Self.spreads(seed) { try Independent.gain(&$0) }
        #expect(
            before.relativeStandardDeviation > 5,
            "before: σ \(before.relativeStandardDeviation) % of \(before.mean) LSB")
        #expect(
            after.relativeStandardDeviation <= 2,
            "after: σ \(after.relativeStandardDeviation) % of \(after.mean) LSB, worst \(after.worstColumn) at \(after.relativeWorstDeviation) %"
        )
        // docs/SPECIFICATION.md §5: the anchor reads ≈ 55…63.
        #expect((50...66).contains(after.mean), "mean amplitude \(after.mean) LSB")
    }

    @Test("zero-input and zero-net-input column spreads ≤ 1 LSB", arguments: seeds)
    func offsetSpread(seed: UInt64) throws {
        let (netBefore, netAfter, measured) = try Self.spreads(seed) {
            try Independent.zeroNet(&$0)
        }
        var calibrated = measured
        let zeroAfter = Spread(try Independent.zeroInput(&calibrated))
        #expect(
            netBefore.standardDeviation > 1.5,
            "zero-net before: σ \(netBefore.standardDeviation) LSB")
        #expect(
            netAfter.standardDeviation <= 1,
            "zero-net after: σ \(netAfter.standardDeviation) LSB, worst \(netAfter.worstColumn) at \(netAfter.worstDeviation) LSB"
        )
        #expect(abs(netAfter.mean) < 1, "zero-net after: mean \(netAfter.mean) LSB")
        #expect(
            zeroAfter.standardDeviation <= 1,
            "zero input after: σ \(zeroAfter.standardDeviation) LSB")
    }

    @Test("calibration leaves the chip as the result describes it", arguments: seeds)
    func chipMatchesResult(seed: UInt64) throws {
        let (fresh, calibrated, run) = try Self.fixture(seed)
        #expect(calibrated.configuration == run.result.configuration)
        #expect(calibrated.configuration != fresh.configuration)
        var applied = fresh
        try run.result.apply(to: &applied)
        #expect(applied.configuration == calibrated.configuration)
        // The result belongs to this chip and to no other.
        try run.result.check(for: fresh)
        #expect(throws: CalibrationError.self) {
            try run.result.check(for: try Chip(seed: seed + 1))
        }
        // Calibration measures in its own trial range and leaves the chip's counter alone.
        #expect(run.result.firstTrial == Calibrator.firstTrial)
        #expect(calibrated.nextTrial == fresh.nextTrial)
    }
}
