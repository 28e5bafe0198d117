import Foundation

/// A colour of a plot, as `#rrggbb`.
public struct PlotColor: Sendable, Equatable, Hashable, Codable {
    /// The colour as `#rrggbb`.
    public let hex: String

    /// A colour from `#rrggbb` (or `#rgb`).
    /// - Throws: ``IOError/invalidArgument(_:)`` for anything else.
    public init(hex: String) throws {
        let digits = hex.hasPrefix("#") ? hex.dropFirst() : Substring(hex)
        guard digits.count == 6 || digits.count == 3, digits.allSatisfy(\.isHexDigit) else {
            throw IOError.invalidArgument("colour '\(hex)' is not #rrggbb")
        }
        self.hex = "#" + digits.lowercased()
    }

    private init(unchecked hex: String) { self.hex = hex }

    /// The colour cycle: Okabe and Ito's palette, distinguishable with the common forms of
    /// colour blindness, ordered so that the first colours contrast most on white.
    public static let cycle: [PlotColor] = [
        "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#f0e442",
    ].map { PlotColor(unchecked: $0) }

    /// Black.
    public static let black = PlotColor(unchecked: "#000000")
    /// The mid grey of reference lines.
    public static let gray = PlotColor(unchecked: "#666666")
}

/// How an axis maps values to positions.
public enum AxisScale: String, Sendable, Codable, CaseIterable {
    /// Equal distances for equal differences.
    case linear
    /// Equal distances for equal ratios (base 10); only positive values are drawn.
    case log
}

/// One axis of a ``PlotPanel``.
public struct PlotAxis: Sendable, Equatable {
    /// The quantity, for example `Membrane voltage`.
    public var label: String
    /// The unit, shown in parentheses after the label, for example `mV`.
    public var unit: String?
    /// Linear or logarithmic.
    public var scale: AxisScale
    /// A fixed range; nil fits the data (with a 5 % margin).
    public var range: ClosedRange<Double>?

    /// An axis titled `label (unit)`.
    public init(
        _ label: String = "", unit: String? = nil, scale: AxisScale = .linear,
        range: ClosedRange<Double>? = nil
    ) {
        self.label = label
        self.unit = unit
        self.scale = scale
        self.range = range
    }

    /// The text under (or beside) the axis.
    public var title: String {
        guard let unit, !unit.isEmpty else { return label }
        return label.isEmpty ? "(\(unit))" : "\(label) (\(unit))"
    }
}

/// The symbol drawn at each point of a series.
public enum PlotMarker: String, Sendable, Codable, CaseIterable {
    /// A filled circle.
    case circle
    /// A filled square.
    case square
    /// A filled triangle, pointing up.
    case triangle
    /// A filled square standing on a corner.
    case diamond
}

/// Where a panel's legend sits inside its plot area.
public enum LegendPosition: String, Sendable, Codable, CaseIterable {
    /// The corner that covers the fewest data points (the default; ties go to the upper right).
    case best
    /// The upper right corner.
    case topRight
    /// The upper left corner.
    case topLeft
    /// The lower right corner.
    case bottomRight
    /// The lower left corner.
    case bottomLeft
    /// No legend.
    case hidden
}

/// One data series of a ``PlotPanel``.
public struct PlotSeries: Sendable, Equatable {
    /// How the points are drawn.
    public enum Style: String, Sendable, Codable {
        /// Points joined by straight lines.
        case line
        /// Markers only.
        case scatter
        /// A histogram: `x` holds the n + 1 bin edges, `y` the n counts; drawn as a filled,
        /// semi-transparent step outline so that several overlay.
        case histogram
    }

    /// The legend entry; nil leaves the series out of the legend.
    public var name: String?
    /// Horizontal positions (bin edges for a histogram).
    public var x: [Double]
    /// Vertical positions (counts for a histogram).
    public var y: [Double]
    /// Symmetric vertical error bars (one half-length per point), if any.
    public var yErrors: [Double]?
    /// How the points are drawn.
    public var style: Style
    /// The point symbol; nil draws none (lines and histograms).
    public var marker: PlotMarker?
    /// Whether lines are dashed.
    public var dashed: Bool
    /// A fixed colour; nil takes the next colour of ``PlotColor/cycle``.
    public var color: PlotColor?
    /// Line width, in pixels.
    public var lineWidth: Double
    /// Opacity of a histogram's fill, 0...1.
    public var fillOpacity: Double

    /// Points joined by lines, optionally with markers, dashes and error bars.
    public static func line(
        _ name: String? = nil, x: [Double], y: [Double], yErrors: [Double]? = nil,
        marker: PlotMarker? = nil, dashed: Bool = false, color: PlotColor? = nil,
        lineWidth: Double = 1.5
    ) -> PlotSeries {
        PlotSeries(
            name: name, x: x, y: y, yErrors: yErrors, style: .line, marker: marker,
            dashed: dashed, color: color, lineWidth: lineWidth, fillOpacity: 0)
    }

    /// Markers without lines, optionally with error bars.
    public static func scatter(
        _ name: String? = nil, x: [Double], y: [Double], yErrors: [Double]? = nil,
        marker: PlotMarker = .circle, color: PlotColor? = nil
    ) -> PlotSeries {
        PlotSeries(
            name: name, x: x, y: y, yErrors: yErrors, style: .scatter, marker: marker,
            dashed: false, color: color, lineWidth: 1, fillOpacity: 0)
    }

    /// A histogram of `counts` over bins with `binEdges` (one more edge than counts).
    public static func histogram(
        _ name: String? = nil, binEdges: [Double], counts: [Double], color: PlotColor? = nil,
        fillOpacity: Double = 0.35
    ) -> PlotSeries {
        PlotSeries(
            name: name, x: binEdges, y: counts, yErrors: nil, style: .histogram, marker: nil,
            dashed: false, color: color, lineWidth: 1.5, fillOpacity: fillOpacity)
    }

    /// A histogram of `values` counted in the bins with `binEdges` (see
    /// ``HistogramBins/counts(of:binEdges:)``).
    public static func histogram(
        _ name: String? = nil, values: [Double], binEdges: [Double], color: PlotColor? = nil,
        fillOpacity: Double = 0.35
    ) throws -> PlotSeries {
        histogram(
            name, binEdges: binEdges,
            counts: try HistogramBins.counts(of: values, binEdges: binEdges),
            color: color, fillOpacity: fillOpacity)
    }
}

/// Counting values into bins.
public enum HistogramBins {
    /// `count + 1` equally spaced edges from `lower` to `upper`.
    public static func edges(from lower: Double, to upper: Double, count: Int) -> [Double] {
        guard count > 0 else { return [lower] }
        return (0...count).map { lower + (upper - lower) * Double($0) / Double(count) }
    }

    /// How many of `values` fall in each bin [edgeᵢ, edgeᵢ₊₁); the last bin includes its upper
    /// edge. Values outside the edges and NaN are not counted.
    /// - Throws: ``IOError/invalidArgument(_:)`` unless there are two or more finite,
    ///   increasing edges.
    public static func counts(of values: [Double], binEdges: [Double]) throws -> [Double] {
        guard binEdges.count >= 2, binEdges.allSatisfy(\.isFinite),
            zip(binEdges, binEdges.dropFirst()).allSatisfy({ $0 < $1 })
        else {
            throw IOError.invalidArgument("histogram bin edges must be 2+ increasing numbers")
        }
        var counts = [Double](repeating: 0, count: binEdges.count - 1)
        for value in values where value >= binEdges[0] && value <= binEdges[binEdges.count - 1] {
            // The last edge not above the value: binary search.
            var low = 0
            var high = binEdges.count - 1
            while high - low > 1 {
                let middle = (low + high) / 2
                if binEdges[middle] <= value { low = middle } else { high = middle }
            }
            counts[low] += 1
        }
        return counts
    }
}

/// A horizontal or vertical line across a panel, marking a reference value.
public struct ReferenceLine: Sendable, Equatable {
    /// The direction of the line.
    public enum Orientation: String, Sendable, Codable {
        /// At a y value, across the whole width.
        case horizontal
        /// At an x value, across the whole height.
        case vertical
    }

    /// The direction of the line.
    public var orientation: Orientation
    /// The y (horizontal) or x (vertical) value, in data units.
    public var value: Double
    /// A text written along the line, at its end.
    public var label: String?
    /// The line's colour.
    public var color: PlotColor
    /// Whether the line is dashed.
    public var dashed: Bool

    /// A line at y = `y`.
    public static func horizontal(
        at y: Double, label: String? = nil, color: PlotColor = .gray, dashed: Bool = true
    ) -> ReferenceLine {
        ReferenceLine(
            orientation: .horizontal, value: y, label: label, color: color, dashed: dashed)
    }

    /// A line at x = `x`.
    public static func vertical(
        at x: Double, label: String? = nil, color: PlotColor = .gray, dashed: Bool = true
    ) -> ReferenceLine {
        ReferenceLine(orientation: .vertical, value: x, label: label, color: color, dashed: dashed)
    }
}

/// One plot: axes, series, reference lines and a legend.
public struct PlotPanel: Sendable, Equatable {
    /// The title above the plot.
    public var title: String
    /// The horizontal axis.
    public var xAxis: PlotAxis
    /// The vertical axis.
    public var yAxis: PlotAxis
    /// The series, drawn in order (later on top).
    public var series: [PlotSeries]
    /// Reference lines, drawn below the series.
    public var referenceLines: [ReferenceLine]
    /// Where the legend goes.
    public var legend: LegendPosition
    /// Whether light grid lines mark the major ticks.
    public var showsGrid: Bool

    /// A panel.
    public init(
        title: String = "", x: PlotAxis = PlotAxis(), y: PlotAxis = PlotAxis(),
        series: [PlotSeries] = [],
        referenceLines: [ReferenceLine] = [], legend: LegendPosition = .best,
        showsGrid: Bool = true
    ) {
        self.title = title
        self.xAxis = x
        self.yAxis = y
        self.series = series
        self.referenceLines = referenceLines
        self.legend = legend
        self.showsGrid = showsGrid
    }
}

/// A figure of one or more panels in a grid, rendered as a standalone SVG.
public struct Figure: Sendable, Equatable {
    /// The panels, filling the grid row by row.
    public var panels: [PlotPanel]
    /// The number of panel columns of the grid.
    public var columns: Int
    /// A title above all panels.
    public var title: String?
    /// The width of one panel, in pixels (SVG user units).
    public var panelWidth: Double
    /// The height of one panel, in pixels.
    public var panelHeight: Double

    /// A figure; `columns` is clamped to 1...panels.count.
    public init(
        title: String? = nil, panels: [PlotPanel], columns: Int = 1, panelWidth: Double = 440,
        panelHeight: Double = 320
    ) {
        self.title = title
        self.panels = panels
        self.columns = columns
        self.panelWidth = panelWidth
        self.panelHeight = panelHeight
    }

    /// The figure as a standalone SVG document.
    /// - Throws: ``IOError/invalidArgument(_:)`` for series of inconsistent lengths, bad fixed
    ///   ranges, or sizes too small to draw in.
    public func svg() throws -> String { try SVGRenderer(figure: self).render() }

    /// Writes ``svg()`` to `path` atomically.
    public func write(to path: String) throws {
        try FileIO.writeAtomically(svg(), to: path)
    }
}
