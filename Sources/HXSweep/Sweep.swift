import Foundation
import HXData
import HXIO
import HXNetwork
import HXNumerics
import HXPhysics

/// A sweep ready to run: the specification checked in full, its model and data set loaded, and
/// the hash that ties results files to it.
///
/// Everything a specification can get wrong is found here, before any point runs: the shape of
/// the JSON, every axis and value, every point's resolved physics parameters, the files it
/// names, whether the model accepts the data set, layer indices, and whether calibration "on"
/// is available.
public struct Sweep: Sendable {
    /// The specification as read.
    public let spec: SweepSpec
    /// Where it came from (for messages).
    public let source: String
    /// The directory relative paths are resolved against.
    public let directory: String
    /// Axes, base settings and points.
    public let plan: SweepPlan
    /// The trained model.
    public let model: Sequential
    /// The data set's features, already multiplied by `inputScale`, one row per sample.
    public let features: Matrix<Float>
    /// The data set's labels.
    public let labels: [Int]
    /// The shape in which the model receives each sample: the data set's own (for example
    /// `[1, 28, 28]` for a conv model) when the model takes it, or nil for flat feature vectors
    /// (a linear first layer; always for features repeated on several rows).
    public let sampleShape: [Int]?
    /// The data set's name.
    public let datasetName: String
    /// The physics parameters before any setting of the sweep.
    public let parameters: PhysicsParameters
    /// The membrane integrator of the hardware back end (the simulated chips).
    public let integrator: Integrator
    /// Number of VMM layers (Linear and convolutions) in the model, in model order.
    public let vmmLayerCount: Int
    /// The preparation of chips with calibration on, if available.
    public let calibration: ChipPreparer?
    /// SHA-256 (hex) of everything that decides the results: the specification without its
    /// name and paths, the model's content, the data set's content, the starting parameters,
    /// and the calibration procedure's name when a point uses it. Every record carries it.
    public let hash: String

    /// Loads and checks the specification at `specPath`.
    /// - Parameter calibration: the preparation for calibration "on"; by default
    ///   ``CalibrationHook/preparer``.
    /// - Throws: the ``SweepError`` naming the first problem.
    public static func load(
        specPath: String, calibration: ChipPreparer? = CalibrationHook.preparer
    ) throws -> Sweep {
        let spec = try SweepSpec.load(path: specPath)
        let directory = URL(fileURLWithPath: specPath).deletingLastPathComponent().path
        do {
            return try Sweep(
                spec: spec, directory: directory, source: specPath, calibration: calibration)
        } catch let error as SweepError {
            throw error.naming(specification: specPath)
        }
    }

    /// Checks `spec` and loads what it names, resolving relative paths against `directory`.
    /// - Throws: the ``SweepError`` naming the first problem.
    public init(
        spec: SweepSpec, directory: String, source: String = "<spec>",
        calibration: ChipPreparer? = CalibrationHook.preparer
    ) throws {
        let plan = try SweepPlan(spec: spec)
        guard (1...65_536).contains(spec.evaluation.batchSize) else {
            throw SweepError.invalidSetting(
                name: "evaluation.batchSize",
                reason: "\(spec.evaluation.batchSize) is not in 1…65536")
        }
        guard let integrator = Integrator(rawValue: spec.evaluation.integrator) else {
            throw SweepError.invalidSetting(
                name: "evaluation.integrator",
                reason:
                    "'\(spec.evaluation.integrator)' is not one of "
                    + Integrator.allCases.map(\.rawValue).joined(separator: ", "))
        }
        var parameters = PhysicsParameters()
        if let file = spec.parameters {
            let path = Self.resolve(file, in: directory)
            guard FileIO.exists(path: path) else {
                throw SweepError.missingFile(
                    role: "parameter file", path: path, reason: "no such file")
            }
            do {
                parameters = try PhysicsParameters(contentsOf: path)
            } catch {
                throw SweepError.missingFile(
                    role: "parameter file", path: path, reason: Self.reason(error))
            }
        }
        let modelPath = Self.resolve(spec.model, in: directory)
        guard FileIO.exists(path: modelPath) else {
            throw SweepError.missingFile(
                role: "model file", path: modelPath, reason: "no such file")
        }
        let model: Sequential
        do {
            model = try ModelFile.load(from: URL(fileURLWithPath: modelPath))
        } catch {
            throw SweepError.missingFile(
                role: "model file", path: modelPath, reason: Self.reason(error))
        }
        let dataset = try SweepDatasets.load(spec.dataset, directory: directory)
        let vmmLayerCount = ModelSettings.vmmLayerCount(of: model)

        try Self.checkLayers(plan: plan, vmmLayerCount: vmmLayerCount)
        let sampleShape = try Self.acceptedSampleShape(model: model, dataset: dataset, spec: spec)
        var usesCalibration = false
        for point in plan.points {
            let settings = try plan.settings(
                for: point, parameters: parameters, repetitions: spec.repetitions)
            if settings.backend == .hardware && settings.calibration {
                guard calibration != nil else { throw SweepError.calibrationUnavailable }
                usesCalibration = true
            }
        }
        self.hash = try Self.fingerprint(
            spec: spec, model: model, features: dataset.features, labels: dataset.labels,
            parameters: parameters, calibration: usesCalibration ? calibration?.name : nil)
        self.spec = spec
        self.source = source
        self.directory = directory
        self.plan = plan
        self.model = model
        self.features = dataset.features
        self.labels = dataset.labels
        self.sampleShape = sampleShape
        self.datasetName = dataset.name
        self.parameters = parameters
        self.integrator = integrator
        self.vmmLayerCount = vmmLayerCount
        self.calibration = calibration
    }

    /// Why a file the sweep reads could not be used, without the file's name: the
    /// ``SweepError/missingFile(role:path:reason:)`` it becomes names the file already.
    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as IOError: return error.detail
        case DataError.io(let error): return error.detail
        case PhysicsError.malformedParameterFile(_, let reason): return reason
        case let error as NetworkError: return error.modelFileReason ?? "\(error)"
        default: return "\(error)"
        }
    }

    /// The settings `point` runs with.
    public func settings(for point: SweepPoint) throws -> PointSettings {
        try plan.settings(for: point, parameters: parameters, repetitions: spec.repetitions)
    }

    /// The results file when none is given: the specification's `results`, or
    /// `<spec name>.results.jsonl` beside the specification; with the shard's suffix.
    public func defaultResultsPath(shard: Shard = .whole) -> String {
        let path: String
        if let results = spec.results {
            path = Self.resolve(results, in: directory)
        } else {
            var stem = URL(fileURLWithPath: source).lastPathComponent
            if stem.hasSuffix(".json") { stem = String(stem.dropLast(5)) }
            path =
                URL(fileURLWithPath: directory).appendingPathComponent(stem + ".results.jsonl")
                .path
        }
        return shard.resultsPath(for: path)
    }

    /// The files the sweep reads, with their roles: the specification (unless it was given in
    /// memory), the model, the parameter file and the data set's file or directory, if any.
    public var inputFiles: [(role: String, path: String)] {
        var files = [(role: "specification", path: source)]
        files.append((role: "model file", path: Self.resolve(spec.model, in: directory)))
        if let parameters = spec.parameters {
            files.append((role: "parameter file", path: Self.resolve(parameters, in: directory)))
        }
        if let dataset = spec.dataset.path {
            files.append((role: "data set", path: Self.resolve(dataset, in: directory)))
        }
        return files
    }

    /// `path` if absolute, else relative to `directory`; `~` expanded.
    static func resolve(_ path: String, in directory: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") {
            return URL(fileURLWithPath: expanded).standardizedFileURL.path
        }
        return URL(fileURLWithPath: directory).appendingPathComponent(expanded)
            .standardizedFileURL.path
    }

    /// Layer indices after `@` must name VMM layers of the model.
    private static func checkLayers(plan: SweepPlan, vmmLayerCount: Int) throws {
        for (name, kind) in plan.kinds {
            let layers: [Int]?
            if case .setting(_, let l) = kind { layers = l } else { layers = nil }
            for layer in layers ?? [] where layer >= vmmLayerCount {
                throw SweepError.invalidSetting(
                    name: "axis \(name)",
                    reason:
                        "VMM layer \(layer) does not exist; the model has \(vmmLayerCount) "
                        + "(0…\(vmmLayerCount - 1))")
            }
        }
    }

    /// The shape the model takes the data set's samples in (see ``sampleShape``): the data
    /// set's own shape (for example `[1, 28, 28]` for a conv model) when the model accepts it,
    /// else flat vectors (a linear first layer), checked on one sample in software.
    /// - Throws: ``SweepError/invalidSetting(name:reason:)`` when the model takes neither, or
    ///   has fewer outputs than the data set has classes.
    static func acceptedSampleShape(
        model: Sequential, dataset: Dataset, spec: SweepSpec
    ) throws -> [Int]? {
        let (features, labels) = (dataset.features, dataset.labels)
        guard !labels.isEmpty else {
            throw SweepError.invalidSetting(name: "dataset", reason: "the data set is empty")
        }
        var shapes: [[Int]?] = [nil]
        if spec.dataset.inputRepetition == 1, let shape = dataset.featureShape, shape.count > 1 {
            shapes.insert(shape, at: 0)
        }
        var failure: (any Error)?
        for shape in shapes {
            var context = ExecutionContext.software
            let input = try Tensor(
                shape: [1] + (shape ?? [features.columns]), storage: Array(features.row(0)))
            let output: Tensor
            do {
                output = try model(input, context: &context)
            } catch {
                failure = failure ?? error
                continue
            }
            // One output per class, as `hxsim eval` requires: an output more would be a
            // predicted class that does not exist.
            guard output.count == dataset.classCount else {
                throw SweepError.invalidSetting(
                    name: "dataset",
                    reason:
                        "the model has \(output.count) outputs for \(dataset.classCount) classes")
            }
            return shape
        }
        throw SweepError.invalidSetting(
            name: "dataset",
            reason:
                "the model does not accept its samples (shape \(dataset.featureShape ?? []), "
                + "\(features.columns) features): \(failure.map { "\($0)" } ?? "")")
    }

    private struct Fingerprint: Encodable {
        var format = "hxsim-sweep-fingerprint-1"
        var spec: SweepSpec
        var model: String
        var dataset: String
        var parameters: String
        var calibration: String?
    }

    /// See ``hash``.
    static func fingerprint(
        spec: SweepSpec, model: Sequential, features: Matrix<Float>, labels: [Int],
        parameters: PhysicsParameters, calibration: String?
    ) throws -> String {
        var neutral = spec
        neutral.name = ""
        neutral.model = ""
        neutral.dataset.path = nil
        neutral.parameters = nil
        neutral.results = nil
        var data = Data()
        data.reserveCapacity(4 * (features.storage.count + labels.count) + 16)
        withUnsafeBytes(of: UInt64(features.rows).littleEndian) { data.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(features.columns).littleEndian) { data.append(contentsOf: $0) }
        for value in features.storage {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        for label in labels {
            withUnsafeBytes(of: Int64(label).littleEndian) { data.append(contentsOf: $0) }
        }
        let fingerprint = Fingerprint(
            spec: neutral, model: SHA256.hex(try ModelFile.encode(model)),
            dataset: SHA256.hex(data), parameters: SHA256.hex(parameters.jsonData()),
            calibration: calibration)
        return SHA256.hex(try JSON.encode(fingerprint, pretty: false))
    }
}

/// Loading the data sets a specification names.
enum SweepDatasets {
    /// The data set of `spec`, features multiplied by `inputScale`.
    static func load(_ spec: DatasetSpec, directory: String) throws -> Dataset {
        func setting(_ name: String, _ reason: String) -> SweepError {
            .invalidSetting(name: "dataset.\(name)", reason: reason)
        }
        guard spec.inputScale.isFinite, spec.inputScale > 0 else {
            throw setting("inputScale", "\(spec.inputScale) must be a positive number")
        }
        if let limit = spec.limit, limit < 1 {
            throw setting("limit", "\(limit) must be at least 1")
        }
        guard (1...128).contains(spec.inputRepetition) else {
            throw setting("inputRepetition", "\(spec.inputRepetition) is not in 1…128")
        }
        var dataset: Dataset
        switch spec.kind {
        case "yinyang":
            if spec.path != nil { throw setting("path", "yinyang is generated; remove the path") }
            if spec.split != nil { throw setting("split", "only mnist has splits") }
            let size = spec.size ?? 1000
            guard (1...10_000_000).contains(size) else {
                throw setting("size", "\(size) is not in 1…10000000")
            }
            do {
                dataset = try YinYang.generate(size: size, seed: spec.seed ?? 40)
            } catch {
                throw setting("seed", "\(error)")
            }
        case "mnist", "digits":
            if spec.size != nil || spec.seed != nil {
                throw setting("size", "size and seed belong to yinyang; use limit")
            }
            guard let relative = spec.path else {
                throw setting("path", "\(spec.kind) needs the path of its files")
            }
            let path = Sweep.resolve(relative, in: directory)
            guard FileIO.exists(path: path) else {
                throw SweepError.missingFile(
                    role: "\(spec.kind) data set", path: path, reason: "no such file or directory")
            }
            do {
                if spec.kind == "mnist" {
                    let splitName = spec.split ?? "test"
                    guard let split = MNIST.Split(rawValue: splitName) else {
                        throw setting("split", "'\(splitName)' is not test or train")
                    }
                    dataset = try MNIST.load(directory: path, split: split, limit: spec.limit)
                } else {
                    if spec.split != nil { throw setting("split", "only mnist has splits") }
                    dataset = try Digits.load(path: path, limit: spec.limit)
                }
            } catch let error as SweepError {
                throw error
            } catch {
                throw SweepError.missingFile(
                    role: "\(spec.kind) data set", path: path, reason: Sweep.reason(error))
            }
        default:
            throw setting(
                "kind",
                "'\(spec.kind)' is not one of yinyang, mnist, digits"
                    + Spelling.hint(
                        closestName(to: spec.kind, among: ["yinyang", "mnist", "digits"])))
        }
        if let limit = spec.limit, limit < dataset.count {
            dataset = try dataset.subset(Array(0..<limit))
        }
        let scale = Float(spec.inputScale)
        if scale != 1 {
            dataset = try dataset.withFeatures { $0.map { $0 * scale } }
        }
        return try dataset.repeatingFeatures(spec.inputRepetition)
    }
}
