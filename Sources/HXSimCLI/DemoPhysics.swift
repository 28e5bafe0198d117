import Foundation
import HXArguments
import HXIO
import HXNetwork
import HXNumerics
import HXPhysics

/// A behaviour the default parameters must reproduce (PHYSICS.md §5), measured.
struct Anchor {
    var behaviour: String
    var target: String
    var measured: String
    var reproduced: Bool
    var source: String
}

/// The physics part of the demo: a chip, a VMM, a trace, the anchors.
enum DemoPhysics {
    static func run(seed: UInt64, directory: String, output: CommandOutput) throws {
        var chip = try Chip(seed: seed)
        output.out("HXSim demo: chip \(seed), parameters \(chip.parameters.fingerprint)\n\n")

        // 1. The demo VMM of the brainscales2-demos tutorial.
        output.err("demo: VMM of 100 inputs of 15 with weights 21 (50 trials × 256 columns)\n")
        let demo = try chip.vmm(
            inputs: Matrix(rows: 50, columns: 100, repeating: 15),
            weights: Matrix(rows: 100, columns: 256, repeating: 21))
        let (means, noise) = columnStatistics(demo.outputs)
        let sortedMeans = means.sorted()
        output.out(
            String(
                format:
                    "VMM 100 × [15] · 21 on 256 columns: median output %.1f (columns %.1f…%.1f), "
                    + "trial-to-trial noise %.2f LSB (median over columns)\n",
                median(means), sortedMeans.first ?? 0, sortedMeans.last ?? 0, median(noise)))

        // 2. A membrane trace of a real VMM.
        output.err("demo: tracing column 3 of a random 128 × 16 VMM with the GSL integrator\n")
        var rng = SplitMix64(key: seed)
        let inputs = try Matrix(
            rows: 1, columns: 128, storage: (0..<128).map { _ in Int(rng.next() % 32) })
        let weights = try Matrix(
            rows: 128, columns: 16, storage: (0..<(128 * 16)).map { _ in Int(rng.next() % 61) - 20 }
        )
        var traceOptions = ExecutionOptions()
        traceOptions.integrator = .gsl
        let traced = try chip.vmm(
            inputs: inputs, weights: weights, options: traceOptions, traceColumn: 3)
        if let trace = traced.trace {
            let path = directory + "/trace.svg"
            try TraceCommand.figure(trace, column: 3, output: Int(traced.outputs[0, 3])).write(
                to: path)
            try FileIO.writeAtomically(TraceCommand.csv(trace), to: directory + "/trace.csv")
            output.out("membrane trace of column 3: \(path)\n")
        }

        // 3. The transfer curve and the anchors.
        output.err("demo: transfer curve and hxtorch's measureMockParameter\n")
        let curve = try transferCurve(chip: &chip)
        try transferFigure(curve).write(to: directory + "/transfer.svg")
        let executor = try PhysicsExecutor(chips: [chip])
        let mock = try measureMockParameter(on: executor, seed: seed)
        let anchors = self.anchors(
            demoMedian: median(means), noise: median(noise), curve: curve,
            gain: mock.parameter.gain, mockNoise: mock.parameter.noiseStd,
            parameters: chip.parameters)
        let table = try Table(
            header: ["behaviour", "target", "measured", "reproduced", "source"],
            rows: anchors.map {
                [
                    .text($0.behaviour), .text($0.target), .text($0.measured),
                    .text($0.reproduced ? "yes" : "NO"), .text($0.source),
                ]
            })
        try table.writeMarkdown(to: directory + "/anchors.md")
        output.out("\nAnchors of PHYSICS.md §5 (transfer curve: \(directory)/transfer.svg):\n\n")
        output.out(table.markdown())
    }

    /// Per-column mean and standard deviation over the batch.
    static func columnStatistics(_ outputs: Matrix<Int8>) -> (means: [Double], stds: [Double]) {
        var means: [Double] = []
        var stds: [Double] = []
        for j in 0..<outputs.columns {
            let values = (0..<outputs.rows).map { Double(outputs[$0, j]) }
            let mean = values.reduce(0, +) / Double(values.count)
            means.append(mean)
            let variance =
                values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
                / Double(max(1, values.count - 1))
            stds.append(variance.squareRoot())
        }
        return (means, stds)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2]
            : 0.5 * (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2])
    }

    /// Σ a·w against the output of one column pair (weights +63 and −63 on 128 rows), averaged
    /// over 10 trials.
    static func transferCurve(
        chip: inout Chip
    ) throws -> [(ideal: Double, positive: Double, negative: Double)] {
        var weights = Matrix<Int>(rows: 128, columns: 2, repeating: 63)
        for row in 0..<128 { weights[row, 1] = -63 }
        var points: [(Double, Double, Double)] = []
        for total in stride(from: 0, through: 160_000, by: 4_000) {
            let perRow = Double(total) / 63
            let base = Int(perRow / 128)
            let extra = Int(perRow) - base * 128
            var row = [Int](repeating: base, count: 128)
            for i in 0..<extra { row[i] = base + 1 }
            let inputs = try Matrix(
                rows: 10, columns: 128, storage: Array((0..<10).map { _ in row }.joined()))
            let out = try chip.vmm(inputs: inputs, weights: weights).outputs
            let ideal = Double(row.reduce(0, +) * 63)
            let positive = (0..<10).map { Double(out[$0, 0]) }.reduce(0, +) / 10
            let negative = (0..<10).map { Double(out[$0, 1]) }.reduce(0, +) / 10
            points.append((ideal, positive, negative))
        }
        return points
    }

    static func transferFigure(
        _ curve: [(ideal: Double, positive: Double, negative: Double)]
    ) -> Figure {
        let x = curve.map(\.ideal) + curve.map { -$0.ideal }
        let y = curve.map(\.positive) + curve.map(\.negative)
        let order = x.indices.sorted { x[$0] < x[$1] }
        return Figure(
            title: "Transfer curve of one column pair",
            panels: [
                PlotPanel(
                    title: "Output against Σ a·w (mean of 10 trials)",
                    x: PlotAxis("Σ activation × weight"), y: PlotAxis("output", unit: "LSB"),
                    series: [
                        .line(
                            "chip", x: order.map { x[$0] }, y: order.map { y[$0] }, marker: .circle),
                        .line(
                            "hxtorch mock: gain 0.002, clamped",
                            x: [-160_000, -64_000, 63_500, 160_000], y: [-128, -128, 127, 127],
                            dashed: true),
                    ],
                    referenceLines: [
                        .horizontal(at: 80, label: "+80"), .horizontal(at: -80, label: "−80"),
                    ])
            ], panelWidth: 640, panelHeight: 420)
    }

    static func anchors(
        demoMedian: Double, noise: Double,
        curve: [(ideal: Double, positive: Double, negative: Double)],
        gain: Double, mockNoise: Double, parameters: PhysicsParameters
    ) -> [Anchor] {
        // Linear range: the largest |output| up to which the curve stays within 3 LSB of the
        // small-signal line; saturation: the output at the largest input.
        let small = curve.filter { $0.ideal > 0 && $0.positive < 40 }
        let slope = small.map { $0.positive / $0.ideal }.reduce(0, +) / Double(max(1, small.count))
        var linearUpTo = 0.0
        for point in curve
        where abs(point.positive - slope * point.ideal) <= 3
            && abs(point.negative + slope * point.ideal) <= 3
        {
            linearUpTo = max(linearUpTo, min(point.positive, -point.negative))
        }
        let saturation = (curve.last?.positive ?? 0, curve.last?.negative ?? 0)
        let fullVector =
            Double(128 * 5) * parameters.fpgaClockPeriod + parameters.fixedOverheadPerVector
        let macRate = Double(128 * 512) / fullVector
        return [
            Anchor(
                behaviour: "measureMockParameter gain (weights 21, inputs 15)",
                target: "0.002 ± 15 %",
                measured: String(format: "%.5f", gain), reproduced: abs(gain / 0.002 - 1) < 0.15,
                source: "hxtorch default, demos"),
            Anchor(
                behaviour: "measureMockParameter noise", target: "≈ 2.0 LSB ± 15 %",
                measured: String(format: "%.2f LSB", mockNoise),
                reproduced: abs(mockNoise / 2 - 1) < 0.15,
                source: "hxtorch default"),
            Anchor(
                behaviour: "linear output range", target: "≈ −80…80, saturating beyond",
                measured: String(
                    format: "linear to ±%.0f, saturates at %+.0f / %+.0f", linearUpTo, saturation.0,
                    saturation.1),
                reproduced: linearUpTo >= 70 && saturation.0 < 115 && saturation.1 > -115,
                source: "demos"),
            Anchor(
                behaviour: "100 × [15] inputs, weights 21", target: "outputs ≈ 55…63",
                measured: String(format: "median %.1f", demoMedian),
                reproduced: (55...63).contains(demoMedian),
                source: "demos"),
            Anchor(
                behaviour: "trial-to-trial noise in an integration test", target: "< 5–7 LSB",
                measured: String(format: "%.2f LSB", noise), reproduced: noise < 5,
                source: "calix test limits"),
            Anchor(
                behaviour: "hardware end-to-end MAC rate", target: "150–330 M op/s (host included)",
                measured: String(
                    format: "%.0f M MAC/s projected on chip (128 × 512, wait 5, without host)",
                    macRate / 1e6),
                reproduced: macRate > 150e6, source: "hxtorch hw tests"),
        ]
    }
}
