import Foundation
import HXData
import HXIO
import HXNetwork
import HXNumerics
import HXTestSupport
import Testing

@testable import HXApplications

@Suite("Bad input: one-line errors, nothing written")
struct BadInputTests {
    @Test("an unknown task lists the known ones")
    func unknownTask() {
        #expect(throws: ApplicationError.unknownTask("mnsit", known: Tasks.names)) {
            try Tasks.named("mnsit")
        }
        let text = ApplicationError.unknownTask("mnsit", known: Tasks.names).description
        for name in ["yinyang", "mnist", "fashion-mnist", "digits", "basicmotions", "uci-har"] {
            #expect(text.contains(name), "\(text)")
        }
    }

    @Test("a missing data folder says where it looked and names --data and HXSIM_DATASETS")
    func missingData() throws {
        let location = DataLocation(explicit: "/nonexistent/data", environment: [:])
        do {
            _ = try ImageTask.mnist.load(from: location, settings: ImageTask.mnist.defaults)
            Issue.record("loading from a missing folder succeeded")
        } catch let error as ApplicationError {
            let text = error.description
            #expect(text.contains("/nonexistent/data/mnist"), "\(text)")
            #expect(text.contains("--data") && text.contains("HXSIM_DATASETS"), "\(text)")
            #expect(!text.contains("\n"))
        }
    }

    @Test("the search order: --data, else $HXSIM_DATASETS then ../shared/datasets; system last")
    func searchOrder() {
        #expect(
            DataLocation(explicit: "/d", environment: ["HXSIM_DATASETS": "/e"]).roots == [
                "/d", DataLocation.systemRoot,
            ])
        #expect(
            DataLocation(explicit: nil, environment: ["HXSIM_DATASETS": "/e"]).roots == [
                "/e", DataLocation.sharedRoot, DataLocation.systemRoot,
            ])
        #expect(
            DataLocation(explicit: nil, environment: [:]).roots == [
                DataLocation.sharedRoot, DataLocation.systemRoot,
            ])
    }

    /// Trains `task` on the data in `folder` (saving the model there when `savesModel`) and
    /// returns the error's text; checks that it is one line and that nothing was written beside
    /// the data.
    static func failure(
        training task: any ExperimentTask, in folder: TemporaryDirectory, savesModel: Bool = false
    ) -> String {
        var job = TrainingJob(task: task, location: DataLocation(roots: [folder.path]))
        if savesModel { job.saveModel = folder.file("model.json") }
        let before = Set(folder.contents)
        do {
            _ = try job.run { _ in }
            Issue.record("training on bad data succeeded")
            return ""
        } catch {
            #expect(Set(folder.contents) == before, "files written on failure")
            #expect(!"\(error)".contains("\n"), "\(error)")
            return "\(error)"
        }
    }

    @Test("a truncated IDX file: one line naming it; no model written")
    func truncatedIDX() throws {
        let folder = try TemporaryDirectory()
        var images = Data([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28])
        images.append(Data(repeating: 7, count: 100))  // 2 × 784 promised
        let labels = Data([0, 0, 8, 1, 0, 0, 0, 2, 3, 4])
        for split in ["train", "t10k"] {
            try folder.write("mnist/\(split)-images-idx3-ubyte", images)
            try folder.write("mnist/\(split)-labels-idx1-ubyte", labels)
        }
        let text = Self.failure(training: ImageTask.mnist, in: folder, savesModel: true)
        #expect(text.contains("train-images-idx3-ubyte") && text.contains("truncated"), "\(text)")
    }

    @Test("a digits file cut short at a line boundary: refused, not 0 % on no test samples (F8)")
    func digitsCutShort() throws {
        // 1 or 10 lines (the review's repro): the held-out splits shrink to leave a training
        // sample, so the validation split (and for 1 line the test split) is empty; before,
        // training ran and reported an accuracy over no samples.
        let line = (0..<64).map { String($0 % 17) }.joined(separator: ",") + ",3\n"
        let folder = try TemporaryDirectory()
        for (lines, split, task) in [
            (1, "validation", DigitsTask()), (10, "validation", DigitsTask()),
        ] {
            try folder.write(
                "digits/digits.csv.gz",
                try Gzip.compress(Data(String(repeating: line, count: lines).utf8)))
            #expect(
                Self.failure(training: task, in: folder)
                    == "task 'digits': the \(split) split holds no samples (the splits hold "
                    + "\(lines)): the data set is too small for its splits; is a data file cut "
                    + "short?")
        }
    }

    @Test("a corrupt .ts file: one line naming the file and line")
    func corruptTimeSeries() throws {
        let folder = try TemporaryDirectory()
        let header = "@problemName BasicMotions\n@dimensions 1\n@classLabel true a b\n@data\n"
        try folder.write("basicmotions/BasicMotions_TRAIN.ts", header + "1,2,x:a\n")
        try folder.write("basicmotions/BasicMotions_TEST.ts", header + "1,2,3:a\n")
        let text = Self.failure(training: TimeSeriesTask.basicMotions, in: folder)
        #expect(text.contains("BasicMotions_TRAIN.ts:5"), "\(text)")
    }

    @Test("a UCI HAR file with a short line: one line naming the file")
    func corruptUCIHAR() throws {
        let folder = try TemporaryDirectory()
        try SyntheticHAR.write(into: folder, perClass: ["train": 2, "test": 1])
        let bad = "test/Inertial Signals/body_gyro_y_test.txt"
        try folder.write(bad, "1 2 3\n")
        let text = Self.failure(training: TimeSeriesTask.uciHAR, in: folder)
        #expect(text.contains("body_gyro_y_test.txt"), "\(text)")
    }

    @Test("eval: a model needs layers and exactly one output per class (review finding 8)")
    func outputsPerClass() throws {
        // Four samples of three features, three classes; inputs in chip units.
        let set = try Dataset(
            name: "tiny",
            features: Matrix(rows: 4, columns: 3, storage: (0..<12).map { Float($0) }),
            labels: [0, 1, 2, 0], classCount: 3)
        let data = TaskData(train: set, validation: set, test: set)
        var settings = ModelEvaluation.Settings()
        settings.backend = .software
        // Given gain and noise: nothing is measured on a chip.
        (settings.mockGain, settings.mockNoise) = (1, 0)
        func evaluate(outputs: Int?) throws -> ModelEvaluation.Result {
            let model =
                try outputs.map { Sequential(try Linear(inFeatures: 3, outFeatures: $0, seed: 1)) }
                ?? Sequential()
            return try ModelEvaluation.run(
                model: model, task: "tiny", data: data, settings: settings)
        }
        for (outputs, reason) in [
            (5, "5 outputs for 3 classes"), (2, "2 outputs for 3 classes"),
            (nil, "the model has no layers"),
        ] {
            #expect(throws: ApplicationError.modelDoesNotFitTask(task: "tiny", reason: reason)) {
                try evaluate(outputs: outputs)
            }
        }
        let fitting = try evaluate(outputs: 3)
        #expect(fitting.logits.columns == 3)
        #expect(
            fitting.predictions.count == 4
                && fitting.predictions.allSatisfy { (0..<3).contains($0) })
    }

    @Test("eval: an output that is neither .npy nor .csv is refused before any work")
    func badOutputExtension() throws {
        let folder = try TemporaryDirectory()
        var job = EvaluationJob(
            modelPath: folder.file("missing.json"), task: YinYangTask(),
            location: DataLocation(roots: []))
        job.out = folder.file("predictions.txt")
        #expect(
            throws: IOError.context(
                "--out",
                .unsupportedExtension(
                    path: folder.file("predictions.txt"),
                    supported: MatrixFileFormat.writableExtensions))
        ) { try job.run() }
        #expect(folder.contents.isEmpty)
    }

    @Test(
        "BasicMotions files of another series shape or class count are refused naming the file, before training"
    )
    func timeSeriesShape() throws {
        let folder = try TemporaryDirectory()
        func write(_ file: String, classes: [String], steps: Int) throws -> String {
            let header =
                "@problemName BasicMotions\n@dimensions 6\n@seriesLength \(steps)\n"
                + "@classLabel true \(classes.joined(separator: " "))\n@data\n"
            let series = Array(repeating: "0.5", count: steps).joined(separator: ",")
            let rows = classes.map { label in
                Array(repeating: series, count: 6).joined(separator: ":") + ":" + label + "\n"
            }
            return try folder.write("basicmotions/" + file, header + rows.joined())
        }
        let four = ["Badminton", "Running", "Standing", "Walking"]
        func failure() -> String? {
            errorText {
                try TimeSeriesTask.basicMotions.load(
                    from: DataLocation(explicit: folder.path, environment: [:]),
                    settings: TimeSeriesTask.basicMotions.defaults)
            }
        }
        let train = try write("BasicMotions_TRAIN.ts", classes: four + ["Jumping"], steps: 100)
        _ = try write("BasicMotions_TEST.ts", classes: four, steps: 100)
        #expect(failure() == "\(train): number of classes is [5], expected [4]")
        _ = try write("BasicMotions_TRAIN.ts", classes: four, steps: 100)
        let test = try write("BasicMotions_TEST.ts", classes: four, steps: 50)
        #expect(failure() == "\(test): [channels, steps] of a series is [6, 50], expected [6, 100]")
        _ = try write("BasicMotions_TEST.ts", classes: four, steps: 100)
        #expect(failure() == nil)
    }

    @Test("settings out of their domain are refused with the setting's name")
    func badSettings() throws {
        var warnings: [String] = []
        var settings = ImageTask.mnist.defaults
        settings.chipSeeds = []
        #expect(throws: ApplicationError.self) { try settings.validate() }
        settings = ImageTask.mnist.defaults
        settings.mockGain = 2
        do {
            try settings.validate()
            Issue.record("gain 2 accepted")
        } catch {
            #expect("\(error)".contains("mock gain"))
        }
        // A chip seed twice would count one chip as two in the spread over chips.
        settings = ImageTask.mnist.defaults
        settings.chipSeeds = [3, 5, 3]
        #expect(
            errorText { try settings.validate() }
                == "chip seeds = [3, 5, 3]: chip seed 3 is listed twice; every chip must be distinct"
        )
        #expect(
            errorText { try ExperimentSettings.checkChipSeeds([1, 1], chips: 1) }
                == "chip seeds = [1, 1]: chip seed 1 is listed twice; every chip must be distinct")
        // Chip seeds s, s + 1, … past UInt64.max trapped (hxsim eval/train --chips 2 with the
        // largest seed); the number of chips is the executor's range.
        settings = ImageTask.mnist.defaults
        (settings.chips, settings.chipSeeds) = (2, [3, .max])
        #expect(
            errorText { try settings.validate() }
                == "chip seeds = 18446744073709551615: the last chip's seed would pass "
                + "18446744073709551615; the largest first seed of 2 chips is "
                + "18446744073709551614")
        // The check the error budget makes before its first evaluation (it evaluated chip 5 and
        // then trapped or failed on the second seed).
        #expect(
            errorText { try ExperimentSettings.checkChipSeeds([5, .max], chips: 2) }?
                .hasSuffix("the largest first seed of 2 chips is 18446744073709551614") == true)
        (settings.chips, settings.chipSeeds) = (65, [1])
        #expect(errorText { try settings.validate() } == "chips = 65: must be in 1…64")
        var evaluation = ModelEvaluation.Settings()
        (evaluation.backend, evaluation.chips, evaluation.chipSeed) = (.physics, 2, .max)
        (evaluation.mockGain, evaluation.mockNoise) = (1, 0)
        #expect(throws: NetworkError.self) {
            try ModelEvaluation.makeExecutor(evaluation, warnings: &warnings)
        }
        // Evaluation checks its chip seed as training does, in the same words, before any work.
        let set = try Dataset(
            name: "tiny",
            features: Matrix(rows: 2, columns: 3, storage: Array(repeating: 1, count: 6)),
            labels: [0, 1], classCount: 3)
        let model = Sequential(try Linear(inFeatures: 3, outFeatures: 3, seed: 1))
        #expect(
            errorText {
                try ModelEvaluation.run(
                    model: model, task: "tiny",
                    data: TaskData(train: set, validation: set, test: set),
                    settings: evaluation)
            }?.hasSuffix("the largest first seed of 2 chips is 18446744073709551614") == true)
        settings = ImageTask.mnist.defaults
        for (decay, accepted) in [(Float(1), true), (1e-6, true), (0, false), (1.5, false)] {
            settings.learningRateDecay = decay
            #expect((errorText { try settings.validate() } == nil) == accepted, "decay \(decay)")
        }
    }
}
