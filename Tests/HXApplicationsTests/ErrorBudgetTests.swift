import Foundation
import HXNetwork
import HXNumerics
import HXPhysics
import HXTestSupport
import Testing

@testable import HXApplications

@Suite("Error budget")
struct ErrorBudgetTests {
    @Test("the mismatch kinds cover every mismatch parameter exactly once")
    func mismatchKinds() throws {
        var covered: [String] = []
        for kind in ErrorBudget.mismatchKinds {
            var probe = PhysicsParameters()
            kind.switchOff(&probe)
            for descriptor in PhysicsParameters.descriptors
            where descriptor.value(in: probe) != descriptor.value(in: PhysicsParameters()) {
                #expect(descriptor.group == .mismatch, "\(kind.name) changes \(descriptor.name)")
                covered.append(descriptor.name)
            }
        }
        let mismatch = PhysicsParameters.descriptors.filter { $0.group == .mismatch }.map(\.name)
        #expect(covered.sorted() == mismatch.sorted())
    }

    @Test("quantisation off removes the rounding's variance: outputs at rest scatter by 2σ²")
    func quantisationEquivalent() throws {
        var parameters = PhysicsParameters().withoutMismatch
        parameters.pulseJitter = 0
        parameters.driftCurrentNoise = 0
        let source = try #require(ErrorBudget.sources.first { $0.name == "CADC quantisation" })
        var switched = parameters
        source.switchOff(&switched)
        func variance(_ p: PhysicsParameters) throws -> Double {
            var chip = try Chip(seed: 1, parameters: p)
            let outputs = try chip.vmm(
                inputs: Matrix(rows: 64, columns: 8, repeating: 0),
                weights: Matrix(rows: 8, columns: 512, repeating: 0)
            ).outputs
            let values = outputs.storage.map(Double.init)
            let mean = values.reduce(0, +) / Double(values.count)
            return values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        }
        let sigma = parameters.readNoise
        let rounded = try variance(parameters)
        let equivalent = try variance(switched)
        // 32,768 outputs: the variances are within ±2 % of their expectation.
        #expect(abs(rounded / (2 * sigma * sigma + 2.0 / 12) - 1) < 0.03, "rounded \(rounded)")
        #expect(abs(equivalent / (2 * sigma * sigma) - 1) < 0.03, "switched off \(equivalent)")
    }

    /// An untrained Yin-Yang network on 150 test samples: the budget's invariants do not need
    /// a good network.
    static func smallBudget(
        parameters: PhysicsParameters, sources: [ErrorBudget.Source],
        change: (inout ErrorBudget.Settings) -> Void = { _ in }
    ) throws -> ErrorBudget.Result {
        var task = YinYangTask()
        (task.hidden, task.hiddenAveraging, task.inputRepetition, task.outputAveraging) = (
            32, 1, 2, 2
        )
        var experiment = task.defaults
        experiment.testLimit = 150
        let data = try task.load(from: DataLocation(roots: []), settings: experiment)
        let model = try task.makeModel(
            settings: experiment, initialization: WeightInitialization(gain: 0.002), seed: 3)
        var settings = ErrorBudget.Settings()
        settings.chipSeeds = [1, 2]
        settings.parameters = parameters
        change(&settings)
        return try ErrorBudget.run(
            model: model, task: task.name, data: data, settings: settings, sources: sources)
    }

    @Test("a source that is already off costs exactly 0 (same chips, same trial noise)")
    func sameChipsSameNoise() throws {
        var parameters = PhysicsParameters()
        parameters.readNoise = 0
        parameters.otaMismatch = 0
        let names = ["read noise", "OTA mismatch", "pulse jitter"]
        let result = try Self.smallBudget(
            parameters: parameters,
            sources: ErrorBudget.sources.filter { names.contains($0.name) })
        #expect(result.rows.map(\.source) == ["read noise", "pulse jitter", "OTA mismatch"])
        for row in result.rows where row.source != "pulse jitter" {
            #expect(row.costs == [0, 0], "\(row.source): \(row.costs)")
            #expect(row.accuracies == result.baseline)
        }
        let table = try result.table().markdown(precision: 2)
        #expect(table.contains("none (full model)") && table.contains("OTA mismatch"))
        let svg = result.svg(title: "test")
        #expect(svg.hasPrefix("<svg") && svg.contains("pulse jitter"))
    }

    @Test("calibrated at power-up, then drifted: the trims of power-up on the aged chip")
    func calibrationAtPowerUp() throws {
        let aged = ChipEnvironment(age: 1_209_600, temperature: 304)
        var settings = ModelEvaluation.Settings()
        settings.chipSeed = 2
        settings.calibrate = true
        settings.calibration = .quick
        settings.environment = aged
        settings.calibrationEnvironment = .nominal(for: settings.parameters)
        var warnings: [String] = []
        let chip = try ModelEvaluation.makeExecutor(settings, warnings: &warnings).currentChips[0]
        let fresh = try PhysicsExecutor(
            chipCount: 1, firstSeed: 2, calibration: .quick
        ).currentChips[0]
        #expect(chip.environment == aged && fresh.environment == .nominal(for: settings.parameters))
        #expect(chip.configuration == fresh.configuration)
        #expect(chip.configuration != ChipConfiguration(nominalFor: settings.parameters))
        #expect(warnings.isEmpty)
    }
}
