/// A chunk size that keeps a streamed computation within a memory budget, estimated from the
/// shapes before any work starts.
///
/// The estimate is the process's resident set when the plan is made, plus what the computation
/// allocates once (`fixedBytes`), plus what each row of a chunk holds at a time (`bytesPerRow`,
/// every copy a row passes through from the file to the output). If not even
/// `minimumChunkRows` rows fit the budget, or the machine has less memory available than the
/// plan needs, the plan is refused with the numbers, so the user hears it before the work
/// instead of from the kernel's out-of-memory killer halfway through.
public struct MemoryPlan: Sendable, Equatable {
    /// The budget for the whole process's resident set, in bytes.
    public let budgetBytes: Int
    /// The resident set when the plan was made, in bytes.
    public let baselineBytes: Int
    /// Bytes allocated once by the computation.
    public let fixedBytes: Int
    /// Bytes per row of a chunk.
    public let bytesPerRow: Int
    /// Rows per chunk.
    public let chunkRows: Int

    /// The smallest chunk worth running by default: fewer rows per chunk cost more in
    /// per-chunk overhead than they save.
    public static let defaultMinimumChunkRows = 16

    /// The resident set the plan expects at its peak, in bytes.
    public var estimatedPeakBytes: Int { baselineBytes + fixedBytes + chunkRows * bytesPerRow }

    /// Plans chunks of at most `maximumChunkRows` rows, a multiple of `granularity`, at least
    /// `minimumChunkRows`.
    /// - Parameters:
    ///   - budgetBytes: the most the process may hold.
    ///   - baselineBytes: the process's resident set now (default: measured).
    ///   - availableBytes: what the machine can still give (default: measured); nil skips that
    ///     check.
    ///   - what: the computation, for messages ("hxsim vmm").
    /// - Throws: ``MemoryPlanError`` when the budget or the machine cannot hold a minimum chunk.
    public init(
        budgetBytes: Int, fixedBytes: Int, bytesPerRow: Int, maximumChunkRows: Int,
        minimumChunkRows: Int = defaultMinimumChunkRows, granularity: Int = 1,
        baselineBytes: Int? = ProcessMemory.residentBytes,
        availableBytes: Int? = ProcessMemory.availableBytes, what: String
    ) throws {
        precondition(
            bytesPerRow > 0 && granularity > 0 && maximumChunkRows >= granularity,
            "rows cost memory; chunks hold whole granules")
        let baseline = baselineBytes ?? 0
        let minimum = min(minimumChunkRows, maximumChunkRows)
        let needed = baseline + fixedBytes + minimum * bytesPerRow
        guard needed <= budgetBytes else {
            throw MemoryPlanError.budgetTooSmall(
                what: what, budgetBytes: budgetBytes, neededBytes: needed, baselineBytes: baseline,
                fixedBytes: fixedBytes, bytesPerRow: bytesPerRow)
        }
        var rows = min(maximumChunkRows, (budgetBytes - baseline - fixedBytes) / bytesPerRow)
        if let available = availableBytes {
            // What this process adds must fit what the machine has left.
            let roomForRows = (available - fixedBytes) / bytesPerRow
            guard roomForRows >= minimum else {
                throw MemoryPlanError.insufficientMemory(
                    what: what, neededBytes: fixedBytes + minimum * bytesPerRow,
                    availableBytes: available)
            }
            rows = min(rows, roomForRows)
        }
        rows = max(minimum, rows / granularity * granularity)
        self.budgetBytes = budgetBytes
        self.baselineBytes = baseline
        self.fixedBytes = fixedBytes
        self.bytesPerRow = bytesPerRow
        chunkRows = rows
    }
}

/// Why a ``MemoryPlan`` was refused.
public enum MemoryPlanError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The budget cannot hold the process, the fixed part and a minimum chunk.
    case budgetTooSmall(
        what: String, budgetBytes: Int, neededBytes: Int, baselineBytes: Int, fixedBytes: Int,
        bytesPerRow: Int)
    /// The machine has less memory available than the plan needs.
    case insufficientMemory(what: String, neededBytes: Int, availableBytes: Int)

    public var description: String {
        func mb(_ bytes: Int) -> String { "\((bytes + 999_999) / 1_000_000) MB" }
        switch self {
        case .budgetTooSmall(let what, let budget, let needed, let baseline, let fixed, let perRow):
            return
                "\(what): a memory budget of \(mb(budget)) is too small: the process holds "
                + "\(mb(baseline)), the computation's fixed part about \(mb(fixed)) and each row "
                + "\(perRow) bytes; give at least \(mb(needed))"
        case .insufficientMemory(let what, let needed, let available):
            return
                "\(what): needs about \(mb(needed)) more memory, but the machine has only "
                + "\(mb(available)) available; free memory or run on a larger machine"
        }
    }
}
