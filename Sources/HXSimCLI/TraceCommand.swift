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
    @Option(valueName: "S", help: "the input vector to trace", in: 0...)
    var sample = 0
    @Option(valueName: "FILE", help: "write the plot here") var svg: String
    @Option(valueName: "NS", help: "spacing of trace points in ns", in: 0.01...1000)
    var resolution = TraceRequest(column: 0).resolution * 1e9
    @OptionGroup var chip: ChipOptions
    @OptionGroup var timing: TimingOptions
    @Option(valueName: "FILE", help: matrixOutputHelp) var out: String?

    func run(_ context: CommandContext) throws {
        // Outputs first: nothing runs with a bad --out or --svg.
        let target = try MatrixTarget.output(out.map { try absoluteOrStream($0, option: "out") })
        let svgTarget = try OutputTarget.file(
            absolutePath(svg, option: "svg"), operand: "--svg", allowsStandardOutput: false)
        let (inputs, weights) = try operands.read()
        guard sample < inputs.rows else {
            throw ArgumentError.outOfRange(
                option: "sample", got: "\(sample)",
                allowed: "0…\(inputs.rows - 1) (rows of --inputs)")
        }
        var chip = try self.chip.chip()
        var options = timing.executionOptions
        options.integrator = .gsl
        // Only the traced vector is run.
        let vector = inputs.slice(rows: sample..<(sample + 1), columns: 0..<inputs.columns)
        let result = try chip.vmm(
            inputs: vector, weights: weights, options: options, traceColumn: column, traceSample: 0,
            traceResolution: resolution * 1e-9)
        guard var trace = result.trace else {
            throw PhysicsError.integrationFailed("no trace was recorded")
        }
        trace.sample = sample
        try emit(try Self.matrix(trace), to: target, csvHeader: Self.columns, context: context)
        let figure = Self.figure(trace, column: column, output: Int(result.outputs[0, column]))
        try svgTarget.write(Data(try figure.svg().utf8)) { _ in }
    }

    /// The columns of a trace: time (µs) and the three voltages (V).
    static let columns = ["time_us", "membrane_V", "excitatory_V", "inhibitory_V"]

    /// The trace as a points × 4 matrix of ``columns``.
    static func matrix(_ trace: MembraneTrace) throws -> Matrix<Double> {
        var storage: [Double] = []
        storage.reserveCapacity(4 * trace.times.count)
        for i in trace.times.indices {
            storage += [
                trace.times[i] * 1e6, trace.membrane[i], trace.excitatory[i], trace.inhibitory[i],
            ]
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
