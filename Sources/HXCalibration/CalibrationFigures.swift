import Foundation
import HXIO

/// The report's histograms: per quantity one figure of two panels, the columns before and after
/// on a common axis (the calibrated columns collapse into a narrow peak), and the calibrated
/// columns alone, zoomed in, with the target and tolerance marked.
enum CalibrationFigures {
    /// One histogram series: a legend name and its values.
    struct Population {
        var name: String
        var values: [Double]
    }

    /// A figure for one quantity.
    static func figure(
        title: String, quantity: String, unit: String, before: Population, after: Population,
        extras: [Population] = [], target: Double? = nil, tolerance: Double? = nil
    ) throws -> Figure {
        let overview = try panel(
            title: "before and after", quantity: quantity, unit: unit,
            populations: [before, after],
            bins: 40, target: target, tolerance: nil)
        let zoom = try panel(
            title: "after, zoomed in", quantity: quantity, unit: unit,
            populations: [after] + extras, bins: 30, target: target, tolerance: tolerance,
            colourOffset: 1)
        return Figure(title: title, panels: [overview, zoom], columns: 2)
    }

    /// A panel of overlaid histograms on common bins spanning every population.
    static func panel(
        title: String, quantity: String, unit: String, populations: [Population], bins: Int,
        target: Double?, tolerance: Double?, colourOffset: Int = 0
    ) throws -> PlotPanel {
        let all = populations.flatMap(\.values).filter(\.isFinite)
        var lower = all.min() ?? 0
        var upper = all.max() ?? 1
        if let target, let tolerance {
            lower = min(lower, target - tolerance)
            upper = max(upper, target + tolerance)
        }
        if upper - lower < 1e-9 {
            lower -= 0.5
            upper += 0.5
        }
        let margin = 0.02 * (upper - lower)
        let edges = HistogramBins.edges(from: lower - margin, to: upper + margin, count: bins)
        let colours = PlotColor.cycle
        let series = try populations.enumerated().map { index, population in
            try PlotSeries.histogram(
                population.name, values: population.values, binEdges: edges,
                color: colours[(index + colourOffset) % colours.count])
        }
        var lines: [ReferenceLine] = []
        if let target { lines.append(.vertical(at: target, label: "target", color: .black)) }
        if let target, let tolerance {
            lines.append(.vertical(at: target - tolerance))
            lines.append(.vertical(at: target + tolerance, label: "tolerance"))
        }
        return PlotPanel(
            title: title, x: PlotAxis(quantity, unit: unit), y: PlotAxis("columns"),
            series: series, referenceLines: lines, legend: .best)
    }

    /// A legend name with the population's standard deviation.
    static func name(_ label: String, _ spread: Spread, percent: Bool = false) -> String {
        percent
            ? String(format: "%@: σ %.2f %%", label, spread.relativeStandardDeviation)
            : String(format: "%@: σ %.2f LSB", label, spread.standardDeviation)
    }

    /// The report's histograms, named by the suffix of their files.
    enum Kind: String, CaseIterable, Sendable {
        case gain, offset, baseline, cadc
    }

    /// The report's figures, by kind.
    static func figures(run: CalibrationRun) throws -> [(kind: Kind, figure: Figure)] {
        guard let before = run.before, let after = run.after else { return [] }
        let result = run.result
        let amplitude = result.targets.amplitude
        func percent(_ values: [Double]) -> [Double] {
            values.map { 100 * ($0 - amplitude) / amplitude }
        }
        func spread(_ values: [Double]) -> Spread { Spread(values) }
        /// A quantity's populations before and after, in LSB.
        func populations(
            _ quantity: KeyPath<ChipSurvey, [Double]>
        ) -> (before: Population, after: Population) {
            (
                Population(
                    name: name("before", spread(before[keyPath: quantity])),
                    values: before[keyPath: quantity]),
                Population(
                    name: name("after", spread(after[keyPath: quantity])),
                    values: after[keyPath: quantity])
            )
        }
        let offsets = populations(\.zeroNetOutputs)
        let baselines = populations(\.baselines)
        let reads = populations(\.cadcReads)
        let corrected = run.afterCorrection
        var gainExtras = [
            Population(
                name: name("after, inhibitory", spread(after.inhibitoryAmplitudes), percent: true),
                values: percent(after.inhibitoryAmplitudes))
        ]
        var offsetExtras: [Population] = []
        if let corrected {
            gainExtras.append(
                Population(
                    name: name(
                        "after + digital", spread(corrected.excitatoryAmplitudes), percent: true),
                    values: percent(corrected.excitatoryAmplitudes)))
            offsetExtras.append(
                Population(
                    name: name("after + digital", spread(corrected.zeroNetOutputs)),
                    values: corrected.zeroNetOutputs))
        }
        let gainTolerance = result.settings.gain.tolerance
        return [
            (
                .gain,
                try figure(
                    title: "Column gain (excitatory amplitude of the reference pattern)",
                    quantity: "deviation from the target \(String(format: "%.1f", amplitude)) LSB",
                    unit: "%",
                    before: Population(
                        name: name("before", spread(before.excitatoryAmplitudes), percent: true),
                        values: percent(before.excitatoryAmplitudes)),
                    after: Population(
                        name: name("after", spread(after.excitatoryAmplitudes), percent: true),
                        values: percent(after.excitatoryAmplitudes)),
                    extras: gainExtras, target: 0, tolerance: gainTolerance)
            ),
            (
                .offset,
                try figure(
                    title: "Column offset (output at zero net input, every input active)",
                    quantity: "output", unit: "LSB",
                    before: offsets.before, after: offsets.after, extras: offsetExtras, target: 0,
                    tolerance: 1)
            ),
            (
                .baseline,
                try figure(
                    title: "Baseline code at zero input", quantity: "CADC code", unit: "LSB",
                    before: baselines.before, after: baselines.after,
                    target: result.targets.baseline,
                    tolerance: result.settings.baseline.tolerance)
            ),
            (
                .cadc,
                try figure(
                    title: "CADC channel read at the reference voltage", quantity: "CADC code",
                    unit: "LSB",
                    before: reads.before, after: reads.after,
                    target: result.targets.cadcReference,
                    tolerance: result.settings.cadcOffsets.tolerance)
            ),
        ]
    }
}
