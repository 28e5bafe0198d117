import Foundation
import HXArguments
import HXIO
import HXSweep

/// `hxsim sweep plot RESULTS`: the table of every point and, with `--x`, a plot of accuracy
/// against one axis.
struct SweepPlotCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "plot",
            summary:
                "tabulate a results file and, with --x, plot accuracy against one axis (SVG, "
                + "Markdown, CSV)")
    }

    @Argument(name: "RESULTS", help: "the results file to draw") var results: String
    @Option(
        valueName: "AXIS",
        help:
            "the horizontal axis, numeric (e.g. scale:noise, or just noise); without it, plot "
            + "writes the table only")
    var x: String?
    @Option(
        valueName: "AXES", help: "one line per value of this axis (several: comma-separated)")
    var lines: String?
    @Option(
        valueName: "AXES",
        help:
            "pool points over these axes (e.g. seed): mean, and the std of the pooled means as "
            + "error bar")
    var meanOver: String?
    @Option(
        valueName: "DIR",
        help:
            "directory for the SVG, Markdown and CSV, created if missing (default: beside "
            + "RESULTS)")
    var out: String?
    @Option(valueName: "TEXT", help: "the figure's title") var title: String?
    @Flag(help: "logarithmic horizontal axis") var logX = false

    func run(_ context: CommandContext) throws {
        let path = try absolutePath(results, option: "RESULTS")
        // The output directory first (created if missing).
        let directory = try OutputTarget.directory(
            out.map { try absolutePath($0, option: "out") }
                ?? URL(fileURLWithPath: path).deletingLastPathComponent().path,
            operand: "--out", create: true)
        // Plots also read files older than record checksums; edited records are refused.
        let (records, truncated) = try SweepResults.read(
            path: path, mustExist: true, requireChecksums: false)
        guard !records.isEmpty else { throw SweepError.noResults(path: path) }
        if truncated {
            context.err("sweep plot: \(path) ends in an incomplete record, which is left out\n")
        }
        try OutputTarget.createDirectories(directory)
        var stem = URL(fileURLWithPath: path).lastPathComponent
        if stem.hasSuffix(".jsonl") { stem = String(stem.dropLast(6)) }
        let table = try SweepPlot.table(records)
        try table.writeMarkdown(to: "\(directory)/\(stem).md", precision: 2)
        try table.writeCSV(to: "\(directory)/\(stem).csv")
        guard let x else {
            if lines != nil || meanOver != nil || title != nil || logX {
                throw ArgumentError.missingRequired(option: "x", valueName: "AXIS")
            }
            context.out(
                table.markdown(precision: 2)
                    + "\nwrote \(directory)/\(stem).md and .csv (every point)\n")
            return
        }
        func list(_ text: String?) -> [String] {
            text.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
                ?? []
        }
        let lines = list(self.lines)
        let meanOver = list(self.meanOver)
        let figure = try SweepPlot.figure(
            records, x: x, lines: lines, meanOver: meanOver, logX: logX, title: title)
        let series = try SweepPlot.series(records, x: x, lines: lines, meanOver: meanOver)
        let plotName =
            "\(directory)/\(stem)-\(SweepPlot.fileName(series.x))"
            + (series.lines.isEmpty
                ? "" : "-by-" + series.lines.map(SweepPlot.fileName).joined(separator: "-"))
        try figure.write(to: plotName + ".svg")
        let summary = try SweepPlot.seriesTable(series)
        try summary.writeMarkdown(to: plotName + ".md", precision: 2)
        context.out(
            summary.markdown(precision: 2) + "\nwrote \(plotName).svg and .md (the plotted "
                + "numbers), \(directory)/\(stem).md and .csv (every point)\n")
    }
}
