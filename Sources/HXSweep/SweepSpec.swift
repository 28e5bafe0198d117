import Foundation
import HXIO

/// A sweep specification: a trained model, a data set, fixed settings, axes and how points are
/// drawn from them. It is a JSON file (see `benchmarks/sweeps/README.md` for the format with
/// an example); relative paths in it are relative to the file's directory.
///
/// Unknown keys are errors (a typo must not silently fall back to a default); everything is
/// checked by ``Sweep/load(specPath:calibration:)`` before any point runs.
public struct SweepSpec: Sendable, Codable, Equatable {
    /// The `format` tag of sweep specifications.
    public static let formatTag = "hxsim-sweep"
    /// The format version this build reads.
    public static let version = 1

    /// A name for messages, plots and the default results file.
    public var name: String
    /// The model file (HXNetwork `ModelFile`), relative to the specification's directory.
    public var model: String
    /// The data set the accuracy is measured on.
    public var dataset: DatasetSpec
    /// An optional physics parameter file (`hxsim-physics-parameters`) as the starting point;
    /// the defaults of docs/SPECIFICATION.md when absent.
    public var parameters: String?
    /// Root seed of every random draw of the sweep: trial-to-trial noise of the repetitions and,
    /// unless `sampling.seed` is given, random sampling of points.
    public var seed: UInt64
    /// Evaluations per point (≥ 1; the `repetitions` axis overrides it). Default 1.
    public var repetitions: Int
    /// Fixed settings, by axis name (`{"backend": "hardware", "parameter:readNoise": 1.0}`);
    /// axes override them. Defaults: hardware back end (simulated chips), calibration off, seed 1, one chip, the
    /// model's `numSends` and waits, mock gain 0.002 and noise 2 LSB.
    public var base: [String: SweepValue]
    /// The axes; the grid is their Cartesian product, first axis slowest.
    public var axes: [AxisSpec]
    /// Grid or random sampling. Default grid.
    public var sampling: SamplingSpec
    /// How the model is run.
    public var evaluation: EvaluationSpec
    /// The results file, relative to the specification's directory; default
    /// `<spec file name without .json>.results.jsonl` beside it.
    public var results: String?

    /// A specification with the given parts.
    public init(
        name: String, model: String, dataset: DatasetSpec, parameters: String? = nil,
        seed: UInt64 = 1, repetitions: Int = 1, base: [String: SweepValue] = [:],
        axes: [AxisSpec], sampling: SamplingSpec = SamplingSpec(),
        evaluation: EvaluationSpec = EvaluationSpec(), results: String? = nil
    ) {
        self.name = name
        self.model = model
        self.dataset = dataset
        self.parameters = parameters
        self.seed = seed
        self.repetitions = repetitions
        self.base = base
        self.axes = axes
        self.sampling = sampling
        self.evaluation = evaluation
        self.results = results
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case format, version, name, model, dataset, parameters, seed, repetitions, base, axes
        case sampling, evaluation, results
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        if let format = try c.decodeIfPresent(String.self, forKey: .format),
            format != Self.formatTag
        {
            throw DecodingError.dataCorruptedError(
                forKey: .format, in: c,
                debugDescription: "format is '\(format)', expected '\(Self.formatTag)'")
        }
        if let version = try c.decodeIfPresent(Int.self, forKey: .version), version != Self.version
        {
            throw DecodingError.dataCorruptedError(
                forKey: .version, in: c,
                debugDescription: FileText.otherVersion(found: version, supported: Self.version))
        }
        name = try c.decode(String.self, forKey: .name)
        model = try c.decode(String.self, forKey: .model)
        dataset = try c.decode(DatasetSpec.self, forKey: .dataset)
        parameters = try c.decodeIfPresent(String.self, forKey: .parameters)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 1
        repetitions = try c.decodeIfPresent(Int.self, forKey: .repetitions) ?? 1
        base = try c.decodeIfPresent([String: SweepValue].self, forKey: .base) ?? [:]
        axes = try c.decode([AxisSpec].self, forKey: .axes)
        sampling = try c.decodeIfPresent(SamplingSpec.self, forKey: .sampling) ?? SamplingSpec()
        evaluation =
            try c.decodeIfPresent(EvaluationSpec.self, forKey: .evaluation) ?? EvaluationSpec()
        results = try c.decodeIfPresent(String.self, forKey: .results)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.formatTag, forKey: .format)
        try c.encode(Self.version, forKey: .version)
        try c.encode(name, forKey: .name)
        try c.encode(model, forKey: .model)
        try c.encode(dataset, forKey: .dataset)
        try c.encodeIfPresent(parameters, forKey: .parameters)
        try c.encode(seed, forKey: .seed)
        try c.encode(repetitions, forKey: .repetitions)
        try c.encode(base, forKey: .base)
        try c.encode(axes, forKey: .axes)
        try c.encode(sampling, forKey: .sampling)
        try c.encode(evaluation, forKey: .evaluation)
        try c.encodeIfPresent(results, forKey: .results)
    }

    /// Parses a specification; `source` names it in errors.
    /// - Throws: ``SweepError/malformedSpec(source:reason:)`` with the JSON path of the problem.
    public static func decode(_ data: Data, source: String = "<spec>") throws -> SweepSpec {
        do {
            return try JSON.decode(SweepSpec.self, from: data, source: source)
        } catch IOError.invalidJSON(_, let path, let message) {
            throw SweepError.malformedSpec(source: source, reason: "\(path): \(message)")
        } catch let error as IOError {
            // Duplicate keys, numbers out of range, text that is not JSON.
            throw SweepError.malformedSpec(source: source, reason: error.detail)
        } catch let error as DecodingError {
            throw SweepError.malformedSpec(source: source, reason: "\(error)")
        }
    }

    /// Reads the specification at `path`.
    /// - Throws: ``SweepError/missingFile(role:path:reason:)`` or
    ///   ``SweepError/malformedSpec(source:reason:)``.
    public static func load(path: String) throws -> SweepSpec {
        guard FileIO.exists(path: path) else {
            throw SweepError.missingFile(
                role: "sweep specification", path: path, reason: "no such file")
        }
        let data: Data
        do {
            data = try FileIO.read(path: path, maxBytes: ReadLimits.document.maxFileBytes)
        } catch {
            throw SweepError.missingFile(
                role: "sweep specification", path: path,
                reason: (error as? IOError)?.detail ?? "\(error)")
        }
        return try decode(data, source: path)
    }
}

/// The data set of a sweep.
///
/// - `yinyang`: generated (HXData `YinYang.generate`) with `size` (default 1,000) and `seed`
///   (default 40, the published test split).
/// - `mnist`: the IDX files in the directory `path`, `split` `test` (default) or `train`.
/// - `digits`: the 8 × 8 digits CSV at `path`.
///
/// Features are multiplied by `inputScale` (default 1) on the way in: the chip takes
/// activations 0…31, so a model trained on features in 0…1 times 31 wants `"inputScale": 31`.
/// `inputRepetition` (default 1) repeats every feature vector end to end, for models that send
/// each feature on several rows (the Yin-Yang task of `hxsim train` uses 16). `limit` keeps the first
/// samples only.
public struct DatasetSpec: Sendable, Codable, Equatable {
    /// `yinyang`, `mnist` or `digits`.
    public var kind: String
    /// Samples to generate (`yinyang`).
    public var size: Int?
    /// Generator seed (`yinyang`).
    public var seed: UInt64?
    /// The directory (`mnist`) or file (`digits`), relative to the specification.
    public var path: String?
    /// `test` or `train` (`mnist`).
    public var split: String?
    /// Keep only the first `limit` samples.
    public var limit: Int?
    /// Factor on every feature, to reach the chip's input range 0…31 [1].
    public var inputScale: Double
    /// Copies of each feature vector, end to end [1].
    public var inputRepetition: Int

    /// A data set description.
    public init(
        kind: String, size: Int? = nil, seed: UInt64? = nil, path: String? = nil,
        split: String? = nil, limit: Int? = nil, inputScale: Double = 1, inputRepetition: Int = 1
    ) {
        self.kind = kind
        self.size = size
        self.seed = seed
        self.path = path
        self.split = split
        self.limit = limit
        self.inputScale = inputScale
        self.inputRepetition = inputRepetition
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, size, seed, path, split, limit, inputScale, inputRepetition
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        kind = try c.decode(String.self, forKey: .kind)
        size = try c.decodeIfPresent(Int.self, forKey: .size)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
        path = try c.decodeIfPresent(String.self, forKey: .path)
        split = try c.decodeIfPresent(String.self, forKey: .split)
        limit = try c.decodeIfPresent(Int.self, forKey: .limit)
        inputScale = try c.decodeIfPresent(Double.self, forKey: .inputScale) ?? 1
        inputRepetition = try c.decodeIfPresent(Int.self, forKey: .inputRepetition) ?? 1
    }
}

/// How points are drawn from the axes.
public struct SamplingSpec: Sendable, Codable, Equatable {
    /// Grid or random.
    public enum Mode: String, Sendable, Codable {
        /// Every point of the Cartesian product.
        case grid
        /// `count` distinct points of the product, drawn without replacement.
        case random
    }

    /// The mode.
    public var mode: Mode
    /// Points to draw (`random`).
    public var count: Int?
    /// Seed of the draw (`random`); the specification's `seed` when absent.
    public var seed: UInt64?

    /// Grid sampling, or random sampling of `count` points.
    public init(mode: Mode = .grid, count: Int? = nil, seed: UInt64? = nil) {
        self.mode = mode
        self.count = count
        self.seed = seed
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case mode, count, seed }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        mode = try c.decodeIfPresent(Mode.self, forKey: .mode) ?? .grid
        count = try c.decodeIfPresent(Int.self, forKey: .count)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
    }
}

/// How the model runs at every point.
public struct EvaluationSpec: Sendable, Codable, Equatable {
    /// Samples per forward pass (1…65,536). Default 256. Part of the result: on the hardware back
    /// end it decides which trial each sample's noise comes from.
    public var batchSize: Int
    /// The membrane integrator of the hardware back end: `fast` (default) or `gsl`.
    public var integrator: String

    /// Evaluation settings.
    public init(batchSize: Int = 256, integrator: String = "fast") {
        self.batchSize = batchSize
        self.integrator = integrator
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case batchSize, integrator }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? 256
        integrator = try c.decodeIfPresent(String.self, forKey: .integrator) ?? "fast"
    }
}
