import Foundation
import HXArguments
import HXIO
import HXNumerics
import HXPhysics

/// The transfer curve of one column pair: the mean output against the ideal Σ a·w, for a column
/// with every weight +63 and one with every weight −63, over a ramp of input totals.
struct TransferCurve {
    /// One point: the ideal |Σ a·w| and the mean outputs (LSB) of the positive and the negative
    /// column.
    struct Point {
        var ideal: Double
        var positive: Double
        var negative: Double
    }

    var points: [Point]

    /// The columns of the curve as a table.
    static let columns = ["sum_a_w", "output_positive_LSB", "output_negative_LSB"]

    /// Measures the curve on `chip`: Σ a·w from 0 to `maximum` in `steps` steps, each point the
    /// mean of `trials` vectors; the inputs are spread as evenly as possible over 128 rows.
    static func measure(
        chip: inout Chip, options: ExecutionOptions = ExecutionOptions(), maximum: Int = 160_000,
        steps: Int = 40, trials: Int = 10, progress: inout ProgressReporter
    ) throws -> TransferCurve {
        let rows = ChipGeometry.signedInputsPerHemisphere
        let weight = ChipGeometry.weightRange.upperBound
        var weights = Matrix<Int>(rows: rows, columns: 2, repeating: weight)
        for row in 0..<rows { weights[row, 1] = -weight }
        var points: [Point] = []
        for step in 0...steps {
            let total = maximum * step / steps
            let perRow = Double(total) / Double(weight)
            let base = Int(perRow / Double(rows))
            let extra = Int(perRow) - base * rows
            var row = [Int](repeating: base, count: rows)
            for i in 0..<extra { row[i] = base + 1 }
            let inputs = try Matrix(
                rows: trials, columns: rows, storage: Array((0..<trials).map { _ in row }.joined()))
            let out = try chip.vmm(inputs: inputs, weights: weights, options: options).outputs
            let mean = { (column: Int) in
                (0..<trials).map { Double(out[$0, column]) }.reduce(0, +) / Double(trials)
            }
            points.append(
                Point(
                    ideal: Double(row.reduce(0, +) * weight), positive: mean(0), negative: mean(1)))
            progress.advance()
        }
        progress.finish()
        return TransferCurve(points: points)
    }

    /// The curve as a points × 3 matrix of ``columns``.
    func matrix() throws -> Matrix<Double> {
        try Matrix(
            rows: points.count, columns: 3,
            storage: points.flatMap { [$0.ideal, $0.positive, $0.negative] })
    }

    /// The largest |output| up to which both columns stay within `tolerance` LSB of their own
    /// small-signal line (a least-squares line, slope and offset, through the points whose
    /// |output| is below 40 LSB: each column has its own mismatch and offset), counted from
    /// zero up to the first point that leaves the line.
    func linearRange(tolerance: Double = 3) -> Double {
        func range(_ output: (Point) -> Double) -> Double {
            let small = points.filter { abs(output($0)) < 40 }
            let n = Double(small.count)
            let meanX = small.map(\.ideal).reduce(0, +) / n
            let meanY = small.map(output).reduce(0, +) / n
            let sxx = small.map { ($0.ideal - meanX) * ($0.ideal - meanX) }.reduce(0, +)
            guard small.count >= 2, sxx > 0 else { return 0 }
            let slope = small.map { ($0.ideal - meanX) * (output($0) - meanY) }.reduce(0, +) / sxx
            let offset = meanY - slope * meanX
            var linearUpTo = 0.0
            for point in points {
                guard abs(output(point) - slope * point.ideal - offset) <= tolerance else { break }
                linearUpTo = max(linearUpTo, abs(output(point)))
            }
            return linearUpTo
        }
        return min(range(\.positive), range(\.negative))
    }

    /// The outputs at the largest input: where the curve saturates.
    var saturation: (positive: Double, negative: Double) {
        (points.last?.positive ?? 0, points.last?.negative ?? 0)
    }

    /// `linear to ±87 LSB (within 3 LSB), saturates at +105 / −104 LSB`.
    var summary: String {
        String(
            format: "linear to ±%.0f LSB (within 3 LSB of the small-signal line), saturates at "
                + "%+.0f / %+.0f LSB", linearRange(), saturation.positive, saturation.negative)
    }

    /// The curve, and hxtorch's mock (gain 0.002, clamped to int8) for comparison.
    func figure() -> Figure {
        let x = points.map(\.ideal) + points.map { -$0.ideal }
        let y = points.map(\.positive) + points.map(\.negative)
        let order = x.indices.sorted { x[$0] < x[$1] }
        let limit = points.last?.ideal ?? 160_000
        return Figure(
            title: "Transfer curve of one column pair",
            panels: [
                PlotPanel(
                    title: "Output against Σ a·w (mean of the trials)",
                    x: PlotAxis("Σ activation × weight"), y: PlotAxis("output", unit: "LSB"),
                    series: [
                        .line(
                            "chip", x: order.map { x[$0] }, y: order.map { y[$0] }, marker: .circle),
                        .line(
                            "hxtorch mock: gain 0.002, clamped",
                            x: [-limit, -64_000, 63_500, limit], y: [-128, -128, 127, 127],
                            dashed: true),
                    ],
                    referenceLines: [
                        .horizontal(at: 80, label: "+80"), .horizontal(at: -80, label: "−80"),
                    ])
            ], panelWidth: 640, panelHeight: 420)
    }
}

/// `hxsim transfer`: the transfer curve of a chip of one's own (parameters, calibration,
/// timing), as CSV and optionally an SVG plot.
struct TransferCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "transfer",
            summary:
                "measure the transfer curve (mean output against Σ a·w) of one column pair, "
                + "weights +63 and −63 on 128 rows")
    }

    @OptionGroup var chip: ChipOptions
    @OptionGroup var calibration: CalibrationOptions
    @OptionGroup var timing: TimingOptions
    @Option(valueName: "N", help: "largest Σ a·w of the ramp", in: 63...(31 * 63 * 128))
    var maximum = 160_000
    @Option(help: "steps of the ramp (points − 1)", in: 1...10_000) var steps = 40
    @Option(help: "vectors averaged per point", in: 1...100_000) var trials = 10
    @OptionGroup var output: MatrixOutputOptions
    @Option(valueName: "FILE", help: "also draw the curve as an SVG plot here") var svg: String?

    func run(_ context: CommandContext) throws {
        // Outputs first: nothing runs with a bad --out or --svg.
        let target = try output.target()
        let svgTarget = try svgPlotTarget(
            svg, besides: target, inputs: chip.inputFiles + calibration.inputFiles)
        var chip = try self.chip.chip()
        try calibration.apply(to: &chip, context: context)
        var progress = context.progressReporter(label: "transfer", total: steps + 1)
        let curve = try TransferCurve.measure(
            chip: &chip, options: timing.executionOptions, maximum: maximum, steps: steps,
            trials: trials, progress: &progress)
        try emit(
            try curve.matrix(), to: target, csvHeader: output.csvHeader(TransferCurve.columns),
            context: context)
        if let svgTarget { try svgTarget.write(Data(try curve.figure().svg().utf8)) { _ in } }
        context.progress("transfer: \(curve.summary)\n")
    }
}
