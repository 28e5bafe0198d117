import Foundation
import HXNumerics
import HXTestSupport
import Testing

@testable import HXPhysics

@Suite("Transfer of the VMM: linearity, saturation, anchors of docs/SPECIFICATION.md §5")
struct TransferTests {
    @Test(
        "100 inputs of 15 with all weights 21 give outputs of about 55…63 [demos]",
        arguments: [1, 2, 3, 4, 5] as [UInt64])
    func demoAnchor(seed: UInt64) throws {
        var chip = try Chip(seed: seed)
        let outputs = try chip.vmm(inputs: filled(20, 100, 15), weights: filled(100, 256, 21))
            .outputs
        let means = columnStatistics(outputs).map(\.mean)
        let m = median(means)
        #expect((55...63).contains(m), "median column output \(m)")
    }

    @Test("the ideal chip puts every column of the demo anchor inside 55…63")
    func demoAnchorIdeal() throws {
        var chip = try idealChip()
        let outputs = try chip.vmm(inputs: filled(1, 100, 15), weights: filled(100, 256, 21))
            .outputs
        #expect(outputs.storage.allSatisfy { (55...63).contains($0) }, "\(Set(outputs.storage))")
    }

    @Test("output grows linearly with input activation and with weight (ideal chip)")
    func linearInInputAndWeight() throws {
        var chip = try idealChip()
        var byInput: [Double] = []
        for a in [4, 8, 12, 16, 20] {
            byInput.append(
                Double(
                    try chip.vmm(inputs: filled(1, 64, a), weights: filled(64, 1, 20)).outputs[0, 0]
                ))
        }
        var byWeight: [Double] = []
        for w in [6, 12, 18, 24, 30] {
            byWeight.append(
                Double(
                    try chip.vmm(inputs: filled(1, 64, 8), weights: filled(64, 1, w)).outputs[0, 0])
            )
        }
        for series in [byInput, byWeight] {
            // A line through the origin with slope from the largest point fits every point to
            // within the output's rounding and the OTA's small compression.
            let slope = series.last! / 5
            for (k, value) in series.enumerated() {
                #expect(abs(value - slope * Double(k + 1)) <= 1.5, "\(series)")
            }
        }
        #expect(byInput[0] >= 8, "signal too small to test linearity: \(byInput)")
    }

    @Test(
        "output grows linearly with numSends, slightly below proportion because of the pseudo-leak")
    func linearInSends() throws {
        var chip = try idealChip()
        var outputs: [Double] = []
        for sends in 1...4 {
            let options = ExecutionOptions(numSends: sends)
            outputs.append(
                Double(
                    try chip.vmm(
                        inputs: filled(1, 50, 10), weights: filled(50, 1, 20), options: options
                    ).outputs[0, 0]))
        }
        for (k, value) in outputs.enumerated() {
            let proportional = outputs[0] * Double(k + 1)
            #expect(value <= proportional + 1 && value >= 0.95 * proportional - 1, "\(outputs)")
        }
    }

    /// The transfer curve of one column pair: inputs a on 128 rows with weights ±63.
    /// `linear` is the closed form's output (``IdealChipModel``: linear OTA, no output limits,
    /// the pseudo-leak included) of the positive column.
    private func transferCurve(
        chip: inout Chip
    ) throws -> [(ideal: Double, positive: Double, negative: Double, linear: Double)] {
        let model = IdealChipModel(parameters: chip.parameters)
        var weights = Matrix<Int>(rows: 128, columns: 2, repeating: 63)
        for row in 0..<128 { weights[row, 1] = -63 }
        var curve: [(Double, Double, Double, Double)] = []
        for total in stride(from: 2_000, through: 240_000, by: 2_000) {
            // Spread the sum over the rows with activations a and a + 1.
            let perRow = Double(total) / 63
            let base = Int(perRow / 128)
            let extra = Int(perRow) - base * 128
            var inputs = Matrix<Int>(rows: 1, columns: 128, repeating: base)
            for row in 0..<extra { inputs[0, row] = base + 1 }
            let sum = Double(inputs.storage.reduce(0, +) * 63)
            let out = try chip.vmm(inputs: inputs, weights: weights).outputs
            let excursion = model.linearExcursion(
                inputs: Array(inputs.row(0)), column: [Int](repeating: 63, count: 128))
            curve.append(
                (
                    sum, Double(out[0, 0]), Double(out[0, 1]),
                    Double(model.output(excursion: excursion))
                )
            )
        }
        return curve
    }

    @Test("the transfer curve is linear over about −80…80 and saturates beyond [demos]")
    func saturation() throws {
        var chip = try idealChip()
        let curve = try transferCurve(chip: &chip)
        // Gain from the small-signal part.
        let small = curve.filter { $0.positive < 40 }
        let gain = small.map { $0.positive / $0.ideal }.reduce(0, +) / Double(small.count)
        // hxtorch's mock gain is 0.002; the closed form without leak gives 0.00198, the leak
        // (τ 100 µs, events up to 6 µs old) takes 1–3 % of it.
        let model = IdealChipModel(parameters: chip.parameters)
        #expect(abs(model.smallSignalGain / 0.002 - 1) < 0.02, "\(model.smallSignalGain)")
        #expect(
            gain < model.smallSignalGain && gain > 0.96 * model.smallSignalGain,
            "gain \(gain), closed form without leak \(model.smallSignalGain)")
        for point in small {
            // Small signals: the closed form with leak, to the rounding of two reads and the
            // OTA's slight compression.
            #expect(
                abs(point.positive - point.linear) <= 1.5,
                "at Σaw = \(point.ideal): \(point.positive), closed form \(point.linear)")
        }
        for point in curve where abs(gain * point.ideal) <= 80 {
            #expect(
                abs(point.positive - gain * point.ideal) <= 3,
                "at Σaw = \(point.ideal): \(point.positive)")
            #expect(
                abs(point.negative + gain * point.ideal) <= 3,
                "at Σaw = −\(point.ideal): \(point.negative)")
        }
        let saturated = curve.filter { gain * $0.ideal > 200 }
        #expect(!saturated.isEmpty)
        for point in saturated {
            #expect((85...110).contains(point.positive), "saturated output \(point.positive)")
            #expect((-110 ... -85).contains(point.negative), "saturated output \(point.negative)")
        }
        // Monotonic: more input never gives less output.
        for (a, b) in zip(curve, curve.dropFirst()) {
            #expect(b.positive >= a.positive && b.negative <= a.negative)
        }
    }

    @Test("columns with a lower reset potential saturate earlier on the negative side")
    func saturationDependsOnColumn() throws {
        var chip = try idealChip()
        try chip.configure(hemisphere: 0) { $0.resetPotential[1] -= 25 }  // 25 cells ≈ 39 mV lower
        var weights = Matrix<Int>(rows: 128, columns: 2, repeating: -63)
        weights[0, 0] = -63
        let out = try chip.vmm(inputs: filled(1, 128, 31), weights: weights).outputs
        #expect(out[0, 1] > out[0, 0] + 5, "saturated outputs \(out[0, 0]) and \(out[0, 1])")
    }

    @Test("signed weights cancel: interleaved +w and −w rows give zero on the ideal chip")
    func cancellation() throws {
        var chip = try idealChip()
        var weights = Matrix<Int>(rows: 128, columns: 3, repeating: 0)
        for row in 0..<128 {
            weights[row, 0] = row % 2 == 0 ? 40 : -40
            weights[row, 1] = 40
            weights[row, 2] = row % 2 == 0 ? 63 : -63
        }
        let out = try chip.vmm(inputs: filled(1, 128, 20), weights: weights).outputs
        #expect(abs(Int(out[0, 0])) <= 1, "cancelled output \(out[0, 0])")
        #expect(abs(Int(out[0, 2])) <= 1, "cancelled output at full weight \(out[0, 2])")
        #expect(out[0, 1] > 80, "one-sided output \(out[0, 1])")
    }
}
