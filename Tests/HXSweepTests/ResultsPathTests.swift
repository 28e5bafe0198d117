import Foundation
import HXIO
import HXTestSupport
import Testing

@testable import HXSweep

/// A results path that is not a results file: one of the sweep's own inputs, or a file whose
/// last line has no newline and is not a record cut short. Nothing runs and nothing is
/// written; only a genuine cut record is removed on `--resume`.
@Suite("Results paths that are not results files")
struct ResultsPathTests: RunnerSweepSuite {
    /// The sweep, with the results file of its first point.
    let fixture: RunnerSweep

    init() throws {
        fixture = try RunnerSweep(
            directoryLabel: "results-path", results: "one-point.jsonl", maxPoints: 1)
    }

    /// Runs the sweep into `results` and returns its error, checking that the file is unchanged.
    private func refusal(results: String, resume: Bool) throws -> SweepError? {
        let before = try contents(results)
        defer { #expect((try? contents(results)) == before, "\(results) was changed") }
        do {
            try SweepRunner.run(sweep, options: quietOptions(results: results, resume: resume))
        } catch let error as SweepError {
            #expect(!"\(error)".contains("\n"))
            return error
        }
        return nil
    }

    @Test(
        "the specification or the model as the results file is refused", arguments: [false, true])
    func inputAsResults(resume: Bool) throws {
        #expect(
            try refusal(results: specPath, resume: resume)
                == .resultsIsInput(path: specPath, role: "specification"))
        let model = directory + "/model.json"
        #expect(
            try refusal(results: model, resume: resume)
                == .resultsIsInput(path: model, role: "model file"))
        // Under another name too (a hard link is the same file).
        let link = directory + "/model-link.json"
        try? FileManager.default.removeItem(atPath: link)
        try FileManager.default.linkItem(atPath: model, toPath: link)
        let error = try refusal(results: link, resume: resume)
        #expect(error == .resultsIsInput(path: link, role: "model file"))
        #expect("\(error.map { "\($0)" } ?? "")".contains(link))
    }

    @Test("a one-line file that is not a record is refused on --resume, not emptied")
    func oneLineFile() throws {
        for (name, text) in [
            ("precious.txt", "precious data, not a record"),
            ("copy.json", #"{"format":"hxsim-sweep","version":1}"#),
        ] {
            let path = directory + "/" + name
            try FileIO.writeAtomically(text, to: path)
            let error = try refusal(results: path, resume: true)
            #expect(error == .notResults(path: path, start: String(text.prefix(40))))
            #expect("\(error.map { "\($0)" } ?? "")".contains(path))
        }
        // Records followed by a line of something else: the same.
        let mixed = directory + "/mixed.jsonl"
        try FileIO.writeAtomically(
            try contents(fixture.results) + Data("note: run 1".utf8), to: mixed)
        #expect(
            try refusal(results: mixed, resume: true)
                == .notResults(path: mixed, start: "note: run 1"))
    }

    @Test("a record cut anywhere, even inside its first key, is still removed and rerun")
    func cutRecordResumes() throws {
        let line = try contents(fixture.results)
        #expect(line.starts(with: SweepRecord.lineOpening) && line.last == UInt8(ascii: "\n"))
        for cut in [1, 5, SweepRecord.lineOpening.count + 3] {
            let path = directory + "/cut-\(cut).jsonl"
            try FileIO.writeAtomically(Data(line.prefix(cut)), to: path)
            let summary = try SweepRunner.run(
                sweep, options: quietOptions(results: path, resume: true, maxPoints: 1))
            #expect(summary.droppedIncompleteRecord && summary.computed == 1)
            #expect(try contents(path) == line)
        }
    }
}
