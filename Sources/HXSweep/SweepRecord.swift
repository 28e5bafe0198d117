import Foundation
import HXIO

/// One line of a results file: a point, its accuracy over the repetitions and the time it took.
///
/// Every field but ``wallSeconds`` is a deterministic function of the specification (and its
/// model and data set): an interrupted-and-resumed, a sharded-and-merged and an uninterrupted
/// run give records that are equal byte for byte once ``wallSeconds`` is set aside
/// (``withoutWallTime``). Merging and comparing ignore it.
public struct SweepRecord: Sendable, Codable, Equatable {
    /// The specification's name.
    public var sweep: String
    /// ``Sweep/hash`` of the sweep that wrote the record.
    public var specHash: String
    /// The point's position in the plan.
    public var index: Int
    /// The number of points in the plan (all shards together).
    public var pointCount: Int
    /// The point's key (canonical JSON of its coordinates).
    public var key: String
    /// The point's coordinates, by axis name.
    public var coordinates: [String: SweepValue]
    /// Samples evaluated per repetition.
    public var samples: Int
    /// The fraction of samples classified correctly, per repetition [1].
    public var accuracies: [Double]
    /// The mean of ``accuracies`` [1].
    public var accuracyMean: Double
    /// The sample standard deviation (n − 1) of ``accuracies``, 0 for one repetition [1].
    public var accuracyStd: Double
    /// Wall-clock time of the point, in seconds; the one field that differs between runs.
    public var wallSeconds: Double

    /// A record of `point` with `result`.
    public init(
        sweep: String, specHash: String, point: SweepPoint, pointCount: Int,
        result: PointResult, wallSeconds: Double
    ) {
        self.sweep = sweep
        self.specHash = specHash
        self.index = point.index
        self.pointCount = pointCount
        self.key = point.key
        self.coordinates = point.coordinates
        self.samples = result.samples
        self.accuracies = result.accuracies
        let (mean, std) = Self.meanAndStandardDeviation(result.accuracies, samples: result.samples)
        self.accuracyMean = mean
        self.accuracyStd = std
        self.wallSeconds = wallSeconds
    }

    /// The record with ``wallSeconds`` set to 0, for comparisons.
    public var withoutWallTime: SweepRecord {
        var copy = self
        copy.wallSeconds = 0
        return copy
    }

    /// The record as one line of compact, key-sorted JSON with its newline (as results files
    /// hold it).
    public func line() throws -> Data {
        var data = try JSON.encode(self, pretty: false)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Mean and sample standard deviation of accuracies measured on `samples` samples each.
    ///
    /// They are computed from the counts of correct samples (integers), so that equal
    /// accuracies give exactly their value and a spread of exactly 0, and the result does not
    /// depend on summation order.
    static func meanAndStandardDeviation(_ values: [Double], samples: Int) -> (Double, Double) {
        guard !values.isEmpty, samples > 0 else { return (0, 0) }
        let n = Double(values.count)
        let counts = values.map { ($0 * Double(samples)).rounded() }
        let total = counts.reduce(0, +)
        let mean = total / (n * Double(samples))
        guard values.count > 1 else { return (mean, 0) }
        let meanCount = total / n
        let squares = counts.reduce(0) { $0 + ($1 - meanCount) * ($1 - meanCount) }
        return (mean, (squares / (n - 1)).squareRoot() / Double(samples))
    }
}

/// Reading results files.
public enum SweepResults {
    /// The complete records of the results file at `path`, and whether its last line was cut
    /// short (the point in flight when a run was killed).
    /// - Throws: ``SweepError/missingFile(role:path:reason:)`` if `mustExist` and it does not;
    ///   HXIO's ``IOError/corruptRecord(path:line:message:)`` for a damaged complete line.
    public static func read(
        path: String, mustExist: Bool = false
    ) throws -> (records: [SweepRecord], truncated: Bool) {
        if mustExist && !FileManager.default.fileExists(atPath: path) {
            throw SweepError.missingFile(role: "results file", path: path, reason: "no such file")
        }
        let contents = try JSONLinesLog.read(SweepRecord.self, path: path)
        return (contents.records, contents.isTruncated)
    }

    /// Writes `records` as a results file, atomically.
    public static func write(_ records: [SweepRecord], to path: String) throws {
        var data = Data()
        for record in records { data.append(try record.line()) }
        try FileIO.writeAtomically(data, to: path)
    }
}
