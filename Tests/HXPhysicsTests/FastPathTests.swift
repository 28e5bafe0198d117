import Dispatch
import Foundation
import HXNumerics
import HXTestSupport
import Testing

@_spi(Benchmarks) @testable import HXPhysics

/// Continuous CADC codes (before read noise and rounding) of both integrators for one batch on
/// hemisphere 0 of `chip`, after writing `weights` there.
func continuousCodes(
    chip: inout Chip, inputs: Matrix<Int>, weights: Matrix<Int>,
    options: ExecutionOptions = ExecutionOptions()
) throws -> (fast: [Double], gsl: [Double]) {
    try chip.writeWeights(weights, hemisphere: 0)
    return try chip.continuousCodes(
        inputs: Chip.checkedInputs(inputs), hemisphere: 0, options: options)
}

@Suite("Fast path against the GSL reference")
struct FastPathTests {
    @Test(
        "in the separable regime the fast path is exact: RMS error far below 0.1 LSB before quantisation"
    )
    func separable() throws {
        var p = PhysicsParameters().withoutNoise.withLinearChain
        p.pseudoLeakMismatch = 0
        var chip = try Chip(seed: 3, parameters: p)
        let (inputs, weights) = try randomOperands(batch: 6, rows: 48, columns: 24, seed: 1)
        let (fast, gsl) = try continuousCodes(
            chip: &chip, inputs: inputs, weights: weights, options: ExecutionOptions(numSends: 2))
        let (rms, worst) = errors(fast, gsl)
        #expect(rms < 0.01 && worst < 0.05, "RMS \(rms) LSB, worst \(worst) LSB")
        // Codes (noise off) agree in at least 99 % of outputs.
        let a = try chip.vmm(
            inputs: inputs, weights: weights,
            options: ExecutionOptions(numSends: 2, integrator: .fast)
        ).outputs
        let b = try chip.vmm(
            inputs: inputs, weights: weights,
            options: ExecutionOptions(numSends: 2, integrator: .gsl)
        ).outputs
        let same = zip(a.storage, b.storage).filter { $0 == $1 }.count
        #expect(Double(same) >= 0.99 * Double(a.count), "\(same) of \(a.count) codes equal")
    }

    @Test("with every default nonlinearity, the fast path stays within a fraction of an LSB of GSL")
    func defaultRegime() throws {
        var chip = try Chip(seed: 4, parameters: PhysicsParameters().withoutNoise)
        let (inputs, weights) = try randomOperands(batch: 6, rows: 64, columns: 24, seed: 5)
        let (fast, gsl) = try continuousCodes(chip: &chip, inputs: inputs, weights: weights)
        let (rms, worst) = errors(fast, gsl)
        #expect(rms < 0.15 && worst < 0.5, "RMS \(rms) LSB, worst \(worst) LSB")
    }

    @Test(
        "in saturation (all rows at full input and weight, 2 cycles apart) the fast path tracks GSL to a fifth of an LSB without bias (the old fast path read +0.5 LSB high)"
    )
    func saturating() throws {
        var chip = try Chip(seed: 5, parameters: PhysicsParameters().withoutNoise)
        let (inputs, weights) = try randomOperands(
            batch: 4, rows: 128, columns: 16, seed: 7, inputs: 20...31, weights: 30...63)
        let (fast, gsl) = try continuousCodes(
            chip: &chip, inputs: inputs, weights: weights,
            options: ExecutionOptions(waitBetweenEvents: 2))
        let (rms, worst) = errors(fast, gsl)
        let offset = bias(fast, gsl)
        // benchmarks/README.md: before the roll-off fix RMS 0.51, bias +0.50 (which fails here);
        // now ≈ 0.18 and −0.17.
        #expect(
            rms < 0.25 && abs(offset) < 0.25 && worst < 0.5,
            "RMS \(rms) LSB, bias \(offset) LSB, worst \(worst) LSB")
        // Deep in saturation: the test is where it says it is.
        #expect(gsl.allSatisfy { $0 > 200 }, "lowest \(gsl.min() ?? 0)")
    }

    @Test(
        "near the upper limit the fast path follows GSL to a fifth of an LSB: leak and drift act along the rolled-off trajectory"
    )
    func nearTheLimit() throws {
        var chip = try Chip(seed: 8, parameters: PhysicsParameters().withoutNoise)
        let (inputs, weights) = try randomOperands(
            batch: 4, rows: 128, columns: 48, seed: 20, weights: 0...63)
        let (fast, gsl) = try continuousCodes(chip: &chip, inputs: inputs, weights: weights)
        // Every output is in the roll-off: above 150 LSB, the linear range ends near 190.
        #expect(gsl.allSatisfy { $0 > 150 }, "lowest \(gsl.min() ?? 0)")
        let (rms, worst) = errors(fast, gsl)
        let bias = zip(fast, gsl).map { $0 - $1 }.reduce(0, +) / Double(fast.count)
        #expect(rms < 0.2 && abs(bias) < 0.1, "RMS \(rms) LSB, bias \(bias) LSB, worst \(worst)")
    }

    @Test("fast and GSL outputs agree statistically with noise on (mean and spread per column)")
    func noisyAgreement() throws {
        var chip = try Chip(seed: 6)
        let inputs = filled(60, 100, 15)
        let weights = filled(100, 8, 21)
        let fast = columnStatistics(
            try chip.vmm(
                inputs: inputs, weights: weights, options: ExecutionOptions(integrator: .fast)
            ).outputs)
        let gsl = columnStatistics(
            try chip.vmm(
                inputs: inputs, weights: weights, options: ExecutionOptions(integrator: .gsl)
            ).outputs)
        for (f, g) in zip(fast, gsl) {
            // Means differ by less than 4 standard errors; spreads by less than 30 %.
            #expect(abs(f.mean - g.mean) < 4 * 2 / 60.0.squareRoot(), "means \(f.mean) \(g.mean)")
            #expect(abs(f.std - g.std) < 0.3 * g.std, "spreads \(f.std) \(g.std)")
        }
    }

    @Test(
        "the vectorised transform gives the codes of the double-precision reference (noise off)",
        arguments: [(256, VMMWorkloadKind.random), (37, .random), (200, .saturating)])
    func transformMatchesReference(columns: Int, kind: VMMWorkloadKind) throws {
        var chip = try Chip(seed: 7, parameters: PhysicsParameters().withoutNoise)
        let saturating = kind == .saturating
        let inputs = try randomMatrix(40, 128, in: saturating ? 20...31 : 0...31, seed: 9)
        let weights = try randomMatrix(
            128, columns, in: saturating ? 30...63 : -63...63, seed: 10)
        try chip.writeWeights(weights, hemisphere: 0)
        let options = ExecutionOptions(
            waitBetweenEvents: saturating ? 2 : 5, integrator: .fast, includeRawReads: true)
        let chipInputs = try Chip.checkedInputs(inputs)
        let result = try chip.execute(inputs: [chipInputs, nil], options: options)
        let codes = try #require(result.resultCodes[0])
        let outputs = try #require(result.outputs[0])
        let baseline = try #require(result.baselineCodes[0])
        // The reference: the same linear excursions through the double-precision transform.
        let block = chip.hemispheres[0].written!.fast
        let (y, timings) = try FastPath.linearExcursions(
            chip.diagnosticBatch(
                inputs: chipInputs, hemisphere: 0, options: options, parameters: chip.parameters))
        let circuit = chip.hemispheres[0].circuit
        var compared = 0
        var equal = 0
        var flagged = 0
        for b in 0..<inputs.rows {
            for j in 0..<columns {
                let v = FastPath.excursion(
                    linear: y[b * columns + j], column: j, timing: timings[b], block: block,
                    parameters: chip.parameters
                ).excursion
                let code = circuit.cadcCode(column: j, voltage: circuit.resetPotential[j] + v)
                let clipped = min(max(code, 0), 255)
                // Float rounding may tip a code that lies on a half.
                guard abs(clipped - clipped.rounded(.down) - 0.5) > 0.02 else { continue }
                compared += 1
                if Int(codes[b, j]) == Int(clipped.rounded()) { equal += 1 }
                if outputs[b, j] != Int8(clamping: Int(codes[b, j]) - Int(baseline[b, j])) {
                    flagged += 1
                }
            }
        }
        #expect(equal == compared, "\(equal) of \(compared) codes equal the reference")
        #expect(flagged == 0, "\(flagged) outputs are not result − baseline")
        #expect(compared > inputs.rows * columns * 9 / 10)
    }

    @Test(
        "codes do not depend on the thread count: a batch is cut into the same chunks whatever the threads, and OpenBLAS runs each chunk single-threaded"
    )
    func threads() throws {
        let (inputs, weights) = try randomOperands(batch: 300, rows: 128, columns: 256, seed: 12)
        var results: [Matrix<Int8>] = []
        for threads in [1, 2, 3] {
            var chip = try Chip(seed: 14)
            let options = ExecutionOptions(integrator: .fast, threads: threads)
            results.append(try chip.vmm(inputs: inputs, weights: weights, options: options).outputs)
        }
        #expect(results[0] == results[1] && results[1] == results[2])
    }

    /// Whether a batch split over two calls gives bit-identical codes depends on OpenBLAS: the
    /// chunks of the two parts have other sizes, and OpenBLAS's sgemm computes a row of the
    /// product in a different order depending on the number of rows and on where the row sits
    /// in its tile (on this machine's Zen kernel about 3–20 % of the excursions of a split batch
    /// differ in the last bits). So the law tested is the one that holds for any BLAS: the
    /// parts run the same trials with the same noise, their products agree to float rounding,
    /// and a code can differ only by 1 LSB, where that rounding crosses a threshold.
    @Test(
        "a batch split over two calls runs the same trials with the same noise; codes agree up to the float rounding of the product (±1 LSB at a threshold, rarely)"
    )
    func batchSplit() throws {
        let (inputs, weights) = try randomOperands(batch: 300, rows: 128, columns: 256, seed: 12)
        var chip = try Chip(seed: 14)
        let whole = try chip.vmm(inputs: inputs, weights: weights).outputs
        // 77 + 223 samples: chunks of 16 and 32 instead of 48.
        var split = try Chip(seed: 14)
        let first = try split.vmm(
            inputs: inputs.slice(rows: 0..<77, columns: 0..<128), weights: weights
        ).outputs
        let second = try split.vmm(
            inputs: inputs.slice(rows: 77..<300, columns: 0..<128), weights: weights
        ).outputs
        #expect(split.nextTrial == chip.nextTrial)
        var differing = 0
        for b in 0..<300 {
            for j in 0..<256 {
                let part = b < 77 ? first[b, j] : second[b - 77, j]
                let difference = abs(Int(part) - Int(whole[b, j]))
                #expect(difference <= 1, "sample \(b), column \(j): \(part) vs \(whole[b, j])")
                if difference != 0 { differing += 1 }
            }
        }
        // With other trials or other noise about 80 % of the codes would differ.
        #expect(differing <= 8, "\(differing) of 76,800 codes differ")
        // The products of the parts agree with the whole to float rounding (1e-6 of the
        // excursion scale, ≈ 1e-4 LSB).
        let chipInputs = try Chip.checkedInputs(inputs)
        let options = ExecutionOptions()
        let all = try FastPath.linearExcursions(
            chip.diagnosticBatch(
                inputs: chipInputs, hemisphere: 0, options: options, parameters: chip.parameters))
        var parts: [Float] = []
        for range in [0..<77, 77..<300] {
            var partOptions = options
            partOptions.firstTrial = UInt64(range.lowerBound)
            parts += try FastPath.linearExcursions(
                chip.diagnosticBatch(
                    inputs: chipInputs.slice(rows: range, columns: 0..<128), hemisphere: 0,
                    options: partOptions, parameters: chip.parameters)
            ).y
        }
        let scale = all.y.map(abs).max() ?? 0
        let worst = zip(parts, all.y).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-6 * scale, "largest difference \(worst) V of \(scale) V")
    }

    @Test("writing the weights a hemisphere already holds changes nothing and recomputes nothing")
    func weightsStayWritten() throws {
        var chip = try Chip(seed: 15)
        let weights = try randomMatrix(128, 256, in: -63...63, seed: 16)
        try chip.writeWeights(weights, hemisphere: 0)
        let workspace = chip.hemispheres[0].written!.fast.workspace
        try chip.writeWeights(weights, hemisphere: 0)
        #expect(chip.hemispheres[0].written!.fast.workspace === workspace)
        var changed = weights
        changed[0, 0] = weights[0, 0] == 1 ? 2 : 1
        try chip.writeWeights(changed, hemisphere: 0)
        #expect(chip.hemispheres[0].written!.fast.workspace !== workspace)
        #expect(chip.writtenWeights(hemisphere: 0) == changed.map { Int8($0) })
    }

    @Test(
        "the stage profile times the fast path's own stages: its staged passes compute the codes of execute, and the stages take no more than the whole call",
        arguments: [1, 3])
    func stageTimes(numSends: Int) throws {
        var chip = try Chip(seed: 17)
        try chip.writeWeights(try randomMatrix(128, 256, in: -63...63, seed: 18), hemisphere: 0)
        let inputs = try Chip.checkedInputs(try randomMatrix(200, 128, in: 0...31, seed: 19))
        let options = ExecutionOptions(numSends: numSends, waitBetweenEvents: 3)
        let start = DispatchTime.now().uptimeNanoseconds
        let (times, outputs) = try chip.fastPathStages(
            inputs: inputs, hemisphere: 0, options: options, repeats: 3)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 / 200
        var reference = chip
        var executed = options
        executed.firstTrial = 0
        let expected = try reference.execute(inputs: [inputs, nil], options: executed).outputs[0]
        #expect(outputs == expected)
        for value in [times.encode, times.sgemm, times.noise, times.transform] {
            #expect(value > 0, "\(times)")
        }
        // Three timed passes fit into the call: their median and the largest together take no
        // more than the call, so the median pass's stages take at most half of it.
        #expect(times.total <= elapsed / 2, "stages \(times.total) s of \(elapsed) s per sample")
    }
}

/// Input and weight ranges of a test case.
enum VMMWorkloadKind: Sendable {
    case random
    case saturating
}
