import Foundation
import HXIO
import HXNumerics
@_spi(Benchmarks) import HXPhysics

/// How `hxsim bench` (or `hxsim-bench`) runs.
public struct BenchmarkOptions: Sendable, Equatable {
    /// The short suite (under a minute): batch 10,000 for the fast path, mock and sgemm, a
    /// small batch for GSL, the separable and nonlinear error, a few scaling points.
    public var quick: Bool
    /// Print one JSON object (the summary) on standard output.
    public var json: Bool
    /// Where to write the tables and plots; nil writes nothing.
    public var outputDirectory: String?
    /// The data-set folder of the end-to-end networks that read one (nil: `$HXSIM_DATASETS`,
    /// then the usual places; HXApplications' `DataLocation`).
    public var dataDirectory: String?

    public init(
        quick: Bool = false, json: Bool = false, outputDirectory: String? = nil,
        dataDirectory: String? = nil
    ) {
        self.quick = quick
        self.json = json
        self.outputDirectory = outputDirectory
        self.dataDirectory = dataDirectory
    }

    /// The directory the full suite writes to unless told otherwise.
    public static let defaultOutputDirectory = "benchmarks/results"
}

/// Where the fast path's time goes, in seconds per full-size VMM on one thread (see
/// `Chip.fastPathStageTimes`).
public typealias StageTimes = FastPathStageTimes

/// The machine a run measured.
public struct MachineInfo: Sendable, Codable, Equatable {
    /// The CPU model (from /proc/cpuinfo) and the cores this process may use.
    public var cpu: String
    public var cores: Int
    /// Physical memory, in GiB.
    public var memoryGiB: Double
    /// OpenBLAS's build and the kernel in use.
    public var openBLAS: String
    /// The kernel in use, the one OpenBLAS chose by itself, the one HXSim picks for this CPU
    /// (from CPUID), and why (nil in results written before HXSim chose kernels).
    public var blasKernel: BLASKernelReport?
    public var operatingSystem: String
    /// The 1-minute load average before and after the run (other work on a shared machine
    /// shows here).
    public var loadAverageBefore: Double
    public var loadAverageAfter: Double

    static func current() -> MachineInfo {
        let info = ProcessInfo.processInfo
        let cpu =
            (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?
            .trimmingCharacters(in: .whitespaces) ?? "unknown"
        return MachineInfo(
            cpu: cpu, cores: info.activeProcessorCount,
            memoryGiB: (Double(info.physicalMemory) / 1_073_741_824 * 10).rounded() / 10,
            openBLAS: BLAS.configuration, blasKernel: BLAS.kernel,
            operatingSystem: info.operatingSystemVersionString,
            loadAverageBefore: loadAverage(), loadAverageAfter: loadAverage())
    }

    static func loadAverage() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
            let first = text.split(separator: " ").first, let value = Double(first)
        else { return .zero }
        return value
    }
}

/// A throughput measurement with the peak resident set of its case.
public struct ThroughputRow: Sendable, Codable, Equatable {
    public var measurement: ThroughputMeasurement
    /// Resident set after setup (chip, workload, weights written) and at its peak while the
    /// case ran, in bytes, from a process that ran only this case (nil: not measured).
    public var setupBytes: Int?
    public var peakBytes: Int?
}

/// A scaling measurement with the peak resident set of its process.
public struct ScalingRow: Sendable, Codable, Equatable {
    public var measurement: ScalingMeasurement
    public var peakBytes: Int?
}

/// Everything one run measured.
public struct BenchmarkResults: Sendable, Codable, Equatable {
    public var quick: Bool
    public var machine: MachineInfo
    public var throughput: [ThroughputRow]
    public var stages: StageTimes
    public var accuracy: [AccuracyMeasurement]
    public var scaling: [ScalingRow]
    /// Networks end to end (nil in results written before they were measured).
    public var endToEnd: [EndToEndMeasurement]?
    /// The end-to-end networks the run could not measure and why (their data set was not
    /// found); nil in results written before networks could be left out.
    public var notMeasured: [String: String]?
    /// The batch of the headline numbers (fast path, mock, sgemm) and of the GSL path's.
    public var headlineBatch: Int
    public var gslBatch: Int
    /// Wall time of the whole run, in seconds.
    public var seconds: Double
}

/// The benchmark suite: which cases run, in which order, and how their results come together.
public enum BenchmarkSuite {
    /// The real chip's published end-to-end rate, 150–330 M multiply-accumulates per second
    /// (docs/SPECIFICATION.md §5, hxtorch hardware tests).
    public static let chipMACRate: ClosedRange<Double> = 150e6...330e6
    /// Multiply-accumulates of one full-size signed VMM (one hemisphere: 128 × 256).
    public static let macsPerVMM =
        ChipGeometry.signedInputsPerHemisphere * ChipGeometry.columnsPerHemisphere

    /// Runs a case given as JSON (the child side of ``run(options:command:log:)``) and returns
    /// its result as one line of JSON.
    /// - Throws: HXIO's JSON errors (source `--case`) for text that is not a case, for
    ///   example a key given twice; ``BenchmarkError/invalidCase(field:reason:)`` for a field
    ///   outside its range; the errors of the measurement.
    public static func runCase(json: String) throws -> String {
        // Strictly (a key given twice is refused, as in every JSON HXSim reads), then every
        // field against its range before anything is allocated.
        let benchmarkCase = try JSON.decode(
            BenchmarkCase.self, from: Data(json.utf8), source: "--case")
        try benchmarkCase.validate()
        let result = try benchmarkCase.run()
        return String(decoding: try JSON.encode(result, pretty: false), as: UTF8.self)
    }

    /// The cases of a run, in order.
    static func plan(
        quick: Bool, data: String? = nil
    ) -> (cases: [BenchmarkCase], headlineBatch: Int, gslBatch: Int) {
        let everyPath: [ThroughputTask] = [
            ThroughputTask(path: .fast, threads: 2), ThroughputTask(path: .fast, threads: 1),
            ThroughputTask(path: .sgemm, threads: 2), ThroughputTask(path: .sgemm, threads: 1),
            ThroughputTask(path: .mock, threads: 2), ThroughputTask(path: .mock, threads: 1),
        ]
        var cases: [BenchmarkCase] = []
        let gslSchemes = [
            ThroughputTask(path: .gsl, threads: 2), ThroughputTask(path: .gslPlain, threads: 2),
        ]
        if quick {
            cases.append(.throughput(batch: 10_000, tasks: everyPath, rounds: 9, warmUp: true))
            cases.append(
                .throughput(
                    batch: 100, tasks: Array(everyPath.prefix(4)), rounds: 9, warmUp: true))
            cases.append(.throughput(batch: 32, tasks: gslSchemes, rounds: 1, warmUp: false))
            cases.append(.memory(task: ThroughputTask(path: .fast, threads: 2), batch: 10_000))
            cases.append(.stages(batch: 10_000, repeats: 5))
            cases.append(.accuracy(regime: .separable, samples: 16))
            cases.append(.accuracy(regime: .nonlinear, samples: 16))
            // The front end over the executor (`matmul_over_executor`): one block, batch 2,000.
            cases.append(
                .scaling(rowBlocks: 1, columnBlocks: 1, chips: 1, batch: 2000, repeats: 15))
            for chips in [1, 2] {
                cases.append(
                    .scaling(rowBlocks: 2, columnBlocks: 2, chips: chips, batch: 500, repeats: 3))
            }
            for network in EndToEndNetwork.all where network.quick {
                cases.append(.endToEnd(network: network.name, repeats: 3, data: data))
            }
            return (cases, 10_000, 32)
        }
        // The side-by-side throughput and the stage profile first, while the run is young;
        // the GSL path's batch of 10,000 (minutes) last.
        for batch in [1, 100, 10_000] {
            cases.append(.throughput(batch: batch, tasks: everyPath, rounds: 11, warmUp: true))
        }
        cases.append(.stages(batch: 10_000, repeats: 9))
        cases.append(
            .throughput(
                batch: 1, tasks: [ThroughputTask(path: .gsl, threads: 1)], rounds: 5, warmUp: true
            ))
        cases.append(
            .throughput(
                batch: 100,
                tasks: [
                    ThroughputTask(path: .gsl, threads: 2), ThroughputTask(path: .gsl, threads: 1),
                    ThroughputTask(path: .gslPlain, threads: 2),
                ],
                rounds: 1, warmUp: false))
        for batch in [1, 100, 10_000] {
            for path in [ThroughputPath.fast, .mock, .sgemm] {
                cases.append(.memory(task: ThroughputTask(path: path, threads: 2), batch: batch))
            }
        }
        for regime in AccuracyRegime.allCases {
            cases.append(.accuracy(regime: regime, samples: 48))
        }
        for shape in ScalingMeasurement.shapes {
            for chips in [1, 2, 4] {
                cases.append(
                    .scaling(
                        rowBlocks: shape.rowBlocks, columnBlocks: shape.columnBlocks, chips: chips,
                        batch: 2000, repeats: 5))
            }
        }
        for network in EndToEndNetwork.all {
            cases.append(.endToEnd(network: network.name, repeats: 5, data: data))
        }
        cases.append(
            .throughput(
                batch: 10_000, tasks: [ThroughputTask(path: .gsl, threads: 2)], rounds: 1,
                warmUp: false))
        return (cases, 10_000, 10_000)
    }

    /// `hxsim bench: [3/12] name (40 s so far, 4.5 cases/min, ETA ≈ 02:00)`: the rate and the
    /// ETA from the mean time of the cases done (cases differ in length, so the ETA is rough).
    static func progressLine(index: Int, of count: Int, name: String, elapsed: Double) -> String {
        var text =
            "hxsim bench: [\(index + 1)/\(count)] \(name) (\(Int(elapsed.rounded())) s so far"
        if index > 0, elapsed > 0 {
            let perCase = elapsed / Double(index)
            let remaining = Int((perCase * Double(count - index)).rounded())
            text += String(
                format: ", %.1f cases/min, ETA ≈ %02d:%02d", 60 / perCase, remaining / 60,
                remaining % 60)
        }
        return text + ")\n"
    }

    /// Runs every case of the suite, each in a child process started with `command` (the
    /// executable and the arguments that precede `--case`), and gathers the results.
    /// `log` receives progress lines (for standard error).
    public static func run(
        options: BenchmarkOptions, command: [String], log: @Sendable (String) -> Void
    ) throws -> BenchmarkResults {
        let watch = Stopwatch()
        var machine = MachineInfo.current()
        let (cases, headlineBatch, gslBatch) = plan(
            quick: options.quick, data: options.dataDirectory)
        let launcher = CaseLauncher(command: command)
        let kernel = BLAS.kernel
        log(
            "hxsim bench: CPU \(machine.cpu) (\(kernel.cpu)); OpenBLAS kernel in use "
                + "\(kernel.kernel ?? "none"), HXSim's pick \(kernel.pick ?? "none") "
                + "(\(kernel.reason))\n")
        var throughput: [ThroughputMeasurement] = []
        var memory: [ThroughputTask: [Int: (setup: Int?, peak: Int?)]] = [:]
        var stages: StageTimes?
        var accuracy: [AccuracyMeasurement] = []
        var scaling: [ScalingRow] = []
        var endToEnd: [EndToEndMeasurement] = []
        var notMeasured: [String: String] = [:]
        for (index, benchmarkCase) in cases.enumerated() {
            log(
                progressLine(
                    index: index, of: cases.count, name: benchmarkCase.name, elapsed: watch.elapsed)
            )
            let result = try launcher.run(benchmarkCase)
            switch benchmarkCase {
            case .throughput(let batch, let tasks, _, _):
                throughput += result.throughput ?? []
                // A case with one task measured that task alone: its peak is the task's.
                if tasks.count == 1, let task = tasks.first {
                    memory[task, default: [:]][batch] = (result.setupBytes, result.peakBytes)
                }
            case .memory(let task, let batch):
                memory[task, default: [:]][batch] = (result.setupBytes, result.peakBytes)
            case .stages:
                stages = result.stages
            case .scaling:
                if let measurement = result.scaling {
                    scaling.append(
                        ScalingRow(measurement: measurement, peakBytes: result.peakBytes))
                }
            case .accuracy:
                if let measurement = result.accuracy { accuracy.append(measurement) }
            case .endToEnd(let network, _, _):
                if let measurement = result.endToEnd { endToEnd.append(measurement) }
                if let reason = result.notMeasured {
                    notMeasured[network] = reason
                    log("hxsim bench: \(benchmarkCase.name) not measured: \(reason)\n")
                }
            }
        }
        machine.loadAverageAfter = MachineInfo.loadAverage()
        let rows = throughput.map { measurement in
            let task = ThroughputTask(path: measurement.path, threads: measurement.threads)
            let bytes = memory[task]?[measurement.batch]
            return ThroughputRow(
                measurement: measurement, setupBytes: bytes?.setup ?? nil,
                peakBytes: bytes?.peak ?? nil)
        }
        guard let stages else {
            throw BenchmarkError.caseFailed(name: "fast-path stages", reason: "no result")
        }
        return BenchmarkResults(
            quick: options.quick, machine: machine, throughput: rows, stages: stages,
            accuracy: accuracy, scaling: scaling, endToEnd: endToEnd,
            notMeasured: notMeasured.isEmpty ? nil : notMeasured, headlineBatch: headlineBatch,
            gslBatch: gslBatch, seconds: watch.elapsed)
    }
}
