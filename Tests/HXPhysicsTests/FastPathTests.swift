import Foundation
import HXNumerics
import Testing

@testable import HXPhysics

/// Continuous CADC codes (before read noise and rounding) of both integrators for one batch on
/// hemisphere 0 of `chip`.
func continuousCodes(
    chip: inout Chip, inputs: Matrix<Int>, weights: Matrix<Int>,
    options: ExecutionOptions = ExecutionOptions()
) throws -> (fast: [Double], gsl: [Double]) {
    try chip.writeWeights(weights, hemisphere: 0)
    let block = chip.blocks[0]!
    let fastBlock = chip.fastBlocks[0]!
    let circuit = chip.circuits[0]
    let p = chip.parameters
    let chipInputs = try Chip.checkedInputs(inputs)
    let (y, timings) = try FastPath.linearExcursions(
        inputs: chipInputs, block: fastBlock, parameters: p, options: options, firstTrial: 0,
        noiseKey: { $0 })
    let n = weights.columns
    var fast: [Double] = []
    var gsl: [Double] = []
    let (system, integrator) = try GSLPath.makeSystem(
        block: block, circuit: circuit, parameters: p, options: options)
    for b in 0..<inputs.rows {
        for j in 0..<n {
            let v = FastPath.excursion(
                linear: y[b * n + j], column: j, timing: timings[b], block: fastBlock, parameters: p
            ).excursion
            fast.append(circuit.cadcCode(column: j, voltage: circuit.resetPotential[j] + v))
        }
        let row = Array(chipInputs.row(b))
        let outcome = try row.withUnsafeBufferPointer {
            try GSLPath.runSample(
                inputs: $0, system: system, integrator: integrator, circuit: circuit, parameters: p,
                options: options, noise: GSLRandom(seed: 1, kind: .taus2))
        }
        for j in 0..<n {
            gsl.append(circuit.cadcCode(column: j, voltage: outcome.finalState[2 * n + j]))
        }
    }
    return (fast, gsl)
}

/// Root-mean-square and largest difference.
func errors(_ a: [Double], _ b: [Double]) -> (rms: Double, worst: Double) {
    let d = zip(a, b).map { $0 - $1 }
    return ((d.map { $0 * $0 }.reduce(0, +) / Double(d.count)).squareRoot(), d.map(abs).max() ?? 0)
}

func randomMatrix(
    _ rows: Int, _ columns: Int, in range: ClosedRange<Int>, seed: UInt64
) throws -> Matrix<Int> {
    var rng = SplitMix64(key: seed)
    let width = UInt64(range.upperBound - range.lowerBound + 1)
    return try Matrix(
        rows: rows, columns: columns,
        storage: (0..<rows * columns).map { _ in range.lowerBound + Int(rng.next() % width) })
}

@Suite("Fast path against the GSL reference")
struct FastPathTests {
    @Test(
        "in the separable regime the fast path is exact: RMS error far below 0.1 LSB before quantisation"
    )
    func separable() throws {
        var p = PhysicsParameters().withoutNoise
        p.otaSaturates = false
        p.membraneCompliance = false
        p.pseudoLeakMismatch = 0
        var chip = try Chip(seed: 3, parameters: p)
        let inputs = try randomMatrix(6, 48, in: 0...31, seed: 1)
        let weights = try randomMatrix(48, 24, in: -63...63, seed: 2)
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
        let inputs = try randomMatrix(6, 64, in: 0...31, seed: 5)
        let weights = try randomMatrix(64, 24, in: -63...63, seed: 6)
        let (fast, gsl) = try continuousCodes(chip: &chip, inputs: inputs, weights: weights)
        let (rms, worst) = errors(fast, gsl)
        #expect(rms < 0.15 && worst < 0.5, "RMS \(rms) LSB, worst \(worst) LSB")
    }

    @Test("in saturation (all rows at full input and weight) the fast path still tracks GSL")
    func saturating() throws {
        var chip = try Chip(seed: 5, parameters: PhysicsParameters().withoutNoise)
        let inputs = try randomMatrix(4, 128, in: 20...31, seed: 7)
        let weights = try randomMatrix(128, 16, in: 30...63, seed: 8)
        let (fast, gsl) = try continuousCodes(
            chip: &chip, inputs: inputs, weights: weights,
            options: ExecutionOptions(waitBetweenEvents: 2))
        let (rms, worst) = errors(fast, gsl)
        #expect(rms < 1.0 && worst < 1.5, "RMS \(rms) LSB, worst \(worst) LSB")
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
}
