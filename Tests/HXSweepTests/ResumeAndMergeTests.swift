import Foundation
import HXIO
import HXTestSupport
import Synchronization
import Testing

@testable import HXSweep

/// The issue's two laws of results files: killing a sweep and resuming it gives the same file
/// as an uninterrupted run, and shards merged give the unsharded run's file. Wall times are
/// the one field allowed to differ; the tests' clock never moves, so they are 0 and the files
/// compare byte for byte.
@Suite("Resuming and merging")
struct ResumeAndMergeTests: RunnerSweepSuite {
    let fixture: RunnerSweep
    /// The results file of an uninterrupted run.
    let reference: Data

    init() throws {
        fixture = try RunnerSweep(directoryLabel: "resume", results: "reference.jsonl")
        reference = try contents(fixture.results)
    }

    @Test("an uninterrupted run writes one record per point, in plan order")
    func uninterrupted() throws {
        let (records, truncated) = try SweepResults.read(path: fixture.results)
        #expect(!truncated)
        #expect(records.map(\.index) == Array(0..<6))
        #expect(records.map(\.key) == sweep.plan.points.map(\.key))
        #expect(records.allSatisfy { $0.specHash == sweep.hash && $0.pointCount == 6 })
        #expect(records.allSatisfy { $0.accuracies.count == 2 && $0.samples == 60 })
    }

    @Test(
        "killed after k points (with a half-written record) and resumed equals uninterrupted",
        arguments: [0, 1, 4, 6])
    func killAndResume(k: Int) throws {
        let results = directory + "/killed-\(k).jsonl"
        let first = try SweepRunner.run(
            sweep, options: quietOptions(results: results, maxPoints: k))
        #expect(first.computed == k && first.remaining == 6 - k)
        // The kill hit while the next record was being written: a fragment without newline.
        if k < 6 {
            if k == 0 { _ = FileManager.default.createFile(atPath: results, contents: nil) }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: results))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(#"{"accuracies":[0.5,0.4"#.utf8))
            try handle.close()
            #expect(try SweepResults.read(path: results).truncated)
        }
        let resumed = try SweepRunner.run(
            sweep, options: quietOptions(results: results, resume: true))
        #expect(resumed.alreadyDone == k && resumed.computed == 6 - k && resumed.remaining == 0)
        #expect(resumed.droppedIncompleteRecord == (k < 6))
        #expect(try contents(results) == reference)
        // Resuming a finished file does nothing.
        let again = try SweepRunner.run(
            sweep, options: quietOptions(results: results, resume: true))
        #expect(again.computed == 0)
        #expect(try contents(results) == reference)
    }

    @Test("records equal without wall time even when the clock moves")
    func wallTimeIsTheOnlyDifference() throws {
        let results = directory + "/clocked.jsonl"
        var options = quietOptions(results: results)
        let ticks = Counter()
        options.clock = { ticks.next() }
        try SweepRunner.run(sweep, options: options)
        let timed = try SweepResults.read(path: results).records
        let untimed = try SweepResults.read(path: fixture.results).records
        #expect(timed.allSatisfy { $0.wallSeconds > 0 })
        #expect(timed.map(\.withoutWallTime) == untimed)
    }

    @Test("an existing results file is not overwritten without --resume")
    func refusesToOverwrite() throws {
        let results = directory + "/exists.jsonl"
        try SweepRunner.run(sweep, options: quietOptions(results: results, maxPoints: 1))
        #expect(throws: SweepError.resultsExist(path: results)) {
            try SweepRunner.run(sweep, options: quietOptions(results: results))
        }
    }

    @Test("resuming a file of another sweep is refused, naming both hashes")
    func foreignResults() throws {
        let other = try Sweep(
            spec: testSpec(axes: runnerAxes, seed: 8), directory: directory, calibration: nil)
        #expect(other.hash != sweep.hash)
        let results = directory + "/foreign.jsonl"
        try SweepRunner.run(other, options: quietOptions(results: results, maxPoints: 1))
        #expect(
            throws: SweepError.foreignResults(
                path: results, line: 1, expected: sweep.hash, found: other.hash)
        ) {
            try SweepRunner.run(sweep, options: quietOptions(results: results, resume: true))
        }
        // Merging it with this sweep's results, or checking it against this sweep, fails too.
        let mine = directory + "/mine.jsonl"
        try SweepRunner.run(sweep, options: quietOptions(results: mine, maxPoints: 1))
        #expect(
            throws: SweepError.foreignResults(
                path: results, line: 1, expected: sweep.hash, found: other.hash)
        ) {
            try SweepMerge.merge(inputs: [mine, results], output: directory + "/mixed.jsonl")
        }
        #expect(
            throws: SweepError.foreignResults(
                path: results, line: 1, expected: sweep.hash, found: other.hash)
        ) {
            try SweepMerge.merge(inputs: [results], output: directory + "/x.jsonl", sweep: sweep)
        }
    }

    @Test("shards merged equal the unsharded run", arguments: [2, 3, 6])
    func shardsMerge(count: Int) throws {
        var files: [String] = []
        for index in 0..<count {
            let shard = try Shard(index: index, count: count)
            let path = shard.resultsPath(for: directory + "/merge-\(count).jsonl")
            try SweepRunner.run(sweep, options: quietOptions(results: path, shard: shard))
            #expect(try SweepResults.read(path: path).records.count == 6 / count)
            files.append(path)
        }
        let merged = directory + "/merged-\(count).jsonl"
        let summary = try SweepMerge.merge(inputs: files.reversed(), output: merged)
        #expect(summary.records == 6 && summary.inputs == count)
        #expect(try contents(merged) == reference)
    }

    @Test("a missing shard is an error naming its points; a repeated one names the duplicates")
    func mergeErrors() throws {
        let shard0 = directory + "/s0.jsonl"
        let shard1 = directory + "/s1.jsonl"
        try SweepRunner.run(
            sweep, options: quietOptions(results: shard0, shard: try Shard(index: 0, count: 2)))
        try SweepRunner.run(
            sweep, options: quietOptions(results: shard1, shard: try Shard(index: 1, count: 2)))
        let output = directory + "/bad-merge.jsonl"
        let missingKeys = sweep.plan.points.filter { $0.index % 2 == 1 }.map {
            "\($0.key) (index \($0.index))"
        }
        #expect(throws: SweepError.missingPoints(missingKeys)) {
            try SweepMerge.merge(inputs: [shard0], output: output, sweep: sweep)
        }
        #expect(throws: SweepError.missingPoints(["index 1", "index 3", "index 5"])) {
            try SweepMerge.merge(inputs: [shard0], output: output)
        }
        let duplicated = sweep.plan.points.filter { $0.index % 2 == 0 }.map {
            "\($0.key) (index \($0.index)) in \(shard0) and \(shard0)"
        }
        #expect(throws: SweepError.duplicatedPoints(duplicated)) {
            try SweepMerge.merge(inputs: [shard0, shard1, shard0], output: output)
        }
        #expect(!FileManager.default.fileExists(atPath: output), "nothing written on error")
        // The glob form of the CLI finds both shards, sorted.
        #expect(try SweepMerge.expand(directory + "/s?.jsonl") == [shard0, shard1])
        #expect(try SweepMerge.expand("\(shard1),\(shard0)") == [shard1, shard0])
    }
}

/// A clock that advances one second per reading.
final class Counter: Sendable {
    private let value = Mutex<Double>(0)
    func next() -> Double {
        value.withLock {
            $0 += 1
            return $0
        }
    }
}
