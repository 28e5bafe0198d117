import HXNumerics
import HXPhysics
import HXTestSupport
import Testing

@testable import HXNetwork

@Suite("A backward pass that knows the chip")
struct ChipAwareBackwardTests {
    @Test(
        "on hxtorch's linear model every column's measured gain is the model's gain · numSends",
        arguments: [1, 4])
    func linearModel(numSends: Int) throws {
        let truth = MockParameter(gain: 0.002, noiseStd: 0)
        let executor = try ReferenceExecutor(chipCount: 1, parameter: truth, seed: 1)
        let settings = VMMSettings(numSends: numSends, waitBetweenEvents: 5)
        let response = try measureChipResponse(on: executor, timings: [settings])
        for hemisphere in 0..<2 {
            let columns = try response.columns(
                BlockPlacement(chip: 0, hemisphere: hemisphere), settings)
            let expected = truth.gain * Double(numSends)
            for gain in columns.excitatoryGain + columns.inhibitoryGain {
                // The model floors its outputs: within a few percent of the slope.
                #expect(abs(gain / expected - 1) < 0.03, "gain \(gain), model \(expected)")
            }
            // The model is linear up to the int8 range.
            #expect(columns.upperLimit.allSatisfy { $0 >= 100 }, "\(columns.upperLimit.min()!)")
            #expect(columns.lowerLimit.allSatisfy { $0 <= -100 }, "\(columns.lowerLimit.max()!)")
        }
        #expect(throws: NetworkError.self) {
            try response.columns(BlockPlacement(chip: 0, hemisphere: 0), VMMSettings(numSends: 2))
        }
    }

    /// A simulated chip without trial-to-trial noise, uncalibrated.
    static func quietChip(seed: UInt64 = 3) throws -> PhysicsExecutor {
        try PhysicsExecutor(
            chipCount: 1, firstSeed: seed, parameters: PhysicsParameters().withoutNoise)
    }

    @Test(
        "on a simulated chip the measured gains follow each column's own gain (independent pattern)"
    )
    func columnGains() throws {
        let executor = try Self.quietChip()
        let settings = VMMSettings(numSends: 1, waitBetweenEvents: 5)
        let response = try measureChipResponse(on: executor, timings: [settings])
        let columns = try response.columns(BlockPlacement(chip: 0, hemisphere: 0), settings)
        // Independently: docs/SPECIFICATION.md's anchor pattern (100 inputs of 15, weights 21) through
        // Chip.vmm, output per unit of Σ a·w.
        var chip = executor.currentChips[0]
        let outputs = try chip.vmm(
            inputs: Matrix(rows: 8, columns: 100, repeating: 15),
            weights: Matrix(rows: 100, columns: 256, repeating: 21)
        ).outputs
        let anchor = (0..<256).map { j in
            (0..<8).reduce(0.0) { $0 + Double(outputs[$1, j]) } / 8 / Double(100 * 15 * 21)
        }
        let measured = columns.excitatoryGain
        let spread = meanAndStd(measured)
        #expect(spread.std / spread.mean > 0.05, "uncalibrated columns differ by ≈ 10 %")
        #expect(
            correlation(measured, anchor) > 0.9,
            "correlation \(correlation(measured, anchor)) with the anchor pattern")
        #expect(
            abs(spread.mean / meanAndStd(anchor).mean - 1) < 0.05,
            "mean gain \(spread.mean), anchor \(meanAndStd(anchor).mean)")
        // Excitatory and inhibitory OTAs of a column have their own mismatch.
        #expect(correlation(columns.excitatoryGain, columns.inhibitoryGain) < 0.8)
    }

    @Test("the chip-aware gradient predicts how the chip's outputs move better than hxtorch's")
    func predictsTheChip() throws {
        let executor = try Self.quietChip(seed: 5)
        let settings = VMMSettings(numSends: 2, waitBetweenEvents: 5)
        let response = try measureChipResponse(on: executor, timings: [settings])
        let mock = try measureMockParameter(on: executor, seed: 1).parameter
        let x = randomIntegers([8, 64], seed: 1, in: 0...12)
        let w = randomIntegers([64, 40], seed: 2, in: 0...30)
        // The change of the outputs when every weight moves by δ (≈ 20 LSB, well above the
        // rounding of the codes): measured and predicted.
        let delta = randomIntegers([64, 40], seed: 3, in: 10...20)
        var context = ExecutionContext(
            backend: .hardware(executor), mockParameter: mock, seed: 0)
        let before = try matmul(x, w, numSends: 2, context: &context)
        let moved = try Tensor(shape: w.shape, storage: zip(w.storage, delta.storage).map(+))
        let after = try matmul(x, moved, numSends: 2, context: &context)
        let actual = zip(after.storage, before.storage).map { Double($0 - $1) }

        func predicted(_ backward: BackwardModel) throws -> [Double] {
            var context = ExecutionContext(
                backend: .hardware(executor), mockParameter: mock, seed: 0)
            context.backward = backward
            // d(Σ v ⊙ y)/dw · δ for v the unit vector of each output is the predicted change;
            // all outputs at once: the Jacobian-vector product of the linear model.
            var result: [Double] = []
            for b in 0..<8 {
                for c in 0..<40 {
                    let tracked = w.trackingGradient()
                    let y = try matmul(x, tracked, numSends: 2, context: &context)
                    var select = [Float](repeating: 0, count: 8 * 40)
                    select[b * 40 + c] = 1
                    let loss = try (y * Tensor(shape: [8, 40], storage: select)).sum()
                    let gradient = try gradients(of: loss, withRespectTo: [tracked])[0]
                    result.append(
                        zip(gradient.storage, delta.storage).reduce(0.0) {
                            $0 + Double($1.0 * $1.1)
                        })
                }
            }
            return result
        }
        func rms(_ p: [Double]) -> Double {
            (zip(actual, p).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                / Double(actual.count)).squareRoot()
        }
        let chipError = rms(try predicted(.chip(response)))
        let hxtorchError = rms(try predicted(.hxtorch))
        #expect(
            chipError < 0.8 * hxtorchError,
            "rms error of the predicted change: chip-aware \(chipError), hxtorch \(hxtorchError)")
    }

    @Test("the gradient is zero where an output saturated or was clamped, and nowhere else")
    func saturationStopsTheGradient() throws {
        let executor = try Self.quietChip(seed: 7)
        let settings = VMMSettings(numSends: 4, waitBetweenEvents: 5)
        let response = try measureChipResponse(on: executor, timings: [settings])
        // Row b drives b·8 inputs at 20 into weights 30: small rows stay linear, large ones
        // saturate.
        var storage = [Float]()
        for b in 0..<16 { storage += (0..<128).map { $0 < b * 8 ? 20 : 0 } }
        let x = try Tensor(shape: [16, 128], storage: storage)
        let w = try Tensor(shape: [128, 8], storage: [Float](repeating: 30, count: 128 * 8))
        var context = ExecutionContext(backend: .hardware(executor), seed: 0)
        context.backward = .chip(response)
        let tracked = x.trackingGradient()
        let y = try matmul(tracked, w, numSends: 4, context: &context)
        let gradient = try gradients(of: y.sum(), withRespectTo: [tracked])[0]
        let columns = try response.columns(BlockPlacement(chip: 0, hemisphere: 0), settings)
        var stopped = 0
        for b in 1..<16 {
            let saturated = (0..<8).allSatisfy {
                Double(y.storage[b * 8 + $0]) > columns.upperLimit[$0]
            }
            let linear = (0..<8).allSatisfy {
                Double(y.storage[b * 8 + $0]) <= columns.upperLimit[$0]
            }
            let row = Array(gradient.storage[(b * 128)..<(b * 128 + 128)])
            if saturated {
                #expect(row.allSatisfy { $0 == 0 }, "sample \(b) saturated, gradient \(row[0])")
                stopped += 1
            }
            if linear { #expect(row[0] > 0, "sample \(b) linear, gradient \(row[0])") }
        }
        #expect(stopped >= 3, "the largest inputs saturate every column")
    }
}

/// Pearson's correlation of two equally long samples.
func correlation(_ a: [Double], _ b: [Double]) -> Double {
    let (ma, mb) = (meanAndStd(a).mean, meanAndStd(b).mean)
    var (sab, saa, sbb) = (0.0, 0.0, 0.0)
    for (x, y) in zip(a, b) {
        sab += (x - ma) * (y - mb)
        saa += (x - ma) * (x - ma)
        sbb += (y - mb) * (y - mb)
    }
    return sab / (saa * sbb).squareRoot()
}

/// Mean and sample standard deviation.
func meanAndStd(_ values: [Double]) -> (mean: Double, std: Double) {
    let mean = values.reduce(0, +) / Double(values.count)
    let square = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    return (mean, (square / Double(max(1, values.count - 1))).squareRoot())
}
