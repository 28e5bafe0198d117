import Foundation
import HXIO
import HXNumerics
import HXPhysics

/// `hxsim trace`: the voltages of one column over one execution, as CSV and an SVG plot.
enum TraceCommand: Subcommand {
    static let spec = CommandSpec(
        name: "trace",
        summary: "record the membrane and synaptic-input voltages of one column (GSL integrator)",
        options: [
            CommonOptions.inputs, CommonOptions.weights,
            OptionSpec(
                "column", valueName: "C", help: "the column to trace (0…columns−1)", required: true),
            OptionSpec(
                "sample", valueName: "S",
                help:
                    "the input vector to trace: row S of --inputs, run as `hxsim vmm --integrator "
                    + "gsl` runs it (trial S, same noise, same codes)", default: "0"),
            OptionSpec("svg", valueName: "FILE", help: "write the plot here", required: true),
            OptionSpec(
                "resolution", valueName: "NS", help: "spacing of trace points in ns", default: "2"),
            CommonOptions.seed, CommonOptions.params, CommonOptions.numSends, CommonOptions.wait,
            CommonOptions.out,
        ])

    static func run(_ arguments: ParsedArguments, output: CommandOutput) throws {
        let (inputs, weights) = try CommonOptions.operands(arguments)
        let column = try arguments.int("column", in: 0...(ChipGeometry.maxSignedVMM.outputs - 1))
        let sample = try arguments.int("sample", in: 0...Int(Int32.max))
        guard sample < inputs.rows else {
            throw ArgumentError.outOfRange(
                option: "sample", got: "\(sample)",
                allowed: "0…\(inputs.rows - 1) (rows of --inputs)")
        }
        let resolution = try arguments.double("resolution", in: 0.01...1000) * 1e-9
        var chip = try CommonOptions.chip(arguments)
        var options = try CommonOptions.executionOptions(arguments, numerics: false)
        options.integrator = .gsl
        // Only the traced vector is run, as the trial it has in `hxsim vmm` (row S of a batch
        // is trial S of a fresh chip), so that it draws the same noise and reads the same codes.
        options.firstTrial = chip.nextTrial + UInt64(sample)
        let vector = inputs.slice(rows: sample..<(sample + 1), columns: 0..<inputs.columns)
        let result = try chip.vmm(
            inputs: vector, weights: weights, options: options, traceColumn: column, traceSample: 0,
            traceResolution: resolution)
        guard var trace = result.trace else {
            throw PhysicsError.integrationFailed("no trace was recorded")
        }
        trace.sample = sample
        try CommonOptions.emit(csv(trace), to: arguments.optionalString("out"), output: output)
        try figure(trace, column: column, output: Int(result.outputs[0, column]))
            .write(to: arguments.path("svg"))
    }

    /// The trace as CSV: time (µs) and the three voltages (V).
    static func csv(_ trace: MembraneTrace) -> String {
        var text = "time_us,membrane_V,excitatory_V,inhibitory_V\n"
        for i in trace.times.indices {
            text +=
                "\(trace.times[i] * 1e6),\(trace.membrane[i]),\(trace.excitatory[i]),\(trace.inhibitory[i])\n"
        }
        return text
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
