import Foundation
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
    /// A network end to end: inference and one training epoch with the chip in the loop.
    case endToEnd(network: String, repeats: Int)

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
        case .endToEnd(let network, _):
            return "end to end \(network) (inference, one training epoch)"
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
        case .endToEnd(let network, let repeats):
            result.endToEnd = try EndToEndMeasurement.measure(
                EndToEndNetwork.named(network), repeats: repeats)
        }
        // The kernel's counters of a many-threaded process catch up lazily: the high-water
        // mark read now was seen below the resident set read after the setup. The peak is at
        // least every value read.
        result.peakBytes = [PeakMemory.highWaterMark, result.setupBytes].compactMap { $0 }.max()
        return result
    }
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
