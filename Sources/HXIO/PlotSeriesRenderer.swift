import Foundation

/// The extent of a panel's data along one axis, and the values the axis should not pad past.
struct AxisExtent {
    var values: [Double] = []
    /// Edges the data stops at by nature (a histogram's zero and outer bin edges): automatic
    /// ranges end exactly there instead of adding a margin beyond them.
    var sticky: [Double] = []

    /// Whether the data are whole numbers (seeds, counts, numSends): linear ticks between whole
    /// numbers would label values the data cannot take.
    var isIntegral: Bool {
        let finite = values.filter(\.isFinite)
        return !finite.isEmpty && finite.allSatisfy { $0 == $0.rounded() }
    }

    /// The axis range: the fixed one if given, else the data's with a 5 % margin.
    func range(for axis: PlotAxis, name: String, panel: Int) throws -> ClosedRange<Double> {
        if let fixed = axis.range {
            guard fixed.lowerBound.isFinite, fixed.upperBound.isFinite,
                fixed.lowerBound < fixed.upperBound
            else {
                throw IOError.invalidArgument(
                    "panel \(panel): \(name) range \(fixed) must be finite and of positive width")
            }
            guard axis.scale == .linear || fixed.lowerBound > 0 else {
                throw IOError.invalidArgument(
                    "panel \(panel): log \(name) axis needs a positive range, got \(fixed)")
            }
            return fixed
        }
        let usable = values.filter { $0.isFinite && (axis.scale == .linear || $0 > 0) }
        guard let low = usable.min(), let high = usable.max() else {
            return axis.scale == .linear ? 0...1 : 1...10
        }
        switch axis.scale {
        case .linear:
            var lower: Double
            var upper: Double
            if high > low {
                let margin = 0.05 * (high - low)
                (lower, upper) = (low - margin, high + margin)
            } else {
                let half = low == 0 ? 1 : abs(low) * 0.1
                (lower, upper) = (low - half, high + half)
            }
            for edge in sticky {
                if low >= edge && lower < edge { lower = edge }
                if high <= edge && upper > edge { upper = edge }
            }
            return lower...upper
        case .log:
            let (logLow, logHigh) = (log10(low), log10(high))
            let margin = high > low ? 0.05 * (logHigh - logLow) : 0.5
            var lower = pow(10, logLow - margin)
            var upper = pow(10, logHigh + margin)
            for edge in sticky where edge > 0 {
                if low >= edge && lower < edge { lower = edge }
                if high <= edge && upper > edge { upper = edge }
            }
            return lower...upper
        }
    }
}

/// The x and y extents of a panel's series and reference lines; validates the series.
struct DataExtents {
    var x = AxisExtent()
    var y = AxisExtent()

    init(panel: PlotPanel, panelIndex: Int) throws {
        for (index, series) in panel.series.enumerated() {
            let name = "panel \(panelIndex), series \(index) (\(series.name ?? "unnamed"))"
            switch series.style {
            case .line, .scatter:
                guard series.x.count == series.y.count else {
                    throw IOError.invalidArgument(
                        "\(name): \(series.x.count) x values for \(series.y.count) y values")
                }
                x.values += series.x
                y.values += series.y
                if let errors = series.yErrors {
                    guard errors.count == series.y.count else {
                        throw IOError.invalidArgument(
                            "\(name): \(errors.count) error bars for \(series.y.count) points")
                    }
                    for (value, error) in zip(series.y, errors) where error.isFinite {
                        guard error >= 0 else {
                            throw IOError.invalidArgument("\(name): negative error bar \(error)")
                        }
                        y.values += [value - error, value + error]
                    }
                }
            case .histogram:
                guard series.x.count == series.y.count + 1, series.y.count > 0 else {
                    throw IOError.invalidArgument(
                        "\(name): a histogram needs one more bin edge than counts, got "
                            + "\(series.x.count) edges and \(series.y.count) counts")
                }
                guard zip(series.x, series.x.dropFirst()).allSatisfy({ $0 < $1 }) else {
                    throw IOError.invalidArgument("\(name): bin edges must increase")
                }
                x.values += series.x
                x.sticky += [series.x[0], series.x[series.x.count - 1]]
                y.values += series.y + [0]
                y.sticky.append(0)
            }
        }
        for line in panel.referenceLines {
            switch line.orientation {
            case .horizontal: y.values.append(line.value)
            case .vertical: x.values.append(line.value)
            }
        }
    }
}

/// Draws one series (and its legend swatch).
struct SeriesRenderer {
    let series: PlotSeries
    let index: Int
    let color: PlotColor
    let xMap: AxisMapping
    let yMap: AxisMapping

    var strokeStyle: [(String, String)] {
        var style = [
            ("fill", "none"), ("stroke", color.hex), ("stroke-width", fmt(series.lineWidth)),
            ("stroke-linejoin", "round"),
        ]
        if series.dashed { style.append(("stroke-dasharray", "7 4")) }
        return style
    }

    func render(into svg: inout SVGWriter) {
        svg.open("g", [("class", "series series-\(index)")])
        switch series.style {
        case .line:
            drawErrorBars(into: &svg)
            let segments = segments()
            for segment in segments where segment.count > 1 {
                let points = segment.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " ")
                svg.element("polyline", [("points", points)] + strokeStyle)
            }
            if let marker = series.marker {
                drawMarkers(marker, into: &svg)
            } else {
                // A point with no neighbour draws no line: a marker shows it.
                for segment in segments where segment.count == 1 {
                    drawMarker(.circle, x: segment[0].0, y: segment[0].1, into: &svg)
                }
            }
        case .scatter:
            drawErrorBars(into: &svg)
            drawMarkers(series.marker ?? .circle, into: &svg)
        case .histogram:
            drawHistogram(into: &svg)
        }
        svg.close("g")
    }

    /// Runs of drawable points; a NaN (or a non-positive value on a log axis) breaks the line.
    func segments() -> [[(Double, Double)]] {
        var result: [[(Double, Double)]] = [[]]
        for (x, y) in zip(series.x, series.y) {
            if let px = xMap.pixel(x), let py = yMap.pixel(y) {
                result[result.count - 1].append((px, py))
            } else if !result[result.count - 1].isEmpty {
                result.append([])
            }
        }
        return result.filter { !$0.isEmpty }
    }

    func drawMarkers(_ marker: PlotMarker, into svg: inout SVGWriter) {
        for (x, y) in zip(series.x, series.y) {
            guard let px = xMap.pixel(x), let py = yMap.pixel(y) else { continue }
            drawMarker(marker, x: px, y: py, into: &svg)
        }
    }

    func drawMarker(_ marker: PlotMarker, x: Double, y: Double, into svg: inout SVGWriter) {
        let r = 3.5
        let style = [
            ("fill", color.hex), ("fill-opacity", "0.85"), ("stroke", color.hex),
            ("stroke-width", "0.8"), ("class", "marker"),
        ]
        switch marker {
        case .circle:
            svg.element("circle", [("cx", fmt(x)), ("cy", fmt(y)), ("r", fmt(r))] + style)
        case .square:
            svg.element(
                "rect",
                [
                    ("x", fmt(x - r)), ("y", fmt(y - r)), ("width", fmt(2 * r)),
                    ("height", fmt(2 * r)),
                ]
                    + style)
        case .triangle:
            let points = [(x, y - 1.2 * r), (x + 1.1 * r, y + 0.8 * r), (x - 1.1 * r, y + 0.8 * r)]
            svg.element("polygon", [("points", pointList(points))] + style)
        case .diamond:
            let d = 1.3 * r
            let points = [(x, y - d), (x + d, y), (x, y + d), (x - d, y)]
            svg.element("polygon", [("points", pointList(points))] + style)
        }
    }

    /// The segments of the error bars: the bar and its caps.
    func errorBars() -> [(Double, Double, Double, Double)] {
        guard let errors = series.yErrors else { return [] }
        var segments: [(Double, Double, Double, Double)] = []
        for ((x, y), error) in zip(zip(series.x, series.y), errors) where error.isFinite {
            guard let px = xMap.pixel(x), let top = yMap.pixel(y + error) else { continue }
            // On a log axis the lower end may be at or below zero: draw it to the bottom edge.
            let bottom = yMap.pixel(y - error) ?? yMap.pixelLower
            segments.append((px, bottom, px, top))
            segments.append((px - 3, top, px + 3, top))
            if yMap.pixel(y - error) != nil { segments.append((px - 3, bottom, px + 3, bottom)) }
        }
        return segments
    }

    func drawErrorBars(into svg: inout SVGWriter) {
        let style = [("stroke", color.hex), ("stroke-width", "1"), ("class", "error-bar")]
        for (x1, y1, x2, y2) in errorBars() { svg.line(x1, y1, x2, y2, style) }
    }

    /// A closed step outline from the baseline over every bin and back, filled translucently.
    func drawHistogram(into svg: inout SVGWriter) {
        let edges = series.x.compactMap { xMap.pixel($0) }
        guard edges.count == series.x.count else { return }
        // The baseline is y = 0, or the bottom of the plot when 0 is not drawable (log axes).
        let baseline = yMap.pixel(0) ?? yMap.pixelLower
        var points = [(edges[0], baseline)]
        for (bin, count) in series.y.enumerated() {
            let top = yMap.pixel(count) ?? baseline
            points += [(edges[bin], top), (edges[bin + 1], top)]
        }
        points.append((edges[edges.count - 1], baseline))
        svg.element(
            "polygon",
            [
                ("points", pointList(points)), ("fill", color.hex),
                ("fill-opacity", fmt(series.fillOpacity)), ("stroke", color.hex),
                ("stroke-width", fmt(series.lineWidth)), ("stroke-linejoin", "miter"),
            ])
    }

    /// The legend symbol: a line (with its dash and marker), a marker, or a filled box.
    func drawSwatch(x: Double, y: Double, width: Double, into svg: inout SVGWriter) {
        switch series.style {
        case .line:
            svg.element(
                "polyline", [("points", pointList([(x, y), (x + width, y)]))] + strokeStyle)
            if let marker = series.marker { drawMarker(marker, x: x + width / 2, y: y, into: &svg) }
        case .scatter:
            drawMarker(series.marker ?? .circle, x: x + width / 2, y: y, into: &svg)
        case .histogram:
            svg.element(
                "rect",
                [
                    ("x", fmt(x)), ("y", fmt(y - 5)), ("width", fmt(width)), ("height", "10"),
                    ("fill", color.hex), ("fill-opacity", fmt(series.fillOpacity)),
                    ("stroke", color.hex), ("stroke-width", fmt(series.lineWidth)),
                ])
        }
    }

    private func pointList(_ points: [(Double, Double)]) -> String {
        points.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " ")
    }
}
