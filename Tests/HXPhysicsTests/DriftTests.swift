import Foundation
import HXNumerics
import HXTestSupport
import Testing

@testable import HXPhysics

@Suite("Slow drift: a chip's age and temperature")
struct DriftTests {
    /// Outputs of both integrators, the raw reads of the fast path and CADC reads of a
    /// reference cell: everything an experimenter can see of a chip.
    private func observations(_ chip: Chip) throws -> [[Int]] {
        let (inputs, weights) = try randomOperands(batch: 6, rows: 100, columns: 300, seed: 1)
        var result: [[Int]] = []
        for integrator in Integrator.allCases {
            var copy = chip
            let options = ExecutionOptions(integrator: integrator, includeRawReads: true)
            let vmm = try copy.vmm(inputs: inputs, weights: weights, options: options)
            result.append(vmm.outputs.storage.map(Int.init))
        }
        var copy = chip
        try copy.writeWeights(weights.slice(rows: 0..<100, columns: 0..<256), hemisphere: 0)
        let raw = try copy.execute(
            inputs: [try Chip.checkedInputs(inputs), nil],
            options: ExecutionOptions(includeRawReads: true))
        result.append((raw.baselineCodes[0]?.storage ?? []).map(Int.init))
        result.append((raw.resultCodes[0]?.storage ?? []).map(Int.init))
        result.append(
            try copy.readCADC(referenceCell: 400, hemisphere: 1, reads: 3).storage.map(Int.init))
        return result
    }

    @Test(
        "drift off (age 0, nominal temperature) gives today's chip code for code",
        arguments: [UInt64(1), 7])
    func driftOffIsToday(seed: UInt64) throws {
        let parameters = PhysicsParameters()
        let today = try Chip(seed: seed, parameters: parameters)
        // Built through the drift path: every draw made, every offset added (all exactly 0).
        var throughDrift = try Chip(seed: seed, parameters: parameters)
        throughDrift.applyDrift(.nominal(for: parameters), alwaysCompute: true)
        #expect(throughDrift.mismatch !== today.mismatch)
        #expect(throughDrift.mismatch.hemispheres == today.mismatch.hemispheres)
        #expect(try observations(throughDrift) == observations(today))
        // And back from an excursion.
        var returned = today
        try returned.setEnvironment(ChipEnvironment(age: 86_400, temperature: 310))
        #expect(try observations(returned) != observations(today))
        try returned.setEnvironment(.nominal(for: parameters))
        #expect(try observations(returned) == observations(today))
    }

    @Test("the same seed, age and temperature give the same chip, however it got there")
    func determinism() throws {
        let target = ChipEnvironment(age: 7_200, temperature: 304.5)
        let direct = try Chip(seed: 3, environment: target)
        var walked = try Chip(seed: 3)
        try walked.age(by: 100)
        try walked.setEnvironment(ChipEnvironment(age: 100, temperature: 290))
        try walked.age(by: 7_100)
        try walked.setEnvironment(target)
        #expect(walked.environment == target)
        #expect(walked.mismatch.hemispheres == direct.mismatch.hemispheres)
        #expect(try observations(walked) == observations(direct))
        let other = try Chip(seed: 4, environment: target)
        #expect(try observations(other) != observations(direct))
    }

    /// The default parameters without the synapses' drift, which these tests do not look at
    /// (65,536 paths per hemisphere are slow in a debug build).
    static let otaOnly: PhysicsParameters = {
        var p = PhysicsParameters()
        p.synapseDrift = 0
        p.synapseTemperatureCoefficient = 0
        return p
    }()

    /// Relative changes of the excitatory OTAs of both hemispheres between two environments.
    private func otaChanges(
        seed: UInt64, from a: ChipEnvironment, to b: ChipEnvironment,
        parameters: PhysicsParameters
    ) throws -> [Double] {
        let first = try Chip(seed: seed, parameters: parameters, environment: a)
        let second = try Chip(seed: seed, parameters: parameters, environment: b)
        return (0..<2).flatMap { h in
            zip(
                first.mismatch.hemispheres[h].otaExcitatory,
                second.mismatch.hemispheres[h].otaExcitatory
            )
            .map { $1 - $0 }
        }
    }

    @Test(
        "the walk has the stated amplitude within one hour, stationary increments and a 1/f^β law")
    func walkStatistics() throws {
        // Temperature terms off, so only the walk moves.
        var p = Self.otaOnly
        p.otaTemperatureCoefficient = 0
        let t0 = 300.0
        func rms(from a: Double, to b: Double) throws -> Double {
            var squares: [Double] = []
            for seed in UInt64(1)...8 {
                squares += try otaChanges(
                    seed: seed, from: ChipEnvironment(age: a, temperature: t0),
                    to: ChipEnvironment(age: b, temperature: t0), parameters: p
                ).map { $0 * $0 }
            }
            return (squares.reduce(0, +) / Double(squares.count)).squareRoot()
        }
        // 4096 Gaussian changes: the RMS is within ±5 % of σ with high probability.
        let hour = try rms(from: 0, to: 3_600)
        #expect(abs(hour / p.otaDrift - 1) < 0.05, "rms over 1 h \(hour), stated \(p.otaDrift)")
        let later = try rms(from: 50_000, to: 53_600)
        #expect(abs(later / p.otaDrift - 1) < 0.05, "rms over 1 h from 50 000 s: \(later)")
        // Inside the band, D(τ) ∝ τ^(β−1): 16 h drift 16^((β−1)/2) = 2 times as far as 1 h.
        let expected = pow(16, (p.driftSpectralExponent - 1) / 2)
        let law = ChipDrift.relativeChange(overLag: 16 * 3_600, parameters: p)
        #expect(abs(law / expected - 1) < 0.1, "√D(16 h) = \(law), power law \(expected)")
        let sixteen = try rms(from: 0, to: 16 * 3_600)
        #expect(abs(sixteen / (p.otaDrift * law) - 1) < 0.05, "rms over 16 h \(sixteen)")
        #expect(abs(ChipDrift.relativeChange(overLag: 3_600, parameters: p) - 1) < 1e-12)
    }

    @Test("a temperature offset moves each element by α·ΔT on average, spread s·|α|·ΔT")
    func temperatureCoefficients() throws {
        var p = Self.otaOnly
        p.otaDrift = 0
        let offset = 10.0
        var changes: [Double] = []
        for seed in UInt64(1)...8 {
            changes += try otaChanges(
                seed: seed, from: .nominal(for: p),
                to: ChipEnvironment(age: 0, temperature: p.nominalTemperature + offset),
                parameters: p)
        }
        let (mean, std) = meanAndStd(changes)
        let alpha = p.otaTemperatureCoefficient
        #expect(abs(mean / (alpha * offset) - 1) < 0.02, "mean \(mean), expected \(alpha * offset)")
        let spread = p.temperatureCoefficientMismatch * abs(alpha) * offset
        #expect(abs(std / spread - 1) < 0.05, "spread \(std), expected \(spread)")
    }

    @Test("withoutDrift keeps the chip as drawn at any age and temperature")
    func withoutDrift() throws {
        let p = PhysicsParameters().withoutDrift
        let drawn = try Chip(seed: 2, parameters: p)
        let aged = try Chip(
            seed: 2, parameters: p, environment: ChipEnvironment(age: 1e6, temperature: 330))
        #expect(aged.mismatch.hemispheres == drawn.mismatch.hemispheres)
    }

    @Test("an age or temperature out of range is an error naming it, and the chip is unchanged")
    func badEnvironment() throws {
        var chip = try Chip(seed: 1)
        let before = chip.environment
        for (environment, name) in [
            (ChipEnvironment(age: -1, temperature: 300), "age"),
            (ChipEnvironment(age: .nan, temperature: 300), "age"),
            (ChipEnvironment(age: 0, temperature: 500), "temperature"),
            (ChipEnvironment(age: 0, temperature: .infinity), "temperature"),
        ] {
            #expect {
                try chip.setEnvironment(environment)
            } throws: { error in
                guard case PhysicsError.invalidOption(let found, _, _) = error else { return false }
                return found == name
            }
        }
        #expect(throws: PhysicsError.self) { try chip.age(by: -5) }
        #expect(chip.environment == before)
    }
}
