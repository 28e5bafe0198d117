import Foundation
import HXArguments
import HXIO
import HXNumerics
import HXTestSupport
import Testing

@testable import HXBenchmarks

@Suite("Benchmark suite: baselines, cases and reports (not timed)")
struct BenchmarkTests {
    @Test("the mock model computes hxtorch's floor(gain · a·w + noise), clamped to int8")
    func mockModelFormula() throws {
        let workload = try VMMWorkload(batch: 300, rows: 128, columns: 40, seed: 3)
        let quiet = MockModel(weights: workload.weights, gain: 0.002, noise: 0)
        let outputs = try quiet.run(workload.inputs, threads: 2)
        let (a, w) = (workload.inputs, workload.weights)
        var mismatches = 0
        for b in 0..<a.rows {
            for j in 0..<w.columns {
                var sum = 0
                for i in 0..<w.rows { sum += Int(a[b, i]) * w[i, j] }
                let expected = min(max(Int((0.002 * Double(sum)).rounded(.down)), -128), 127)
                // Float products of the gain may land a hair off an exact integer.
                let nearInteger = abs(0.002 * Double(sum) - (0.002 * Double(sum)).rounded()) < 1e-4
                if !nearInteger, Int(outputs[b, j]) != expected { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
        // With noise, the outputs scatter around the noiseless ones by about σ = 2 LSB.
        let noisy = try MockModel(weights: workload.weights).run(workload.inputs, seed: 9)
        let differences = zip(noisy.storage, outputs.storage).map { Double($0) - Double($1) }
        let mean = differences.reduce(0, +) / Double(differences.count)
        let spread =
            (differences.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
            / Double(differences.count)).squareRoot()
        #expect(abs(spread - 2) < 0.15, "spread \(spread) LSB")
    }

    @Test("the mock model's outputs do not depend on the thread count")
    func mockModelThreads() throws {
        let workload = try VMMWorkload(batch: 260, seed: 4)
        let model = MockModel(weights: workload.weights)
        let one = try model.run(workload.inputs, seed: 5, threads: 1)
        let three = try model.run(workload.inputs, seed: 5, threads: 3)
        #expect(one == three)
    }

    @Test("a benchmark case survives the round trip through JSON, as it goes to a child")
    func caseCoding() throws {
        let cases: [BenchmarkCase] = [
            .throughput(
                batch: 100, tasks: [ThroughputTask(path: .fast, threads: 2)], rounds: 3,
                warmUp: true),
            .memory(task: ThroughputTask(path: .sgemm, threads: 1), batch: 1),
            .stages(batch: 10, repeats: 2),
            .scaling(rowBlocks: 2, columnBlocks: 1, chips: 2, batch: 10, repeats: 1),
            .accuracy(regime: .saturating, samples: 4),
        ]
        for benchmarkCase in cases {
            let data = try JSONEncoder().encode(benchmarkCase)
            #expect(try JSONDecoder().decode(BenchmarkCase.self, from: data) == benchmarkCase)
        }
    }

    @Test("a case run in this process reports its measurement and its peak resident set")
    func caseInProcess() throws {
        let start = Stopwatch()
        let line = try BenchmarkSuite.runCase(
            json: #"{"throughput":{"batch":20,"tasks":[{"path":"fast","threads":1},"#
                + #"{"path":"mock","threads":1},{"path":"sgemm","threads":1}],"rounds":3,"#
                + #""warmUp":true}}"#)
        let elapsed = start.elapsed
        let result = try JSONDecoder().decode(CaseResult.self, from: Data(line.utf8))
        let measurements = try #require(result.throughput)
        #expect(measurements.map(\.path) == [.fast, .mock, .sgemm])
        // Each path timed its three rounds of 20 vectors inside this call: the median and the
        // largest round together fit into it, so the median batch time is at most half of it.
        for measurement in measurements {
            #expect(measurement.batch == 20 && measurement.timings == 3 && measurement.threads == 1)
            #expect(
                measurement.secondsPerBatch > 0 && measurement.secondsPerBatch <= elapsed / 2,
                "\(measurement.path): \(measurement.secondsPerBatch) s of \(elapsed) s")
        }
        #expect((result.peakBytes ?? 0) >= (result.setupBytes ?? 0))
        #expect((result.peakBytes ?? 0) > 1_000_000)
        #expect(throws: IOError.self) { try BenchmarkSuite.runCase(json: "{}") }
    }

    @Test("a --case field out of range or a key given twice is refused, naming --case and it")
    func caseValidation() throws {
        let fast = #"[{"path":"fast","threads":1}]"#
        let refused: [(json: String, field: String)] = [
            (
                #"{"throughput":{"batch":-5,"tasks":\#(fast),"rounds":1,"warmUp":false}}"#,
                "throughput.batch"
            ),
            (
                #"{"throughput":{"batch":0,"tasks":\#(fast),"rounds":1,"warmUp":false}}"#,
                "throughput.batch"
            ),
            (
                #"{"throughput":{"batch":5,"tasks":[],"rounds":1,"warmUp":false}}"#,
                "throughput.tasks"
            ),
            (
                #"{"throughput":{"batch":5,"tasks":\#(fast),"rounds":0,"warmUp":false}}"#,
                "throughput.rounds"
            ),
            (
                #"{"throughput":{"batch":5,"tasks":\#(fast),"rounds":-1,"warmUp":false}}"#,
                "throughput.rounds"
            ),
            (
                #"{"throughput":{"batch":5,"tasks":[{"path":"mock","threads":0}],"#
                    + #""rounds":1,"warmUp":false}}"#, "throughput.tasks[0].threads"
            ),
            (
                #"{"memory":{"task":{"path":"fast","threads":-2},"batch":5}}"#,
                "memory.task.threads"
            ),
            (#"{"stages":{"batch":5,"repeats":0}}"#, "stages.repeats"),
            (#"{"stages":{"batch":5,"repeats":-1}}"#, "stages.repeats"),
            (#"{"accuracy":{"regime":"separable","samples":-1}}"#, "accuracy.samples"),
            (#"{"accuracy":{"regime":"separable","samples":0}}"#, "accuracy.samples"),
            (
                #"{"scaling":{"rowBlocks":0,"columnBlocks":1,"chips":1,"batch":5,"repeats":1}}"#,
                "scaling.rowBlocks"
            ),
            (
                #"{"scaling":{"rowBlocks":1,"columnBlocks":1,"chips":0,"batch":5,"repeats":1}}"#,
                "scaling.chips"
            ),
            (#"{"endToEnd":{"network":"nope","repeats":1}}"#, "endToEnd.network"),
            (#"{"endToEnd":{"network":"yinyang","repeats":0}}"#, "endToEnd.repeats"),
        ]
        for (json, field) in refused {
            do {
                _ = try BenchmarkSuite.runCase(json: json)
                Issue.record("accepted \(json)")
            } catch let error as BenchmarkError {
                guard case .invalidCase(let named, _) = error else {
                    Issue.record("\(json): \(error)")
                    continue
                }
                #expect(named == field)
                let text = "\(error)"
                #expect(text.hasPrefix("--case: \(field): ") && !text.contains("\n"), "\(text)")
            }
        }
        // The README's rule for JSON: a key given twice is refused, not one of them kept.
        let twice =
            #"{"stages":{"batch":5,"repeats":1},"stages":{"batch":5,"repeats":1}}"#
        do {
            _ = try BenchmarkSuite.runCase(json: twice)
            Issue.record("a key given twice was accepted")
        } catch let error as IOError {
            guard case .duplicateKey(let source, _, let key, _, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(source == "--case" && key == "stages")
            #expect("\(error)".hasPrefix("--case:") && !"\(error)".contains("\n"))
        }
        // Every case of the suite is within the ranges.
        for quick in [true, false] {
            for benchmarkCase in BenchmarkSuite.plan(quick: quick).cases {
                try benchmarkCase.validate()
            }
        }
    }

    @Test("the command line takes --quick, --json, --out, --data and --case and rejects the rest")
    func commandLine() throws {
        let command = try BenchmarkCommand.parsed(["--quick", "--json", "--out", "dir"])
        #expect(
            command.options == BenchmarkOptions(quick: true, json: true, outputDirectory: "dir"))
        #expect(try BenchmarkCommand.parsed(["--data", "d"]).options.dataDirectory == "d")
        #expect(command.caseSpec == nil)
        #expect(try BenchmarkCommand.parsed(["--case", "{}"]).caseSpec == "{}")
        let help = try BenchmarkCommand.parse(["--help"], programName: "hxsim-bench").helpText
        #expect(help?.hasPrefix("hxsim-bench: measure VMM throughput") == true)
        #expect(
            throws: ArgumentError.unknownOption("--fast", command: "bench", suggestion: "--case")
        ) {
            try BenchmarkCommand.parsed(["--fast"])
        }
        #expect(throws: ArgumentError.missingValue(option: "out", valueName: "DIR")) {
            try BenchmarkCommand.parsed(["--out"])
        }
    }

    @Test("the quick suite plans batch 10,000 for the headline and every path it reports")
    func quickPlan() {
        let (cases, batch, gslBatch) = BenchmarkSuite.plan(quick: true)
        #expect(batch == 10_000 && gslBatch > 0)
        let tasks = cases.flatMap { benchmarkCase -> [ThroughputTask] in
            if case .throughput(_, let tasks, _, _) = benchmarkCase { return tasks }
            return []
        }
        for path in ThroughputPath.allCases {
            #expect(tasks.contains { $0.path == path }, "\(path) missing")
        }
        #expect(cases.contains { if case .accuracy(.separable, _) = $0 { true } else { false } })
    }

    @Test("a report writes its tables, plots and summary, with the keys the issue asks for")
    func report() throws {
        let results = syntheticResults()
        let summary = results.summary
        #expect(abs(summary.fastOverSgemm - 0.5) < 1e-12)
        #expect(abs(summary.fastThreadScaling - 2) < 1e-12)
        // 1 ms through matmul against 0.5 ms on the executor; 100 GSL VMMs per second.
        #expect(summary.matmulOverExecutor.map { abs($0 - 2) < 1e-12 } == true)
        #expect(abs(summary.gslMillisecondsPerVMM - 10) < 1e-9)
        let json = try JSONSerialization.jsonObject(with: JSON.encode(summary)) as? [String: Any]
        for key in [
            "fast_vmm_per_s", "gsl_vmm_per_s", "sgemm_vmm_per_s", "fast_over_sgemm",
            "fast_vs_gsl_rms_lsb", "batch", "blas_kernel", "matmul_over_executor",
            "gsl_ms_per_vmm",
        ] {
            #expect(json?[key] != nil, "\(key) missing")
        }
        let temporary = try TemporaryDirectory(label: "hxsim-bench-test")
        let directory = temporary.path
        let written = try results.write(to: directory)
        for path in written {
            #expect(FileManager.default.fileExists(atPath: path), "\(path) missing")
        }
        let svg = try String(contentsOfFile: directory + "/throughput.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"))
        let markdown = try results.markdown()
        #expect(markdown.contains("| fast ") && markdown.contains("separable"))
        #expect(!markdown.contains("not measured") && json?["end_to_end_not_measured"] == nil)
    }

    @Test("a network the run could not measure is named in the report and the summary")
    func notMeasured() throws {
        var results = syntheticResults()
        results.notMeasured = ["mnist": "no data for task 'mnist': looked in /d"]
        #expect(
            try results.markdown().contains(
                "End to end, not measured: mnist (no data for task 'mnist': looked in /d)."))
        #expect(results.summary.endToEndNotMeasured == results.notMeasured)
    }

    @Test("the resident set is read from /proc/self/status")
    func residentSet() {
        let current = PeakMemory.current ?? 0
        let peak = PeakMemory.highWaterMark ?? 0
        #expect(current > 0 && peak >= current)
    }

    /// Results as a run would give them, with round numbers.
    private func syntheticResults() -> BenchmarkResults {
        func row(
            _ path: ThroughputPath, _ batch: Int, _ threads: Int, _ rate: Double
        )
            -> ThroughputRow
        {
            ThroughputRow(
                measurement: ThroughputMeasurement(
                    path: path, batch: batch, threads: threads,
                    secondsPerBatch: Double(batch) / rate, timings: 3),
                setupBytes: 10_000_000, peakBytes: 20_000_000)
        }
        let machine = MachineInfo(
            cpu: "test CPU", cores: 2, memoryGiB: 1, openBLAS: "test", operatingSystem: "test",
            loadAverageBefore: 0, loadAverageAfter: 0)
        return BenchmarkResults(
            quick: true, machine: machine,
            throughput: [
                row(.fast, 10_000, 2, 1_000_000), row(.fast, 10_000, 1, 500_000),
                row(.sgemm, 10_000, 2, 2_000_000), row(.sgemm, 10_000, 1, 1_000_000),
                row(.mock, 10_000, 2, 1_500_000), row(.gsl, 16, 2, 100),
                row(.fast, 100, 2, 800_000),
            ],
            stages: StageTimes(encode: 1e-7, sgemm: 7e-7, noise: 2e-7, transform: 3e-7),
            accuracy: [
                AccuracyMeasurement(
                    regime: .separable, samples: 2, columns: 2, rmsLSB: 0.004, worstLSB: 0.01,
                    meanLSB: 0, identicalCodeFraction: 0.999, errors: [0.01, -0.002, 0, 0.003])
            ],
            scaling: [
                ScalingRow(
                    measurement: ScalingMeasurement(
                        rowBlocks: 1, columnBlocks: 1, chips: 1, batch: 2000, secondsPerBatch: 1e-3,
                        executorSecondsPerBatch: 5e-4),
                    peakBytes: nil),
                ScalingRow(
                    measurement: ScalingMeasurement(
                        rowBlocks: 2, columnBlocks: 2, chips: 1, batch: 10, secondsPerBatch: 4e-3,
                        executorSecondsPerBatch: 2e-3),
                    peakBytes: 30_000_000),
            ], headlineBatch: 10_000, gslBatch: 16, seconds: 1)
    }
}
