import Foundation
import HXNumerics
import HXPhysics
import HXTestSupport
import Testing

@testable import HXCalibration

@Suite("Calibration is repeatable")
struct DeterminismTests {
    @Test("the same seed gives the same result, byte for byte")
    func sameSeed() throws {
        var settings = CalibrationSettings.quick
        settings.surveyTrials = 8
        let first = try Fixtures.calibrate(seed: 2, settings: settings)
        let second = try Fixtures.calibrate(seed: 2, settings: settings)
        #expect(first.run.result == second.run.result)
        #expect(try first.run.result.jsonData() == second.run.result.jsonData())
        #expect(first.calibrated.nextTrial == second.calibrated.nextTrial)
    }

    @Test("another seed gives other trims")
    func otherSeed() throws {
        let two = try Fixtures.chip2.get().run.result
        let three = try Fixtures.chip3.get().run.result
        #expect(two.configuration != three.configuration)
        #expect(two.chipSeed != three.chipSeed)
    }

    @Test(
        "calibration touches the chip only through its configuration; weights written before stay")
    func weightsRestored() throws {
        var chip = try Chip(seed: 4)
        let weights = Matrix<Int>(rows: 3, columns: 5, repeating: -7)
        try chip.writeWeights(weights, hemisphere: 1)
        var settings = CalibrationSettings.quick
        settings.surveyTrials = 0
        settings.cadcRange.isEnabled = false
        settings.digitalFit.isEnabled = false
        let run = try Calibrator(settings: settings).calibrate(&chip, clock: { 0 })
        #expect(chip.writtenWeights(hemisphere: 1) == weights.map { Int8($0) })
        #expect(run.result.correction == nil)
        #expect(run.result.before == nil)
        #expect(throws: CalibrationError.self) { try run.result.requireCorrection() }
    }
}

@Suite("Calibration steps")
struct CalibrationStepListTests {
    @Test("a calibration runs the enabled steps of the ordered list, in order, each timed once")
    func allSteps() throws {
        let run = try Fixtures.chip2.get().run
        #expect(
            run.result.timings.map(\.step) == [
                "survey before", "CADC range", "synapse drivers", "CADC offsets", "baseline",
                "gain", "digital fit", "survey after",
            ])
        #expect(
            run.result.timings.map(\.step)
                == Fixtures.settings.steps.filter { $0.isEnabled }.map { $0.name })
        // Every step measured something.
        #expect(run.result.timings.allSatisfy { $0.batches > 0 })
    }

    @Test("switching steps off shortens the list; progress numbers the steps that run, k of n")
    func someSteps() throws {
        var settings = CalibrationSettings.quick
        settings.surveyTrials = 0
        settings.cadcRange.isEnabled = false
        settings.synapseDrivers.isEnabled = false
        settings.digitalFit.isEnabled = false
        let lines = Recorded<String>()
        var chip = try Chip(seed: 5)
        let run = try Calibrator(settings: settings).calibrate(
            &chip, progress: { lines.append($0) }, clock: { 0 })
        let steps = lines.values.filter { $0.hasPrefix("calibrate: step ") }
        #expect(
            steps == [
                "calibrate: step 1/3: CADC offsets\n", "calibrate: step 2/3: baseline\n",
                "calibrate: step 3/3: gain\n",
            ])
        #expect(run.result.timings.map(\.step) == ["CADC offsets", "baseline", "gain"])
        #expect(run.result.correction == nil && run.result.before == nil)
    }

    @Test("the digital fit needs the gain step before it in the list")
    func order() throws {
        var state = CalibrationState()
        #expect(throws: CalibrationError.self) {
            _ = try state.require(state.amplitude, from: "gain", for: "digital fit")
        }
        state.amplitude = (60, 30_720)
        #expect(try state.require(state.amplitude, from: "gain", for: "digital fit").target == 60)
    }
}

@Suite("A noisier chip still converges")
struct NoisyChipTests {
    @Test("twice the read noise, jitter and drift noise: gain σ ≤ 2 %, zero-net σ ≤ 1 LSB")
    func doubledNoise() throws {
        var parameters = PhysicsParameters()
        parameters.readNoise *= 2
        parameters.pulseJitter *= 2
        parameters.driftCurrentNoise *= 2
        var settings = CalibrationSettings.quick
        settings.baseline.trials = 32
        settings.gain.trials = 128
        settings.surveyTrials = 0
        settings.digitalFit.isEnabled = false
        let (fresh, calibrated, run) = try Fixtures.calibrate(
            seed: 5, parameters: parameters, settings: settings)
        var before = fresh
        var after = calibrated
        let gainBefore = Spread(try Independent.gain(&before))
        let gainAfter = Spread(try Independent.gain(&after, trials: 256))
        let zeroNet = Spread(try Independent.zeroNet(&after, trials: 256))
        #expect(gainBefore.relativeStandardDeviation > 5)
        #expect(
            gainAfter.relativeStandardDeviation <= 2,
            "gain σ \(gainAfter.relativeStandardDeviation) %")
        #expect(zeroNet.standardDeviation <= 1, "zero-net σ \(zeroNet.standardDeviation) LSB")
        let baseline = run.result.steps.first { $0.step == "baseline" }
        #expect((baseline?.after.standardDeviation ?? 9) < 0.6)
    }
}
