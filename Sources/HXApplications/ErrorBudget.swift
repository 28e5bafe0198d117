import Foundation
import HXCalibration
import HXIO
import HXNetwork
import HXNumerics
import HXPhysics

/// Where a trained network's accuracy on the chip goes: how many points each error source of
/// the chip model costs, found by switching that source off (and nothing else) and evaluating
/// again on the same chips with the same trial noise (`hxsim budget MODEL --task TASK`).
///
/// The cost of a source is accuracy(source off) − accuracy(full model), in points, per chip
/// seed; the budget reports its mean and spread over the seeds. Sources interact, so the costs
/// need not add up to the gap between the full model and an ideal chip (the row "everything
/// above off" gives that gap).
public enum ErrorBudget {
    /// One error source and how it is switched off.
    public struct Source: Sendable {
        /// The row's name.
        public let name: String
        /// What is switched off, in the parameters' words.
        public let detail: String
        /// Switches the source off.
        let switchOff: @Sendable (inout PhysicsParameters) -> Void

        init(
            _ name: String, _ detail: String,
            _ switchOff: @escaping @Sendable (inout PhysicsParameters) -> Void
        ) {
            self.name = name
            self.detail = detail
            self.switchOff = switchOff
        }

        /// A source that is a set of real parameters, each set to 0.
        init(_ name: String, zeroing parameters: [String]) {
            self.init(name, parameters.joined(separator: ", ") + " = 0") { p in
                for parameter in parameters { try? p.set(parameter, to: .real(0)) }
            }
        }
    }

    /// The fixed-pattern mismatch by kind: every parameter of the mismatch group in exactly one
    /// kind (a test holds it).
    public static let mismatchKinds: [Source] = [
        Source("synapse mismatch", zeroing: ["synapseMismatch", "synapseRowGradient"]),
        Source("driver mismatch", zeroing: ["driverGainMismatch", "driverOffsetMismatch"]),
        Source("OTA mismatch", zeroing: ["otaMismatch"]),
        Source("membrane-capacitance mismatch", zeroing: ["membraneCapacitanceMismatch"]),
        Source("pseudo-leak mismatch", zeroing: ["pseudoLeakMismatch"]),
        Source("drift-current mismatch", zeroing: ["driftCurrentMismatch"]),
        Source("reset mismatch", zeroing: ["resetMismatch"]),
        Source("output-limit mismatch", zeroing: ["outputLimitMismatch"]),
        Source("CADC mismatch", zeroing: ["cadcOffsetMismatch", "cadcSlopeMismatch"]),
        Source(
            "cell DAC mismatch",
            zeroing: ["cellGainMismatch", "cellVoltageOffsetMismatch", "cellCurrentOffsetMismatch"]),
    ]

    /// The quantisation noise a rounding adds, LSB²: a uniform error over one code.
    static let quantisationVariance = 1.0 / 12

    /// Every source, in the order of the table: trial-to-trial noise, quantisation, the
    /// nonlinearities, the slow drift, the mismatch by kind, then the groups together.
    public static let sources: [Source] =
        [
            Source("read noise", zeroing: ["readNoise"]),
            Source("pulse jitter", zeroing: ["pulseJitter"]),
            Source("drift noise (per execution)", zeroing: ["driftCurrentNoise"]),
            // The CADC returns integer codes, and the chip's interface returns int8 outputs, so
            // rounding cannot be taken out of the codes. Under the read noise's dither, rounding
            // a read adds an error uniform over one code and independent of the signal,
            // variance 1/12 LSB²; an unrounded CADC with read noise σ therefore gives outputs
            // distributed as a rounded one with σ′² = σ² − 1/12. That is how it is switched
            // off: valid while σ is above about half a code (default 1.2 LSB).
            Source(
                "CADC quantisation",
                "readNoise = √(readNoise² − 1/12), the rounding's variance (equivalent noise)"
            ) { p in
                p.readNoise = max(0, p.readNoise * p.readNoise - quantisationVariance)
                    .squareRoot()
            },
            Source("OTA saturation", "otaSaturates = false") { $0.otaSaturates = false },
            Source("output-stage limits", "membraneCompliance = false") {
                $0.membraneCompliance = false
            },
            Source("pseudo-leak", zeroing: ["pseudoLeakConductance"]),
            Source("slow drift (age, temperature)", "every drift parameter = 0") {
                $0 = $0.withoutDrift
            },
        ] + mismatchKinds + [
            Source("all trial-to-trial noise", "readNoise, pulseJitter, driftCurrentNoise = 0") {
                $0 = $0.withoutNoise
            },
            Source("all fixed-pattern mismatch", "every mismatch parameter = 0") {
                $0 = $0.withoutMismatch
            },
            Source("everything above off", "an ideal, linear chip") { p in
                p = p.withoutMismatchOrNoise.withoutDrift
                p.otaSaturates = false
                p.membraneCompliance = false
                p.pseudoLeakConductance = 0
            },
        ]

    /// What to run.
    public struct Settings: Sendable {
        /// Chip seeds; each is one deployment (its `chips` chips have seeds s, s + 1, …).
        public var chipSeeds: [UInt64] = [1]
        /// Chips per deployment.
        public var chips = 1
        /// Calibrate each chip, in memory, for every variant (the calibration sees the
        /// variant's physics, as it would on such a chip).
        public var calibrate = false
        /// How.
        public var calibration = CalibrationSettings()
        /// The full physics model, the budget's reference.
        public var parameters = PhysicsParameters()
        /// The chips' age and temperature; nil: power-up at the nominal temperature.
        public var environment: ChipEnvironment?
        /// With ``calibrate``: calibrate at power-up at the nominal temperature and let the
        /// chips drift to ``environment`` (so the slow-drift row is the cost of a calibration
        /// that old); otherwise calibrate at ``environment``.
        public var calibrateAtPowerUp = false
        /// Which split.
        public var split = ModelEvaluation.Split.test
        /// Seed of the held-out split.
        public var seed: UInt64 = 1
        /// Samples per batch.
        public var batchSize = 256

        /// One uncalibrated chip of seed 1, the test split.
        public init() {}
    }

    /// One row of the budget.
    public struct Row: Sendable, Equatable {
        /// The source's name and what was switched off.
        public var source: String
        public var detail: String
        /// Accuracy per chip seed with the source off (fraction).
        public var accuracies: [Double]
        /// Points gained by switching the source off, per chip seed.
        public var costs: [Double]

        /// Mean and sample standard deviation of the cost over chip seeds, in points.
        public var cost: (mean: Double, std: Double) { meanAndSampleDeviation(costs) }
    }

    /// The budget of one network.
    public struct Result: Sendable, Equatable {
        /// The task.
        public var task: String
        /// Accuracy of the full model per chip seed (fraction).
        public var baseline: [Double]
        /// The chip seeds.
        public var chipSeeds: [UInt64]
        /// One row per source, in the order of ``sources``.
        public var rows: [Row]
    }

    /// The budget of `model` on `data`: the full model, then each of `sources` off, on every
    /// chip seed. `progress` receives a line per evaluation.
    public static func run(
        model: Sequential, task: String, data: TaskData, settings: Settings,
        sources: [Source] = ErrorBudget.sources, progress: (String) -> Void = { _ in }
    ) throws -> Result {
        try ExperimentSettings.checkChipSeeds(settings.chipSeeds, chips: settings.chips)
        try settings.parameters.validate()
        try settings.environment?.validate()
        func accuracies(_ parameters: PhysicsParameters, label: String) throws -> [Double] {
            try settings.chipSeeds.map { seed in
                var evaluation = ModelEvaluation.Settings()
                evaluation.backend = .physics
                evaluation.split = settings.split
                evaluation.chips = settings.chips
                evaluation.chipSeed = seed
                evaluation.calibrate = settings.calibrate
                evaluation.calibration = settings.calibration
                evaluation.parameters = parameters
                evaluation.environment = settings.environment
                if settings.calibrateAtPowerUp {
                    evaluation.calibrationEnvironment = .nominal(for: parameters)
                }
                evaluation.seed = settings.seed
                evaluation.batchSize = settings.batchSize
                // The physics back end's forward pass does not use the mock's gain and noise;
                // fixing them skips their measurement.
                evaluation.mockGain = MockParameter().gain
                evaluation.mockNoise = 0
                let accuracy = try ModelEvaluation.run(
                    model: model, task: task, data: data, settings: evaluation
                ).accuracy
                progress(String(format: "%@, chip %llu: %.2f %%", label, seed, accuracy * 100))
                return accuracy
            }
        }
        let baseline = try accuracies(settings.parameters, label: "full model")
        var rows: [Row] = []
        for source in sources {
            var parameters = settings.parameters
            source.switchOff(&parameters)
            try parameters.validate()
            let values = try accuracies(parameters, label: "\(source.name) off")
            rows.append(
                Row(
                    source: source.name, detail: source.detail, accuracies: values,
                    costs: zip(values, baseline).map { 100 * ($0 - $1) }))
        }
        return Result(task: task, baseline: baseline, chipSeeds: settings.chipSeeds, rows: rows)
    }
}

extension ErrorBudget.Result {
    /// The budget as a table: per source, the accuracy with it off and the points it costs
    /// (mean ± σ over chip seeds), after a first row with the full model.
    public func table() throws -> Table {
        let base = meanAndSampleDeviation(baseline.map { $0 * 100 })
        var cells: [[TableCell]] = [
            [.text("none (full model)"), .text("—"), .number(base.mean), .missing, .missing]
        ]
        for row in rows {
            let accuracy = meanAndSampleDeviation(row.accuracies.map { $0 * 100 })
            let cost = row.cost
            cells.append([
                .text(row.source), .text(row.detail), .number(accuracy.mean),
                .number(cost.mean), .number(cost.std),
            ])
        }
        return try Table(
            header: [
                "\(task): source switched off", "how", "accuracy %", "cost (points)",
                "σ over \(chipSeeds.count) chip\(chipSeeds.count == 1 ? "" : "s")",
            ], rows: cells)
    }

    /// The costs as a horizontal bar chart (SVG): one bar per source, its σ over the chip
    /// seeds as a whisker; the group rows in grey.
    public func svg(title: String) -> String {
        let frame = ChartFrame(width: 820, left: 250, right: 70, top: 60)
        let rowHeight = 22.0
        let height = frame.top + rowHeight * Double(rows.count) + 50
        let groups: Set<String> = [
            "all trial-to-trial noise", "all fixed-pattern mismatch", "everything above off",
        ]
        let extremes = rows.flatMap { [$0.cost.mean - $0.cost.std, $0.cost.mean + $0.cost.std] }
        let low = min(0, extremes.min() ?? 0)
        let high = max(0.1, extremes.max() ?? 0.1)
        let scale = frame.plotWidth / (high - low)
        func x(_ value: Double) -> Double { frame.left + (value - low) * scale }
        let (f, escape) = (ChartSVG.number, ChartSVG.escape)
        var body =
            "<text x=\"\(f(frame.width / 2))\" y=\"24\" font-size=\"15\" text-anchor=\"middle\">"
            + "\(escape(title))</text>\n"
        let base = meanAndSampleDeviation(baseline.map { $0 * 100 })
        body +=
            "<text x=\"\(f(frame.width / 2))\" y=\"42\" font-size=\"11\" text-anchor=\"middle\">"
            + escape(
                String(
                    format: "points gained by switching each source off; full model %.2f %% "
                        + "(mean of %d chip seed%@)", base.mean, chipSeeds.count,
                    chipSeeds.count == 1 ? "" : "s")) + "</text>\n"
        for (index, row) in rows.enumerated() {
            let y = frame.top + rowHeight * Double(index)
            let (mean, std) = row.cost
            let color = groups.contains(row.source) ? "#9d9d9d" : "#4e79a7"
            let start = x(min(0, mean))
            body +=
                "<text x=\"\(f(frame.left - 8))\" y=\"\(f(y + 14))\" font-size=\"11\" "
                + "text-anchor=\"end\">\(escape(row.source))</text>\n"
            body +=
                "<rect x=\"\(f(start))\" y=\"\(f(y + 3))\" width=\"\(f(abs(mean) * scale))\" "
                + "height=\"\(f(rowHeight - 6))\" fill=\"\(color)\"><title>\(escape(row.detail)): "
                + String(format: "%.2f ± %.2f points", mean, std) + "</title></rect>\n"
            if std > 0 {
                body +=
                    "<line x1=\"\(f(x(mean - std)))\" x2=\"\(f(x(mean + std)))\" "
                    + "y1=\"\(f(y + 11))\" y2=\"\(f(y + 11))\" stroke=\"black\"/>\n"
            }
            body +=
                "<text x=\"\(f(x(max(0, mean + std)) + 4))\" y=\"\(f(y + 14))\" font-size=\"10\">"
                + String(format: "%.2f", mean) + "</text>\n"
        }
        let axisY = frame.top + rowHeight * Double(rows.count) + 6
        body +=
            "<line x1=\"\(f(x(0)))\" x2=\"\(f(x(0)))\" y1=\"\(f(frame.top))\" y2=\"\(f(axisY))\" "
            + "stroke=\"black\"/>\n"
        body +=
            "<line x1=\"\(f(frame.left))\" x2=\"\(f(frame.left + frame.plotWidth))\" y1=\"\(f(axisY))\" "
            + "y2=\"\(f(axisY))\" stroke=\"black\"/>\n"
        let ticks = PlotTicks.linear(low...high)
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        for (tick, label) in zip(ticks, PlotTicks.labels(ticks, step: step)) {
            body +=
                "<text x=\"\(f(x(tick)))\" y=\"\(f(axisY + 16))\" font-size=\"10\" "
                + "text-anchor=\"middle\">\(label)</text>\n"
        }
        body +=
            "<text x=\"\(f(frame.left + frame.plotWidth / 2))\" y=\"\(f(axisY + 34))\" font-size=\"11\" "
            + "text-anchor=\"middle\">accuracy gained with the source off (points)</text>\n"
        return ChartSVG.document(width: frame.width, height: height, body: body)
    }
}

/// `hxsim budget MODEL --task TASK` as a library call: checks the outputs before any work,
/// loads model and data, runs the budget, writes the table and the figure.
public struct BudgetJob: Sendable {
    /// The model file.
    public var modelPath: String
    /// The task whose data set is evaluated.
    public var task: any ExperimentTask
    /// Where the data sets are looked for.
    public var location: DataLocation
    /// Chips, calibration, physics, split.
    public var settings = ErrorBudget.Settings()
    /// The table goes here as well (`.md` or `.csv`), and the bar chart (SVG) here, if set.
    public var table: String?
    public var figure: String?

    /// A job with the default settings.
    public init(modelPath: String, task: any ExperimentTask, location: DataLocation) {
        self.modelPath = modelPath
        self.task = task
        self.location = location
    }

    /// The number of evaluations the job runs (for progress).
    public var evaluations: Int { (ErrorBudget.sources.count + 1) * settings.chipSeeds.count }

    /// Runs the budget; `progress` receives one line per evaluation. Returns the table as
    /// Markdown and the result. Nothing is written unless everything succeeded.
    public func run(progress: (String) -> Void) throws -> (text: String, result: ErrorBudget.Result)
    {
        if let table {
            guard ["md", "csv"].contains(URL(fileURLWithPath: table).pathExtension.lowercased())
            else {
                throw IOError.outputRefused(
                    operand: "--table", path: table,
                    reason: "the table's extension must be .md or .csv")
            }
            _ = try OutputTarget.file(table, operand: "--table", allowsStandardOutput: false)
        }
        if let figure {
            _ = try OutputTarget.file(figure, operand: "--svg", allowsStandardOutput: false)
        }
        let model = try ModelFile.load(from: URL(fileURLWithPath: modelPath))
        var experiment = task.defaults
        experiment.seed = settings.seed
        let data = try task.load(from: location, settings: experiment)
        try data.requireSamples(task: task.name)
        let result = try ApplicationError.naming(modelFile: modelPath) {
            try ErrorBudget.run(
                model: model, task: task.name, data: data, settings: settings, progress: progress)
        }
        let summary = try result.table()
        let svg = result.svg(title: "\(task.name): the error budget on simulated chips")
        if let table {
            if table.lowercased().hasSuffix(".csv") {
                try summary.writeCSV(to: table, precision: 3)
            } else {
                try summary.writeMarkdown(to: table, precision: 2)
            }
        }
        if let figure { try FileIO.writeAtomically(svg, to: figure) }
        return (summary.markdown(precision: 2), result)
    }
}
