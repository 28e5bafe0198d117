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

@Suite("Report: what a user reads first")
struct AttentionTests {
    @Test("every step that left instances out of tolerance or at a range limit gets a line")
    func attention() throws {
        let run = try Fixtures.chip3.get().run
        let lines = CalibrationReport(run: run).attentionLines()
        let flagged = run.result.steps.filter {
            !$0.outOfTolerance.isEmpty || !$0.atRangeLimit.isEmpty
        }
        #expect(lines.count == flagged.count, "\(lines)")
        for (line, step) in zip(lines, flagged) {
            #expect(line.hasPrefix(step.step), "\(line)")
            if !step.outOfTolerance.isEmpty {
                #expect(
                    line.contains("\(step.outOfTolerance.count) of \(step.after.count)"), "\(line)")
            }
        }
    }

    @Test("progress counts the measurements each step plans, so it ends at n/n")
    func plannedBatches() throws {
        let run = try Fixtures.chip3.get().run
        let planned = Dictionary(
            Fixtures.settings.steps.filter(\.isEnabled).map { ($0.name, $0.plannedBatches) },
            uniquingKeysWith: +)
        for timing in run.result.timings {
            #expect(planned[timing.step] == timing.batches, "\(timing.step)")
        }
        #expect(
            run.result.timings.map(\.batches).reduce(0, +) == Fixtures.settings.plannedBatches)
    }
}
