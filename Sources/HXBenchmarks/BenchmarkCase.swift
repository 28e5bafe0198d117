import Foundation
import HXApplications
import HXNetwork
import HXNumerics
@_spi(Benchmarks) import HXPhysics

/// One measurement, run in a fresh process of its own so that its peak resident set is its
/// own (the parent starts the benchmark executable again with `--case <JSON>`).
enum BenchmarkCase: Sendable, Codable, Equatable {
    /// Tasks timed side by side on one workload (``ThroughputRunner/measure(_:rounds:minimumTime:warmUp:)``).
    case throughput(batch: Int, tasks: [ThroughputTask], rounds: Int, warmUp: Bool)
    /// One path run a few times, for its peak resident set alone.
    case memory(task: ThroughputTask, batch: Int)
    /// The fast path's time per stage.
    case stages(batch: Int, repeats: Int)
    /// `matmul` through the front end on simulated chips.
    case scaling(rowBlocks: Int, columnBlocks: Int, chips: Int, batch: Int, repeats: Int)
    /// The fast path against the GSL path.
    case accuracy(regime: AccuracyRegime, samples: Int)
    /// A network end to end: inference and one training epoch with the chip in the loop;
    /// `data` is the data-set folder (`--data`; nil: the environment's search order).
    case endToEnd(network: String, repeats: Int, data: String?)

    /// A short name for progress lines and errors.
    var name: String {
        switch self {
        case .throughput(let batch, let tasks, _, _):
            return "throughput batch \(batch) [\(tasks.map(\.label).joined(separator: ", "))]"
        case .memory(let task, let batch): return "memory \(task.label) batch \(batch)"
        case .stages(let batch, _): return "fast-path stages batch \(batch)"
        case .scaling(let r, let c, let chips, let batch, _):
            return "scaling \(r)×\(c) blocks on \(chips) chip(s), batch \(batch)"
        case .accuracy(let regime, let samples):
            return "accuracy \(regime.rawValue) (\(samples) samples)"
        case .endToEnd(let network, _, _):
            return "end to end \(network) (inference, one training epoch)"
        }
    }

    /// Throws for the first field outside its range (``CaseLimits``), naming its JSON path:
    /// a case from the command line (`--case`) is checked before anything is allocated.
    func validate() throws {
        func check(
            _ field: String, _ value: Int, in range: ClosedRange<Int>, _ what: String
        )
            throws
        {
            guard range.contains(value) else {
                throw BenchmarkError.invalidCase(
                    field: field,
                    reason: "\(value) is not in \(ValueText.range(range)) (\(what))")
            }
        }
        func check(_ field: String, _ task: ThroughputTask) throws {
            try check(field + ".threads", task.threads, in: CaseLimits.threads, "worker threads")
        }
        let vectors = "vectors per batch"
        switch self {
        case .throughput(let batch, let tasks, let rounds, _):
            try check("throughput.batch", batch, in: CaseLimits.batch, vectors)
            try check(
                "throughput.tasks", tasks.count, in: CaseLimits.tasks, "tasks timed side by side")
            for (index, task) in tasks.enumerated() {
                try check("throughput.tasks[\(index)]", task)
            }
            try check("throughput.rounds", rounds, in: CaseLimits.repeats, "timed rounds")
        case .memory(let task, let batch):
            try check("memory.task", task)
            try check("memory.batch", batch, in: CaseLimits.batch, vectors)
        case .stages(let batch, let repeats):
            try check("stages.batch", batch, in: CaseLimits.batch, vectors)
            try check("stages.repeats", repeats, in: CaseLimits.repeats, "timed repeats")
        case .scaling(let rowBlocks, let columnBlocks, let chips, let batch, let repeats):
            try check("scaling.rowBlocks", rowBlocks, in: CaseLimits.blocks, "blocks of 128 rows")
            try check(
                "scaling.columnBlocks", columnBlocks, in: CaseLimits.blocks,
                "blocks of 256 columns")
            try check("scaling.chips", chips, in: CaseLimits.chips, "simulated chips")
            try check("scaling.batch", batch, in: CaseLimits.batch, vectors)
            try check("scaling.repeats", repeats, in: CaseLimits.repeats, "timed repeats")
        case .accuracy(_, let samples):
            try check("accuracy.samples", samples, in: CaseLimits.batch, vectors)
        case .endToEnd(let network, let repeats, _):
            guard EndToEndNetwork.all.contains(where: { $0.name == network }) else {
                throw BenchmarkError.invalidCase(
                    field: "endToEnd.network",
                    reason:
                        "no network '\(network)' (\(EndToEndNetwork.all.map(\.name).joined(separator: ", ")))"
                )
            }
            try check("endToEnd.repeats", repeats, in: CaseLimits.repeats, "timed repeats")
        }
    }

    /// Runs the case in this process.
    func run() throws -> CaseResult {
        var result = CaseResult()
        // OpenBLAS starts its thread pool when the process loads it, and the idle threads spin
        // for about 0.1 s before they sleep (see ThroughputRunner.openBLASSettleTime).
        Thread.sleep(forTimeInterval: ThroughputRunner.openBLASSettleTime)
        switch self {
        case .throughput(let batch, let tasks, let rounds, let warmUp):
            let runner = try ThroughputRunner(workload: VMMWorkload(batch: batch))
            result.setupBytes = PeakMemory.current
            result.throughput = try runner.measure(
                tasks.map { ($0.path, $0.threads) }, rounds: rounds, warmUp: warmUp)
        case .memory(let task, let batch):
            let runner = try ThroughputRunner(workload: VMMWorkload(batch: batch))
            result.setupBytes = PeakMemory.current
            for _ in 0..<3 { try runner.run(task.path, threads: task.threads) }
        case .stages(let batch, let repeats):
            let workload = try VMMWorkload(batch: batch)
            var chip = try Chip(seed: 1)
            try chip.writeWeights(workload.weights, hemisphere: 0)
            result.stages = try chip.fastPathStageTimes(
                inputs: workload.inputs, hemisphere: 0, repeats: repeats)
        case .scaling(let rowBlocks, let columnBlocks, let chips, let batch, let repeats):
            result.scaling = try ScalingMeasurement.measure(
                rowBlocks: rowBlocks, columnBlocks: columnBlocks, chips: chips, batch: batch,
                repeats: repeats)
        case .accuracy(let regime, let samples):
            result.accuracy = try AccuracyMeasurement.measure(regime: regime, samples: samples)
        case .endToEnd(let network, let repeats, let data):
            (result.endToEnd, result.notMeasured) = try EndToEndMeasurement.measureIfFound(
                EndToEndNetwork.named(network), data: DataLocation(explicit: data),
                repeats: repeats)
        }
        // The kernel's counters of a many-threaded process catch up lazily: the high-water
        // mark read now was seen below the resident set read after the setup. The peak is at
        // least every value read.
        result.peakBytes = [PeakMemory.highWaterMark, result.setupBytes].compactMap { $0 }.max()
        return result
    }
}

/// The range of each field of a ``BenchmarkCase``, stated once (``BenchmarkCase/validate()``).
enum CaseLimits {
    /// Vectors per batch (and accuracy samples): the suite's largest batch is 10,000; twice
    /// that bounds a case's memory (the largest scaling case, 8 × 8 blocks, holds 20,000 ×
    /// 1,024 Float inputs and 20,000 × 2,048 Float outputs, 246 MB).
    static let batch = 1...20_000
    /// Timed rounds or repeats of a measurement (the suite uses at most 15).
    static let repeats = 1...1_000
    /// Tasks timed side by side in one throughput case (the suite times at most six).
    static let tasks = 1...32
    /// Worker threads of a task, the range of `hxsim --threads`.
    static let threads = ExecutionOptions.threadRange
    /// Row or column blocks (128 × 256 each) of a scaling case (the suite goes to 4 × 4).
    static let blocks = 1...8
    /// Simulated chips of a scaling case (the suite uses at most four).
    static let chips = PhysicsExecutor.chipCountRange
}

/// A path and its thread count.
struct ThroughputTask: Sendable, Codable, Equatable, Hashable {
    var path: ThroughputPath
    var threads: Int

    var label: String { "\(path.rawValue)×\(threads)" }
}

/// What a case reports to the parent (one JSON line on its standard output).
struct CaseResult: Sendable, Codable, Equatable {
    var throughput: [ThroughputMeasurement]?
    var stages: FastPathStageTimes?
    var scaling: ScalingMeasurement?
    var accuracy: AccuracyMeasurement?
    var endToEnd: EndToEndMeasurement?
    /// Why the case measured nothing (an end-to-end network whose data set is not here).
    var notMeasured: String?
    /// Resident set after the setup (chip drawn, workload made), and the peak of the whole
    /// process, in bytes.
    var setupBytes: Int?
    var peakBytes: Int?
}

/// Starts cases in child processes.
struct CaseLauncher: Sendable {
    /// The command that runs a case: the executable and the arguments before `--case`.
    let command: [String]

    /// Runs `benchmarkCase` in a child process (with this process's environment) and returns
    /// its result.
    func run(_ benchmarkCase: BenchmarkCase) throws -> CaseResult {
        guard let executable = command.first else {
            throw BenchmarkError.caseFailed(name: benchmarkCase.name, reason: "no command")
        }
        let spec = String(decoding: try JSONEncoder().encode(benchmarkCase), as: UTF8.self)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(command.dropFirst()) + ["--case", spec]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkError.caseFailed(
                name: benchmarkCase.name, reason: "exit status \(process.terminationStatus)")
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        guard let last = lines.last,
            let result = try? JSONDecoder().decode(CaseResult.self, from: Data(last.utf8))
        else {
            throw BenchmarkError.caseFailed(name: benchmarkCase.name, reason: "no result line")
        }
        return result
    }
}
