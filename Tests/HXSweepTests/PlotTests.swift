import Foundation
import HXIO
import Testing

@testable import HXSweep

@Suite("Plots and tables")
struct PlotTests {
    /// Records of a noise × calibration × seed grid with made-up accuracies.
    func records() throws -> [SweepRecord] {
        let plan = try SweepPlan(
            spec: testSpec(axes: [
                AxisSpec("scale:noise", values: [.number(0), .number(2)]),
                AxisSpec("calibration", values: [.text("off"), .text("on")]),
                AxisSpec("seed", values: [.number(1), .number(2)]),
            ]))
        return plan.points.map { point in
            let noise = point.coordinates["scale:noise"]?.number ?? 0
            let on = point.coordinates["calibration"] == .text("on")
            let seed = point.coordinates["seed"]?.number ?? 0
            let accuracy = 0.9 - 0.1 * noise + (on ? 0.05 : 0) + 0.01 * seed
            return SweepRecord(
                sweep: "fake", specHash: "h", point: point, pointCount: plan.points.count,
                result: PointResult(accuracies: [accuracy - 0.01, accuracy + 0.01], samples: 100),
                wallSeconds: 0)
        }
    }

    @Test("axis names resolve by their short forms; unknown ones list what exists")
    func names() throws {
        let records = try records()
        #expect(try SweepPlot.axisName("noise", in: records) == "scale:noise")
        #expect(try SweepPlot.axisName("scale:noise", in: records) == "scale:noise")
        #expect(
            throws: SweepError.unknownPlotAxis(
                name: "numSends", available: ["calibration", "scale:noise", "seed"])
        ) { try SweepPlot.axisName("numSends", in: records) }
    }

    @Test("pooling over seeds averages the points and takes their spread as the error bar")
    func pooling() throws {
        let series = try SweepPlot.series(
            records(), x: "noise", lines: ["calibration"], meanOver: ["seed"])
        #expect(series.panels == [""])
        #expect(series.lineNames == ["calibration = off", "calibration = on"])
        let point = try #require(
            series.points.first { $0.line == "calibration = on" && $0.x == 2 })
        // Seeds 1 and 2: 0.9 − 0.2 + 0.05 + 0.01 and + 0.02.
        #expect(abs(point.mean - 0.765) < 1e-12)
        #expect(abs(point.spread - 0.01 / 2.0.squareRoot()) < 1e-12)
        #expect(point.points == 2)
        // Without pooling, each seed gets its own panel and the bars are the repetitions' std.
        let panels = try SweepPlot.series(records(), x: "noise", lines: ["calibration"])
        #expect(panels.panels == ["seed = 1", "seed = 2"])
        #expect(
            panels.points.allSatisfy {
                $0.points == 1 && abs($0.spread - 0.02 / 2.0.squareRoot()) < 1e-12
            })
    }

    @Test("the SVG has one line per value with error bars; a non-numeric x is refused")
    func figure() throws {
        let figure = try SweepPlot.figure(
            records(), x: "noise", lines: ["calibration"], meanOver: ["seed"])
        #expect(figure.panels.count == 1 && figure.panels[0].series.count == 2)
        #expect(figure.panels[0].series.allSatisfy { $0.yErrors?.count == 2 })
        let svg = try figure.svg()
        #expect(svg.contains("calibration = on") && svg.contains("<svg"))
        #expect(throws: SweepError.self) {
            try SweepPlot.figure(records(), x: "calibration", lines: ["noise"])
        }
        let table = try SweepPlot.table(records())
        #expect(table.header.prefix(4) == ["point", "calibration", "scale:noise", "seed"])
        #expect(table.rows.count == 8)
        #expect(table.markdown().contains("| accuracy (%) |"))
    }
}
