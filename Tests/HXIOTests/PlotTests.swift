import Foundation
import HXTestSupport
import Testing

@testable import HXIO

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The elements of a parsed XML document, with attributes and text, in document order.
final class XMLElements: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
        /// The `class` attributes of the enclosing elements, innermost last.
        var ancestorClasses: [String]
    }
    var elements: [Element] = []
    var error: (any Error)?
    private var stack: [Int] = []

    /// Parses `svg`; nil when it is not well-formed XML.
    static func parse(_ svg: String) -> XMLElements? {
        let collector = XMLElements()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        return parser.parse() && collector.error == nil ? collector : nil
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName: String?, attributes: [String: String]
    ) {
        let classes = stack.compactMap { elements[$0].attributes["class"] }
        elements.append(
            Element(name: elementName, attributes: attributes, ancestorClasses: classes))
        stack.append(elements.count - 1)
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
        qualifiedName: String?
    ) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let last = stack.last { elements[last].text += string }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        error = parseError
    }

    func all(_ name: String) -> [Element] { elements.filter { $0.name == name } }

    /// The plot area, the `rect` of class `plot-area`, in pixels.
    func plotArea() throws -> (left: Double, top: Double, width: Double, height: Double) {
        let area = try #require(all("rect").first { $0.attributes["class"] == "plot-area" })
        func number(_ name: String) throws -> Double {
            try #require(area.attributes[name].flatMap(Double.init), "plot area's \(name)")
        }
        return (try number("x"), try number("y"), try number("width"), try number("height"))
    }
}

/// "x,y x,y ..." as pairs.
func points(_ text: String?) -> [(Double, Double)] {
    (text ?? "").split(separator: " ").map { pair in
        let parts = pair.split(separator: ",").map { Double($0)! }
        return (parts[0], parts[1])
    }
}

@Suite("SVG figures")
struct PlotTests {
    func demoFigure() throws -> Figure {
        let x = (0...20).map { Double($0) * 0.5 }
        let before = (0..<400).map { sin(Double($0)) * 2 }
        let after = (0..<400).map { sin(Double($0) * 1.3) }
        let edges = HistogramBins.edges(from: -2.5, to: 2.5, count: 20)
        return Figure(
            title: "Calibration <before> & \"after\"",
            panels: [
                PlotPanel(
                    title: "Membrane trace",
                    x: PlotAxis("Time", unit: "µs"), y: PlotAxis("Voltage", unit: "mV"),
                    series: [
                        .line("mean", x: x, y: x.map { $0 * $0 }, marker: .circle),
                        .line("fit", x: x, y: x.map { $0 * $0 + 1 }, dashed: true),
                        .scatter(
                            "measured", x: x, y: x.map { $0 * $0 + 2 },
                            yErrors: x.map { _ in 3 }, marker: .diamond),
                    ],
                    referenceLines: [.horizontal(at: 50, label: "threshold 50 mV")]),
                PlotPanel(
                    title: "Gain spread", x: PlotAxis("Gain", unit: "LSB/V"),
                    y: PlotAxis("Neurons"),
                    series: [
                        try .histogram("before", values: before, binEdges: edges),
                        try .histogram("after", values: after, binEdges: edges),
                    ],
                    referenceLines: [.vertical(at: 0, label: "target")], legend: .topLeft),
                PlotPanel(
                    title: "Noise\u{1}", x: PlotAxis("Frequency", unit: "Hz", scale: .log),
                    y: PlotAxis("Power", unit: "V²/Hz", scale: .log),
                    series: [
                        .line(
                            "spectrum", x: [1, 10, 100, 1000, 10000],
                            y: [1e-3, 1e-5, 1e-7, 0, 1e-9], marker: .square)
                    ]),
            ], columns: 2)
    }

    @Test("the SVG is well-formed XML with escaped text")
    func wellFormed() throws {
        let svg = try demoFigure().svg()
        let parsed = try #require(XMLElements.parse(svg), "XMLParser rejected the SVG")
        #expect(parsed.elements.first?.name == "svg")
        let texts = parsed.all("text").map(\.text)
        #expect(texts.contains("Calibration <before> & \"after\""))
        #expect(texts.contains("Noise\u{FFFD}"))
        #expect(texts.contains("Time (µs)") && texts.contains("Voltage (mV)"))
        #expect(texts.contains("threshold 50 mV"))
        #expect(parsed.all("g").filter { $0.attributes["class"] == "panel" }.count == 3)
        // Three panels in two columns: two rows of 320 px under the 32 px title.
        #expect(parsed.elements[0].attributes["width"] == "880")
        #expect(parsed.elements[0].attributes["height"] == "672")
    }

    @Test("line points map to pixels of the plot area by the fixed axis ranges")
    func pixelMapping() throws {
        let figure = Figure(panels: [
            PlotPanel(
                x: PlotAxis(range: 0...10), y: PlotAxis(range: -1...1),
                series: [.line(x: [0, 5, 10, 2.5], y: [-1, 0, 1, 0.5])])
        ])
        let parsed = try #require(XMLElements.parse(try figure.svg()))
        let (left, top, width, height) = try parsed.plotArea()
        let line = try #require(
            parsed.all("polyline").first { $0.ancestorClasses.last == "series series-0" })
        let expected = [
            (left, top + height), (left + width / 2, top + height / 2), (left + width, top),
            (left + width / 4, top + height / 4),
        ]
        let got = points(line.attributes["points"])
        #expect(got.count == expected.count)
        for (g, e) in zip(got, expected) {
            #expect(abs(g.0 - e.0) < 0.01 && abs(g.1 - e.1) < 0.01, "got \(g), expected \(e)")
        }
    }

    @Test("on log axes a decade is a fixed distance and non-positive values break the line")
    func logMapping() throws {
        let figure = Figure(panels: [
            PlotPanel(
                x: PlotAxis(scale: .log, range: 1...1000),
                y: PlotAxis(scale: .log, range: 0.1...10),
                series: [.line(x: [1, 10, 100, 1000], y: [0.1, 1, -1, 10])])
        ])
        let parsed = try #require(XMLElements.parse(try figure.svg()))
        let (left, top, width, height) = try parsed.plotArea()
        let lines = parsed.all("polyline").filter { $0.ancestorClasses.last == "series series-0" }
        // The point after the break has no neighbour: no line, a marker shows it.
        #expect(lines.count == 1)
        let isolated = parsed.all("circle").filter { $0.ancestorClasses.last == "series series-0" }
        #expect(isolated.count == 1)
        let cx = Double(isolated.first?.attributes["cx"] ?? "") ?? 0
        #expect(abs(cx - (left + width)) < 0.01)
        let first = points(lines.first?.attributes["points"])
        #expect(first.count == 2)
        #expect(abs(first[1].0 - (left + width / 3)) < 0.01)
        #expect(abs(first[1].1 - (top + height / 2)) < 0.01)
        let labels = parsed.all("text").filter { $0.attributes["class"] == "tick-label x" }
        #expect(labels.map(\.text) == ["1", "10", "100", "1000"])
    }

    @Test("a log axis narrower than the 1-2-5 values still gets two or more labelled ticks")
    func narrowLog() throws {
        func labels(_ x: [Double]) throws -> [String] {
            let figure = Figure(panels: [
                PlotPanel(
                    x: PlotAxis(scale: .log, range: 3...4), series: [.line(x: x, y: [1, 2])])
            ])
            let parsed = try #require(XMLElements.parse(try figure.svg()))
            return parsed.all("text").filter { $0.attributes["class"] == "tick-label x" }.map(
                \.text)
        }
        #expect(try labels([3.1, 3.9]) == ["3.00", "3.25", "3.50", "3.75", "4.00"])
        // Whole-number data (seeds, counts) get whole-number ticks only.
        #expect(try labels([3, 4]) == ["3", "4"])
    }

    @Test("a histogram's automatic y range starts at exactly zero and ends at the bin edges")
    func histogramBaseline() throws {
        let figure = Figure(panels: [
            PlotPanel(series: [.histogram(binEdges: [0, 1, 2, 3], counts: [2, 5, 1])])
        ])
        let parsed = try #require(XMLElements.parse(try figure.svg()))
        let area = try parsed.plotArea()
        let (bottom, left, right) = (area.top + area.height, area.left, area.left + area.width)
        let polygon = try #require(
            parsed.all("polygon").first { $0.ancestorClasses.last == "series series-0" })
        let outline = points(polygon.attributes["points"])
        #expect(outline.count == 8)
        #expect(abs(outline[0].0 - left) < 0.01 && abs(outline[0].1 - bottom) < 0.01)
        #expect(abs(outline[7].0 - right) < 0.01 && abs(outline[7].1 - bottom) < 0.01)
        #expect(polygon.attributes["fill-opacity"] == "0.35")
    }

    @Test("series take the colour-blind-safe cycle in order unless given a colour")
    func colours() throws {
        let red = try PlotColor(hex: "#FF0000")
        let figure = Figure(panels: [
            PlotPanel(series: [
                .line("a", x: [0, 1], y: [0, 1]), .line("b", x: [0, 1], y: [1, 0], color: red),
                .scatter("c", x: [0.5], y: [0.5]),
            ])
        ])
        let parsed = try #require(XMLElements.parse(try figure.svg()))
        func colour(_ index: Int) -> String? {
            parsed.elements.first {
                $0.ancestorClasses.last == "series series-\(index)"
            }.flatMap { $0.attributes["stroke"] }
        }
        #expect(colour(0) == "#0072b2")
        #expect(colour(1) == "#ff0000")
        #expect(colour(2) == "#009e73")
        let legend = parsed.all("text").filter {
            $0.ancestorClasses.last?.hasPrefix("legend") == true
        }
        #expect(legend.map(\.text) == ["a", "b", "c"])
        #expect(throws: IOError.self) { try PlotColor(hex: "red") }
    }

    @Test("inconsistent series and impossible ranges are errors, not broken figures")
    func invalid() {
        #expect(throws: IOError.self) {
            try Figure(panels: [PlotPanel(series: [.line(x: [1, 2], y: [1])])]).svg()
        }
        #expect(throws: IOError.self) {
            try Figure(panels: [PlotPanel(series: [.histogram(binEdges: [0, 1], counts: [1, 2])])])
                .svg()
        }
        #expect(throws: IOError.self) {
            try Figure(panels: [PlotPanel(x: PlotAxis(scale: .log, range: -1...10))]).svg()
        }
        #expect(throws: IOError.self) { try Figure(panels: []).svg() }
    }

    @Test("a figure is written atomically to its path")
    func write() throws {
        let directory = try TemporaryDirectory()
        try demoFigure().write(to: directory.file("demo.svg"))
        let text = try FileIO.readText(path: directory.file("demo.svg"))
        #expect(text.hasPrefix("<?xml"))
        if let keep = ProcessInfo.processInfo.environment["HXIO_KEEP_DEMO_SVG"] {
            try FileIO.writeAtomically(text, to: keep)
        }
    }
}

@Suite("Nice ticks")
struct TickTests {
    @Test("nice steps are 1, 2, 2.5 or 5 times a power of ten, the smallest not below the raw step")
    func steps() {
        #expect(PlotTicks.niceStep(atLeast: 0.13) == 0.2)
        #expect(PlotTicks.niceStep(atLeast: 0.3 / 0.1 / 10) == 0.5)
        #expect(PlotTicks.niceStep(atLeast: 2.1) == 2.5)
        #expect(PlotTicks.niceStep(atLeast: 7) == 10)
        #expect(PlotTicks.niceStep(atLeast: 3e-12) == 5e-12)
    }

    @Test("linear ticks: hand-worked examples")
    func examples() {
        #expect(PlotTicks.linear(0...1, target: 5) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        #expect(
            PlotTicks.linear(-3.7...12.2, target: 6)
                == [-2.5, 0, 2.5, 5, 7.5, 10, 12.5].filter { $0 <= 12.2 })
        #expect(PlotTicks.linear(0.95...1.05, target: 5) == [0.96, 0.98, 1, 1.02, 1.04])
    }

    @Test(
        "linear ticks cover the range with evenly spaced nice values",
        arguments: [
            (0.0, 1.0), (-3.7, 12.2), (1e-12, 9e-12), (-1e6, 3e7), (0.999, 1.001), (-5, -4.9),
            (123.4, 123.5), (0, 255),
        ])
    func covering(lower: Double, upper: Double) {
        let ticks = PlotTicks.linear(lower...upper, target: 6)
        #expect(ticks.count >= 2 && ticks.count <= 12, "\(ticks)")
        let step = ticks[1] - ticks[0]
        let mantissa = step / pow(10, log10(step).rounded(.down))
        #expect([1, 2, 2.5, 5].contains { abs($0 - mantissa) < 1e-6 }, "step \(step)")
        #expect(ticks.allSatisfy { $0 >= lower - 1e-9 * step && $0 <= upper + 1e-9 * step })
        // Covering: no further multiple of the step fits at either end.
        #expect(ticks[0] - step < lower && ticks[ticks.count - 1] + step > upper)
        for (a, b) in zip(ticks, ticks.dropFirst()) { #expect(abs((b - a) - step) < 1e-6 * step) }
    }

    @Test("log ticks are decades, with 2× and 5× on short ranges")
    func logarithmic() {
        #expect(PlotTicks.logarithmic(1...1000) == [1, 10, 100, 1000])
        #expect(PlotTicks.logarithmic(0.5...20) == [0.5, 1, 2, 5, 10, 20])
        #expect(PlotTicks.logarithmic(1e-12...1e12).count == 13)
    }

    @Test("labels use the decimals the step needs, or powers of ten for extreme magnitudes")
    func labels() {
        #expect(PlotTicks.labels([0, 0.25, 0.5], step: 0.25) == ["0.00", "0.25", "0.50"])
        #expect(PlotTicks.labels([-10, 0, 10], step: 10) == ["-10", "0", "10"])
        #expect(PlotTicks.labels([0, 2e-12, 4e-12], step: 2e-12) == ["0", "2×10⁻¹²", "4×10⁻¹²"])
        #expect(PlotTicks.labels([0, 2.5e6, 5e6], step: 2.5e6) == ["0", "2.5×10⁶", "5×10⁶"])
        #expect(PlotTicks.logLabel(0.01) == "0.01" && PlotTicks.logLabel(1e6) == "10⁶")
    }
}
