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
///
/// The layout keeps every text inside the canvas by the width estimate of ``TextMetrics``:
/// titles wrap onto more lines (the figure grows to hold them), axis titles shrink or shorten,
/// the margins beside the plot area grow with the tick labels. A legend goes into the first
/// corner of the plot area (the requested one first) where it covers no data point, line,
/// filled area or label; where no corner is clear, it goes outside, right of the plot area,
/// and every cell of the grid grows by its width.
struct SVGRenderer {
    let figure: Figure

    // Layout, in pixels: room for the title, tick labels and axis titles around a plot area.
    static let marginLeft = 70.0
    static let marginRight = 18.0
    static let marginTop = 30.0
    static let marginBottom = 50.0
    static let figureTitleHeight = 32.0
    static let figureTitleSize = 16.0
    static let panelTitleSize = 14.0
    static let panelTitleLine = 17.0
    static let font = "'DejaVu Sans', Helvetica, Arial, sans-serif"

    func render() throws -> String {
        guard !figure.panels.isEmpty else {
            throw IOError.invalidArgument("a figure needs a panel")
        }
        let columns = min(max(1, figure.columns), figure.panels.count)
        let rows = (figure.panels.count + columns - 1) / columns
        guard figure.panelWidth - Self.marginLeft - Self.marginRight >= 40,
            figure.panelHeight - Self.marginTop - Self.marginBottom >= 40
        else {
            throw IOError.invalidArgument(
                "panels of \(figure.panelWidth) × \(figure.panelHeight) px are too small to plot")
        }
        // Panel titles wrap to the panel's width; every panel keeps room for the most lines.
        let titles = figure.panels.map {
            $0.title.isEmpty
                ? []
                : TextMetrics.wrap(
                    $0.title, width: figure.panelWidth - 16, fontSize: Self.panelTitleSize,
                    bold: true)
        }
        let extraTop = Double(max(0, (titles.map(\.count).max() ?? 0) - 1)) * Self.panelTitleLine
        let layouts = try figure.panels.enumerated().map { index, panel in
            try PanelLayout(
                panel: panel, index: index, width: figure.panelWidth,
                height: figure.panelHeight, extraTop: extraTop)
        }
        // Legends that fit no corner widen their grid column by the widest of them, and the
        // rows by the tallest.
        func outsideLegend(_ index: Int) -> PixelRect? {
            layouts[index].legend.flatMap { $0.outside ? $0.rect : nil }
        }
        let columnWidths = (0..<columns).map { column in
            figure.panelWidth
                + (stride(from: column, to: layouts.count, by: columns).compactMap {
                    outsideLegend($0).map { $0.width + 12 }
                }.max() ?? 0)
        }
        let columnStarts = columnWidths.indices.map { columnWidths[..<$0].reduce(0, +) }
        let cellHeight = max(
            figure.panelHeight + extraTop,
            layouts.indices.compactMap { outsideLegend($0) }.map {
                Self.marginTop + extraTop + $0.height + 12
            }.max() ?? 0)
        let width = columnWidths.reduce(0, +)
        let figureTitle =
            figure.title.map {
                TextMetrics.wrap(
                    $0, width: width - 16, fontSize: Self.figureTitleSize, bold: true)
            } ?? []
        let top =
            figureTitle.isEmpty
            ? 0 : Self.figureTitleHeight + Double(figureTitle.count - 1) * 20
        let height = top + Double(rows) * cellHeight
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
        for (line, text) in figureTitle.enumerated() {
            svg.text(
                text, x: width / 2, y: 22 + Double(line) * 20,
                [
                    ("text-anchor", "middle"), ("font-size", fmt(Self.figureTitleSize)),
                    ("font-weight", "bold"), ("class", "figure-title"),
                ])
        }
        for (index, layout) in layouts.enumerated() {
            let originX = columnStarts[index % columns]
            let originY = top + Double(index / columns) * cellHeight
            try PanelRenderer(
                layout: layout, titleLines: titles[index], originX: originX, originY: originY
            ).render(into: &svg)
        }
        svg.close("svg")
        return svg.document
    }
}

/// Where a panel's legend goes and how big it is, relative to the panel's origin.
struct LegendPlacement {
    /// The legend's box.
    var rect: PixelRect
    /// Whether it sits right of the plot area instead of inside it.
    var outside: Bool
}

/// The geometry of one panel relative to its origin (its cell's top left corner): plot area,
/// axis mappings, ticks, obstacles and the legend's place.
struct PanelLayout {
    let panel: PlotPanel
    let index: Int
    /// The panel's width (the figure's panel width, without a legend column).
    let width: Double
    let marginTop: Double
    /// The plot area.
    let plot: PixelRect
    let xMap: AxisMapping
    let yMap: AxisMapping
    let xTicks: [PlotTick]
    let yTicks: [PlotTick]
    /// The legend, nil when hidden or empty.
    var legend: LegendPlacement?

    static let legendRow = 17.0
    static let legendFont = 12.0
    static let tickFont = 12.0

    init(panel: PlotPanel, index: Int, width: Double, height: Double, extraTop: Double) throws {
        self.panel = panel
        self.index = index
        self.width = width
        marginTop = SVGRenderer.marginTop + extraTop
        let extents = try DataExtents(panel: panel, panelIndex: index)
        let xRange = try extents.x.range(for: panel.xAxis, name: "x", panel: index)
        let yRange = try extents.y.range(for: panel.yAxis, name: "y", panel: index)
        let plotHeight = height - SVGRenderer.marginTop - SVGRenderer.marginBottom
        let yMapping = AxisMapping(
            range: yRange, scale: panel.yAxis.scale, pixelLower: marginTop + plotHeight,
            pixelUpper: marginTop)
        let yTicks = Self.ticks(
            for: panel.yAxis, map: yMapping, target: max(3, Int(plotHeight / 55)),
            integral: extents.y.isIntegral)
        // The left margin holds the widest y tick label, the y axis title and a gap.
        let widestY =
            yTicks.map { TextMetrics.width($0.label, fontSize: Self.tickFont) }.max() ?? 0
        let left = max(SVGRenderer.marginLeft, widestY + 8 + 30)
        var right = SVGRenderer.marginRight
        var xMapping: AxisMapping
        var xTicks: [PlotTick]
        // The right margin holds half the last x tick label: two passes, since the ticks
        // depend on the plot's width.
        repeat {
            let plotWidth = width - left - right
            xMapping = AxisMapping(
                range: xRange, scale: panel.xAxis.scale, pixelLower: left,
                pixelUpper: left + plotWidth)
            xTicks = Self.ticks(
                for: panel.xAxis, map: xMapping, target: max(3, Int(plotWidth / 85)),
                integral: extents.x.isIntegral)
            let overhang =
                xTicks.filter { !$0.label.isEmpty }.compactMap { tick -> Double? in
                    guard let x = xMapping.pixel(tick.value) else { return nil }
                    return x + TextMetrics.width(tick.label, fontSize: Self.tickFont) / 2 + 2
                        - width
                }.max() ?? 0
            guard overhang > 0, right < SVGRenderer.marginRight + 60 else { break }
            right += overhang
        } while true
        guard width - left - right >= 40 else {
            throw IOError.invalidArgument(
                "panel \(index): tick labels leave no room to plot in \(width) px")
        }
        plot = PixelRect(
            left: left, top: marginTop, width: width - left - right, height: plotHeight)
        xMap = xMapping
        yMap = yMapping
        self.xTicks = xTicks
        self.yTicks = yTicks
        legend = placeLegend()
    }

    /// Labelled major ticks and unlabelled minor ones; on an axis whose data are whole
    /// numbers, linear ticks are whole numbers too.
    static func ticks(
        for axis: PlotAxis, map: AxisMapping, target: Int, integral: Bool
    ) -> [PlotTick] {
        func linear() -> [PlotTick] {
            let values = PlotTicks.linear(map.range, target: target, integral: integral)
                .filter { axis.scale == .linear || $0 > 0 }
            let step = values.count > 1 ? values[1] - values[0] : 1
            return zip(values, PlotTicks.labels(values, step: step)).map {
                PlotTick(value: $0, label: $1)
            }
        }
        switch axis.scale {
        case .linear:
            return linear()
        case .log:
            let major = PlotTicks.logarithmic(map.range)
            // Less than a decade without 1-2-5 values in it: linear ticks read better.
            if major.count < 2 { return linear() }
            let minor = PlotTicks.logarithmicMinor(map.range).filter { value in
                !major.contains { abs($0 - value) <= 1e-9 * value }
            }
            return zip(major, PlotTicks.logLabels(major)).map { PlotTick(value: $0, label: $1) }
                + minor.map { PlotTick(value: $0, label: "") }
        }
    }

    /// The named series' indices, in order.
    var legendEntries: [Int] {
        panel.series.indices.filter { panel.series[$0].name?.isEmpty == false }
    }

    /// The legend's size: a swatch, a gap and the longest name, a row per entry.
    var legendSize: (width: Double, height: Double) {
        let longest =
            legendEntries.map {
                TextMetrics.width(panel.series[$0].name ?? "", fontSize: Self.legendFont)
            }.max() ?? 0
        return (7 + 24 + 8 + longest + 8, Double(legendEntries.count) * Self.legendRow + 8)
    }

    /// The first clear corner (the requested one first), else outside on the right.
    func placeLegend() -> LegendPlacement? {
        guard panel.legend != .hidden, !legendEntries.isEmpty else { return nil }
        let (legendWidth, legendHeight) = legendSize
        let inset = 8.0
        func corner(_ position: LegendPosition) -> PixelRect {
            let left =
                position == .topLeft || position == .bottomLeft
                ? plot.left + inset : plot.right - inset - legendWidth
            let top =
                position == .bottomLeft || position == .bottomRight
                ? plot.bottom - inset - legendHeight : plot.top + inset
            return PixelRect(left: left, top: top, width: legendWidth, height: legendHeight)
        }
        let corners: [LegendPosition] = [.topRight, .topLeft, .bottomRight, .bottomLeft]
        let order = corners.contains(panel.legend) ? [panel.legend] + corners : corners
        let obstacles = self.obstacles()
        let fits = legendWidth <= plot.width - 2 * inset && legendHeight <= plot.height - 2 * inset
        if fits, let clear = order.first(where: { obstacles.isClear(corner($0).inset(by: 3)) }) {
            return LegendPlacement(rect: corner(clear), outside: false)
        }
        return LegendPlacement(
            rect: PixelRect(
                left: width, top: marginTop, width: legendWidth, height: legendHeight),
            outside: true)
    }

    /// Everything drawn in the plot area that a legend must not cover.
    func obstacles() -> PlotObstacles {
        var obstacles = PlotObstacles()
        for series in panel.series {
            let renderer = SeriesRenderer(
                series: series, index: 0, color: .black, xMap: xMap, yMap: yMap)
            switch series.style {
            case .line, .scatter:
                let radius = series.marker != nil || series.style == .scatter ? 5.0 : 1.5
                for (x, y) in zip(series.x, series.y) {
                    guard let px = xMap.pixel(x), let py = yMap.pixel(y) else { continue }
                    obstacles.points.append((px, py, radius))
                }
                if series.style == .line {
                    for segment in renderer.segments() {
                        for (a, b) in zip(segment, segment.dropFirst()) {
                            obstacles.segments.append((a.0, a.1, b.0, b.1))
                        }
                    }
                }
                for bar in renderer.errorBars() { obstacles.segments.append(bar) }
            case .histogram:
                let baseline = yMap.pixel(0) ?? yMap.pixelLower
                for (bin, count) in series.y.enumerated() where count > 0 {
                    guard let left = xMap.pixel(series.x[bin]),
                        let right = xMap.pixel(series.x[bin + 1]),
                        let top = yMap.pixel(count)
                    else { continue }
                    obstacles.areas.append(
                        PixelRect(
                            left: left, top: min(top, baseline), width: right - left,
                            height: abs(baseline - top)))
                }
            }
        }
        for line in panel.referenceLines {
            guard let geometry = referenceGeometry(line) else { continue }
            obstacles.segments.append(geometry.line)
            if let label = geometry.label { obstacles.areas.append(label.rect) }
        }
        return obstacles
    }

    /// Where a reference line and its label go: the label stays inside the plot area (left of
    /// a vertical line near the right edge, below a horizontal line near the top).
    func referenceGeometry(
        _ line: ReferenceLine
    ) -> (
        line: (Double, Double, Double, Double),
        label: (text: String, x: Double, y: Double, anchor: String, rect: PixelRect)?
    )? {
        let font = 11.0
        switch line.orientation {
        case .horizontal:
            guard let y = yMap.pixel(line.value), y >= plot.top - 0.5, y <= plot.bottom + 0.5
            else { return nil }
            let segment = (plot.left, y, plot.right, y)
            guard let text = line.label else { return (segment, nil) }
            let label = TextMetrics.truncate(text, width: plot.width - 8, fontSize: font)
            let labelWidth = TextMetrics.width(label, fontSize: font)
            let baseline = y - 4 - font < plot.top ? y + 4 + font : y - 4
            let rect = PixelRect(
                left: plot.right - 4 - labelWidth, top: baseline - font, width: labelWidth,
                height: font + 3)
            return (segment, (label, plot.right - 4, baseline, "end", rect))
        case .vertical:
            guard let x = xMap.pixel(line.value), x >= plot.left - 0.5, x <= plot.right + 0.5
            else { return nil }
            let segment = (x, plot.top, x, plot.bottom)
            guard let text = line.label else { return (segment, nil) }
            let label = TextMetrics.truncate(text, width: plot.width - 8, fontSize: font)
            let labelWidth = TextMetrics.width(label, fontSize: font)
            let fitsRight = x + 4 + labelWidth <= plot.right - 2
            let left = fitsRight ? x + 4 : max(plot.left + 2, x - 4 - labelWidth)
            let rect = PixelRect(left: left, top: plot.top + 3, width: labelWidth, height: font + 3)
            return (segment, (label, left, plot.top + 14, "start", rect))
        }
    }
}

/// Draws one panel.
struct PanelRenderer {
    let layout: PanelLayout
    let titleLines: [String]
    let originX: Double
    let originY: Double

    var panel: PlotPanel { layout.panel }
    var index: Int { layout.index }
    /// The plot area in the figure's coordinates.
    var plot: PixelRect {
        PixelRect(
            left: originX + layout.plot.left, top: originY + layout.plot.top,
            width: layout.plot.width, height: layout.plot.height)
    }

    /// A mapping moved to this panel's place in the figure.
    func moved(_ map: AxisMapping, by offset: Double) -> AxisMapping {
        AxisMapping(
            range: map.range, scale: map.scale, pixelLower: map.pixelLower + offset,
            pixelUpper: map.pixelUpper + offset)
    }
    var xMap: AxisMapping { moved(layout.xMap, by: originX) }
    var yMap: AxisMapping { moved(layout.yMap, by: originY) }

    func render(into svg: inout SVGWriter) throws {
        let clipID = "plot-area-\(index)"
        svg.open("g", [("class", "panel"), ("id", "panel-\(index)")])
        svg.open("defs", [])
        svg.open("clipPath", [("id", clipID)])
        svg.element("rect", plotRect)
        svg.close("clipPath")
        svg.close("defs")
        let centerX = originX + layout.width / 2
        for (line, text) in titleLines.enumerated() {
            svg.text(
                text, x: centerX, y: originY + 20 + Double(line) * SVGRenderer.panelTitleLine,
                [
                    ("text-anchor", "middle"), ("font-size", fmt(SVGRenderer.panelTitleSize)),
                    ("font-weight", "bold"), ("class", "panel-title"),
                ])
        }
        svg.element("rect", plotRect + [("class", "plot-area"), ("fill", "#ffffff")])
        if panel.showsGrid { drawGrid(into: &svg) }
        svg.open("g", [("clip-path", "url(#\(clipID))")])
        for line in panel.referenceLines { drawReference(line, into: &svg) }
        for (seriesIndex, series) in panel.series.enumerated() {
            SeriesRenderer(
                series: series, index: seriesIndex, color: color(of: seriesIndex), xMap: xMap,
                yMap: yMap
            ).render(into: &svg)
        }
        svg.close("g")
        // Labels on top of the data, with a white halo, inside the plot area by their layout.
        for line in panel.referenceLines { drawReferenceLabel(line, into: &svg) }
        svg.element(
            "rect", plotRect + [("fill", "none"), ("stroke", "#000000"), ("stroke-width", "1")])
        drawAxes(into: &svg)
        drawLegend(into: &svg)
        svg.close("g")
    }

    var plotRect: [(String, String)] {
        [
            ("x", fmt(plot.left)), ("y", fmt(plot.top)), ("width", fmt(plot.width)),
            ("height", fmt(plot.height)),
        ]
    }

    func color(of seriesIndex: Int) -> PlotColor {
        panel.series[seriesIndex].color ?? PlotColor.cycle[seriesIndex % PlotColor.cycle.count]
    }

    func drawGrid(into svg: inout SVGWriter) {
        let style = [("stroke", "#e0e0e0"), ("stroke-width", "1"), ("class", "grid")]
        for tick in layout.xTicks where !tick.label.isEmpty {
            guard let x = xMap.pixel(tick.value) else { continue }
            svg.line(x, plot.top, x, plot.bottom, style)
        }
        for tick in layout.yTicks where !tick.label.isEmpty {
            guard let y = yMap.pixel(tick.value) else { continue }
            svg.line(plot.left, y, plot.right, y, style)
        }
    }

    func drawAxes(into svg: inout SVGWriter) {
        let bottom = plot.bottom
        let tickStyle = [("stroke", "#000000"), ("stroke-width", "1")]
        let cellRight = originX + layout.width
        for tick in layout.xTicks {
            guard let x = xMap.pixel(tick.value) else { continue }
            svg.line(x, bottom, x, bottom + (tick.label.isEmpty ? 3 : 5), tickStyle)
            if !tick.label.isEmpty {
                // A label that would cross the panel's edge moves in by what it lacks.
                let half = TextMetrics.width(tick.label, fontSize: PanelLayout.tickFont) / 2
                let center = min(max(x, originX + half + 2), cellRight - half - 2)
                svg.text(
                    tick.label, x: center, y: bottom + 18,
                    [("text-anchor", "middle"), ("class", "tick-label x")])
            }
        }
        for tick in layout.yTicks {
            guard let y = yMap.pixel(tick.value) else { continue }
            svg.line(plot.left - (tick.label.isEmpty ? 3 : 5), y, plot.left, y, tickStyle)
            if !tick.label.isEmpty {
                svg.text(
                    tick.label, x: plot.left - 8, y: y + 4,
                    [("text-anchor", "end"), ("class", "tick-label y")])
            }
        }
        if !panel.xAxis.title.isEmpty {
            let (text, size) = Self.fitted(panel.xAxis.title, width: layout.width - 8, size: 13)
            svg.text(
                text, x: originX + layout.width / 2, y: bottom + 40,
                [("text-anchor", "middle"), ("font-size", fmt(size)), ("class", "axis-title x")])
        }
        if !panel.yAxis.title.isEmpty {
            let (text, size) = Self.fitted(panel.yAxis.title, width: plot.height, size: 13)
            let x = originX + 16
            let y = plot.top + plot.height / 2
            svg.text(
                text, x: x, y: y,
                [
                    ("text-anchor", "middle"), ("font-size", fmt(size)), ("class", "axis-title y"),
                    ("transform", "rotate(-90 \(fmt(x)) \(fmt(y)))"),
                ])
        }
    }

    /// `text` at `size` px, or smaller (down to 9 px), or shortened, to fit `width`.
    static func fitted(_ text: String, width: Double, size: Double) -> (String, Double) {
        let natural = TextMetrics.width(text, fontSize: size)
        guard natural > width else { return (text, size) }
        let smaller = max(9, (size * width / natural * 10).rounded(.down) / 10)
        return (TextMetrics.truncate(text, width: width, fontSize: smaller), smaller)
    }

    func drawReference(_ line: ReferenceLine, into svg: inout SVGWriter) {
        var style = [
            ("stroke", line.color.hex), ("stroke-width", "1.2"), ("class", "reference"),
        ]
        if line.dashed { style.append(("stroke-dasharray", "6 4")) }
        guard let geometry = layout.referenceGeometry(line) else { return }
        let (x1, y1, x2, y2) = geometry.line
        svg.line(x1 + originX, y1 + originY, x2 + originX, y2 + originY, style)
    }

    func drawReferenceLabel(_ line: ReferenceLine, into svg: inout SVGWriter) {
        guard let label = layout.referenceGeometry(line)?.label else { return }
        svg.text(
            label.text, x: label.x + originX, y: label.y + originY,
            [
                ("fill", line.color.hex), ("font-size", "11"), ("text-anchor", label.anchor),
                ("stroke", "#ffffff"), ("stroke-width", "3"), ("paint-order", "stroke"),
                ("class", "reference-label"),
            ])
    }

    func drawLegend(into svg: inout SVGWriter) {
        guard let placement = layout.legend else { return }
        let rect = PixelRect(
            left: placement.rect.left + originX, top: placement.rect.top + originY,
            width: placement.rect.width, height: placement.rect.height)
        svg.open("g", [("class", placement.outside ? "legend outside" : "legend")])
        svg.element(
            "rect",
            [
                ("x", fmt(rect.left)), ("y", fmt(rect.top)), ("width", fmt(rect.width)),
                ("height", fmt(rect.height)), ("fill", "#ffffff"), ("fill-opacity", "0.85"),
                ("stroke", "#bbbbbb"), ("rx", "3"), ("class", "legend-box"),
            ])
        for (row, seriesIndex) in layout.legendEntries.enumerated() {
            let y = rect.top + 4 + PanelLayout.legendRow * (Double(row) + 0.5)
            let renderer = SeriesRenderer(
                series: panel.series[seriesIndex], index: seriesIndex,
                color: color(of: seriesIndex), xMap: xMap, yMap: yMap)
            renderer.drawSwatch(x: rect.left + 7, y: y, width: 24, into: &svg)
            svg.text(panel.series[seriesIndex].name!, x: rect.left + 7 + 24 + 8, y: y + 4, [])
        }
        svg.close("g")
    }
}

/// Formats a pixel coordinate with at most two decimals.
func fmt(_ value: Double) -> String {
    var text = String(format: "%.2f", value)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text == "-0" ? "0" : text
}
