import Foundation
import HXCalibration
import HXData
import HXNetwork
import HXTestSupport
import Testing

@testable import HXApplications

/// Reduced pipelines: a few hundred samples and few epochs per task, fast enough for a debug
/// build; `hxsim train TASK` runs the full ones (benchmarks/applications/).
@Suite("Experiment pipeline")
struct ExperimentTests {
    /// A task's defaults cut down to `train` samples, `test` test samples and `epochs`.
    static func reduced(
        _ task: any ExperimentTask, train: Int, test: Int, validation: Int, epochs: Int,
        hilEpochs: Int = 1, calibrate: Bool = false
    ) -> ExperimentSettings {
        var settings = task.defaults
        settings.trainLimit = train
        settings.testLimit = test
        settings.validationSize = validation
        settings.epochs = epochs
        settings.hilEpochs = hilEpochs
        settings.chipSeeds = [1]
        settings.calibrate = calibrate
        settings.calibration = .quick
        return settings
    }

    /// Runs `task` reduced and checks that every back end learns well above chance
    /// (`1 / classes`): at least `floor` on each.
    static func learns(
        _ task: any ExperimentTask, _ settings: ExperimentSettings, location: DataLocation,
        floor: Double
    ) throws -> Experiment.Outcome {
        let data = try task.load(from: location, settings: settings)
        let outcome = try Experiment.run(task: task, settings: settings, data: data)
        let report = outcome.report
        let chip = report.chips[0]
        for (name, value) in [
            ("software", report.software), ("mock", chip.mock),
            ("deployed", chip.physicsDeployed), ("chip in the loop", chip.physicsHIL),
        ] {
            #expect(value >= floor, "\(task.name) \(name): \(value), floor \(floor)")
        }
        // Fine-tuning keeps the best validation epoch, and epoch 0 is the deployed network.
        #expect(report.numSends.allSatisfy { $0 >= 1 })
        return outcome
    }

    @Test("Yin-Yang: every back end well above chance (1/3), calibration included")
    func yinYang() throws {
        var task = YinYangTask()
        (task.hidden, task.hiddenAveraging, task.inputRepetition, task.outputAveraging) = (
            32, 1, 2, 2
        )
        var settings = Self.reduced(
            task, train: 500, test: 300, validation: 200, epochs: 30, hilEpochs: 1, calibrate: true)
        settings.learningRate = 0.05
        let outcome = try Self.learns(task, settings, location: DataLocation(roots: []), floor: 0.6)
        let chip = outcome.report.chips[0]
        #expect((chip.physicsCalibrated ?? 0) >= 0.6, "\(chip)")
        // hxtorch's measurement on the default chip gives its default gain within 15 %.
        #expect(abs(chip.measured.gain / 0.002 - 1) < 0.15, "\(chip.measured)")
    }

    @Test("the chip-aware backward fine-tunes on an uncalibrated chip and says so in the report")
    func chipAwareBackward() throws {
        var task = YinYangTask()
        (task.hidden, task.hiddenAveraging, task.inputRepetition, task.outputAveraging) = (
            32, 1, 2, 2
        )
        var settings = Self.reduced(task, train: 300, test: 200, validation: 100, epochs: 20)
        settings.learningRate = 0.05
        settings.backward = .chip
        let outcome = try Self.learns(task, settings, location: DataLocation(roots: []), floor: 0.5)
        #expect(outcome.report.backward == .chip)
        let json = String(decoding: try outcome.report.jsonSummary(), as: UTF8.self)
        #expect(json.contains("\"backward\":\"chip\""))
        #expect(try outcome.report.accuracyTable().markdown(precision: 1).contains("chip-aware"))
    }

    @Test(
        "MNIST (hxtorch's conv network, images [1, 28, 28]): well above chance (1/10)",
        SharedDatasets.needs(
            "mnist/train-images.idx3-ubyte.gz", "mnist/train-labels.idx1-ubyte.gz",
            "mnist/t10k-images.idx3-ubyte.gz", "mnist/t10k-labels.idx1-ubyte.gz"))
    func mnist() throws {
        let task = ImageTask.mnist
        let settings = Self.reduced(task, train: 400, test: 200, validation: 100, epochs: 3)
        let data = try task.load(from: SharedDatasets.location, settings: settings)
        #expect(data.sampleShape == [1, 28, 28])
        #expect(data.train.features.storage.allSatisfy { (0...31).contains($0) })
        _ = try Self.learns(task, settings, location: SharedDatasets.location, floor: 0.5)
    }

    @Test(
        "8×8 digits: well above chance (1/10)", SharedDatasets.needs("digits/digits.csv.gz"))
    func digits() throws {
        let task = DigitsTask()
        let settings = Self.reduced(task, train: 400, test: 200, validation: 100, epochs: 8)
        _ = try Self.learns(task, settings, location: SharedDatasets.location, floor: 0.5)
    }

    @Test(
        "BasicMotions (ExpandedConv1d on [6, 100]): well above chance (1/4)",
        SharedDatasets.needs(
            "basicmotions/BasicMotions_TRAIN.ts", "basicmotions/BasicMotions_TEST.ts"))
    func basicMotions() throws {
        let task = TimeSeriesTask.basicMotions
        let settings = Self.reduced(task, train: 32, test: 40, validation: 8, epochs: 40)
        let data = try task.load(from: SharedDatasets.location, settings: settings)
        #expect(data.sampleShape == [12, 100])  // positive and negative parts
        _ = try Self.learns(task, settings, location: SharedDatasets.location, floor: 0.6)
    }

    @Test("UCI HAR in its published layout (a small folder written here): above chance (1/6)")
    func uciHAR() throws {
        let har = try SyntheticHAR.folder(perClass: ["train": 20, "test": 10])
        let task = TimeSeriesTask.uciHAR
        let settings = Self.reduced(task, train: 100, test: 60, validation: 20, epochs: 20)
        let data = try task.load(from: har.location, settings: settings)
        #expect(data.sampleShape == [18, 128])  // positive and negative parts
        #expect(data.test.count == 60)
        _ = try Self.learns(task, settings, location: har.location, floor: 0.4)
    }

    @Test("saving, then evaluating the saved model reproduces what training reported")
    func saveThenEvaluate() throws {
        let (folder, location) = try SyntheticHAR.folder(perClass: ["train": 10, "test": 6])
        let task = TimeSeriesTask.uciHAR
        var job = TrainingJob(task: task, location: location)
        job.settings = Self.reduced(
            task, train: 50, test: 36, validation: 10, epochs: 6, hilEpochs: 1)
        job.saveModel = folder.file("har.json")
        let (_, outcome) = try job.run { _ in }
        let report = outcome.report
        let chip = report.chips[0]
        #expect(FileManager.default.fileExists(atPath: folder.file("har.hil-chip1.json")))

        func evaluate(_ configure: (inout ModelEvaluation.Settings) -> Void) throws -> Double {
            var evaluation = EvaluationJob(
                modelPath: folder.file("har.json"), task: task, location: location)
            configure(&evaluation.settings)
            return try evaluation.run().result.accuracy
        }
        // Software and mock draw the same numbers as in training: equal exactly.
        #expect(
            try evaluate {
                $0.backend = .software; $0.mockGain = chip.measured.gain; $0.mockNoise = 0
            } == report.software)
        #expect(
            try evaluate {
                $0.backend = .mock
                $0.mockGain = chip.measured.gain
                $0.mockNoise = chip.measured.noiseStd
                $0.seed = job.settings.seed ^ chip.chipSeed
            } == chip.mock)
        // The same chip, measured then evaluated in the same order: the same trials.
        #expect(
            try evaluate {
                $0.backend = .physics
                $0.seed = job.settings.seed
            } == chip.physicsDeployed)
        // The chip configured from the committed calibration file of chip 1 (`hxsim calibrate`).
        let calibrationFile = PackageRoot.path("calibration/chip-1.json")
        let calibrated = try evaluate {
            $0.backend = .physics
            $0.calibrationPath = calibrationFile
        }
        #expect(calibrated >= 0.4, "\(calibrated) on the calibrated chip")
    }
}
