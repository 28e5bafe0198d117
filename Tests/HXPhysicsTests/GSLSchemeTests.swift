import Foundation
import HXNumerics
import HXTestSupport
import Testing

@_spi(Benchmarks) @testable import HXPhysics

/// The final membrane voltages (V) of every sample of `inputs` under one GSL scheme, noise off.
private func membranes(
    chip: Chip, inputs: Matrix<Int>, scheme: GSLScheme, wait: Int = 5, numSends: Int = 1
) throws -> [Double] {
    let options = ExecutionOptions(
        numSends: numSends, waitBetweenEvents: wait, integrator: .gsl, gslScheme: scheme)
    let batch = try chip.diagnosticBatch(
        inputs: Chip.checkedInputs(inputs), hemisphere: 0, options: options,
        parameters: chip.parameters)
    let integrator = try GSLPath.makeIntegrator(for: batch)
    var result: [Double] = []
    for b in 0..<inputs.rows {
        let row = Array(batch.inputs.row(b))
        let outcome = try row.withUnsafeBufferPointer {
            try integrator.run(
                inputs: $0, noise: GSLRandom(seed: 1, kind: .taus2), trace: nil, sample: b)
        }
        result += outcome.membrane
    }
    return result
}

@Suite("The GSL reference: the piecewise scheme against the plain one and the closed forms")
struct GSLSchemeTests {
    @Test(
        "piecewise is exact for the linear chain: the closed form to 1e-10 V with and without leak",
        arguments: [0, 2.2e-7])
    func closedForm(leak: Double) throws {
        var parameters = PhysicsParameters().withoutNoise.withLinearChain
        parameters.pseudoLeakConductance = leak
        var chip = try Chip(seed: 11, parameters: parameters)
        let weights = try randomMatrix(16, 6, in: -63...63, seed: 3)
        try chip.writeWeights(weights, hemisphere: 0)
        let options = ExecutionOptions(numSends: 3, integrator: .gsl, gslScheme: .piecewise)
        let row = (0..<16).map { UInt8(($0 * 7) % 32) }
        let batch = try chip.diagnosticBatch(
            inputs: Matrix(rows: 1, columns: 16, storage: row), hemisphere: 0, options: options,
            parameters: parameters)
        let outcome = try row.withUnsafeBufferPointer {
            try GSLPath.makeIntegrator(for: batch).run(
                inputs: $0, noise: GSLRandom(seed: 1, kind: .taus2),
                trace: TraceRequest(column: 0, resolution: 1e-6), sample: 0)
        }
        let trace = try #require(outcome.trace)
        var worst = 0.0
        for j in 0..<6 {
            let exact = closedFormMembrane(
                column: j, events: trace.events, readTime: trace.readTime,
                block: batch.block.synapses, circuit: batch.circuit)
            worst = max(worst, abs(outcome.membrane[j] - exact))
        }
        // The plain scheme meets 1 µV (ClosedFormTests); the closed-form stretches are exact up
        // to the quadrature of the (here linear) OTA currents.
        #expect(worst < 1e-10, "worst difference \(worst) V")
    }

    @Test(
        "piecewise and plain agree to the integrator's tolerance in every regime",
        arguments: [
            ("random", 0...31, -63...63, 5), ("saturating", 20...31, 30...63, 2),
            ("near the limit", 0...31, 0...63, 5),
        ])
    func schemesAgree(
        name: String, inputRange: ClosedRange<Int>, weightRange: ClosedRange<Int>, wait: Int
    ) throws {
        var chip = try Chip(seed: 21, parameters: PhysicsParameters().withoutNoise)
        try chip.writeWeights(
            randomMatrix(128, 64, in: weightRange, seed: 22), hemisphere: 0)
        let inputs = try randomMatrix(3, 128, in: inputRange, seed: 23)
        let plain = try membranes(chip: chip, inputs: inputs, scheme: .plain, wait: wait)
        let piecewise = try membranes(chip: chip, inputs: inputs, scheme: .piecewise, wait: wait)
        let worst = zip(plain, piecewise).map { abs($0 - $1) }.max() ?? .infinity
        // Per-step tolerance 1e-9 V over a few hundred steps; 3.25 mV per LSB.
        #expect(worst < 5e-8, "\(name): worst difference \(worst) V")
        // The case reaches what it is named after (more than 0.2 V above reset: the roll-off).
        if name != "random" {
            let reset = PhysicsParameters().nominalResetPotential
            #expect(plain.contains { $0 - reset > 0.2 }, "\(name): highest \(plain.max() ?? 0) V")
        }
    }

    @Test("with noise on, both schemes give the same codes (the same draws, in the same order)")
    func sameCodes() throws {
        var codes: [Matrix<Int8>] = []
        for scheme in GSLScheme.allCases {
            var chip = try Chip(seed: 31)
            codes.append(
                try chip.vmm(
                    inputs: randomMatrix(4, 128, in: 0...31, seed: 32),
                    weights: randomMatrix(128, 40, in: -63...63, seed: 33),
                    options: ExecutionOptions(integrator: .gsl, gslScheme: scheme)
                ).outputs)
        }
        let same = zip(codes[0].storage, codes[1].storage).filter { $0 == $1 }.count
        // A code differs only where a voltage lies within the tolerance of a rounding edge.
        #expect(same >= codes[0].count - 1, "\(same) of \(codes[0].count) codes equal")
    }

    @Test("a trace of the piecewise scheme ends where its sample ends")
    func traceEndsAtTheRead() throws {
        var chip = try Chip(seed: 41)
        let result = try chip.vmm(
            inputs: randomMatrix(2, 32, in: 0...31, seed: 42),
            weights: randomMatrix(32, 8, in: -63...63, seed: 43),
            options: ExecutionOptions(integrator: .gsl, gslScheme: .piecewise), traceColumn: 5,
            traceSample: 1, traceResolution: 5e-9)
        let trace = try #require(result.trace)
        #expect(trace.times.first == 0 && trace.times.last == trace.readTime)
        #expect(zip(trace.times, trace.times.dropFirst()).allSatisfy { $0 < $1 })
        // Every point on the grid of the resolution appears.
        let grid = Int((trace.readTime / 5e-9).rounded(.down))
        #expect(trace.times.count >= grid, "\(trace.times.count) points for \(grid) grid steps")
    }
}

@Suite("The ODE right-hand side reports a non-finite state as an error")
struct NonFiniteStateTests {
    @Test("a derivative that turns NaN stops the integration with the time it happened")
    func nanDerivative() throws {
        let integrator = try ODEIntegrator(dimension: 1) { t, y, dydt in
            dydt[0] = t < 1e-3 ? -y[0] : .nan
        }
        var y = [1.0]
        #expect(throws: NumericsError.self) { try integrator.integrate(&y, from: 0, to: 1) }
        do {
            try integrator.integrate(&y, from: 0, to: 1)
        } catch NumericsError.nonFiniteState(let time) {
            #expect(time >= 0 && time <= 1e-3 + 1e-9, "stopped at \(time) s")
        }
        #expect(y[0].isFinite)
    }

    @Test("the scalar column problem of the piecewise scheme refuses a NaN membrane")
    func columnProblem() {
        let problem = ColumnProblem()
        problem.configure(
            inverseTau: 1 / 3.2e-7, saturates: true, compliance: true, width: 0.1)
        problem.set(
            excitatoryGain: 3e5, inhibitoryGain: 3e5, leak: 1e4, reset: 0.6, drift: 0,
            lowerLimit: 0.3, upperLimit: 0.95, excitatoryPlateau: 0.7, excitatoryStart: 0,
            inhibitoryPlateau: 0, inhibitoryStart: 0)
        var dydt = [0.0]
        let finite = [0.7].withUnsafeBufferPointer { y in
            dydt.withUnsafeMutableBufferPointer { problem.evaluate(0, y, $0) }
        }
        let nan = [Double.nan].withUnsafeBufferPointer { y in
            dydt.withUnsafeMutableBufferPointer { problem.evaluate(0, y, $0) }
        }
        #expect(finite && !nan)
    }
}
