import Foundation
import HXIO
@_spi(Benchmarks) import HXPhysics

/// The one-object summary of a run (`hxsim bench --json`): the headline numbers, flat, in
/// snake_case. Rates are full-size VMMs (128 × 256 signed, one hemisphere) per second.
public struct BenchmarkSummary: Sendable, Codable, Equatable {
    public var mode: String
    /// The batch of the fast, sgemm and mock numbers, and of the GSL path's.
    public var batch: Int
    public var gslBatch: Int
    /// Two worker threads (sgemm: two OpenBLAS threads) unless named `..._1_thread`.
    public var fastVMMPerSecond: Double
    public var fastVMMPerSecond1Thread: Double
    public var fastThreadScaling: Double
    public var sgemmVMMPerSecond: Double
    public var sgemmVMMPerSecond1Thread: Double
    public var mockVMMPerSecond: Double
    public var gslVMMPerSecond: Double
    /// Fast path over raw sgemm of the same shape, measured side by side.
    public var fastOverSgemm: Double
    public var fastOverSgemm1Thread: Double
    public var fastOverGSL: Double
    /// Fast minus GSL continuous code (before quantisation, noise off), separable regime.
    public var fastVsGSLRMSLSB: Double
    public var fastVsGSLWorstLSB: Double
    /// The same with every nonlinearity (random inputs), if measured.
    public var fastVsGSLRMSLSBNonlinear: Double?
    public var fastVsGSLRMSLSBSaturating: Double?
    /// Output codes (noise off) equal in both paths, separable regime.
    public var codesIdenticalFraction: Double
    /// Peak resident set of the fast path at `batch`, in MiB.
    public var fastPeakRSSMiB: Double?
    /// The fast path's seconds per sample by stage (one thread), in µs.
    public var fastStagesMicroseconds: [String: Double]
    /// The real chip's published rate (150–330 M MAC/s) in VMM/s, and the fast path over it.
    public var chipVMMPerSecond: [Double]
    public var fastOverChip: [Double]
    /// Fast path over raw sgemm at batch 100 (2 and 1 threads), if measured.
    public var fastOverSgemmBatch100: Double?
    public var fastOverSgemmBatch100OneThread: Double?
    /// Milliseconds per full-size VMM of the GSL reference (default scheme and tolerances,
    /// 2 threads) and of its plain scheme, at `gsl_batch`.
    public var gslMillisecondsPerVMM: Double
    public var gslPlainMillisecondsPerVMM: Double?
    /// `matmul` on the hardware back end over the executor's own time, 128 × 256 at batch
    /// 2,000 on one chip, if measured.
    public var matmulOverExecutor: Double?
    /// Per network end to end: images per second of inference and of one training epoch with
    /// the chip in the loop, in the simulator and on the real chip (projected).
    public var endToEnd: [String: [String: Double]]?
    /// The end-to-end networks not measured (no data set found), with the reason.
    public var endToEndNotMeasured: [String: String]?
    public var cpu: String
    /// The OpenBLAS kernel in use, the one OpenBLAS chose by itself, HXSim's pick for the CPU.
    public var blasKernel: String
    public var blasKernelOpenBLASChoice: String?
    public var blasKernelPick: String?
    public var cores: Int
    public var loadAverage: [Double]
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case mode, batch, cpu, cores, seconds
        case gslBatch = "gsl_batch"
        case fastVMMPerSecond = "fast_vmm_per_s"
        case fastVMMPerSecond1Thread = "fast_vmm_per_s_1_thread"
        case fastThreadScaling = "fast_2_over_1_thread"
        case sgemmVMMPerSecond = "sgemm_vmm_per_s"
        case sgemmVMMPerSecond1Thread = "sgemm_vmm_per_s_1_thread"
        case mockVMMPerSecond = "mock_vmm_per_s"
        case gslVMMPerSecond = "gsl_vmm_per_s"
        case fastOverSgemm = "fast_over_sgemm"
        case fastOverSgemm1Thread = "fast_over_sgemm_1_thread"
        case fastOverGSL = "fast_over_gsl"
        case fastVsGSLRMSLSB = "fast_vs_gsl_rms_lsb"
        case fastVsGSLWorstLSB = "fast_vs_gsl_worst_lsb"
        case fastVsGSLRMSLSBNonlinear = "fast_vs_gsl_rms_lsb_nonlinear"
        case fastVsGSLRMSLSBSaturating = "fast_vs_gsl_rms_lsb_saturating"
        case codesIdenticalFraction = "codes_identical_fraction"
        case fastPeakRSSMiB = "fast_peak_rss_mib"
        case fastStagesMicroseconds = "fast_stages_us_per_vmm"
        case chipVMMPerSecond = "chip_published_vmm_per_s"
        case fastOverChip = "fast_over_chip"
        case loadAverage = "load_average"
        case fastOverSgemmBatch100 = "fast_over_sgemm_batch_100"
        case fastOverSgemmBatch100OneThread = "fast_over_sgemm_batch_100_1_thread"
        case gslMillisecondsPerVMM = "gsl_ms_per_vmm"
        case gslPlainMillisecondsPerVMM = "gsl_plain_ms_per_vmm"
        case matmulOverExecutor = "matmul_over_executor"
        case blasKernel = "blas_kernel"
        case blasKernelOpenBLASChoice = "blas_kernel_openblas_choice"
        case blasKernelPick = "blas_kernel_pick"
        case endToEnd = "end_to_end"
        case endToEndNotMeasured = "end_to_end_not_measured"
    }
}

extension BenchmarkResults {
    /// The measurement of `path` at `batch` with `threads`, if the run made it.
    public func row(_ path: ThroughputPath, batch: Int, threads: Int) -> ThroughputRow? {
        throughput.first {
            $0.measurement.path == path && $0.measurement.batch == batch
                && $0.measurement.threads == threads
        }
    }

    func rate(_ path: ThroughputPath, batch: Int, threads: Int) -> Double {
        row(path, batch: batch, threads: threads)?.measurement.vmmPerSecond ?? 0
    }

    /// The real chip's published rate in full-size VMMs per second (lower, upper).
    public static var chipVMMRate: ClosedRange<Double> {
        let macs = Double(BenchmarkSuite.macsPerVMM)
        return
            (BenchmarkSuite.chipMACRate.lowerBound / macs)...(BenchmarkSuite.chipMACRate.upperBound
            / macs)
    }

    /// The headline numbers.
    public var summary: BenchmarkSummary {
        let b = headlineBatch
        let fast = rate(.fast, batch: b, threads: 2)
        let fast1 = rate(.fast, batch: b, threads: 1)
        let sgemm = rate(.sgemm, batch: b, threads: 2)
        let sgemm1 = rate(.sgemm, batch: b, threads: 1)
        let gsl =
            rate(.gsl, batch: gslBatch, threads: 2)
        let separable = accuracy.first { $0.regime == .separable }
        let chip = Self.chipVMMRate
        func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : 0 }
        func optionalRatio(_ a: Double, _ b: Double) -> Double? { a > 0 && b > 0 ? a / b : nil }
        let gslPlain = rate(.gslPlain, batch: gslBatch, threads: 2)
        let frontEnd = scaling.map(\.measurement).first {
            $0.rowBlocks == 1 && $0.columnBlocks == 1 && $0.chips == 1 && $0.batch == 2000
        }
        return BenchmarkSummary(
            mode: quick ? "quick" : "full", batch: b, gslBatch: gslBatch,
            fastVMMPerSecond: fast, fastVMMPerSecond1Thread: fast1,
            fastThreadScaling: ratio(fast, fast1), sgemmVMMPerSecond: sgemm,
            sgemmVMMPerSecond1Thread: sgemm1, mockVMMPerSecond: rate(.mock, batch: b, threads: 2),
            gslVMMPerSecond: gsl, fastOverSgemm: ratio(fast, sgemm),
            fastOverSgemm1Thread: ratio(fast1, sgemm1), fastOverGSL: ratio(fast, gsl),
            fastVsGSLRMSLSB: separable?.rmsLSB ?? .zero,
            fastVsGSLWorstLSB: separable?.worstLSB ?? .zero,
            fastVsGSLRMSLSBNonlinear: accuracy.first { $0.regime == .nonlinear }?.rmsLSB,
            fastVsGSLRMSLSBSaturating: accuracy.first { $0.regime == .saturating }?.rmsLSB,
            codesIdenticalFraction: separable?.identicalCodeFraction ?? .zero,
            fastPeakRSSMiB: row(.fast, batch: b, threads: 2)?.peakBytes.map {
                Double($0) / 1_048_576
            },
            fastStagesMicroseconds: [
                "encode": stages.encode * 1e6, "sgemm": stages.sgemm * 1e6,
                "noise": stages.noise * 1e6, "transform": stages.transform * 1e6,
                "total": stages.total * 1e6,
            ],
            chipVMMPerSecond: [chip.lowerBound, chip.upperBound],
            fastOverChip: [ratio(fast, chip.upperBound), ratio(fast, chip.lowerBound)],
            fastOverSgemmBatch100: optionalRatio(
                rate(.fast, batch: 100, threads: 2), rate(.sgemm, batch: 100, threads: 2)),
            fastOverSgemmBatch100OneThread: optionalRatio(
                rate(.fast, batch: 100, threads: 1), rate(.sgemm, batch: 100, threads: 1)),
            gslMillisecondsPerVMM: gsl > 0 ? 1e3 / gsl : 0,
            gslPlainMillisecondsPerVMM: gslPlain > 0 ? 1e3 / gslPlain : nil,
            matmulOverExecutor: frontEnd.map {
                $0.pairedRatio ?? $0.secondsPerBatch / $0.executorSecondsPerBatch
            },
            endToEnd: endToEnd.map { measurements in
                Dictionary(
                    uniqueKeysWithValues: measurements.map {
                        (
                            $0.network,
                            [
                                "inference_images_per_s": $0.inferenceImagesPerSecond,
                                "training_images_per_s": $0.trainingImagesPerSecond,
                                "chip_inference_images_per_s": $0.chipInferenceImagesPerSecond,
                                "chip_training_images_per_s": $0.chipTrainingImagesPerSecond,
                            ]
                        )
                    })
            },
            endToEndNotMeasured: notMeasured, cpu: machine.cpu,
            blasKernel: machine.blasKernel?.kernel ?? "unknown",
            blasKernelOpenBLASChoice: machine.blasKernel?.openBLASChoice,
            blasKernelPick: machine.blasKernel?.pick, cores: machine.cores,
            loadAverage: [machine.loadAverageBefore, machine.loadAverageAfter], seconds: seconds)
    }

    private static func mebibytes(_ bytes: Int?) -> TableCell {
        bytes.map { .number(Double($0) / 1_048_576) } ?? .missing
    }

    /// Throughput of every path, batch and thread count, with the peak memory of its case.
    public func throughputTable() throws -> Table {
        var table = try Table(header: [
            "path", "batch", "threads", "VMM/s", "GMAC/s", "µs per VMM", "over sgemm",
            "setup RSS (MiB)", "peak RSS (MiB)",
        ])
        let order: [ThroughputPath] = [.fast, .gsl, .gslPlain, .mock, .sgemm]
        let sorted = throughput.sorted {
            (
                $0.measurement.batch, order.firstIndex(of: $0.measurement.path) ?? 0,
                -$0.measurement.threads
            )
                < (
                    $1.measurement.batch, order.firstIndex(of: $1.measurement.path) ?? 0,
                    -$1.measurement.threads
                )
        }
        for row in sorted {
            let m = row.measurement
            let sgemm = rate(.sgemm, batch: m.batch, threads: m.threads)
            try table.append([
                .text(m.path.rawValue), .integer(m.batch), .integer(m.threads),
                .number(m.vmmPerSecond),
                .number(m.vmmPerSecond * Double(BenchmarkSuite.macsPerVMM) / 1e9),
                .number(m.secondsPerBatch / Double(m.batch) * 1e6),
                sgemm > 0 ? .number(m.vmmPerSecond / sgemm) : .missing,
                Self.mebibytes(row.setupBytes), Self.mebibytes(row.peakBytes),
            ])
        }
        return table
    }

    /// The fast path against GSL, per regime.
    public func accuracyTable() throws -> Table {
        var table = try Table(header: [
            "regime", "samples × columns", "RMS (LSB)", "worst (LSB)", "mean (LSB)",
            "identical codes (noise off)",
        ])
        for a in accuracy {
            try table.append([
                .text(a.regime.rawValue), .text("\(a.samples) × \(a.columns)"), .number(a.rmsLSB),
                .number(a.worstLSB), .number(a.meanLSB), .number(a.identicalCodeFraction),
            ])
        }
        return table
    }

    /// Time per batch through the front end by matrix size and chip count.
    public func scalingTable() throws -> Table {
        var table = try Table(header: [
            "weights", "blocks", "chips", "batch", "ms per batch (matmul)",
            "ms per batch (executor)", "block VMM/s (matmul)", "block VMM/s (executor)",
            "peak RSS (MiB)",
        ])
        for row in scaling {
            let m = row.measurement
            try table.append([
                .text("\(m.rows) × \(m.columns)"), .integer(m.blocks), .integer(m.chips),
                .integer(m.batch), .number(m.secondsPerBatch * 1e3),
                .number(m.executorSecondsPerBatch * 1e3), .number(m.blockVMMPerSecond),
                .number(m.executorBlockVMMPerSecond), Self.mebibytes(row.peakBytes),
            ])
        }
        return table
    }

    /// Networks end to end on one simulated chip, beside the real chip's projected time.
    public func endToEndTable() throws -> Table {
        var table = try Table(header: [
            "network", "test images", "inference images/s", "chip (projected) images/s",
            "training images", "epoch (s)", "training images/s", "chip (projected) images/s",
        ])
        for m in endToEnd ?? [] {
            try table.append([
                .text(m.network), .integer(m.inferenceImages), .number(m.inferenceImagesPerSecond),
                .number(m.chipInferenceImagesPerSecond), .integer(m.trainingImages),
                .number(m.trainingSeconds), .number(m.trainingImagesPerSecond),
                .number(m.chipTrainingImagesPerSecond),
            ])
        }
        return table
    }

    /// Where the fast path's time goes (one thread).
    public func stagesTable() throws -> Table {
        var table = try Table(header: ["stage", "µs per VMM", "share"])
        let total = stages.total
        for (name, value) in [
            ("encode (events, pulse jitter)", stages.encode), ("sgemm (OpenBLAS)", stages.sgemm),
            ("noise (read and drift draws)", stages.noise),
            ("transform (per column, CADC)", stages.transform),
        ] {
            try table.append([.text(name), .number(value * 1e6), .number(value / total)])
        }
        try table.append([.text("total"), .number(total * 1e6), .number(1)])
        return table
    }

    /// VMM/s against batch for every path, with the real chip's published range.
    public func throughputFigure() -> Figure {
        var series: [PlotSeries] = []
        for path in [ThroughputPath.fast, .mock, .sgemm, .gsl, .gslPlain] {
            for threads in [2, 1] {
                let points = throughput.map(\.measurement)
                    .filter { $0.path == path && $0.threads == threads }
                    .sorted { $0.batch < $1.batch }
                guard !points.isEmpty else { continue }
                series.append(
                    .line(
                        "\(path.rawValue), \(threads) thread\(threads == 1 ? "" : "s")",
                        x: points.map { Double($0.batch) }, y: points.map(\.vmmPerSecond),
                        marker: .circle, dashed: threads == 1))
            }
        }
        let chip = Self.chipVMMRate
        return Figure(
            title: "Full-size signed VMMs (128 × 256) per second",
            panels: [
                PlotPanel(
                    title: "throughput by batch size",
                    // The axis fits the batches; the legend goes where it covers nothing.
                    x: PlotAxis("batch", scale: .log),
                    y: PlotAxis("VMM/s", scale: .log),
                    series: series,
                    referenceLines: [
                        .horizontal(at: chip.lowerBound, label: "chip, 150 M MAC/s"),
                        .horizontal(at: chip.upperBound, label: "chip, 330 M MAC/s"),
                    ])
            ], panelWidth: 640, panelHeight: 420)
    }

    /// Time per batch against matrix size, one line per chip count: through the front end
    /// (solid) and on the executor alone (dashed).
    public func scalingFigure() -> Figure {
        let chipCounts = Array(Set(scaling.map(\.measurement.chips))).sorted()
        var series: [PlotSeries] = []
        for (index, chips) in chipCounts.enumerated() {
            let points = scaling.map(\.measurement).filter { $0.chips == chips }
                .sorted { $0.blocks < $1.blocks }
            let color = PlotColor.cycle[index % PlotColor.cycle.count]
            let name = "\(chips) chip\(chips == 1 ? "" : "s")"
            series.append(
                .line(
                    "\(name), matmul", x: points.map { Double($0.blocks) },
                    y: points.map { $0.secondsPerBatch * 1e3 }, marker: .circle, color: color))
            series.append(
                .line(
                    "\(name), executor", x: points.map { Double($0.blocks) },
                    y: points.map { $0.executorSecondsPerBatch * 1e3 }, marker: .square,
                    dashed: true, color: color))
        }
        let batch = scaling.first?.measurement.batch ?? 0
        return Figure(
            title: "Time per batch by weight-matrix size (fast path, batch \(batch))",
            panels: [
                PlotPanel(
                    title: "front end (matmul) and executor alone",
                    x: PlotAxis("blocks of 128 × 256 (executions' worth)", scale: .log),
                    y: PlotAxis("time per batch", unit: "ms", scale: .log), series: series,
                    legend: .topLeft)
            ], panelWidth: 640, panelHeight: 420)
    }

    /// Histograms of the fast path's error against GSL, one panel per regime.
    public func accuracyFigure() throws -> Figure {
        var panels: [PlotPanel] = []
        for a in accuracy {
            let limit = max(1e-3, a.errors.map(abs).max() ?? 0) * 1.05
            let edges = HistogramBins.edges(from: -limit, to: limit, count: 41)
            panels.append(
                PlotPanel(
                    title: "\(a.regime.rawValue): RMS \(String(format: "%.4f", a.rmsLSB)) LSB",
                    x: PlotAxis("fast − GSL continuous code", unit: "LSB"),
                    y: PlotAxis("outputs"),
                    series: [try .histogram(values: a.errors, binEdges: edges)],
                    legend: .hidden))
        }
        return Figure(
            title: "Fast path against the GSL reference (noise off, before quantisation)",
            panels: panels, columns: max(1, panels.count), panelWidth: 380, panelHeight: 300)
    }

    /// A Markdown report: the machine, the headline numbers and every table.
    public func markdown() throws -> String {
        let s = summary
        let chip = Self.chipVMMRate
        func f(_ value: Double, _ digits: Int = 0) -> String {
            String(format: "%.\(digits)f", value)
        }
        let kernel = machine.blasKernel
        var text = """
            Machine: \(machine.cpu), \(machine.cores) cores, \(f(machine.memoryGiB, 1)) GiB; \
            \(machine.operatingSystem); \(machine.openBLAS). Load average \
            \(f(machine.loadAverageBefore, 2)) before, \(f(machine.loadAverageAfter, 2)) after \
            (\(f(seconds)) s, \(quick ? "quick" : "full") suite).

            BLAS kernel: \(kernel?.kernel ?? "unknown") in use; OpenBLAS chose \
            \(kernel?.openBLASChoice ?? "—") by itself; HXSim picks \(kernel?.pick ?? "—") for \
            \(kernel?.cpu ?? "this CPU") (\(kernel?.reason ?? "")).

            Headline (batch \(s.batch), full-size signed VMM = 128 × 256 on one hemisphere):
            - fast path \(f(s.fastVMMPerSecond)) VMM/s with 2 threads, \
            \(f(s.fastVMMPerSecond1Thread)) with 1 (×\(f(s.fastThreadScaling, 2)));
            - raw `cblas_sgemm` of the same shape \(f(s.sgemmVMMPerSecond)) VMM/s (2 OpenBLAS \
            threads), \(f(s.sgemmVMMPerSecond1Thread)) (1); fast over sgemm \
            **\(f(s.fastOverSgemm, 3))** (2 threads), \(f(s.fastOverSgemm1Thread, 3)) (1);
            - hxtorch's mock model \(f(s.mockVMMPerSecond)) VMM/s; GSL path \
            \(f(s.gslVMMPerSecond, 1)) VMM/s (batch \(s.gslBatch), 2 threads), the fast path \
            \(f(s.fastOverGSL)) times faster;
            - the real chip's published 150–330 M MAC/s is \(f(chip.lowerBound))–\
            \(f(chip.upperBound)) VMM/s: the fast path is \(f(s.fastOverChip[0], 1))–\
            \(f(s.fastOverChip[1], 1)) times that;
            - GSL reference \(f(s.gslMillisecondsPerVMM, 2)) ms per VMM (piecewise scheme, \
            2 threads)\(s.gslPlainMillisecondsPerVMM.map { ", plain scheme \(f($0, 1)) ms" } ?? "");
            - fast vs GSL (separable, before quantisation): RMS \(f(s.fastVsGSLRMSLSB, 5)) LSB, \
            worst \(f(s.fastVsGSLWorstLSB, 4)) LSB; codes identical (noise off) in \
            \(f(100 * s.codesIdenticalFraction, 2)) % of outputs.


            """
        text += "### Throughput\n\n" + (try throughputTable().markdown(precision: 3)) + "\n"
        text += "### Fast path by stage (one thread, batch \(headlineBatch))\n\n"
        text += try stagesTable().markdown(precision: 3) + "\n"
        text += "### Fast path against GSL\n\n" + (try accuracyTable().markdown(precision: 5))
        text += "\n### Size and chips (front end, `matmul` on the hardware back end)\n\n"
        text += try scalingTable().markdown(precision: 2)
        if let endToEnd, !endToEnd.isEmpty {
            text += "\n### End to end (one simulated chip, fast path; the chip's projected time "
            text += "of the same executions)\n\n"
            text += try endToEndTable().markdown(precision: 1)
        }
        for (network, reason) in (notMeasured ?? [:]).sorted(by: { $0.key < $1.key }) {
            text += "\nEnd to end, not measured: \(network) (\(reason)).\n"
        }
        return text
    }

    /// Writes every table (CSV and Markdown), the figures (SVG), the summary and the raw
    /// results (JSON) to `directory`, creating it if needed. Returns the paths written.
    @discardableResult
    public func write(to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        var written: [String] = []
        for (name, table) in [
            ("throughput", try throughputTable()), ("accuracy", try accuracyTable()),
            ("scaling", try scalingTable()), ("stages", try stagesTable()),
            ("end_to_end", try endToEndTable()),
        ] {
            try table.writeCSV(to: path(name + ".csv"))
            try table.writeMarkdown(to: path(name + ".md"), precision: name == "accuracy" ? 5 : 3)
            written += [path(name + ".csv"), path(name + ".md")]
        }
        try throughputFigure().write(to: path("throughput.svg"))
        try scalingFigure().write(to: path("scaling.svg"))
        try accuracyFigure().write(to: path("accuracy.svg"))
        try JSON.write(summary, to: path("summary.json"))
        var raw = self
        // The error samples are in the histogram; the raw file keeps the statistics.
        raw.accuracy = raw.accuracy.map {
            var a = $0
            a.errors = []
            return a
        }
        try JSON.write(raw, to: path("results.json"))
        try FileIO.writeAtomically(try markdown(), to: path("report.md"))
        written += [
            "throughput.svg", "scaling.svg", "accuracy.svg", "summary.json",
            "results.json", "report.md",
        ].map(path)
        return written
    }
}
