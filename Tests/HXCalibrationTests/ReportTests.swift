import Foundation
import HXPhysics
import Testing

@testable import HXCalibration

@Suite("Report")
struct ReportTests {
    @Test("writes Markdown, CSV and SVG histograms next to the result")
    func files() throws {
        let run = try Fixtures.chip3.get().run
        let directory = try CalibrationFileTests.directory()
        let path = directory + "/chip-3.json"
        try run.result.write(to: path)
        let written = try CalibrationReport(run: run).write(nextTo: path)
        let names = Set(written.map { URL(fileURLWithPath: $0).lastPathComponent })
        #expect(
            names == [
                "chip-3-report.md", "chip-3-summary.csv", "chip-3-steps.csv", "chip-3-columns.csv",
                "chip-3-gain.svg", "chip-3-offset.svg", "chip-3-baseline.svg", "chip-3-cadc.svg",
            ])
        let markdown = try String(contentsOfFile: directory + "/chip-3-report.md", encoding: .utf8)
        #expect(markdown.contains("| excitatory gain"))
        #expect(markdown.contains("![gain](chip-3-gain.svg)"))
        let svg = try String(contentsOfFile: directory + "/chip-3-gain.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<?xml") || svg.hasPrefix("<svg"))
        #expect(svg.contains("before: σ"))
        let columns = try String(contentsOfFile: directory + "/chip-3-columns.csv", encoding: .utf8)
        #expect(columns.split(separator: "\n").count == 513)
    }

    @Test("the spreads before and after tell the story: gain σ falls from ~10 % to < 1 %")
    func spreads() throws {
        let result = try Fixtures.chip3.get().run.result
        let before = try #require(result.before)
        let after = try #require(result.after)
        #expect(before.excitatoryAmplitude.relativeStandardDeviation > 5)
        #expect(after.excitatoryAmplitude.relativeStandardDeviation < 1)
        #expect(before.cadcRead.standardDeviation > 3 && after.cadcRead.standardDeviation < 0.6)
        #expect(before.baseline.standardDeviation > 4 && after.baseline.standardDeviation < 0.6)
    }
}
