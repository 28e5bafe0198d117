import Foundation
import HXIO

/// How ``SweepRunner/run(_:options:)`` runs a sweep.
public struct SweepRunOptions: Sendable {
    /// The results file; nil uses ``Sweep/defaultResultsPath(shard:)``.
    public var resultsPath: String?
    /// Continue a results file that already has records, skipping their points. Without it, a
    /// results file with records is an error (nothing is overwritten or mixed by accident).
    public var resume: Bool
    /// The share of the points to run.
    public var shard: Shard
    /// Stop after computing this many points (the rest can be resumed); nil runs them all.
    public var maxPoints: Int?
    /// Worker threads of the hardware back end; nil uses every core. Results do not depend on it.
    public var threads: Int?
    /// Whether to write progress lines.
    public var showsProgress: Bool
    /// Seconds between progress lines.
    public var progressInterval: Double
    /// Where progress lines and notes go (stderr in the CLI).
    public var log: @Sendable (String) -> Void
    /// The monotonic clock, in seconds, for progress and wall times.
    public var clock: @Sendable () -> Double
    /// Continue a results file whose records another build, BLAS kernel or CPU computed
    /// (their results can differ); without it, such a file is refused.
    public var acceptMixedBuilds: Bool

    /// Options running the whole sweep into its default results file, progress on stderr.
    public init(
        resultsPath: String? = nil, resume: Bool = false, shard: Shard = .whole,
        maxPoints: Int? = nil, threads: Int? = nil, showsProgress: Bool = true,
        progressInterval: Double = 1,
        log: @escaping @Sendable (String) -> Void = {
            FileHandle.standardError.write(Data($0.utf8))
        },
        clock: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime },
        acceptMixedBuilds: Bool = false
    ) {
        self.acceptMixedBuilds = acceptMixedBuilds
        self.resultsPath = resultsPath
        self.resume = resume
        self.shard = shard
        self.maxPoints = maxPoints
        self.threads = threads
        self.showsProgress = showsProgress
        self.progressInterval = progressInterval
        self.log = log
        self.clock = clock
    }
}

/// What a run did.
public struct SweepRunSummary: Sendable, Equatable, CustomStringConvertible {
    /// The results file.
    public var resultsPath: String
    /// The share run.
    public var shard: Shard
    /// Points in the share.
    public var pointsInShard: Int
    /// Points that already had records (resumed).
    public var alreadyDone: Int
    /// Points computed by this run.
    public var computed: Int
    /// Whether an incomplete last line (a point in flight when a run was killed) was removed.
    public var droppedIncompleteRecord: Bool

    /// Points of the share still without a record.
    public var remaining: Int { pointsInShard - alreadyDone - computed }

    /// One line for stdout.
    public var description: String {
        let share = shard.isWhole ? "" : " (shard \(shard))"
        var text =
            "\(alreadyDone + computed)/\(pointsInShard) points done\(share): \(computed) computed "
            + "now, \(alreadyDone) resumed; results in \(resultsPath)"
        if remaining > 0 { text += "; \(remaining) left (run again with --resume)" }
        return text
    }
}

/// Runs a sweep's points and appends one record per point to its results file.
///
/// Durability: each record is appended with one `write` and `fsync`ed (HXIO's `JSONLinesLog`),
/// so a killed run loses at most the point in flight. With `resume`, the records already in the
/// file are checked (same sweep hash, points of this shard, none twice), an incomplete last line
/// is cut off, and only the missing points run, in plan order — so the finished file equals an
/// uninterrupted run's, wall times aside.
public enum SweepRunner {
    /// Runs the points of `options.shard` that have no record yet.
    /// - Throws: ``SweepError/resultsIsInput(path:role:)`` for a results path that is the
    ///   specification, the model, the parameter file or the data set;
    ///   ``SweepError/notResults(path:start:)`` for a file whose last line is no record's start;
    ///   ``SweepError/resultsExist(path:)`` without `resume` when the file has records;
    ///   ``SweepError/foreignResults(path:line:expected:found:)``,
    ///   ``SweepError/unknownPoint(path:key:)`` or ``SweepError/duplicatedPoints(_:)`` for a file
    ///   that does not belong to this sweep and shard;
    ///   ``SweepError/evaluationFailed(key:reason:)``; write errors.
    @discardableResult
    public static func run(_ sweep: Sweep, options: SweepRunOptions) throws -> SweepRunSummary {
        let path = options.resultsPath ?? sweep.defaultResultsPath(shard: options.shard)
        // The results file first: a regular file (or none yet) in a writable directory.
        _ = try OutputTarget.file(path, operand: "results file", allowsStandardOutput: false)
        // Nor one of the sweep's own inputs, which a resumed run would append to or cut.
        for input in sweep.inputFiles where OutputTarget.sameFile(path, input.path) {
            throw SweepError.resultsIsInput(path: path, role: input.role)
        }
        let points = sweep.plan.points(in: options.shard)
        let existing = try SweepResults.read(path: path)
        if !options.resume && (!existing.records.isEmpty || existing.truncated) {
            throw SweepError.resultsExist(path: path)
        }
        let done = try checkExisting(existing.records, of: sweep, points: points, path: path)
        if let foreign = existing.records.enumerated().first(where: {
            $0.element.provenance != BuildProvenance.current
        }) {
            let found = foreign.element.provenance.map { "\($0)" } ?? "an unknown build"
            guard options.acceptMixedBuilds else {
                throw SweepError.mixedBuilds(
                    path: path, line: foreign.offset + 1, found: found,
                    expected: "this build (\(BuildProvenance.current))")
            }
            options.log(
                "sweep: note: \(path) holds records of \(found); this build is "
                    + "\(BuildProvenance.current) (accepted with --accept-mixed-builds)\n")
        }
        if existing.truncated {
            try dropIncompleteLine(path: path)
            options.log(
                "sweep: removed the incomplete last record of \(path) (the point in flight when "
                    + "the previous run stopped); it runs again\n")
        }
        var todo = points.filter { !done.contains($0.key) }
        if let limit = options.maxPoints { todo = Array(todo.prefix(max(0, limit))) }
        let share = options.shard.isWhole ? "" : " shard \(options.shard)"
        // A summary, not a warning: silent with --quiet like the progress lines.
        if options.showsProgress {
            options.log(
                "sweep \(sweep.spec.name)\(share): \(points.count) points, \(done.count) done, "
                    + "\(todo.count) to run → \(path)\n")
        }

        let log = JSONLinesLog(path: path)
        var progress = ProgressReporter(
            label: "sweep \(sweep.spec.name)\(share)", total: todo.count,
            interval: options.progressInterval, enabled: options.showsProgress,
            clock: options.clock, write: options.log)
        var cache = ChipCache()
        for point in todo {
            let start = options.clock()
            let result: PointResult
            do {
                result = try sweep.evaluate(point, threads: options.threads, cache: &cache)
            } catch let error as SweepError {
                throw error
            } catch {
                throw SweepError.evaluationFailed(key: point.key, reason: "\(error)")
            }
            let record = SweepRecord(
                sweep: sweep.spec.name, specHash: sweep.hash, point: point,
                pointCount: sweep.plan.points.count, result: result,
                wallSeconds: max(0, options.clock() - start))
            try log.appendLine(record.sealed().line())
            progress.advance()
        }
        progress.finish()
        return SweepRunSummary(
            resultsPath: path, shard: options.shard, pointsInShard: points.count,
            alreadyDone: done.count, computed: todo.count,
            droppedIncompleteRecord: existing.truncated)
    }

    /// The keys of `records`, after checking that each belongs to this sweep and share and
    /// appears once.
    static func checkExisting(
        _ records: [SweepRecord], of sweep: Sweep, points: [SweepPoint], path: String
    ) throws -> Set<String> {
        let indexByKey = Dictionary(uniqueKeysWithValues: points.map { ($0.key, $0.index) })
        var done = Set<String>()
        var duplicates: [String] = []
        for (number, record) in records.enumerated() {
            guard record.specHash == sweep.hash else {
                throw SweepError.foreignResults(
                    path: path, line: number + 1, expected: sweep.hash, found: record.specHash)
            }
            guard indexByKey[record.key] == record.index else {
                throw SweepError.unknownPoint(path: path, key: record.key)
            }
            if !done.insert(record.key).inserted {
                duplicates.append("\(record.key) (index \(record.index)) in \(path)")
            }
        }
        guard duplicates.isEmpty else { throw SweepError.duplicatedPoints(duplicates) }
        return done
    }

    /// Rewrites the file without the text after its last newline (``SweepResults`` has
    /// checked that this text is the start of a record).
    static func dropIncompleteLine(path: String) throws {
        let data = try FileIO.read(path: path)
        let keep = data.lastIndex(of: UInt8(ascii: "\n")).map { data.index(after: $0) }
        try FileIO.writeAtomically(
            Data(data[data.startIndex..<(keep ?? data.startIndex)]), to: path)
    }
}
