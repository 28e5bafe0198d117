import Foundation
import HXNumerics
import HXPhysics
import HXTestSupport
import Testing

@testable import HXCalibration
@testable import HXNetwork

/// The physics back end in the loop: the front end's blocks, partitions, numSends, calibration,
/// digital correction and scheduling on simulated chips, checked against expectations that do
/// not come from the code under test.
@Suite("Physics back end in the loop")
struct PhysicsLoopTests {
    /// The linear chain of docs/MODEL.md without mismatch, noise or leak, and with a settling
    /// time long enough (20 µs = 62 τ_syn) that every line has given all its charge to the
    /// membrane before the read: a block's output is then round(c + x) − round(c) for the exact
    /// excursion x = gain · numSends · Σ a·w, with the gain of the closed form.
    static var exactlyLinear: PhysicsParameters {
        var p = PhysicsParameters().withoutMismatchOrNoise.withLinearChain
        p.pseudoLeakConductance = 0
        p.settlingTime = 20e-6
        return p
    }

    /// Weights [out, in] whose columns have one sign each (even outputs positive), magnitudes
    /// 0…10: block sums of ≈ 20 LSB per send.
    static func signedColumnWeights(outputs: Int, inputs: Int, seed: UInt64) throws -> Tensor {
        var rng = SplitMix64(key: seed)
        let values = (0..<outputs * inputs).map { index -> Float in
            let magnitude = Float(rng.next() % 11)
            return (index / inputs) % 2 == 0 ? magnitude : -magnitude
        }
        return try Tensor(shape: [outputs, inputs], storage: values)
    }

    @Test(
        "a noise- and mismatch-free physics executor computes gain · numSends · Σ a·w to the rounding of its blocks, on 1 or 2 chips",
        arguments: [(1, 1), (2, 2), (1, 3)])
    func linearModel(chips: Int, numSends: Int) throws {
        let model = IdealChipModel(parameters: Self.exactlyLinear)
        // 200 inputs: two row blocks (128 + 72); 300 outputs: two column blocks (256 + 44).
        let layer = try Linear(
            weight: Self.signedColumnWeights(outputs: 300, inputs: 200, seed: 1),
            numSends: numSends)
        let x = randomIntegers([6, 200], seed: 2, in: 0...31)
        let gain = MockParameter(gain: model.smallSignalGain, noiseStd: 0)
        let executor = try PhysicsExecutor(
            chipCount: chips, firstSeed: 5, parameters: Self.exactlyLinear)
        var hardware = ExecutionContext(
            backend: .hardware(executor), mockParameter: gain, seed: 1)
        var software = ExecutionContext(backend: .software, mockParameter: gain, seed: 1)
        let chipOutput = try layer(x, context: &hardware)
        let ideal = try layer(x, context: &software)
        #expect(chipOutput.shape == [6, 300])
        var worst: Float = 0
        var sum: Float = 0
        for (a, b) in zip(chipOutput.storage, ideal.storage) where abs(b) < 120 {
            // Each of the two row blocks rounds its own output: less than 1 LSB each.
            #expect(abs(a - b) < 2, "chip \(a), gain · n · Σ a·w = \(b)")
            worst = max(worst, abs(a - b))
            sum += a - b
        }
        let scale = ideal.storage.map(abs).max() ?? 0
        #expect(scale > 30 * Float(numSends), "largest output \(scale) LSB")
        #expect(abs(sum / Float(ideal.count)) < 0.5, "mean deviation \(sum / Float(ideal.count))")
    }

    /// Small calibration settings: no survey, few trials (a couple of seconds per chip).
    static var tinyCalibration: CalibrationSettings {
        var settings = CalibrationSettings.quick
        settings.surveyTrials = 0
        settings.cadcRange.isEnabled = false
        settings.synapseDrivers.isEnabled = false
        settings.cadcOffsets.reads = 8
        settings.baseline.trials = 8
        settings.gain.trials = 16
        settings.digitalFit.trials = 16
        return settings
    }

    /// Blocks of one layer's shape on chip 0: 3 vectors on hemisphere 0, 5 on hemisphere 1.
    static func unequalBlocks() throws -> [HardwareBlock] {
        [
            HardwareBlock(
                placement: BlockPlacement(chip: 0, hemisphere: 0),
                inputs: try Chip.checkedInputs(randomMatrix(3, 100, in: 0...31, seed: 7)),
                weights: try randomMatrix(100, 40, in: 0...40, seed: 8).map { Int8($0) }),
            HardwareBlock(
                placement: BlockPlacement(chip: 0, hemisphere: 1),
                inputs: try Chip.checkedInputs(randomMatrix(5, 60, in: 0...31, seed: 9)),
                weights: try randomMatrix(60, 20, in: -40...0, seed: 10).map { Int8($0) }),
        ]
    }

    @Test(
        "calibrated chips with the digital correction: each output is the correction's line applied to the raw output, rounded with unbiased dither"
    )
    func digitalCorrection() throws {
        let calibrated = try PhysicsExecutor(
            chipCount: 1, firstSeed: 3, calibration: Self.tinyCalibration,
            digitalCorrection: true)
        var result = try #require(calibrated.corrections[0])
        // The calibration is applied: the chip holds the calibrated trims, not the nominal ones.
        let chip = calibrated.currentChips[0]
        #expect(chip.configuration == result.configuration)
        #expect(chip.configuration != ChipConfiguration(nominalFor: chip.parameters))
        // A correction with a large line, so that applying it twice or not at all is visible.
        var correction = try result.requireCorrection()
        for h in 0..<2 {
            for j in 0..<256 {
                correction.offsets[h][j] = Double(j % 7) - 3
                correction.gains[h][j] = 0.8 + 0.002 * Double(j)
            }
        }
        result.correction = correction
        let corrected = try PhysicsExecutor(chips: [chip], corrections: [result])
        let raw = try PhysicsExecutor(chips: [chip])
        let blocks = try Self.unequalBlocks()
        var totals = [Double](repeating: 0, count: 2)
        var count = 0
        for _ in 0..<3 {
            let a = try corrected.execute(blocks, numSends: 2, waitBetweenEvents: 4)
            let b = try raw.execute(blocks, numSends: 2, waitBetweenEvents: 4)
            for (index, block) in blocks.enumerated() {
                let h = block.placement.hemisphere
                let values = try correction.correctedValues(
                    b[index], hemisphere: h, columns: 0..<b[index].columns)
                for k in 0..<b[index].count {
                    let code = b[index].storage[k]
                    if code == Int8.min || code == Int8.max {
                        #expect(a[index].storage[k] == code)
                        continue
                    }
                    let value = min(max(values.storage[k], -128), 127)
                    let difference = Double(a[index].storage[k]) - value
                    // ⌊value + u⌋ with u ∈ [0, 1): within (−1, 1) of the value.
                    #expect(
                        abs(difference) < 1, "raw \(code) → \(a[index].storage[k]), line \(value)")
                    totals[0] += difference
                    totals[1] += abs(Double(a[index].storage[k]) - Double(code))
                    count += 1
                }
            }
        }
        // Unbiased on average; and the correction did something (offsets up to 3, gains ≠ 1).
        #expect(
            abs(totals[0] / Double(count)) < 0.1, "mean rounding error \(totals[0] / Double(count))"
        )
        #expect(totals[1] / Double(count) > 1, "mean change \(totals[1] / Double(count)) LSB")
    }

    @Test(
        "blocks with unequal batches on one chip run one after the other, each as it runs alone with its interleaved trials; equal batches run as one execution of both hemispheres"
    )
    func hemisphereScheduling() throws {
        let chip = try Chip(seed: 4)
        let blocks = try Self.unequalBlocks()
        let executor = try PhysicsExecutor(chips: [chip])
        let outputs = try executor.execute(blocks, numSends: 3, waitBetweenEvents: 6)
        // By hand on a copy of the chip: hemisphere 0's batch, then hemisphere 1's, as two
        // executions whose trials interleave (execution e, vector b: trial 2b + e).
        var manual = chip
        var options = ExecutionOptions(numSends: 3, waitBetweenEvents: 6)
        options.trialStride = 2
        try manual.writeWeights(blocks[0].weights.map { Int($0) }, hemisphere: 0)
        try manual.writeWeights(blocks[1].weights.map { Int($0) }, hemisphere: 1)
        options.firstTrial = 0
        let first = try manual.execute(inputs: [blocks[0].inputs, nil], options: options)
        options.firstTrial = 1
        let second = try manual.execute(inputs: [nil, blocks[1].inputs], options: options)
        #expect(outputs[0] == first.outputs[0] && outputs[1] == second.outputs[1])
        // The count continues after the last trial used: 1 + 2 · (5 − 1) for the second batch.
        #expect(blocks[0].inputs.rows == 3 && blocks[1].inputs.rows == 5)
        #expect(executor.currentChips[0].nextTrial == 10)
        // Equal batches: one execution sends each vector to both hemispheres at once.
        var paired = blocks
        paired[1].inputs = try Chip.checkedInputs(randomMatrix(3, 60, in: 0...31, seed: 11))
        let together = try PhysicsExecutor(chips: [chip]).execute(
            paired, numSends: 3, waitBetweenEvents: 6)
        var both = chip
        try both.writeWeights(blocks[0].weights.map { Int($0) }, hemisphere: 0)
        try both.writeWeights(blocks[1].weights.map { Int($0) }, hemisphere: 1)
        let once = try both.execute(
            inputs: [paired[0].inputs, paired[1].inputs],
            options: ExecutionOptions(numSends: 3, waitBetweenEvents: 6))
        #expect(together[0] == once.outputs[0] && together[1] == once.outputs[1])
    }

    @Test("withChip changes a chip in place under the lock; a body that throws leaves it as it was")
    func withChip() throws {
        let executor = try PhysicsExecutor(chipCount: 2, firstSeed: 6)
        let block = HardwareBlock.uniform(
            chip: 1, hemisphere: 0, batch: 4, rows: 50, columns: 8, input: 20, weight: 30)
        let before = try executor.execute([block], numSends: 1, waitBetweenEvents: 5)[0]
        // Half the synapse bias: half the synaptic currents, about half the output.
        let bias = try executor.withChip(1) { chip -> Int in
            let nominal = chip.configuration.hemispheres[0].synapseBias
            try chip.configure(hemisphere: 0) { $0.synapseBias = nominal / 2 }
            return nominal
        }
        #expect(executor.currentChips[1].configuration.hemispheres[0].synapseBias == bias / 2)
        #expect(executor.currentChips[0].configuration.hemispheres[0].synapseBias == bias)
        let after = try executor.execute([block], numSends: 1, waitBetweenEvents: 5)[0]
        let ratio =
            after.storage.reduce(0.0) { $0 + Double($1) }
            / before.storage.reduce(0.0) { $0 + Double($1) }
        #expect(abs(ratio - 0.5) < 0.06, "output ratio \(ratio)")
        // A failing body changes nothing.
        let state = executor.currentChips[1]
        #expect(throws: PhysicsError.self) {
            try executor.withChip(1) { chip in
                try chip.configure(hemisphere: 0) { $0.synapseBias = 100 }
                try chip.configure(hemisphere: 0) { $0.synapseBias = 5000 }
            }
        }
        #expect(executor.currentChips[1].configuration == state.configuration)
        #expect(throws: NetworkError.self) { try executor.withChip(2) { _ in } }
    }

    @Test(
        "training with the simulated chip in the loop learns the two-class task (≥ 95 % held out) within seconds"
    )
    func trainingOnTheChip() throws {
        let executor = try PhysicsExecutor(chipCount: 1, firstSeed: 8)
        var context = ExecutionContext(backend: .hardware(executor), seed: 5)
        let run = try twoClassRun(context: &context)
        let (losses, before, after) = (run.losses, run.before, run.after)
        #expect(losses.last! < losses.first! / 3, "losses per epoch: \(losses)")
        #expect(after >= 0.95 && before < 0.75, "accuracy \(before) → \(after)")
        // The chip did run the training: its trial counter moved by every vector sent.
        #expect(executor.currentChips[0].nextTrial > 6 * 256)
    }
}
