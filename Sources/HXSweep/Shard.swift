import Foundation

/// A deterministic share of a sweep's points: shard `index` of `count` runs the points whose
/// plan index is congruent to `index` modulo `count` (``SweepPlan/points(in:)``). The shares of
/// `0/n … (n−1)/n` are disjoint and together hold every point.
public struct Shard: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The share, 0 ..< `count`.
    public let index: Int
    /// The number of shares, ≥ 1.
    public let count: Int

    /// The whole sweep.
    public static let whole = Shard(unchecked: 0, 1)

    private init(unchecked index: Int, _ count: Int) {
        self.index = index
        self.count = count
    }

    /// Shard `index` of `count`.
    /// - Throws: ``SweepError/shardOutOfRange(index:count:)`` unless 0 ≤ index < count.
    public init(index: Int, count: Int) throws {
        guard count >= 1, (0..<count).contains(index) else {
            throw SweepError.shardOutOfRange(index: index, count: count)
        }
        self.init(unchecked: index, count)
    }

    /// Parses `i/n`, for example `0/4`.
    /// - Throws: ``SweepError/malformedShard(_:)`` or ``SweepError/shardOutOfRange(index:count:)``.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2,
            let index = Int(parts[0].trimmingCharacters(in: .whitespaces)),
            let count = Int(parts[1].trimmingCharacters(in: .whitespaces))
        else { throw SweepError.malformedShard(text) }
        try self.init(index: index, count: count)
    }

    /// The shard of a SLURM job array task, or nil outside one.
    ///
    /// Reads `SLURM_ARRAY_TASK_ID` and `SLURM_ARRAY_TASK_COUNT`, and where set
    /// `SLURM_ARRAY_TASK_MIN` and `SLURM_ARRAY_TASK_STEP`: task ids `min, min + step, …` become
    /// shards `0, 1, …` of `count`. So `sbatch --array=0-7` and `--array=1-8` both give eight
    /// shards.
    /// - Throws: ``SweepError/malformedShard(_:)`` for variables that are not integers or a
    ///   task id without a count; ``SweepError/shardOutOfRange(index:count:)``.
    public static func fromSLURM(environment: [String: String]) throws -> Shard? {
        guard let idText = environment["SLURM_ARRAY_TASK_ID"] else { return nil }
        func integer(_ name: String) throws -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text) else {
                throw SweepError.malformedShard("\(name)=\(text)")
            }
            return value
        }
        guard let id = try integer("SLURM_ARRAY_TASK_ID"),
            let count = try integer("SLURM_ARRAY_TASK_COUNT")
        else {
            throw SweepError.malformedShard(
                "SLURM_ARRAY_TASK_ID=\(idText) without SLURM_ARRAY_TASK_COUNT")
        }
        let minimum = try integer("SLURM_ARRAY_TASK_MIN") ?? 0
        let step = max(1, try integer("SLURM_ARRAY_TASK_STEP") ?? 1)
        guard (id - minimum) % step == 0 else {
            throw SweepError.malformedShard(
                "SLURM_ARRAY_TASK_ID=\(id) is not on the array's grid (min \(minimum), step \(step))"
            )
        }
        return try Shard(index: (id - minimum) / step, count: count)
    }

    /// Whether this is the whole sweep.
    public var isWhole: Bool { count == 1 }

    /// `i/n`.
    public var description: String { "\(index)/\(count)" }

    /// The default results path of this shard: `results.jsonl` becomes
    /// `results.shard-0-of-4.jsonl`; the whole sweep keeps the path.
    public func resultsPath(for path: String) -> String {
        guard !isWhole else { return path }
        let suffix = ".shard-\(index)-of-\(count)"
        if path.hasSuffix(".jsonl") { return String(path.dropLast(6)) + suffix + ".jsonl" }
        return path + suffix
    }
}
