import Foundation

/// Maps the values of one axis to pixel positions.
struct AxisMapping {
    let range: ClosedRange<Double>
    let scale: AxisScale
    /// The pixel of `range.lowerBound` and of `range.upperBound` (for y, the first is the
    /// bottom of the plot area, which has the larger pixel value).
    let pixelLower: Double
    let pixelUpper: Double

    /// The pixel of `value`, or nil when the value cannot be drawn (non-finite, or not
    /// positive on a log axis). Values outside the range map outside the plot area.
    func pixel(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        let fraction: Double
        switch scale {
        case .linear:
            fraction = (value - range.lowerBound) / (range.upperBound - range.lowerBound)
        case .log:
            guard value > 0 else { return nil }
            fraction =
                (log10(value) - log10(range.lowerBound))
                / (log10(range.upperBound) - log10(range.lowerBound))
        }
        return pixelLower + fraction * (pixelUpper - pixelLower)
    }
}

/// Turns a ``Figure`` into SVG text.
struct SVGRenderer {
    let figure: Figure

    // Layout, in pixels: room for the title, tick labels and axis titles around a plot area.
    static let marginLeft = 70.0
    static let marginRight = 18.0
    static let marginTop = 30.0
    static let marginBottom = 50.0
    static let figureTitleHeight = 32.0
    static let font = "'DejaVu Sans', Helvetica, Arial, sans-serif"

    func render() throws -> String {
        guard !figure.panels.isEmpty else {
            throw IOError.invalidArgument("a figure needs a panel")
        }
        let columns = min(max(1, figure.columns), figure.panels.count)
        let rows = (figure.panels.count + columns - 1) / columns
        let top = figure.title == nil ? 0 : Self.figureTitleHeight
        let width = Double(columns) * figure.panelWidth
        let height = top + Double(rows) * figure.panelHeight
        guard figure.panelWidth - Self.marginLeft - Self.marginRight >= 40,
            figure.panelHeight - Self.marginTop - Self.marginBottom >= 40
        else {
            throw IOError.invalidArgument(
                "panels of \(figure.panelWidth) × \(figure.panelHeight) px are too small to plot")
        }
        var svg = SVGWriter()
        svg.open(
            "svg",
            [
                ("xmlns", "http://www.w3.org/2000/svg"), ("version", "1.1"),
                ("width", fmt(width)), ("height", fmt(height)),
                ("viewBox", "0 0 \(fmt(width)) \(fmt(height))"), ("font-family", Self.font),
                ("font-size", "12"),
            ])
        svg.element(
            "rect", [("width", "100%"), ("height", "100%"), ("fill", "#ffffff")])
        if let title = figure.title {
            svg.text(
                title, x: width / 2, y: 22,
                [("text-anchor", "middle"), ("font-size", "16"), ("font-weight", "bold")])
        }
        for (index, panel) in figure.panels.enumerated() {
            let originX = Double(index % columns) * figure.panelWidth
            let originY = top + Double(index / columns) * figure.panelHeight
            try PanelRenderer(
                panel: panel, index: index, originX: originX, originY: originY,
                width: figure.panelWidth, height: figure.panelHeight
            ).render(into: &svg)
        }
        svg.close("svg")
        return svg.document
    }
}

/// Draws one panel.
struct PanelRenderer {
    let panel: PlotPanel
    let index: Int
    let plotX: Double
    let plotY: Double
    let plotWidth: Double
    let plotHeight: Double
    let panelCenterX: Double
    let titleY: Double
    let xMap: AxisMapping
    let yMap: AxisMapping

    init(
        panel: PlotPanel, index: Int, originX: Double, originY: Double, width: Double,
        height: Double
    )
        throws
    {
        self.panel = panel
        self.index = index
        plotX = originX + SVGRenderer.marginLeft
        plotY = originY + SVGRenderer.marginTop
        plotWidth = width - SVGRenderer.marginLeft - SVGRenderer.marginRight
        plotHeight = height - SVGRenderer.marginTop - SVGRenderer.marginBottom
        panelCenterX = plotX + plotWidth / 2
        titleY = originY + 20
        let extents = try DataExtents(panel: panel, panelIndex: index)
        xMap = AxisMapping(
            range: try extents.x.range(for: panel.xAxis, name: "x", panel: index),
            scale: panel.xAxis.scale, pixelLower: plotX, pixelUpper: plotX + plotWidth)
        yMap = AxisMapping(
            range: try extents.y.range(for: panel.yAxis, name: "y", panel: index),
            scale: panel.yAxis.scale, pixelLower: plotY + plotHeight, pixelUpper: plotY)
    }

    func render(into svg: inout SVGWriter) throws {
        let clipID = "plot-area-\(index)"
        svg.open("g", [("class", "panel"), ("id", "panel-\(index)")])
        svg.open("defs", [])
        svg.open("clipPath", [("id", clipID)])
        svg.element("rect", plotRect)
        svg.close("clipPath")
        svg.close("defs")
        if !panel.title.isEmpty {
            svg.text(
                panel.title, x: panelCenterX, y: titleY,
                [("text-anchor", "middle"), ("font-size", "14"), ("font-weight", "bold")])
        }
        svg.element("rect", plotRect + [("class", "plot-area"), ("fill", "#ffffff")])
        let xTicks = ticks(for: panel.xAxis, map: xMap, target: max(3, Int(plotWidth / 85)))
        let yTicks = ticks(for: panel.yAxis, map: yMap, target: max(3, Int(plotHeight / 55)))
        if panel.showsGrid { drawGrid(xTicks: xTicks, yTicks: yTicks, into: &svg) }
        svg.open("g", [("clip-path", "url(#\(clipID))")])
        for line in panel.referenceLines { drawReference(line, into: &svg) }
        for (seriesIndex, series) in panel.series.enumerated() {
            SeriesRenderer(
                series: series, index: seriesIndex, color: color(of: seriesIndex), xMap: xMap,
                yMap: yMap
            ).render(into: &svg)
        }
        svg.close("g")
        svg.element(
            "rect", plotRect + [("fill", "none"), ("stroke", "#000000"), ("stroke-width", "1")])
        drawAxes(xTicks: xTicks, yTicks: yTicks, into: &svg)
        drawLegend(into: &svg)
        svg.close("g")
    }

    var plotRect: [(String, String)] {
        [
            ("x", fmt(plotX)), ("y", fmt(plotY)), ("width", fmt(plotWidth)),
            ("height", fmt(plotHeight)),
        ]
    }

    func color(of seriesIndex: Int) -> PlotColor {
        panel.series[seriesIndex].color ?? PlotColor.cycle[seriesIndex % PlotColor.cycle.count]
    }

    /// Labelled major ticks and unlabelled minor ones.
    func ticks(for axis: PlotAxis, map: AxisMapping, target: Int) -> [PlotTick] {
        switch axis.scale {
        case .linear:
            let values = PlotTicks.linear(map.range, target: target)
            let step = values.count > 1 ? values[1] - values[0] : 1
            return zip(values, PlotTicks.labels(values, step: step)).map {
                PlotTick(value: $0, label: $1)
            }
        case .log:
            let major = PlotTicks.logarithmic(map.range)
            if major.count < 2 {
                // Less than a decade without 1-2-5 values in it: linear ticks read better.
                let values = PlotTicks.linear(map.range, target: target).filter { $0 > 0 }
                let step = values.count > 1 ? values[1] - values[0] : 1
                return zip(values, PlotTicks.labels(values, step: step)).map {
                    PlotTick(value: $0, label: $1)
                }
            }
            let minor = PlotTicks.logarithmicMinor(map.range).filter { value in
                !major.contains { abs($0 - value) <= 1e-9 * value }
            }
            return zip(major, PlotTicks.logLabels(major)).map { PlotTick(value: $0, label: $1) }
                + minor.map { PlotTick(value: $0, label: "") }
        }
    }

    func drawGrid(xTicks: [PlotTick], yTicks: [PlotTick], into svg: inout SVGWriter) {
        let style = [("stroke", "#e0e0e0"), ("stroke-width", "1"), ("class", "grid")]
        for tick in xTicks where !tick.label.isEmpty {
            guard let x = xMap.pixel(tick.value) else { continue }
            svg.line(x, plotY, x, plotY + plotHeight, style)
        }
        for tick in yTicks where !tick.label.isEmpty {
            guard let y = yMap.pixel(tick.value) else { continue }
            svg.line(plotX, y, plotX + plotWidth, y, style)
        }
    }

    func drawAxes(xTicks: [PlotTick], yTicks: [PlotTick], into svg: inout SVGWriter) {
        let bottom = plotY + plotHeight
        let tickStyle = [("stroke", "#000000"), ("stroke-width", "1")]
        for tick in xTicks {
            guard let x = xMap.pixel(tick.value) else { continue }
            svg.line(x, bottom, x, bottom + (tick.label.isEmpty ? 3 : 5), tickStyle)
            if !tick.label.isEmpty {
                svg.text(
                    tick.label, x: x, y: bottom + 18,
                    [("text-anchor", "middle"), ("class", "tick-label x")])
            }
        }
        for tick in yTicks {
            guard let y = yMap.pixel(tick.value) else { continue }
            svg.line(plotX - (tick.label.isEmpty ? 3 : 5), y, plotX, y, tickStyle)
            if !tick.label.isEmpty {
                svg.text(
                    tick.label, x: plotX - 8, y: y + 4,
                    [("text-anchor", "end"), ("class", "tick-label y")])
            }
        }
        if !panel.xAxis.title.isEmpty {
            svg.text(
                panel.xAxis.title, x: panelCenterX, y: bottom + 40,
                [("text-anchor", "middle"), ("font-size", "13"), ("class", "axis-title x")])
        }
        if !panel.yAxis.title.isEmpty {
            let x = plotX - SVGRenderer.marginLeft + 16
            let y = plotY + plotHeight / 2
            svg.text(
                panel.yAxis.title, x: x, y: y,
                [
                    ("text-anchor", "middle"), ("font-size", "13"), ("class", "axis-title y"),
                    ("transform", "rotate(-90 \(fmt(x)) \(fmt(y)))"),
                ])
        }
    }

    func drawReference(_ line: ReferenceLine, into svg: inout SVGWriter) {
        var style = [
            ("stroke", line.color.hex), ("stroke-width", "1.2"), ("class", "reference"),
        ]
        if line.dashed { style.append(("stroke-dasharray", "6 4")) }
        let labelStyle = [("fill", line.color.hex), ("font-size", "11")]
        switch line.orientation {
        case .horizontal:
            guard let y = yMap.pixel(line.value) else { return }
            svg.line(plotX, y, plotX + plotWidth, y, style)
            if let label = line.label {
                svg.text(
                    label, x: plotX + plotWidth - 4, y: y - 4, labelStyle + [("text-anchor", "end")]
                )
            }
        case .vertical:
            guard let x = xMap.pixel(line.value) else { return }
            svg.line(x, plotY, x, plotY + plotHeight, style)
            if let label = line.label {
                svg.text(label, x: x + 4, y: plotY + 14, labelStyle + [("text-anchor", "start")])
            }
        }
    }

    func drawLegend(into svg: inout SVGWriter) {
        let entries = panel.series.indices.filter { panel.series[$0].name?.isEmpty == false }
        guard panel.legend != .hidden, !entries.isEmpty else { return }
        let rowHeight = 17.0
        let longest = entries.map { panel.series[$0].name!.count }.max() ?? 0
        let width = 24 + 8 + Double(longest) * 6.8 + 14
        let height = Double(entries.count) * rowHeight + 8
        let inset = 8.0
        func corner(_ position: LegendPosition) -> (left: Double, top: Double) {
            let left: Double
            let top: Double
            switch position {
            case .topLeft, .bottomLeft: left = plotX + inset
            default: left = plotX + plotWidth - inset - width
            }
            switch position {
            case .bottomLeft, .bottomRight: top = plotY + plotHeight - inset - height
            default: top = plotY + inset
            }
            return (left, top)
        }
        var position = panel.legend
        if position == .best {
            // The corner whose box covers the fewest drawn points (first one on ties).
            let candidates: [LegendPosition] = [.topRight, .topLeft, .bottomRight, .bottomLeft]
            let covered = candidates.map { candidate in
                let (left, top) = corner(candidate)
                return pixelPoints().filter { point in
                    point.0 >= left - 4 && point.0 <= left + width + 4 && point.1 >= top - 4
                        && point.1 <= top + height + 4
                }.count
            }
            position = candidates[covered.firstIndex(of: covered.min()!)!]
        }
        let (left, top) = corner(position)
        svg.open("g", [("class", "legend")])
        svg.element(
            "rect",
            [
                ("x", fmt(left)), ("y", fmt(top)), ("width", fmt(width)), ("height", fmt(height)),
                ("fill", "#ffffff"), ("fill-opacity", "0.85"), ("stroke", "#bbbbbb"),
                ("rx", "3"),
            ])
        for (row, seriesIndex) in entries.enumerated() {
            let y = top + 4 + rowHeight * (Double(row) + 0.5)
            let renderer = SeriesRenderer(
                series: panel.series[seriesIndex], index: seriesIndex,
                color: color(of: seriesIndex),
                xMap: xMap, yMap: yMap)
            renderer.drawSwatch(x: left + 7, y: y, width: 24, into: &svg)
            svg.text(panel.series[seriesIndex].name!, x: left + 7 + 24 + 8, y: y + 4, [])
        }
        svg.close("g")
    }
}

extension PanelRenderer {
    /// The pixel positions of all data points, with points interpolated along lines and
    /// histogram tops so that a legend does not sit on a long segment either.
    func pixelPoints() -> [(Double, Double)] {
        var result: [(Double, Double)] = []
        for series in panel.series {
            // A histogram's points are its bin centres.
            let xs =
                series.style == .histogram
                ? zip(series.x, series.x.dropFirst()).map { ($0 + $1) / 2 } : series.x
            let drawn = zip(xs, series.y).compactMap { x, y -> (Double, Double)? in
                guard let px = xMap.pixel(x), let py = yMap.pixel(y) else { return nil }
                return (px, py)
            }
            result += drawn
            if series.style != .scatter {
                for (a, b) in zip(drawn, drawn.dropFirst()) {
                    for step in 1..<8 {
                        let t = Double(step) / 8
                        result.append((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)))
                    }
                }
            }
        }
        return result
    }
}

/// Formats a pixel coordinate with at most two decimals.
func fmt(_ value: Double) -> String {
    var text = String(format: "%.2f", value)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text == "-0" ? "0" : text
}
