import Foundation
import Testing

@testable import HXIO

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The geometry of a rendered SVG as the tests read it back: the canvas, every text with its
/// estimated box (``TextMetrics``: the documented glyph-width estimate), the legend boxes, and
/// the data drawn in each panel.
struct RenderedFigure {
    struct Box {
        var left, top, right, bottom: Double

        func contains(_ x: Double, _ y: Double, margin: Double = 0) -> Bool {
            x >= left - margin && x <= right + margin && y >= top - margin && y <= bottom + margin
        }

        /// Whether the segment touches the box, by sampling it every half pixel (independent of
        /// the renderer's clipping arithmetic).
        func touches(_ a: (Double, Double), _ b: (Double, Double)) -> Bool {
            let length = ((b.0 - a.0) * (b.0 - a.0) + (b.1 - a.1) * (b.1 - a.1)).squareRoot()
            let steps = max(1, Int(length * 2))
            return (0...steps).contains { step in
                let t = Double(step) / Double(steps)
                return contains(a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
            }
        }
    }

    var width: Double
    var height: Double
    var parsed: XMLElements

    init(_ svg: String) throws {
        parsed = try #require(XMLElements.parse(svg))
        let root = parsed.elements[0].attributes
        width = Double(root["width"] ?? "") ?? 0
        height = Double(root["height"] ?? "") ?? 0
    }

    /// Each text's box: the anchor decides where the estimated width goes; the glyphs reach
    /// from 0.8 em above the baseline to 0.25 em below it; `rotate(-90 x y)` turns the box.
    var texts: [(text: String, box: Box)] {
        parsed.all("text").map { element in
            let a = element.attributes
            let x = Double(a["x"] ?? "") ?? 0
            let y = Double(a["y"] ?? "") ?? 0
            let size = Double(a["font-size"] ?? "") ?? 12
            let width = TextMetrics.width(
                element.text, fontSize: size, bold: a["font-weight"] == "bold")
            let start: Double
            switch a["text-anchor"] {
            case "middle": start = -width / 2
            case "end": start = -width
            default: start = 0
            }
            if a["transform"]?.hasPrefix("rotate(-90") == true {
                return (
                    element.text,
                    Box(
                        left: x - 0.8 * size, top: y - start - width, right: x + 0.25 * size,
                        bottom: y - start)
                )
            }
            return (
                element.text,
                Box(
                    left: x + start, top: y - 0.8 * size, right: x + start + width,
                    bottom: y + 0.25 * size)
            )
        }
    }

    /// The legend boxes, and whether each was put outside the plot area.
    var legends: [(box: Box, outside: Bool)] {
        parsed.all("rect").filter { $0.attributes["class"] == "legend-box" }.map { rect in
            let a = rect.attributes
            let left = Double(a["x"]!)!
            let top = Double(a["y"]!)!
            return (
                Box(
                    left: left, top: top, right: left + Double(a["width"]!)!,
                    bottom: top + Double(a["height"]!)!),
                rect.ancestorClasses.last == "legend outside"
            )
        }
    }

    /// The plot areas, in panel order.
    var plotAreas: [Box] {
        parsed.all("rect").filter { $0.attributes["class"] == "plot-area" }.map { rect in
            let a = rect.attributes
            let left = Double(a["x"]!)!
            let top = Double(a["y"]!)!
            return Box(
                left: left, top: top, right: left + Double(a["width"]!)!,
                bottom: top + Double(a["height"]!)!)
        }
    }

    /// Everything drawn as data or reference: marker centres with their radius, line segments
    /// (series lines, error bars, reference lines, histogram outlines), and the histogram
    /// polygons.
    var data:
        (
            points: [(Double, Double, Double)], segments: [((Double, Double), (Double, Double))],
            polygons: [[(Double, Double)]]
        )
    {
        var markers: [(Double, Double, Double)] = []
        var segments: [((Double, Double), (Double, Double))] = []
        var polygons: [[(Double, Double)]] = []
        for element in parsed.elements {
            let a = element.attributes
            let inSeries = element.ancestorClasses.contains { $0.hasPrefix("series") }
            let isReference = a["class"] == "reference"
            guard inSeries || isReference else { continue }
            switch element.name {
            case "circle":
                markers.append((Double(a["cx"]!)!, Double(a["cy"]!)!, Double(a["r"]!)!))
            case "rect":
                let x = Double(a["x"]!)!
                let y = Double(a["y"]!)!
                let w = Double(a["width"]!)!
                markers.append((x + w / 2, y + w / 2, w / 2))
            case "polyline", "polygon":
                let list = points(a["points"])
                let closed = element.name == "polygon" ? list + [list[0]] : list
                for (p, q) in zip(closed, closed.dropFirst()) { segments.append((p, q)) }
                if element.name == "polygon" && a["class"] != "marker" { polygons.append(list) }
            case "line":
                segments.append(
                    (
                        (Double(a["x1"]!)!, Double(a["y1"]!)!),
                        (Double(a["x2"]!)!, Double(a["y2"]!)!)
                    ))
            default:
                break
            }
        }
        return (markers, segments, polygons)
    }
}

/// Whether (x, y) lies inside `polygon` (even-odd rule).
private func inside(_ x: Double, _ y: Double, _ polygon: [(Double, Double)]) -> Bool {
    var result = false
    var j = polygon.count - 1
    for i in polygon.indices {
        let (xi, yi) = polygon[i]
        let (xj, yj) = polygon[j]
        if (yi > y) != (yj > y), x < (xj - xi) * (y - yi) / (yj - yi) + xi { result.toggle() }
        j = i
    }
    return result
}

/// The geometric promises of every figure: texts inside the canvas, legends inside the canvas
/// and over no data (or outside the plot areas).
func checkGeometry(_ figure: Figure, _ name: String) throws {
    let rendered = try RenderedFigure(try figure.svg())
    for (text, box) in rendered.texts {
        #expect(
            box.left >= 0 && box.right <= rendered.width && box.top >= 0
                && box.bottom <= rendered.height,
            "\(name): text '\(text)' at \(box) leaves the \(rendered.width) × \(rendered.height) canvas"
        )
    }
    let data = rendered.data
    for legend in rendered.legends {
        let box = legend.box
        #expect(
            box.left >= 0 && box.right <= rendered.width && box.bottom <= rendered.height,
            "\(name): legend \(box) leaves the canvas")
        if legend.outside {
            for area in rendered.plotAreas {
                #expect(
                    box.right < area.left || box.left > area.right || box.bottom < area.top
                        || box.top > area.bottom,
                    "\(name): an outside legend overlaps a plot area")
            }
            continue
        }
        for (x, y, r) in data.points {
            #expect(!box.contains(x, y, margin: r), "\(name): legend over the point (\(x), \(y))")
        }
        for (p, q) in data.segments {
            #expect(!box.touches(p, q), "\(name): legend over the line \(p)–\(q)")
        }
        for polygon in data.polygons {
            #expect(
                !inside((box.left + box.right) / 2, (box.top + box.bottom) / 2, polygon),
                "\(name): legend inside a filled area")
        }
        for (text, textBox) in rendered.texts where text != "" {
            let isLegendText = box.contains(textBox.left, textBox.top + 1)
            if !isLegendText {
                #expect(
                    textBox.right < box.left || textBox.left > box.right
                        || textBox.bottom < box.top || textBox.top > box.bottom,
                    "\(name): legend over the text '\(text)'")
            }
        }
    }
}

@Suite("SVG layout: texts inside the canvas, legends off the data")
struct PlotLayoutTests {
    /// A sweep-like grid: long titles, panels narrower than their titles, two line groups.
    func sweepGrid() -> Figure {
        let seeds = (1...10).map(Double.init)
        let panels = (0..<3).map { panel in
            PlotPanel(
                title:
                    "scale:noise = \(panel) (error bars: std over repetitions, mean of five, "
                    + "chip to chip)",
                x: PlotAxis("seed of the first chip of every point of the sweep"),
                y: PlotAxis("accuracy", unit: "%"),
                series: [
                    .line(
                        "calibration = off", x: seeds, y: seeds.map { 80 + 5 * sin($0) },
                        yErrors: seeds.map { _ in 1 }, marker: .circle),
                    .line(
                        "calibration = on", x: seeds, y: seeds.map { 95 + sin($0 / 2) },
                        yErrors: seeds.map { _ in 0.5 }, marker: .square),
                ])
        }
        return Figure(
            title:
                "sweep yinyang-noise: accuracy against seed by calibration, over every chip and "
                + "every repetition of the published test set, with the default noise scaled "
                + "from zero to four times its value in nine steps, calibrated and not",
            panels: panels, columns: 3, panelWidth: 300, panelHeight: 260)
    }

    /// Twenty line groups that cross every corner.
    func crowded() -> Figure {
        let x = (0..<12).map(Double.init)
        let series = (0..<20).map { group in
            PlotSeries.line(
                "calibration = \(group % 2 == 0 ? "off" : "on"), seed = \(group / 2 + 1)", x: x,
                y: x.map { 70 + Double(group) + 10 * sin($0 / 3 + Double(group)) },
                marker: .circle)
        }
        return Figure(
            title: "accuracy against numSends@1 by calibration, seed",
            panels: [
                PlotPanel(
                    title: "error bars: std over repetitions", x: PlotAxis("numSends@1"),
                    y: PlotAxis("accuracy", unit: "%"), series: series)
            ])
    }

    /// The calibration histogram: reference lines at the target and at the tolerance near the
    /// right edge, three overlaid histograms filling the width.
    func histograms() throws -> Figure {
        let edges = HistogramBins.edges(from: -2.5, to: 2.5, count: 30)
        let values = (0..<512).map { sin(Double($0) * 0.37) * 1.4 }
        return Figure(
            title: "Column gain (excitatory amplitude of the reference pattern)",
            panels: [
                PlotPanel(
                    title: "after, zoomed in",
                    x: PlotAxis("deviation from the target 58.6 LSB", unit: "%"),
                    y: PlotAxis("columns"),
                    series: [
                        try .histogram("after: σ 0.67 %", values: values, binEdges: edges),
                        try .histogram(
                            "after, inhibitory: σ 0.63 %", values: values.map { $0 * 0.9 },
                            binEdges: edges),
                        try .histogram(
                            "after + digital: σ 0.85 %", values: values.map { $0 * 1.2 },
                            binEdges: edges),
                    ],
                    referenceLines: [
                        .vertical(at: 0, label: "target"), .vertical(at: -1),
                        .vertical(at: 2.3, label: "tolerance"),
                    ], legend: .topRight)
            ], columns: 2, panelWidth: 440, panelHeight: 300)
    }

    /// `bench --quick`: one point per series on log axes spanning six decades.
    func singlePoints() -> Figure {
        let paths: [(String, Double)] = [
            ("fast, 2 threads", 1.3e6), ("mock, 2 threads", 2.2e6), ("sgemm, 2 threads", 2.4e6),
            ("gsl, 2 threads", 95),
        ]
        return Figure(
            title: "Full-size signed VMMs (128 × 256) per second",
            panels: [
                PlotPanel(
                    title: "throughput by batch size", x: PlotAxis("batch", scale: .log),
                    y: PlotAxis("VMM/s", scale: .log),
                    series: paths.map { .line($0.0, x: [10_000], y: [$0.1]) },
                    referenceLines: [
                        .horizontal(at: 4578, label: "chip, 150 M MAC/s"),
                        .horizontal(at: 10_070, label: "chip, 330 M MAC/s"),
                    ])
            ], panelWidth: 640, panelHeight: 420)
    }

    /// Extreme tick labels: tiny values on y, large ones on x.
    func extremeTicks() -> Figure {
        Figure(
            panels: [
                PlotPanel(
                    x: PlotAxis("Σ activation × weight"), y: PlotAxis("charge", unit: "C"),
                    series: [
                        .line("a", x: [-160_000, 0, 163_456], y: [-2.5e-12, 1e-13, 2.25e-12])
                    ])
            ], panelWidth: 300, panelHeight: 220)
    }

    @Test("long titles, crowded legends, histograms with labels, single points, extreme ticks")
    func geometry() throws {
        try checkGeometry(sweepGrid(), "sweep grid")
        try checkGeometry(crowded(), "twenty line groups")
        try checkGeometry(histograms(), "calibration histograms")
        try checkGeometry(singlePoints(), "single points")
        try checkGeometry(extremeTicks(), "extreme ticks")
    }

    @Test("titles wrap rather than leave the canvas; no word is lost")
    func titlesWrap() throws {
        let figure = sweepGrid()
        let rendered = try RenderedFigure(try figure.svg())
        let titleLines = rendered.parsed.all("text").filter {
            $0.attributes["class"] == "figure-title"
        }.map(\.text)
        #expect(titleLines.count >= 2, "\(titleLines) \(rendered.width)")
        #expect(titleLines.joined(separator: " ") == figure.title)
        let panelLines = rendered.parsed.all("text").filter {
            $0.attributes["class"] == "panel-title"
        }.map(\.text)
        #expect(panelLines.count >= 6 && panelLines.count % 3 == 0)
    }

    @Test("a crowded legend goes outside, a free corner is used when there is one")
    func legendPlacement() throws {
        let crowded = try RenderedFigure(try crowded().svg())
        #expect(crowded.legends.count == 1 && crowded.legends[0].outside)
        let grid = try RenderedFigure(try sweepGrid().svg())
        #expect(grid.legends.count == 3)
        let free = try RenderedFigure(
            try Figure(panels: [
                PlotPanel(series: [.line("rising", x: [0, 1, 2], y: [0, 1, 2])])
            ]).svg())
        // A rising line leaves the upper left and lower right corners free: the first free
        // corner in the order upper right, upper left, … is the upper left.
        let box = try #require(free.legends.first).box
        let area = try #require(free.plotAreas.first)
        #expect(!free.legends[0].outside && box.left < (area.left + area.right) / 2)
        #expect(box.top < (area.top + area.bottom) / 2)
    }

    @Test("whole-number data get whole-number ticks; a point with no neighbour is drawn")
    func integersAndSinglePoints() throws {
        let seeds = try RenderedFigure(
            try Figure(panels: [
                PlotPanel(x: PlotAxis("seed"), series: [.line(x: [1, 2], y: [0.5, 0.7])])
            ]).svg())
        let labels = seeds.parsed.all("text").filter { $0.attributes["class"] == "tick-label x" }
        #expect(labels.map(\.text) == ["1", "2"])
        let single = try RenderedFigure(try singlePoints().svg())
        let markers = single.parsed.all("circle").filter {
            $0.ancestorClasses.contains { $0.hasPrefix("series") }
        }
        #expect(markers.count == 4)
    }

    @Test("the width estimate is generous against DejaVu Sans' advances")
    func estimate() {
        // DejaVu Sans advance widths (em): the sums over the digits, the lower-case and the
        // upper-case alphabet are 6.36, 14.27 and 17.27.
        #expect(TextMetrics.width("0123456789", fontSize: 100) >= 636)
        #expect(TextMetrics.width("abcdefghijklmnopqrstuvwxyz", fontSize: 100) >= 1427)
        #expect(TextMetrics.width("ABCDEFGHIJKLMNOPQRSTUVWXYZ", fontSize: 100) >= 1727)
        #expect(TextMetrics.width("MW%", fontSize: 100) >= 86.3 + 98.9 + 95)
        #expect(
            TextMetrics.wrap("one two three", width: 40, fontSize: 12) == ["one", "two", "three"])
        #expect(TextMetrics.truncate("abcdefgh", width: 30, fontSize: 12).hasSuffix("…"))
        #expect(TextMetrics.width("abcdefgh", fontSize: 12) > 30)
    }
}
