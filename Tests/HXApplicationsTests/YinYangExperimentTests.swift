import Foundation
import HXData
import HXNetwork
import Testing

@testable import HXApplications

@Suite("Yin-Yang experiment")
struct YinYangExperimentTests {
    /// A small version of the experiment (fewer samples, neurons and epochs), fast enough for
    /// a debug test; `hxsim train yinyang` runs the full one.
    private static let small: YinYangExperiment.Settings = {
        var settings = YinYangExperiment.Settings()
        settings.trainSize = 1500
        settings.testSize = 400
        settings.hidden = 32
        settings.hiddenAveraging = 1
        settings.inputRepetition = 2
        settings.outputAveraging = 2
        settings.softwareEpochs = 80
        settings.hardwareEpochs = 3
        settings.learningRate = 0.02
        settings.fineTuningLearningRate = 0.01
        return settings
    }()

    @Test("software training learns the task; the chip in the loop recovers from deployment")
    func pipeline() throws {
        let (report, software, hardware) = try YinYangExperiment.run(settings: Self.small)
        // Chance is 1/3; a 32-neuron network trained for 80 epochs on 1500 samples does far
        // better in software.
        #expect(report.software > 0.8, "software \(report.software)")
        #expect(report.mock > 0.6, "mock \(report.mock)")
        #expect(report.physicsCalibrated != nil)
        // Fine-tuning on the calibrated chip keeps the best validation epoch (epoch 0 is the
        // deployed network), so it is never far below calibrated deployment.
        #expect(report.physicsHIL >= (report.physicsCalibrated ?? 0) - 0.05, "\(report)")
        // and above the software network deployed on the uncalibrated chip.
        #expect(report.physicsHIL > report.physicsDeployed, "\(report)")
        #expect(abs(report.measuredMockParameter.gain / 0.002 - 1) < 0.15)
        // Every training step runs both chip layers forward (at least two executions) before
        // its backward pass, and the profile counted them.
        let counts = report.trainingProfile.counts
        let backward = counts[.backward] ?? 0
        #expect(backward >= 3 && (counts[.execute] ?? 0) >= 2 * backward, "\(counts)")
        #expect(software.layers.count == 3 && hardware.layers.count == 3)
    }

    @Test("the chip features are the four Yin-Yang features times 31, repeated on request")
    func features() throws {
        let splits = try YinYang.standardDatasets()
        let one = try YinYangExperiment.chipFeatures(splits.test, repetition: 1)
        let three = try YinYangExperiment.chipFeatures(splits.test, repetition: 3)
        #expect(one.columns == 4 && three.columns == 12)
        #expect(Array(three.row(5)) == Array(one.row(5)) + Array(one.row(5)) + Array(one.row(5)))
        #expect(one.storage.allSatisfy { (0...31).contains($0) })
        #expect(abs(one[0, 0] + one[0, 2] - 31) < 1e-4)  // x and 1 − x
    }
}
