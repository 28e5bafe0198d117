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
    /// The build, BLAS kernel and CPU that computed the record (nil in records of builds
    /// before provenance was recorded).
    public var provenance: BuildProvenance?
    /// SHA-256 (hex) of the record's JSON without ``wallSeconds`` and with an empty checksum:
    /// a record edited or damaged after it was written no longer matches. Set by ``sealed()``
    /// when the record is written; nil in records of older builds.
    public var checksum: String?

    /// A record of `point` with `result`, made by `provenance` (this build by default).
    public init(
        sweep: String, specHash: String, point: SweepPoint, pointCount: Int,
        result: PointResult, wallSeconds: Double,
        provenance: BuildProvenance? = BuildProvenance.current
    ) {
        self.provenance = provenance
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

    /// How every line of ``line()`` begins (compact, key-sorted JSON: the brace and the first
    /// key with its colon), taken from the encoder itself so that it follows the fields.
    static let lineOpening: Data = {
        let sample = SweepRecord(
            sweep: "", specHash: "", point: SweepPoint(index: 0, coordinates: [:]), pointCount: 1,
            result: PointResult(accuracies: [0], samples: 1), wallSeconds: 0, provenance: nil)
        guard let line = try? sample.line(), let colon = line.firstIndex(of: UInt8(ascii: ":"))
        else { return Data("{".utf8) }
        return Data(line[...colon])
    }()

    /// Whether `fragment` (the text after a file's last newline) can be a record that a killed
    /// run was writing: one `write` appends a whole line, so what is left is a prefix of one.
    static func isCutRecord(_ fragment: Data) -> Bool {
        !fragment.isEmpty
            && (fragment.starts(with: lineOpening) || lineOpening.starts(with: fragment))
    }

    /// The checksum this record's content has (see ``checksum``).
    public func computedChecksum() throws -> String {
        var copy = self
        copy.wallSeconds = 0
        copy.checksum = ""
        return SHA256.hex(try JSON.encode(copy, pretty: false))
    }

    /// The record with its checksum filled in, as it is written.
    public func sealed() throws -> SweepRecord {
        var copy = self
        copy.checksum = try computedChecksum()
        return copy
    }

    /// Whether the record carries a checksum that matches its content.
    public func hasValidChecksum() throws -> Bool {
        guard let checksum else { return false }
        return checksum == (try computedChecksum())
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
    ///
    /// A last line without a newline must be the start of a record
    /// (``SweepRecord/isCutRecord(_:)``): any other text (a one-line JSON file, a note) means
    /// the file is not a results file, and it is refused rather than treated as a cut record.
    ///
    /// Every record with a checksum is verified: an edited or damaged record is refused. A
    /// record without one (written before records had checksums) is refused too unless
    /// `requireChecksums` is false (plots read old files; merge and resume do not).
    /// - Throws: ``SweepError/missingFile(role:path:reason:)`` if `mustExist` and it does not;
    ///   HXIO's ``IOError/corruptRecord(path:line:message:)`` for a damaged complete line;
    ///   ``SweepError/tamperedRecord(path:line:)``, ``SweepError/unverifiedRecord(path:line:)``,
    ///   ``SweepError/notResults(path:start:)``.
    public static func read(
        path: String, mustExist: Bool = false, requireChecksums: Bool = true
    ) throws -> (records: [SweepRecord], truncated: Bool) {
        if mustExist && !FileIO.exists(path: path) {
            throw SweepError.missingFile(role: "results file", path: path, reason: "no such file")
        }
        return try verified(
            JSONLinesLog.read(SweepRecord.self, path: path), path: path,
            requireChecksums: requireChecksums)
    }

    /// The records of results-file bytes (see ``read(path:mustExist:requireChecksums:)``);
    /// `source` names them in errors.
    public static func decode(
        _ data: Data, source: String, requireChecksums: Bool = true
    ) throws -> (records: [SweepRecord], truncated: Bool) {
        try verified(
            JSONLinesLog.decode(SweepRecord.self, from: data, source: source), path: source,
            requireChecksums: requireChecksums)
    }

    private static func verified(
        _ contents: JSONLinesContents<SweepRecord>, path: String, requireChecksums: Bool
    ) throws -> (records: [SweepRecord], truncated: Bool) {
        if let fragment = contents.truncatedFinalLine,
            !SweepRecord.isCutRecord(Data(fragment.utf8))
        {
            // Control characters made visible, so that the message stays one line.
            throw SweepError.notResults(path: path, start: printableText(fragment.prefix(40)))
        }
        for (number, record) in contents.records.enumerated() {
            if record.checksum == nil {
                if requireChecksums {
                    throw SweepError.unverifiedRecord(path: path, line: number + 1)
                }
            } else if !(try record.hasValidChecksum()) {
                throw SweepError.tamperedRecord(path: path, line: number + 1)
            }
        }
        return (contents.records, contents.isTruncated)
    }

    /// Writes `records` as a results file, atomically; records without a checksum are sealed.
    public static func write(_ records: [SweepRecord], to path: String) throws {
        var data = Data()
        for record in records {
            data.append(try (record.checksum == nil ? record.sealed() : record).line())
        }
        try FileIO.writeAtomically(data, to: path)
    }

    /// The first record in `records` (with its file and line) whose provenance differs from
    /// `reference`, if any.
    static func firstForeignBuild(
        _ records: [(record: SweepRecord, file: String, line: Int)], reference: BuildProvenance?
    ) -> (record: SweepRecord, file: String, line: Int)? {
        records.first { $0.record.provenance != reference }
    }
}
