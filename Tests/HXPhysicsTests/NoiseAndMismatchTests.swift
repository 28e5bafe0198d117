import Foundation
import HXNumerics
import HXTestSupport
import Testing

@testable import HXPhysics

@Suite("Trial-to-trial noise and fixed-pattern mismatch")
struct NoiseAndMismatchTests {
    @Test("output noise measured as hxtorch does (median per-column std) is about 2 LSB [hxtorch]")
    func outputNoise() throws {
        var chip = try Chip(seed: 7)
        let outputs = try chip.vmm(inputs: filled(200, 100, 15), weights: filled(100, 64, 21))
            .outputs
        let noise = median(columnStatistics(outputs).map(\.std))
        #expect(noise > 1.7 && noise < 2.3, "noise \(noise) LSB")
    }

    @Test("without noise, repeated trials give identical outputs")
    func noNoise() throws {
        var chip = try Chip(seed: 7, parameters: PhysicsParameters().withoutNoise)
        let outputs = try chip.vmm(inputs: filled(20, 100, 15), weights: filled(100, 16, 21))
            .outputs
        #expect(columnStatistics(outputs).allSatisfy { $0.std == 0 })
    }

    @Test("successive CADC reads at rest scatter by the read noise, 1.2 LSB plus rounding [calix]")
    func readNoise() throws {
        var chip = try Chip(seed: 7)
        let codes = try chip.readCADC(referenceCell: 400, hemisphere: 0, reads: 400)
        let stds = columnStatistics(codes).map(\.std)
        let expected = (1.2 * 1.2 + 1.0 / 12).squareRoot()
        let measured = median(stds)
        #expect(abs(measured - expected) < 0.06, "read noise \(measured) LSB, expected \(expected)")
    }

    @Test("the OTA mismatch alone spreads column gains by its σ = 10 %")
    func otaSpread() throws {
        var parameters = PhysicsParameters().withoutMismatchOrNoise
        parameters.otaMismatch = 0.10
        var chip = try Chip(seed: 9, parameters: parameters)
        let means = columnStatistics(
            try chip.vmm(inputs: filled(1, 100, 15), weights: filled(100, 256, 21)).outputs
        ).map(\.mean)
        let (mean, std) = meanAndStd(means)
        // Standard error of a σ estimated from 256 columns is 4.4 %.
        #expect(abs(std / mean - 0.10) < 0.015, "relative spread \(std / mean)")
    }

    @Test(
        "with all default mismatch, column gains spread by about √(σ_ota² + σ_Cm² + σ_slope² + …) ≈ 10.3 %"
    )
    func defaultSpread() throws {
        var spreads: [Double] = []
        for seed in 1...3 as ClosedRange<UInt64> {
            var chip = try Chip(seed: seed, parameters: PhysicsParameters().withoutNoise)
            let means = columnStatistics(
                try chip.vmm(inputs: filled(1, 100, 15), weights: filled(100, 256, 21)).outputs
            ).map(\.mean)
            let (mean, std) = meanAndStd(means)
            spreads.append(std / mean)
        }
        let spread = spreads.reduce(0, +) / 3
        #expect(spread > 0.09 && spread < 0.118, "relative spread \(spreads)")
    }

    @Test("CADC channel offsets spread by their σ = 5 LSB before the digital trim")
    func cadcSpread() throws {
        var chip = try Chip(seed: 5)
        let codes = try chip.readCADC(referenceCell: 400, hemisphere: 1, reads: 64)
        let means = columnStatistics(codes).map(\.mean)
        let std = meanAndStd(means).std
        // Offsets (5 LSB) and slope errors (1 % of ~140 codes) together.
        #expect(std > 4.3 && std < 6.3, "channel spread \(std) LSB")
    }

    @Test(
        "the synapse row gradient alone scales column j's currents by 1 + g · (½ − j/255): columns far from the drivers are weaker [demos]"
    )
    func rowGradient() throws {
        var p = PhysicsParameters().withoutMismatchOrNoise.withLinearChain
        p.synapseRowGradient = 0.2
        var chip = try Chip(seed: 3, parameters: p)
        let outputs = try chip.vmm(inputs: filled(1, 100, 15), weights: filled(100, 256, 21))
            .outputs
        let model = IdealChipModel(parameters: p)
        let v = model.linearExcursion(
            inputs: [Int](repeating: 15, count: 100), column: [Int](repeating: 21, count: 100))
        var compared = 0
        for j in 0..<256 {
            let scaled = v * (1 + 0.2 * (0.5 - Double(j) / 255))
            let code = model.continuousCode(voltage: model.resetPotential(column: j) + scaled)
            guard abs(code - code.rounded(.down) - 0.5) > 0.02 else { continue }
            compared += 1
            #expect(
                Int(outputs[0, j]) == model.output(excursion: scaled, column: j),
                "column \(j): \(outputs[0, j]), closed form \(model.output(excursion: scaled, column: j))"
            )
        }
        #expect(compared > 240)
        #expect(outputs[0, 0] > outputs[0, 255] + 10, "\(outputs[0, 0]) … \(outputs[0, 255])")
    }

    @Test("the mismatch draws have the specified σ (drawn with GSL from the seed)")
    func mismatchDraws() throws {
        let chip = try Chip(seed: 21)
        let m = chip.mismatch.hemispheres[0]
        let synapse = meanAndStd(m.synapse.map(Double.init))
        #expect(abs(synapse.std - 0.05) < 0.002, "synapse σ \(synapse.std)")
        #expect(abs(meanAndStd(m.reset).std - 0.015) < 0.003)
        #expect(abs(meanAndStd(m.membraneCapacitance).std - 0.02) < 0.004)
        // The row gradient: columns far from the drivers are 1 % weaker end to end.
        let first = (0..<256).map { Double(m.synapse[$0 * 256]) }.reduce(0, +) / 256
        let last = (0..<256).map { Double(m.synapse[$0 * 256 + 255]) }.reduce(0, +) / 256
        #expect(first - last > 0.0, "gradient \(first - last)")
    }
}
