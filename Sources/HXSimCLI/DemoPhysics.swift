import Foundation
import HXArguments
import HXIO
import HXNetwork
import HXNumerics
import HXPhysics

/// A behaviour the default parameters must reproduce (docs/SPECIFICATION.md §5), measured.
struct Anchor {
    var behaviour: String
    var target: String
    var measured: String
    /// Whether the measurement meets the target; nil when the two do not measure the same
    /// thing, so that no comparison can be claimed.
    var reproduced: Bool?
    var source: String

    /// `yes`, `NO`, or why the anchor is not compared.
    var verdict: String {
        switch reproduced {
        case true?: return "yes"
        case false?: return "NO"
        case nil: return "not compared"
        }
    }
}

/// The physics part of the demo: a chip, a VMM, a trace, the anchors.
enum DemoPhysics {
    static func run(
        seed: UInt64, parameters: PhysicsParameters, directory: String, context: CommandContext
    ) throws {
        let output = context.output
        var chip = try Chip(seed: seed, parameters: parameters)
        output.out("HXSim demo: chip \(seed), parameters \(chip.parameters.fingerprint)\n\n")

        // 1. The demo VMM of the brainscales2-demos tutorial.
        context.progress(
            "demo: [1/5] VMM of 100 inputs of 15 with weights 21 (50 trials × 256 columns)\n")
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
        context.progress(
            "demo: [2/5] tracing column 3 of a random 128 × 16 VMM with the GSL integrator\n")
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
            let path = directory + "/\(Files.trace).svg"
            try TraceCommand.figure(trace, column: 3, output: Int(traced.outputs[0, 3])).write(
                to: path)
            try FileIO.writeAtomically(
                TraceCommand.csv(trace), to: directory + "/\(Files.trace).csv")
            output.out("membrane trace of column 3: \(path)\n")
        }

        // 3. The transfer curve and the anchors.
        var progress = context.progressReporter(
            label: "demo: [3/5] transfer curve", total: 41)
        let curve = try TransferCurve.measure(chip: &chip, progress: &progress)
        try curve.figure().write(to: directory + "/\(Files.transfer).svg")
        context.progress("demo: [3/5] hxtorch's measure_mock_parameter\n")
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
                    .text($0.verdict), .text($0.source),
                ]
            })
        try table.writeMarkdown(to: directory + "/\(Files.anchors).md")
        output.out(
            "\nAnchors of the specification (docs/SPECIFICATION.md §5; transfer curve: "
                + "\(directory)/\(Files.transfer).svg):\n\n")
        output.out(table.markdown())
    }

    /// The names (without extension) of the files the demo writes, as `docs/figures` holds them.
    enum Files {
        static let trace = "membrane-trace"
        static let transfer = "transfer-curve"
        static let anchors = "anchors"
        static let yinYang = "yinyang"
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

    static func anchors(
        demoMedian: Double, noise: Double, curve: TransferCurve, gain: Double, mockNoise: Double,
        parameters: PhysicsParameters
    ) -> [Anchor] {
        // Linear range: the largest |output| up to which the curve stays within 3 LSB of the
        // small-signal line; saturation: the output at the largest input.
        let linearUpTo = curve.linearRange()
        let saturation = (curve.saturation.positive, curve.saturation.negative)
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
                    format:
                        "%.0f M MAC/s projected on the chip alone (128 × 512, wait 5): the host "
                        + "is not modelled, so this is an upper bound of the end-to-end rate",
                    macRate / 1e6),
                reproduced: nil, source: "hxtorch hw tests"),
        ]
    }
}
