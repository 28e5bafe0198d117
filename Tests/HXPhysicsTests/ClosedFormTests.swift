import Foundation
import HXNumerics
import HXTestSupport
import Testing

@testable import HXPhysics

/// The membrane voltage of the linear chain (linear OTA, no output limits) in closed form, for a
/// mismatched chip whose currents and circuit values only the implementation knows (mismatch is
/// hidden): each rectangular current pulse charges the synaptic line, V_s = (Iτ/C_s)(1 − e^{−u/τ})
/// during the pulse and decays after it; the membrane integrates (g/C_m)·V_s with the pseudo-leak
/// e^{−λ(T−t)} up to the read at T. A check of the GSL integration only; the ideal chip's tests
/// below take every input from docs/MODEL.md (``IdealChipModel``).
func closedFormMembrane(
    column j: Int, events: [InputEvent], readTime: Double, block: ProgrammedBlock,
    circuit c: HemisphereCircuit
) -> Double {
    let n = block.columns
    let tau = c.synapticTimeConstant
    let lambda = c.leakRate[j]
    let cm = c.membraneCapacitance[j]
    // ∫_0^D e^{k u} du
    func expIntegral(_ k: Double, _ d: Double) -> Double { abs(k) < 1e-300 ? d : expm1(k * d) / k }
    var v = c.resetPotential[j]
    for event in events where event.width > 0 {
        let t0 = event.time
        let d = event.width
        let t1 = t0 + d
        for (current, g, sign) in [
            (block.excitatoryCurrent[event.row * n + j], c.excitatoryTransconductance[j], 1.0),
            (block.inhibitoryCurrent[event.row * n + j], c.inhibitoryTransconductance[j], -1.0),
        ] where current > 0 {
            let plateau = current * tau / c.synapticCapacitance
            let during =
                plateau * exp(-lambda * (readTime - t0))
                * (expIntegral(lambda, d) - expIntegral(lambda - 1 / tau, d))
            let v1 = plateau * (1 - exp(-d / tau))
            let after =
                v1 * exp(-lambda * (readTime - t1)) * expIntegral(lambda - 1 / tau, readTime - t1)
            v += sign * g / cm * (during + after)
        }
    }
    v += c.driftCurrent[j] / cm * expIntegral(-lambda, readTime)
    return v
}

/// Parameters of the linear chain: no mismatch or noise, linear OTA, no output limits, the
/// given pseudo-leak conductance.
private func linearIdealParameters(leak: Double) -> PhysicsParameters {
    var p = PhysicsParameters().withoutMismatchOrNoise.withLinearChain
    p.pseudoLeakConductance = leak
    return p
}

/// One sample through the GSL path; returns the outcome (final state and trace of column 0).
private func gslSample(
    chip: Chip, inputs: [Int], options: ExecutionOptions
) throws -> SampleOutcome {
    let row = inputs.map { UInt8($0) }
    let batch = try chip.diagnosticBatch(
        inputs: Matrix(rows: 1, columns: row.count, storage: row), hemisphere: 0,
        options: options, parameters: chip.parameters)
    let integrator = try GSLPath.makeIntegrator(for: batch)
    return try row.withUnsafeBufferPointer {
        try integrator.run(
            inputs: $0, noise: GSLRandom(seed: 1, kind: .taus2),
            trace: TraceRequest(column: 0, resolution: 1e-6), sample: 0)
    }
}

@Suite("Closed-form solutions of the linear chain")
struct ClosedFormTests {
    private func randomWeights(rows: Int, columns: Int, seed: UInt64) throws -> Matrix<Int> {
        try randomMatrix(rows, columns, in: -63...63, seed: seed)
    }

    @Test(
        "the event schedule is MODEL.md's: one event per non-zero input in row order, k·wait·8 ns apart, numSends times; pulses a/31 · 4 ns plus the trim; the read 1 µs after the last slot"
    )
    func eventSchedule() throws {
        var chip = try idealChip()
        // Driver 3's pulse-offset trim at 12: its pulses are 4 trim steps (4 · 25 ps) longer.
        try chip.configure(hemisphere: 0) { $0.pulseOffsetTrim[3] = 12 }
        let model = IdealChipModel(
            parameters: chip.parameters, configuration: chip.configuration.hemispheres[0])
        let inputs = [0, 7, 31, 5, 0, 0, 1, 16]
        let options = ExecutionOptions(numSends: 3, waitBetweenEvents: 7, integrator: .gsl)
        let traced = try chip.vmm(
            inputs: Matrix(rows: 1, columns: 8, storage: inputs), weights: filled(8, 2, 10),
            options: options, traceColumn: 1)
        let trace = try #require(traced.trace)
        let expected = model.events(inputs: inputs, numSends: 3, wait: 7)
        #expect(expected.count == 5 * 3)
        #expect(trace.events.count == expected.count)
        for (event, want) in zip(trace.events, expected) {
            #expect(event.row == want.row && event.activation == want.activation, "\(event)")
            #expect(abs(event.time - want.time) < 1e-15, "\(event.time) s, expected \(want.time) s")
            #expect(
                abs(event.width - want.width) < 1e-18, "\(event.width) s, expected \(want.width) s")
        }
        // Hand-worked: event 6 is the second send's second event (row 2), at 6 · 7 · 8 ns.
        #expect(abs(trace.events[6].time - 336e-9) < 1e-15 && trace.events[6].row == 2)
        // Row 3 (activation 5): 5/31 · 4 ns + 4 · 25 ps.
        #expect(abs(trace.events[2].width - (5.0 / 31 * 4e-9 + 100e-12)) < 1e-18)
        // 15 events · 56 ns + 1 µs.
        #expect(abs(trace.readTime - (15 * 56e-9 + 1e-6)) < 1e-15, "read at \(trace.readTime) s")
    }

    @Test(
        "weight → current: a synapse sources |w| · I_bias,syn / 63 on its sign's line; the OTAs have g = I_gm / V_lin (ideal chip, any synapse bias cell)",
        arguments: [nil, 500] as [Int?])
    func programming(synapseBias: Int?) throws {
        var chip = try idealChip()
        if let synapseBias { try chip.configure(hemisphere: 0) { $0.synapseBias = synapseBias } }
        let model = IdealChipModel(
            parameters: chip.parameters, configuration: chip.configuration.hemispheres[0])
        let weights = try randomWeights(rows: 20, columns: 9, seed: 5)
        try chip.writeWeights(weights, hemisphere: 0)
        let block = try #require(chip.hemispheres[0].written?.synapses)
        for r in 0..<20 {
            for j in 0..<9 {
                let w = weights[r, j]
                let current = model.synapseCurrent(weight: w)
                let (excitatory, inhibitory) = (
                    block.excitatoryCurrent[r * 9 + j], block.inhibitoryCurrent[r * 9 + j]
                )
                #expect(abs(excitatory - (w > 0 ? current : 0)) <= 1e-12 * current + 1e-24)
                #expect(abs(inhibitory - (w < 0 ? current : 0)) <= 1e-12 * current + 1e-24)
            }
        }
        // The nominal bias is 0.98 µA: one LSB is 15.6 nA (to the cell's 10-bit resolution).
        if synapseBias == nil { #expect(abs(model.lsbCurrent / (0.98e-6 / 63) - 1) < 1e-3) }
        let circuit = chip.hemispheres[0].circuit
        #expect(
            abs(
                circuit.excitatoryTransconductance[4] / model.excitatoryTransconductance(column: 4)
                    - 1)
                < 1e-12)
        #expect(
            abs(
                circuit.inhibitoryTransconductance[4] / model.inhibitoryTransconductance(column: 4)
                    - 1)
                < 1e-12)
    }

    @Test(
        "on the ideal chip, GSL's membrane voltage equals the closed form built from MODEL.md alone (events, widths, currents, read time), with and without leak",
        arguments: [(0.0, 1, 5), (2.2e-7, 3, 5), (2.2e-8, 2, 40)])
    func idealChain(leak: Double, numSends: Int, wait: Int) throws {
        var chip = try Chip(seed: 11, parameters: linearIdealParameters(leak: leak))
        let weights = try randomWeights(rows: 16, columns: 6, seed: 3)
        try chip.writeWeights(weights, hemisphere: 0)
        let model = IdealChipModel(parameters: chip.parameters)
        let inputs = (0..<16).map { ($0 * 7) % 32 }
        let options = ExecutionOptions(
            numSends: numSends, waitBetweenEvents: wait, integrator: .gsl)
        let outcome = try gslSample(chip: chip, inputs: inputs, options: options)
        var largest = 0.0
        for j in 0..<6 {
            let column = (0..<16).map { weights[$0, j] }
            let exact =
                model.resetPotential(column: j)
                + model.linearExcursion(
                    inputs: inputs, column: column, columnIndex: j, numSends: numSends, wait: wait)
            let gsl = outcome.membrane[j]
            largest = max(largest, abs(exact - model.resetPotential(column: j)))
            // GSL's per-step tolerance is 1e-9 V; a few hundred steps stay far below 1 µV.
            #expect(abs(gsl - exact) < 1e-6, "column \(j): GSL \(gsl) V, closed form \(exact) V")
        }
        // The signal is tens of millivolts, far above the tolerance.
        #expect(largest > 1e-2, "largest excursion \(largest) V")
    }

    @Test(
        "on the ideal chip both integrators read the closed form's codes: round(code(reset + V)) − round(code(reset)), in the linear regime",
        arguments: Integrator.allCases)
    func idealCodes(integrator: Integrator) throws {
        var chip = try Chip(seed: 2, parameters: linearIdealParameters(leak: 2.2e-8))
        let model = IdealChipModel(parameters: chip.parameters)
        let inputs = try randomMatrix(5, 64, in: 0...31, seed: 8)
        // Even columns mostly excitatory, odd ones mostly inhibitory: outputs of both signs up to
        // about ±60 LSB.
        var weights = try randomMatrix(64, 30, in: -8...45, seed: 9)
        for r in 0..<64 { for j in stride(from: 1, to: 30, by: 2) { weights[r, j] *= -1 } }
        let outputs = try chip.vmm(
            inputs: inputs, weights: weights, options: ExecutionOptions(integrator: integrator)
        ).outputs
        var compared = 0
        for b in 0..<5 {
            let x = Array(inputs.row(b))
            for j in 0..<30 {
                let v = model.linearExcursion(
                    inputs: x, column: (0..<64).map { weights[$0, j] }, columnIndex: j)
                // Skip a code whose continuous value lies on a rounding threshold.
                let reset = model.resetPotential(column: j)
                let codes = [reset + v, reset].map { model.continuousCode(voltage: $0, column: j) }
                guard codes.allSatisfy({ abs($0 - $0.rounded(.down) - 0.5) > 0.01 }) else {
                    continue
                }
                compared += 1
                #expect(
                    Int(outputs[b, j]) == model.output(excursion: v, column: j),
                    "sample \(b), column \(j): \(outputs[b, j]), closed form \(model.output(excursion: v, column: j))"
                )
            }
        }
        #expect(compared > 140)
        // The outputs span the linear range: the test sees large and small codes of both signs.
        #expect(outputs.storage.contains { $0 > 30 } && outputs.storage.contains { $0 < -30 })
    }

    @Test(
        "on a mismatched chip GSL integrates its own chain exactly (without and with leak, drift included)"
    )
    func mismatchedChain() throws {
        for (leak, numSends) in [(0.0, 1), (2.2e-7, 3)] {
            var parameters = PhysicsParameters().withoutNoise.withLinearChain
            parameters.pseudoLeakConductance = leak
            var chip = try Chip(seed: 11, parameters: parameters)
            try chip.writeWeights(try randomWeights(rows: 12, columns: 5, seed: 4), hemisphere: 0)
            let inputs = (0..<12).map { 31 - $0 * 2 }
            let outcome = try gslSample(
                chip: chip, inputs: inputs,
                options: ExecutionOptions(numSends: numSends, integrator: .gsl))
            let trace = try #require(outcome.trace)
            for j in 0..<5 {
                let exact = closedFormMembrane(
                    column: j, events: trace.events, readTime: trace.readTime,
                    block: chip.hemispheres[0].written!.synapses,
                    circuit: chip.hemispheres[0].circuit)
                let gsl = outcome.membrane[j]
                #expect(abs(gsl - exact) < 1e-6, "GSL \(gsl) V, closed form \(exact) V")
            }
        }
    }

    @Test("with a pseudo-leak earlier events count less [calix], by the closed form's amount")
    func earlierEventsCountLess() throws {
        // Twelve events on an ideal chip; the only weight sits on the first (early) or the last
        // (late) row.
        let leak = 2.2e-7
        var results: [Double] = []
        var expected: [Double] = []
        let model = IdealChipModel(parameters: linearIdealParameters(leak: leak))
        for row in [0, 11] {
            var chip = try Chip(seed: 1, parameters: linearIdealParameters(leak: leak))
            var weights = filled(12, 1, 0)
            weights[row, 0] = 40
            try chip.writeWeights(weights, hemisphere: 0)
            let inputs = Array(repeating: 31, count: 12)
            let outcome = try gslSample(chip: chip, inputs: inputs, options: ExecutionOptions())
            results.append(outcome.membrane[0] - model.resetPotential(column: 0))
            expected.append(
                model.linearExcursion(inputs: inputs, column: (0..<12).map { weights[$0, 0] }))
        }
        for (gsl, exact) in zip(results, expected) {
            #expect(abs(gsl - exact) < 1e-6, "GSL \(gsl) V, closed form \(exact) V")
        }
        // The early event is 11 slots (440 ns) older at the read; its line's charge has reached
        // the membrane entirely, the late one's only up to the read, so the ratio is not e^{−λΔt}.
        #expect(results[0] < results[1], "early \(results[0]) V, late \(results[1]) V")
    }
}
