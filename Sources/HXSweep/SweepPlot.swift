import Foundation
import HXIO
import HXNumerics
import HXPhysics

/// Plots and tables of a results file.
///
/// A plot shows accuracy (mean over repetitions, in %, with error bars of one standard
/// deviation) against one numeric axis `x`, one line per value of a second axis `lines`. Every
/// other axis that varies in the results gets its own panel (one per combination of values), so
/// no point is averaged away silently.
public enum SweepPlot {
    /// The axis of `records` that `name` means: the exact name, or else the one axis whose name
    /// after `parameter:`/`scale:` or before `@` is `name` (`noise` for `scale:noise`).
    /// - Throws: ``SweepError/unknownPlotAxis(name:available:)``.
    public static func axisName(_ name: String, in records: [SweepRecord]) throws -> String {
        let available = Set(records.flatMap(\.coordinates.keys)).sorted()
        if available.contains(name) { return name }
        let matches = available.filter { axis in
            let afterColon = axis.split(separator: ":", maxSplits: 1).last.map(String.init)
            let beforeAt = axis.split(separator: "@", maxSplits: 1).first.map(String.init)
            return afterColon == name || beforeAt == name
        }
        guard matches.count == 1 else {
            throw SweepError.unknownPlotAxis(name: name, available: available)
        }
        return matches[0]
    }

    /// The unit of an axis, for its label.
    static func unit(of axis: String) -> String? {
        if axis.hasPrefix("parameter:"),
            let descriptor = try? PhysicsParameters.descriptor(
                named: String(axis.dropFirst("parameter:".count)))
        {
            return descriptor.unit.isEmpty || descriptor.unit == "1" ? nil : descriptor.unit
        }
        if axis.hasPrefix("scale:") { return "× base value" }
        if axis.hasPrefix("waitBetweenEvents") { return "FPGA cycles" }
        if axis == "mockNoise" { return "LSB" }
        return nil
    }

    /// One plotted point: accuracy at one `x` of one line of one panel.
    public struct PlottedPoint: Sendable, Equatable {
        /// The panel (the values of the other varying axes), empty for a single panel.
        public var panel: String
        /// The line (the values of the `lines` axes), empty for a single line.
        public var line: String
        /// The horizontal position.
        public var x: Double
        /// Mean accuracy [1].
        public var mean: Double
        /// The error bar [1]: the standard deviation over repetitions, or with pooling the
        /// standard deviation of the pooled points' means.
        public var spread: Double
        /// The number of points pooled.
        public var points: Int
    }

    /// What a plot shows, as numbers.
    public struct Series: Sendable, Equatable {
        /// The horizontal axis.
        public var x: String
        /// The axes whose values make the lines.
        public var lines: [String]
        /// The axes pooled over.
        public var meanOver: [String]
        /// The points, by panel, line and x.
        public var points: [PlottedPoint]
        /// Panels and lines in order of first appearance.
        public var panels: [String]
        /// Lines in order of first appearance.
        public var lineNames: [String]
    }

    /// Groups `records` for a plot of accuracy against `x`.
    /// - Parameters:
    ///   - x: the horizontal axis (any spelling ``axisName(_:in:)`` accepts); numeric.
    ///   - lines: the axes whose value combinations get one line each (none: one line).
    ///   - meanOver: axes to pool over (for example `seed`: the mean over chips, with the
    ///     chip-to-chip standard deviation as error bar).
    /// - Throws: ``SweepError/noResults(path:)`` for no records,
    ///   ``SweepError/unknownPlotAxis(name:available:)``, or
    ///   ``SweepError/invalidSetting(name:reason:)`` for a non-numeric `x` or an axis used twice.
    public static func series(
        _ records: [SweepRecord], x: String, lines: [String] = [], meanOver: [String] = []
    ) throws -> Series {
        guard !records.isEmpty else { throw SweepError.noResults(path: "<records>") }
        let xAxis = try axisName(x, in: records)
        let lineAxes = try lines.map { try axisName($0, in: records) }
        let pooled = try meanOver.map { try axisName($0, in: records) }
        let used = [xAxis] + lineAxes + pooled
        guard Set(used).count == used.count else {
            throw SweepError.invalidSetting(
                name: "plot axes", reason: "--x, --lines and --mean-over must name different axes")
        }
        let sorted = records.sorted { $0.index < $1.index }
        for record in sorted {
            guard let value = record.coordinates[xAxis]?.number, value.isFinite else {
                let values = orderedValues(of: xAxis, in: sorted).map(\.description)
                throw SweepError.invalidSetting(
                    name: "--x",
                    reason:
                        "axis \(xAxis) is not numeric (values: \(values.joined(separator: ", "))); "
                        + "plot it with --lines")
            }
        }
        let facetAxes = Set(sorted.flatMap(\.coordinates.keys)).sorted().filter { axis in
            !used.contains(axis) && orderedValues(of: axis, in: sorted).count > 1
        }
        func label(_ record: SweepRecord, _ axes: [String]) -> String {
            axes.map { "\($0) = \(record.coordinates[$0]?.description ?? "–")" }
                .joined(separator: ", ")
        }
        struct GroupKey: Hashable {
            var panel: String
            var line: String
            var x: Double
        }
        var order: [GroupKey] = []
        var groups: [GroupKey: [SweepRecord]] = [:]
        var panels: [String] = []
        var lineNames: [String] = []
        for record in sorted {
            let key = GroupKey(
                panel: label(record, facetAxes), line: label(record, lineAxes),
                x: record.coordinates[xAxis]?.number ?? 0)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(record)
            if !panels.contains(key.panel) { panels.append(key.panel) }
            if !lineNames.contains(key.line) { lineNames.append(key.line) }
        }
        let points = order.map { key -> PlottedPoint in
            let members = groups[key] ?? []
            // One member: its own spread over repetitions; several: the spread of their means.
            let (mean, spreadOfMeans) = meanAndSampleDeviation(members.map(\.accuracyMean))
            let spread = members.count == 1 ? members[0].accuracyStd : spreadOfMeans
            return PlottedPoint(
                panel: key.panel, line: key.line, x: key.x, mean: mean, spread: spread,
                points: members.count)
        }
        return Series(
            x: xAxis, lines: lineAxes, meanOver: pooled, points: points, panels: panels,
            lineNames: lineNames)
    }

    /// The figure of accuracy (in %) against `x`, one line per value combination of `lines`,
    /// one panel per combination of the other varying axes; see ``series(_:x:lines:meanOver:)``.
    public static func figure(
        _ records: [SweepRecord], x: String, lines: [String] = [], meanOver: [String] = [],
        logX: Bool = false, title: String? = nil
    ) throws -> Figure {
        let series = try self.series(records, x: x, lines: lines, meanOver: meanOver)
        let pooling =
            series.meanOver.isEmpty
            ? "error bars: std over repetitions"
            : "mean ± std over \(series.meanOver.joined(separator: ", "))"
        let panels = series.panels.map { panel -> PlotPanel in
            let lines = series.lineNames.enumerated().compactMap { number, line -> PlotSeries? in
                let points = series.points.filter { $0.panel == panel && $0.line == line }
                    .sorted { $0.x < $1.x }
                guard !points.isEmpty else { return nil }
                return PlotSeries.line(
                    line.isEmpty ? nil : line, x: points.map(\.x), y: points.map { 100 * $0.mean },
                    yErrors: points.map { 100 * $0.spread },
                    marker: PlotMarker.allCases[number % PlotMarker.allCases.count])
            }
            return PlotPanel(
                title: panel.isEmpty ? pooling : "\(panel) (\(pooling))",
                x: PlotAxis(series.x, unit: unit(of: series.x), scale: logX ? .log : .linear),
                y: PlotAxis("accuracy", unit: "%"), series: lines)
        }
        let heading =
            title ?? "sweep \(records[0].sweep): accuracy against \(series.x)"
            + (series.lines.isEmpty ? "" : " by \(series.lines.joined(separator: ", "))")
        return Figure(
            title: heading, panels: panels, columns: min(3, panels.count), panelWidth: 560,
            panelHeight: 360)
    }

    /// The plotted numbers as a table: panel and line (where there are several), x, accuracy
    /// and spread in %, points pooled.
    public static func seriesTable(_ series: Series) throws -> Table {
        let showsPanel = series.panels.count > 1
        let showsLine = series.lineNames.count > 1
        var header: [String] = []
        if showsPanel { header.append("panel") }
        if showsLine { header.append("line") }
        header += [series.x, "accuracy (%)", "± (%)", "points"]
        var table = try Table(header: header)
        for point in series.points {
            var row: [TableCell] = []
            if showsPanel { row.append(.text(point.panel)) }
            if showsLine { row.append(.text(point.line)) }
            let x: TableCell =
                point.x.rounded() == point.x && abs(point.x) < 1e15
                ? .integer(Int(point.x)) : .number(point.x)
            row += [
                x, .number(100 * point.mean), .number(100 * point.spread),
                .integer(point.points),
            ]
            try table.append(row)
        }
        return table
    }

    /// The distinct values of `axis` in the order they first appear.
    static func orderedValues(of axis: String, in records: [SweepRecord]) -> [SweepValue] {
        var seen: [SweepValue] = []
        for record in records {
            if let value = record.coordinates[axis], !seen.contains(value) { seen.append(value) }
        }
        return seen
    }

    /// One row per point in plan order: its coordinates, accuracy (mean and standard deviation
    /// over repetitions, in %), repetitions, samples and wall time.
    public static func table(_ records: [SweepRecord]) throws -> Table {
        let axes = Set(records.flatMap(\.coordinates.keys)).sorted()
        var table = try Table(
            header: ["point"] + axes + [
                "accuracy (%)", "std (%)", "repetitions", "samples", "time (s)",
            ])
        for record in records.sorted(by: { $0.index < $1.index }) {
            var row: [TableCell] = [.integer(record.index)]
            for axis in axes {
                switch record.coordinates[axis] {
                case .none: row.append(.missing)
                case .some(let value):
                    if let whole = value.integer {
                        row.append(.integer(whole))
                    } else if let number = value.number {
                        row.append(.number(number))
                    } else {
                        row.append(.text(value.description))
                    }
                }
            }
            row += [
                .number(100 * record.accuracyMean), .number(100 * record.accuracyStd),
                .integer(record.accuracies.count), .integer(record.samples),
                .number(record.wallSeconds),
            ]
            try table.append(row)
        }
        return table
    }

    /// A file name part for an axis: `scale:noise` → `scale-noise`.
    public static func fileName(_ axis: String) -> String {
        String(axis.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
    }
}
