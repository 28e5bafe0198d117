import Foundation
import HXIO
import HXNetwork

/// `hxsim train TASK` as a library call: everything but the parsing of the command line.
public struct TrainingJob: Sendable {
    /// The task.
    public var task: any ExperimentTask
    /// Its settings (the task's defaults with the user's changes).
    public var settings: ExperimentSettings
    /// Where the data sets are looked for.
    public var location: DataLocation
    /// Save the software-trained network here (a model file); the networks fine-tuned with
    /// each chip go beside it as ``hilModelPath(_:chipSeed:)``.
    public var saveModel: String?
    /// Print one JSON object instead of the table.
    public var json = false
    /// Print where the time goes (tables; in the JSON it is always there), and write the figure
    /// to ``profileFigure`` if set.
    public var profile = false
    public var profileFigure: String?

    /// A job for `task` with its defaults.
    public init(task: any ExperimentTask, location: DataLocation) {
        self.task = task
        self.settings = task.defaults
        self.location = location
    }

    /// Where the network fine-tuned with chip `chipSeed` is saved, beside `path`:
    /// `mnist.json` → `mnist.hil-chip3.json`.
    public static func hilModelPath(_ path: String, chipSeed: UInt64) -> String {
        let url = URL(fileURLWithPath: path)
        let stem = url.deletingPathExtension().path
        let suffix = url.pathExtension.isEmpty ? "" : "." + url.pathExtension
        return "\(stem).hil-chip\(chipSeed)\(suffix)"
    }

    /// Checks the outputs, loads the data, runs the pipeline, writes the files and returns the
    /// text for standard output. Nothing is written when any step fails.
    public func run(
        clock: @escaping @Sendable () -> UInt64 = Profiler.monotonicClock,
        progress: (String) -> Void
    ) throws -> (text: String, outcome: Experiment.Outcome) {
        try settings.validate()
        let outputs = self.outputs
        for output in outputs {
            _ = try OutputTarget.file(
                output.path, operand: output.operand, createParents: true,
                allowsStandardOutput: false)
        }
        try OutputTarget.refuseOverlaps(
            outputs: outputs.map { ($0.operand, $0.path) }, inputs: [])
        let data = try task.load(from: location, settings: settings)
        progress(
            "\(task.name): \(data.train.count) training, \(data.validation.count) validation, "
                + "\(data.test.count) test samples of shape \(data.sampleShape)")
        let outcome = try Experiment.run(
            task: task, settings: settings, data: data, clock: clock, progress: progress)
        let report = outcome.report
        // Everything is encoded before the first file is written.
        var files: [(path: String, data: Data)] = []
        if let saveModel {
            files.append((saveModel, try ModelFile.encode(outcome.software)))
            for (seed, model) in zip(settings.chipSeeds, outcome.hardware) {
                files.append(
                    (Self.hilModelPath(saveModel, chipSeed: seed), try ModelFile.encode(model)))
            }
        }
        if let profileFigure {
            let svg = RuntimeFigure.svg(
                [report.training, report.inference].compactMap { $0 },
                title: "\(task.name): where the time goes")
            files.append((profileFigure, Data(svg.utf8)))
        }
        var text =
            json
            ? String(decoding: try report.jsonSummary(), as: UTF8.self) + "\n"
            : try report.accuracyTable().markdown(precision: 2)
        if profile && !json { text += try report.runtimeText() }
        for file in files {
            try FileIO.writeAtomically(file.data, to: file.path, createParents: true)
        }
        return (text, outcome)
    }

    /// The files the job writes, with the options that name them (missing directories are
    /// created): the model, the fine-tuned models beside it, the profile figure.
    var outputs: [(operand: String, path: String)] {
        var outputs: [(operand: String, path: String)] = []
        if let saveModel {
            outputs.append(("--save", saveModel))
            for seed in settings.chipSeeds {
                outputs.append(
                    (
                        "--save (fine-tuned with chip \(seed))",
                        Self.hilModelPath(saveModel, chipSeed: seed)
                    ))
            }
        }
        if let profileFigure { outputs.append(("--profile-svg", profileFigure)) }
        return outputs
    }
}

/// `hxsim eval MODEL --task TASK` as a library call.
public struct EvaluationJob: Sendable {
    /// The model file.
    public var modelPath: String
    /// The task whose data set is evaluated.
    public var task: any ExperimentTask
    /// Where the data sets are looked for.
    public var location: DataLocation
    /// Back end, split, chips, calibration.
    public var settings = ModelEvaluation.Settings()
    /// Logits and predictions go here (`.npy` or `.csv`), if set.
    public var out: String?
    /// Print one JSON object instead of a line.
    public var json = false
    /// Evaluate only the first this many samples of the split (all when nil).
    public var limit: Int?

    /// A job with the default settings.
    public init(modelPath: String, task: any ExperimentTask, location: DataLocation) {
        self.modelPath = modelPath
        self.task = task
        self.location = location
    }

    /// Checks the output, loads model and data, evaluates, writes the output file and returns
    /// the text for standard output; `progress` hears `(samples done, samples)` per batch.
    public func run(
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws -> (text: String, result: ModelEvaluation.Result) {
        let target = try out.map {
            try MatrixTarget.output($0, operand: "--out", allowsStandardOutput: false)
        }
        let model = try ModelFile.load(from: URL(fileURLWithPath: modelPath))
        var experiment = task.defaults
        experiment.seed = settings.seed
        var data = try task.load(from: location, settings: experiment)
        try data.requireSamples(task: task.name)
        if let limit {
            // The splits as training made them, then their first samples.
            data = TaskData(
                train: try data.train.prefix(limit), validation: try data.validation.prefix(limit),
                test: try data.test.prefix(limit))
        }
        let result = try ApplicationError.naming(modelFile: modelPath) {
            try ModelEvaluation.run(
                model: model, task: task.name, data: data, settings: settings, progress: progress)
        }
        if let target { try ModelEvaluation.write(result, to: target) }
        let text: String
        if json {
            let summary: [String: String] = [
                "task": task.name, "backend": settings.backend.rawValue,
                "split": settings.split.rawValue, "accuracy": String(result.accuracy),
                "samples": String(result.labels.count),
            ]
            text = String(decoding: try JSON.encode(summary, pretty: false), as: UTF8.self) + "\n"
        } else {
            text =
                "\(task.name) \(settings.split.rawValue) on \(settings.backend.rawValue): "
                + "accuracy \(String(format: "%.2f", 100 * result.accuracy)) % "
                + "(\(result.predictions.count) samples; gain \(format(result.mockParameter.gain, 5)), "
                + "noise \(format(result.mockParameter.noiseStd, 2)) LSB)\n"
        }
        return (text, result)
    }
}
