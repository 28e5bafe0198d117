import Foundation
import HXIO
import HXTestSupport
import Synchronization
import Testing

@testable import HXSweep

/// Issue 12, item 5: results files are trusted only as far as they can be checked. Each record
/// carries a checksum and the build that made it; merge and resume refuse edited records and
/// say when builds meet; merge refuses to write over one of its inputs.
@Suite("Checksums and provenance of results")
struct ProvenanceTests: RunnerSweepSuite {
    let fixture: RunnerSweep
    /// A results file of the first two points, written by this build.
    var twoPoints: String { fixture.results }

    init() throws {
        fixture = try RunnerSweep(directoryLabel: "provenance", results: "two.jsonl", maxPoints: 2)
    }

    /// The records of `path`, changed by `change` and written back as lines (not resealed).
    func rewrite(
        _ path: String, to target: String, _ change: (inout SweepRecord) throws -> Void
    ) throws {
        var data = Data()
        for line in try FileIO.readText(path: path).split(separator: "\n") {
            var record = try JSON.decode(SweepRecord.self, from: Data(line.utf8))
            try change(&record)
            data.append(try record.line())
        }
        try FileIO.writeAtomically(data, to: target)
    }

    @Test("every record carries this build's provenance and a checksum that ignores wall time")
    func recordsCarryProvenance() throws {
        let records = try SweepResults.read(path: twoPoints).records
        #expect(records.count == 2)
        for record in records {
            #expect(record.provenance == BuildProvenance.current)
            #expect(try record.hasValidChecksum())
            var timed = record
            timed.wallSeconds = 12.5
            #expect(try timed.hasValidChecksum())
        }
        let current = BuildProvenance.current
        #expect(!current.version.isEmpty && !current.commit.isEmpty)
        #expect(current.blasKernel != "" && current.cpu != "")
    }

    @Test("an edited record is refused by resume, merge and plot, naming the file and line")
    func tampered() throws {
        let edited = directory + "/edited.jsonl"
        try rewrite(twoPoints, to: edited) { record in
            if record.index == 1 { record.accuracies = [2.5, -1] }
        }
        #expect(throws: SweepError.tamperedRecord(path: edited, line: 2)) {
            try SweepRunner.run(sweep, options: quietOptions(results: edited, resume: true))
        }
        #expect(throws: SweepError.tamperedRecord(path: edited, line: 2)) {
            try SweepMerge.merge(inputs: [edited], output: directory + "/m.jsonl")
        }
        #expect(throws: SweepError.tamperedRecord(path: edited, line: 2)) {
            try SweepResults.read(path: edited, requireChecksums: false)
        }
    }

    @Test(
        "a record without checksum (an older build) is refused by resume and merge, read by plots")
    func unverified() throws {
        let legacy = directory + "/legacy.jsonl"
        try rewrite(twoPoints, to: legacy) { record in
            record.checksum = nil
            record.provenance = nil
        }
        #expect(throws: SweepError.unverifiedRecord(path: legacy, line: 1)) {
            try SweepRunner.run(sweep, options: quietOptions(results: legacy, resume: true))
        }
        #expect(throws: SweepError.unverifiedRecord(path: legacy, line: 1)) {
            try SweepMerge.merge(inputs: [legacy], output: directory + "/m.jsonl")
        }
        #expect(try SweepResults.read(path: legacy, requireChecksums: false).records.count == 2)
    }

    @Test("records of another build are refused by resume unless accepted, and then named")
    func resumeMixedBuilds() throws {
        let other = directory + "/other-build.jsonl"
        var foreign = BuildProvenance.current
        foreign.blasKernel = "Prescott"
        try rewrite(twoPoints, to: other) { record in
            record.provenance = foreign
            record = try record.sealed()
        }
        let error = #expect(throws: SweepError.self) {
            try SweepRunner.run(sweep, options: quietOptions(results: other, resume: true))
        }
        guard case .mixedBuilds(let path, let line, let found, _) = error else {
            Issue.record("expected mixedBuilds, got \(String(describing: error))")
            return
        }
        #expect(path == other && line == 1 && found.contains("OpenBLAS kernel Prescott"))
        #expect(error?.description.contains("--accept-mixed-builds") == true)
        let notes = Notes()
        var options = quietOptions(results: other, resume: true, maxPoints: 0)
        options.acceptMixedBuilds = true
        options.log = { notes.add($0) }
        let summary = try SweepRunner.run(sweep, options: options)
        #expect(summary.alreadyDone == 2)
        #expect(notes.text.contains("note: \(other) holds records of HXSim"))
    }

    @Test("a merge of shards from different builds is refused unless accepted, and then says so")
    func mergeMixedBuilds() throws {
        let shards = try (0..<2).map { index -> String in
            let path = directory + "/shard-\(index).jsonl"
            try SweepRunner.run(
                sweep,
                options: quietOptions(results: path, shard: try Shard(index: index, count: 2)))
            return path
        }
        var foreign = BuildProvenance.current
        foreign.commit = "0123456789abcdef"
        let other = directory + "/shard-1-other.jsonl"
        try rewrite(shards[1], to: other) { record in
            record.provenance = foreign
            record = try record.sealed()
        }
        let output = directory + "/merged.jsonl"
        #expect(throws: SweepError.self) {
            try SweepMerge.merge(inputs: [shards[0], other], output: output)
        }
        #expect(!FileManager.default.fileExists(atPath: output))
        let summary = try SweepMerge.merge(
            inputs: [shards[0], other], output: output, acceptMixedBuilds: true)
        #expect(summary.mixedBuilds.count == 2)
        #expect(summary.description.contains("note: the records come from 2 different builds"))
        // The merged file keeps every record's own provenance and checksum.
        let merged = try SweepResults.read(path: output).records
        #expect(Set(merged.compactMap(\.provenance?.commit)).count == 2)
    }

    @Test("merge refuses an OUT that is one of its inputs, however it is spelled")
    func outputAmongInputs() throws {
        let copy = directory + "/copy.jsonl"
        try FileIO.writeAtomically(try FileIO.read(path: twoPoints), to: copy)
        #expect(throws: SweepError.outputIsInput(path: copy)) {
            try SweepMerge.merge(inputs: [twoPoints, copy], output: copy)
        }
        let spelled = directory + "/./copy.jsonl"
        #expect(throws: SweepError.outputIsInput(path: spelled)) {
            try SweepMerge.merge(inputs: [copy], output: spelled)
        }
        #expect(
            try FileIO.read(path: copy) == (try FileIO.read(path: twoPoints)), "input untouched")
    }

    @Test("a results file that is a directory or FIFO is refused before any point runs")
    func resultsTarget() throws {
        #expect(throws: IOError.self) {
            try SweepRunner.run(sweep, options: quietOptions(results: directory))
        }
        #expect(throws: IOError.self) {
            try SweepRunner.run(
                sweep, options: quietOptions(results: directory + "/no/such/r.jsonl"))
        }
    }
}

/// Log lines collected from a closure.
final class Notes: Sendable {
    private let lines = Mutex<[String]>([])
    func add(_ line: String) { lines.withLock { $0.append(line) } }
    var text: String { lines.withLock { $0.joined() } }
}
