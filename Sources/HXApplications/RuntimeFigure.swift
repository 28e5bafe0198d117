import Foundation
import HXIO

/// The runtime analyses as a stacked-bar SVG: for each stage, the simulator's time per batch
/// stacked by host phase and the real chip's projected time per batch stacked by VMM layer,
/// on one linear axis per stage (milliseconds).
public enum RuntimeFigure {
    /// The SVG text for `analyses`.
    public static func svg(_ analyses: [RuntimeAnalysis], title: String) -> String {
        let frame = ChartFrame(width: 760, left: 150, right: 90, top: 50)
        let barHeight = 26.0
        let stageHeight = 120.0
        let height = frame.top + stageHeight * Double(analyses.count) + 80
        // Host phases and chip layers in separate palettes, so a colour names one thing.
        let hostColors = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948"]
        let chipColors = ["#b07aa1", "#9c755f", "#bab0ac", "#ff9da7", "#17becf", "#bcbd22"]
        var body = ""
        let (f, escape) = (ChartSVG.number, ChartSVG.escape)
        func text(
            _ x: Double, _ y: Double, _ value: String, anchor: String = "start", size: Int = 12
        )
            -> String
        {
            "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"\(size)\" text-anchor=\"\(anchor)\">"
                + "\(escape(value))</text>\n"
        }
        body += text(frame.width / 2, 24, title, anchor: "middle", size: 15)
        for (index, analysis) in analyses.enumerated() {
            let y0 = frame.top + stageHeight * Double(index)
            let perBatch = 1e3 / Double(max(analysis.batches, 1))
            let host = RuntimeAnalysis.phases.map {
                ($0.name, (analysis.hostSeconds[$0.name] ?? 0) * perBatch)
            }
            let chip = analysis.layers.enumerated().map {
                ("layer \($0.offset) \($0.element)", analysis.chipSeconds[$0.offset] * perBatch)
            }
            let largest = max(analysis.hostTotal, analysis.chipTotal) * perBatch
            let scale = largest > 0 ? frame.plotWidth / largest : 0
            body += text(
                frame.left, y0 + 4,
                "\(analysis.stage): ms per batch of \(analysis.samples / max(analysis.batches, 1))",
                size: 13)
            for (row, (label, parts, colors)) in [
                ("simulator", host, hostColors), ("real chip (projected)", chip, chipColors),
            ].enumerated() {
                let y = y0 + 14 + Double(row) * (barHeight + 22)
                body += text(frame.left - 8, y + barHeight * 0.65, label, anchor: "end")
                var x = frame.left
                for (part, (name, value)) in parts.enumerated() where value > 0 {
                    let w = value * scale
                    let color = colors[part % colors.count]
                    body +=
                        "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(w))\" height=\"\(f(barHeight))\" "
                        + "fill=\"\(color)\"><title>\(escape(name)) \(String(format: "%.3f", value)) ms</title></rect>\n"
                    if w > 60 {
                        body += text(
                            x + 3, y + barHeight + 12, "\(name) \(String(format: "%.2f", value))",
                            size: 10)
                    }
                    x += w
                }
                let total = parts.reduce(0) { $0 + $1.1 }
                body += text(
                    x + 4, y + barHeight * 0.65, String(format: "%.2f ms", total), size: 11)
            }
        }
        // Legend: one swatch per host phase and per VMM layer (of the first analysis).
        var legend: [(String, String)] = RuntimeAnalysis.phases.enumerated().map {
            ($0.element.name, hostColors[$0.offset % hostColors.count])
        }
        for (index, layer) in (analyses.first?.layers ?? []).enumerated() {
            legend.append(("chip layer \(index) \(layer)", chipColors[index % chipColors.count]))
        }
        for (index, (name, color)) in legend.enumerated() {
            let x = 20 + Double(index % 5) * 148
            let y = height - 52 + Double(index / 5) * 18
            body +=
                "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"11\" height=\"11\" fill=\"\(color)\"/>\n"
            body += text(x + 15, y + 10, name, size: 11)
        }
        return ChartSVG.document(width: frame.width, height: height, body: body)
    }

    /// Writes the figure atomically.
    public static func write(_ analyses: [RuntimeAnalysis], title: String, to path: String) throws {
        try FileIO.writeAtomically(svg(analyses, title: title), to: path)
    }
}
