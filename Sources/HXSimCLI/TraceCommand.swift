import Foundation
import HXArguments
import HXIO
import HXNumerics
import HXPhysics

/// `hxsim trace`: the voltages of one column over one execution, as CSV and an SVG plot.
struct TraceCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "trace",
            summary:
                "record the membrane and synaptic-input voltages of one column (GSL integrator)")
    }

    @OptionGroup var operands: OperandOptions
    @Option(
        valueName: "C", help: "the column to trace",
        in: 0...(ChipGeometry.maxSignedVMM.outputs - 1))
    var column: Int
    @Option(
        valueName: "S",
        help:
            "the input vector to trace: row S of --inputs, run as `hxsim vmm --integrator gsl` "
            + "runs it (trial S, same noise, same codes)", in: 0...)
    var sample = 0
    @Option(valueName: "FILE", help: "also draw the trace as an SVG plot here") var svg: String?
    @Option(valueName: "NS", help: "spacing of trace points in ns", in: 0.01...1000)
    var resolution = TraceRequest(column: 0).resolution * 1e9
    @OptionGroup var chip: ChipOptions
    @OptionGroup var timing: TimingOptions
    @Option(
        valueName: "FILE",
        help:
            "write the trace here (atomically), .csv (with a header line) or .npy (either with "
            + ".gz) by the extension; default: CSV on stdout")
    var out: String?

    func run(_ context: CommandContext) throws {
        // Outputs first: nothing runs with a bad --out or --svg.
        let target = try MatrixTarget.output(out.map { try absoluteOrStream($0, option: "out") })
        let svgTarget = try svgPlotTarget(
            svg, besides: target, inputs: operands.inputFiles + chip.inputFiles)
        let (inputs, weights, notes) = try operands.read()
        for note in notes { context.progress("trace: \(note)\n") }
        guard sample < inputs.rows else {
            throw ArgumentError.outOfRange(
                option: "sample", got: "\(sample)",
                allowed: "0…\(inputs.rows - 1) (rows of --inputs)")
        }
        guard column < weights.columns else {
            throw ArgumentError.outOfRange(
                option: "column", got: "\(column)",
                allowed: "0…\(weights.columns - 1) (columns of --weights)")
        }
        var chip = try self.chip.chip()
        var options = timing.executionOptions
        options.integrator = .gsl
        // Only the traced vector is run, as the trial it has in `hxsim vmm` (row S of a batch
        // is trial S of a fresh chip), so that it draws the same noise and reads the same codes.
        options.firstTrial = chip.nextTrial + UInt64(sample)
        let vector = inputs.slice(rows: sample..<(sample + 1), columns: 0..<inputs.columns)
        let result: VMMResult
        // One column of a full hemisphere at the longest waits integrates for minutes.
        let lines = ProgressLines(
            context.progressReporter(label: "trace (percent of the execution)", total: 100))
        do {
            result = try chip.vmm(
                inputs: vector, weights: weights, options: options, traceColumn: column,
                traceSample: 0, traceResolution: resolution * 1e-9,
                traceProgress: { lines.update(done: Int(($0 * 100).rounded(.down))) })
            lines.finish()
        } catch PhysicsError.traceTooLong(let points, let limit, _, let minimumResolution) {
            throw tooLong(points: points, limit: limit, minimumResolution: minimumResolution)
        }
        guard var trace = result.trace else {
            throw PhysicsError.integrationFailed("no trace was recorded")
        }
        trace.sample = sample
        try emit(try Self.matrix(trace), to: target, csvHeader: Self.columns, context: context)
        if let svgTarget {
            let figure = Self.figure(trace, column: column, output: Int(result.outputs[0, column]))
            try svgTarget.write(Data(try figure.svg().utf8)) { _ in }
        }
    }

    /// The error for a trace beyond ``TraceRequest/maximumPoints``, in the options' terms.
    func tooLong(points: Double, limit: Int, minimumResolution: Double) -> ArgumentError {
        let budget = Chip.defaultStreamingBudgetBytes / 1_000_000
        let alternative =
            "--num-sends \(timing.numSends) or --wait \(timing.wait) (the trace would have "
            + String(format: "%.0f", points) + " points, more than the \(limit) that fit "
            + "\(budget) MB)"
        guard minimumResolution.isFinite else {
            // The events alone are too many: not reachable within the options' ranges (at
            // most 128 × 255 events).
            return .outOfRange(
                option: "num-sends", got: "\(timing.numSends)",
                allowed: "≤ a lower value, or a shorter --wait: " + alternative)
        }
        // Rounded up in the fourth significant digit, so that the value named is enough.
        let nanoseconds = minimumResolution * 1e9
        let step = pow(10, (log10(nanoseconds)).rounded(.down) - 3)
        let enough = (nanoseconds / step).rounded(.up) * step
        return .outOfRange(
            option: "resolution", got: "\(resolution)",
            allowed: String(format: "≥ %.4g ns, or lower ", enough) + alternative)
    }

    /// The columns of a trace: time (µs) and the three voltages (V).
    static let columns = ["time_us", "membrane_V", "excitatory_V", "inhibitory_V"]

    /// The trace as a points × 4 matrix of ``columns``.
    static func matrix(_ trace: MembraneTrace) throws -> Matrix<Double> {
        var storage: [Double] = []
        storage.reserveCapacity(4 * trace.times.count)
        // Element by element: a four-element array per point would be one allocation each.
        for i in trace.times.indices {
            storage.append(trace.times[i] * 1e6)
            storage.append(trace.membrane[i])
            storage.append(trace.excitatory[i])
            storage.append(trace.inhibitory[i])
        }
        return try Matrix(rows: trace.times.count, columns: 4, storage: storage)
    }

    /// The trace as CSV with a header line of ``columns``.
    static func csv(_ trace: MembraneTrace) throws -> String {
        try CSV.format(matrix(trace), header: columns)
    }

    /// Two panels: the synaptic inputs with the pulses, and the membrane with the reads.
    static func figure(_ trace: MembraneTrace, column: Int, output: Int) -> Figure {
        let time = trace.times.map { $0 * 1e6 }
        let pulses = PlotSeries.scatter(
            "input events", x: trace.events.map { $0.time * 1e6 },
            y: trace.events.map { _ in 0 }, marker: .triangle)
        let lines = PlotPanel(
            title: "Synaptic inputs: one jump per input pulse, decay with τ_syn",
            x: PlotAxis("time", unit: "µs"), y: PlotAxis("voltage", unit: "mV"),
            series: [
                .line("excitatory", x: time, y: trace.excitatory.map { $0 * 1e3 }),
                .line("inhibitory", x: time, y: trace.inhibitory.map { $0 * 1e3 }),
                pulses,
            ])
        let title = String(
            format: "Membrane: baseline read (code %d) at 0, integration, result read (code %d) at "
                + "%.2f µs: output %d LSB", trace.baselineCode, trace.resultCode,
            trace.readTime * 1e6, output)
        let membrane = PlotPanel(
            title: title, x: PlotAxis("time", unit: "µs"),
            y: PlotAxis("membrane voltage", unit: "V"),
            series: [.line("membrane", x: time, y: trace.membrane)],
            referenceLines: [.vertical(at: 0), .vertical(at: trace.readTime * 1e6)],
            legend: .bottomRight)
        return Figure(
            title: "Column \(column), input vector \(trace.sample)", panels: [lines, membrane],
            columns: 1, panelWidth: 900, panelHeight: 300)
    }
}

/// A ``ProgressReporter`` the integrating thread can advance: calls arrive from wherever the
/// chip runs the traced hemisphere.
private final class ProgressLines: @unchecked Sendable {
    private let lock = NSLock()
    private var reporter: ProgressReporter

    init(_ reporter: ProgressReporter) { self.reporter = reporter }

    func update(done: Int) { lock.withLock { reporter.update(done: done) } }

    func finish() {
        lock.withLock {
            reporter.update(done: reporter.total)
            reporter.finish()
        }
    }
}
