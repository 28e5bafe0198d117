import Foundation
import HXNumerics
import HXPhysics

/// What computes the VMMs of a throughput measurement.
public enum ThroughputPath: String, Sendable, Codable, CaseIterable {
    /// The physics simulation, fast integrator (`Chip.execute`, integrator `.fast`).
    case fast
    /// The physics simulation, GSL reference integrator (its default, `piecewise` scheme).
    case gsl
    /// The GSL reference integrator's `plain` scheme (one `gsl_odeiv2` system), the check of
    /// the piecewise one.
    case gslPlain = "gsl-plain"
    /// hxtorch's mock model (``MockModel``): one product plus noise, same BLAS.
    case mock
    /// Raw `cblas_sgemm` of the same shape (batch × rows times rows × columns, Float): the
    /// limit of the machine for this work.
    case sgemm
}

/// One throughput measurement.
public struct ThroughputMeasurement: Sendable, Codable, Equatable {
    public var path: ThroughputPath
    public var batch: Int
    /// Worker threads (for sgemm: OpenBLAS threads).
    public var threads: Int
    /// Median wall time of one batch, in seconds, and how many timings it is the median of.
    public var secondsPerBatch: Double
    public var timings: Int
    /// For one thread: the median CPU time of the thread per batch, in seconds (nil for more
    /// threads, or in results written before it was measured).
    public var cpuSecondsPerBatch: Double?
    /// Full-size VMMs (vectors) per second.
    public var vmmPerSecond: Double { Double(batch) / secondsPerBatch }
}

/// One batch of a workload on every path, ready to be timed: a chip drawn and its weights
/// written once (on hemisphere 0), the mock model and the Float copies for sgemm made once, as
/// weights are written once to the hardware and reused across batches.
public final class ThroughputRunner {
    public let workload: VMMWorkload
    private var chip: Chip
    private let mock: MockModel
    private var a: [Float]
    private var b: [Float]
    private var c: [Float]

    public init(workload: VMMWorkload, chipSeed: UInt64 = 1) throws {
        self.workload = workload
        chip = try Chip(seed: chipSeed)
        try chip.writeWeights(workload.weights, hemisphere: 0)
        mock = MockModel(weights: workload.weights)
        a = workload.inputs.storage.map { Float($0) }
        b = workload.weights.storage.map { Float($0) }
        c = [Float](repeating: 0, count: workload.batch * workload.weights.columns)
    }

    /// Runs one batch on `path` with `threads` workers.
    public func run(_ path: ThroughputPath, threads: Int) throws {
        switch path {
        case .fast, .gsl, .gslPlain:
            let options = ExecutionOptions(
                integrator: path == .fast ? .fast : .gsl, threads: threads,
                gslScheme: path == .gslPlain ? .plain : .piecewise)
            _ = try chip.execute(inputs: [workload.inputs, nil], options: options)
        case .mock:
            _ = try mock.run(workload.inputs, threads: threads)
        case .sgemm:
            let (m, k, n) = (workload.batch, workload.weights.rows, workload.weights.columns)
            BLAS.setThreadCount(threads)
            BLAS.sgemm(m: m, n: n, k: k, a: a, b: b, c: &c)
            // Back to one OpenBLAS thread, as the other paths want it (see
            // BLAS.prepareForCallerThreads).
            BLAS.setThreadCount(1)
        }
    }

    /// Times each of `tasks` side by side: round after round, every task once per round, so
    /// that a change in the machine's load affects all of them alike; the median per task.
    /// A timing covers as many consecutive batches as fit in `minimumTime` seconds (at least
    /// one), so that small batches are timed above the clock's resolution. Without `warmUp`
    /// (for runs of minutes, like the GSL path on a large batch) every timing is one batch and
    /// the first counts.
    public func measure(
        _ tasks: [(path: ThroughputPath, threads: Int)], rounds: Int, minimumTime: Double = 0.02,
        warmUp: Bool = true
    ) throws -> [ThroughputMeasurement] {
        // Warm-up, and how many batches one timing needs.
        var repeats = [Int](repeating: 1, count: tasks.count)
        for (index, task) in tasks.enumerated() where warmUp {
            try run(task.path, threads: task.threads)
            let watch = Stopwatch()
            try run(task.path, threads: task.threads)
            let once = max(watch.elapsed, 1e-7)
            repeats[index] = max(1, Int((minimumTime / once).rounded(.up)))
        }
        var times = Array(repeating: [Double](), count: tasks.count)
        var cpuTimes = Array(repeating: [Double](), count: tasks.count)
        for _ in 0..<max(1, rounds) {
            for (index, task) in tasks.enumerated() {
                let watch = Stopwatch()
                let cpu = ThreadClock()
                for _ in 0..<repeats[index] { try run(task.path, threads: task.threads) }
                cpuTimes[index].append(cpu.elapsed / Double(repeats[index]))
                times[index].append(watch.elapsed / Double(repeats[index]))
                if task.path == .sgemm, task.threads > 1 { settleOpenBLAS() }
            }
        }
        return tasks.enumerated().map { index, task in
            ThroughputMeasurement(
                path: task.path, batch: workload.batch, threads: task.threads,
                secondsPerBatch: Self.median(times[index]), timings: times[index].count,
                cpuSecondsPerBatch: task.threads == 1 ? Self.median(cpuTimes[index]) : nil)
        }
    }

    /// Waits until OpenBLAS's idle pool threads have stopped spinning. After start-up and
    /// after every multi-threaded call they spin (`sched_yield`) for 2²⁸ cycles, about 0.1 s,
    /// before they sleep; a measurement in that time would share its cores with them. Raw
    /// sgemm keeps OpenBLAS's default behaviour (it is the machine's limit, and its threads
    /// stay warm between the calls of one timing); the wait only follows it.
    public static let openBLASSettleTime = 0.3

    func settleOpenBLAS() {
        Thread.sleep(forTimeInterval: Self.openBLASSettleTime)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : 0.5 * (sorted[middle - 1] + sorted[middle])
    }
}
