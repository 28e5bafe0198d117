import Foundation
import HXNumerics
import HXTestSupport
import Testing

@testable import HXPhysics

/// The membrane voltage of the linear chain (linear OTA, no output limits) in closed form,
/// derived here independently of the fast path: each rectangular current pulse charges the
/// synaptic line, V_s = (Iτ/C_s)(1 − e^{−u/τ}) during the pulse and decays after it; the
/// membrane integrates (g/C_m)·V_s with the pseudo-leak e^{−λ(T−t)} up to the read at T.
private func closedFormMembrane(
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
            // During the pulse: plateau · ∫ (1 − e^{−u/τ}) e^{−λ(T − t0 − u)} du.
            let during =
                plateau * exp(-lambda * (readTime - t0))
                * (expIntegral(lambda, d) - expIntegral(lambda - 1 / tau, d))
            // After it: V_1 · ∫ e^{−u/τ} e^{−λ(T − t1 − u)} du over u ∈ [0, T − t1].
            let v1 = plateau * (1 - exp(-d / tau))
            let after =
                v1 * exp(-lambda * (readTime - t1)) * expIntegral(lambda - 1 / tau, readTime - t1)
            v += sign * g / cm * (during + after)
        }
    }
    v += c.driftCurrent[j] / cm * expIntegral(-lambda, readTime)
    return v
}

@Suite("Closed-form solutions of the linear chain")
struct ClosedFormTests {
    /// Integrates one sample with the GSL path and returns the final membrane voltages with
    /// the closed-form values.
    private func compare(
        leak: Double, inputs: [Int], weights: Matrix<Int>, numSends: Int = 1, wait: Int = 5,
        mismatch: Bool = true
    ) throws -> [(gsl: Double, exact: Double)] {
        var parameters =
            mismatch ? PhysicsParameters().withoutNoise : PhysicsParameters().withoutMismatchOrNoise
        parameters.otaSaturates = false
        parameters.membraneCompliance = false
        parameters.pseudoLeakConductance = leak
        var chip = try Chip(seed: 11, parameters: parameters)
        try chip.writeWeights(weights, hemisphere: 0)
        let block = chip.blocks[0]!
        let circuit = chip.circuits[0]
        let options = ExecutionOptions(
            numSends: numSends, waitBetweenEvents: wait, integrator: .gsl)
        let (system, integrator) = try GSLPath.makeSystem(
            block: block, circuit: circuit, parameters: parameters, options: options)
        let row = inputs.map { UInt8($0) }
        let outcome = try row.withUnsafeBufferPointer {
            try GSLPath.runSample(
                inputs: $0, system: system, integrator: integrator, circuit: circuit,
                parameters: parameters, options: options, noise: GSLRandom(seed: 1, kind: .taus2),
                trace: (0, 1e-6))
        }
        let trace = try #require(outcome.trace)
        return (0..<block.columns).map { j in
            (
                outcome.finalState[2 * block.columns + j],
                closedFormMembrane(
                    column: j, events: trace.events, readTime: trace.readTime, block: block,
                    circuit: circuit)
            )
        }
    }

    private func randomWeights(rows: Int, columns: Int, seed: UInt64) throws -> Matrix<Int> {
        var rng = SplitMix64(key: seed)
        return try Matrix(
            rows: rows, columns: columns,
            storage: (0..<rows * columns).map { _ in Int(rng.next() % 127) - 63 })
    }

    @Test(
        "without leak, GSL's membrane voltage equals the closed form (charge g·τ·Q/C_syn per pulse)"
    )
    func noLeak() throws {
        let weights = try randomWeights(rows: 16, columns: 6, seed: 3)
        let inputs = (0..<16).map { ($0 * 7) % 32 }
        let results = try compare(leak: 0, inputs: inputs, weights: weights)
        // The signal is millivolts to tens of millivolts, far above the tolerance below.
        #expect(
            results.map { abs($0.exact - PhysicsParameters().nominalResetPotential) }.max()! > 1e-3)
        for (gsl, exact) in results {
            // GSL's per-step tolerance is 1e-9 V; a few hundred steps stay far below 1 µV.
            #expect(abs(gsl - exact) < 1e-6, "GSL \(gsl) V, closed form \(exact) V")
        }
    }

    @Test("with a pseudo-leak, GSL follows the exponential solution, and earlier events count less")
    func withLeak() throws {
        let weights = try randomWeights(rows: 12, columns: 5, seed: 4)
        let inputs = (0..<12).map { 31 - $0 * 2 }
        // τ_leak = 10 µs, ten times the default leak, so that it matters.
        let results = try compare(leak: 2.2e-7, inputs: inputs, weights: weights, numSends: 3)
        for (gsl, exact) in results {
            #expect(abs(gsl - exact) < 1e-6, "GSL \(gsl) V, closed form \(exact) V")
        }
        // Twelve events on an ideal chip; the only weight sits on the first (early) or the last
        // (late) row: "earlier events will result in a lower activation" [calix].
        let inputsAll = Array(repeating: 31, count: 12)
        var earlyWeights = filled(12, 1, 0)
        earlyWeights[0, 0] = 40
        var lateWeights = filled(12, 1, 0)
        lateWeights[11, 0] = 40
        let early = try compare(
            leak: 2.2e-7, inputs: inputsAll, weights: earlyWeights, mismatch: false)
        let late = try compare(
            leak: 2.2e-7, inputs: inputsAll, weights: lateWeights, mismatch: false)
        #expect(early[0].gsl < late[0].gsl, "early \(early[0].gsl) V, late \(late[0].gsl) V")
        #expect(abs(early[0].gsl - early[0].exact) < 1e-6)
        // The same train without leak lands measurably higher: the test can tell leak from none.
        let noLeak = try compare(leak: 0, inputs: inputs, weights: weights, numSends: 3)
        let shift = zip(noLeak, results).map { abs($0.exact - $1.exact) }.max() ?? 0
        #expect(shift > 1e-4, "leak changed the closed form by only \(shift) V")
    }
}
