import Foundation
import HXIO
import HXNumerics
import Testing

@testable import HXPhysics

/// Issue 12, item 1: a batch streamed through the chip in chunks gives the bytes of one
/// execution of the whole batch, because every chunk continues the chip's trial counter.
@Suite("Streamed VMM")
struct StreamingVMMTests {
    let directory: String
    let inputsPath: String
    let inputs: Matrix<Int>
    let weights: Matrix<Int>

    init() throws {
        directory = NSTemporaryDirectory() + "hxphysics-stream-\(UUID().uuidString)"
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true)
        // 2500 vectors of 40 inputs (chunks of 1024 end unevenly), 300 columns: both
        // hemispheres.
        inputs = try Matrix(
            rows: 2500, columns: 40, storage: (0..<100_000).map { ($0 * 7 + $0 / 40) % 32 })
        weights = try Matrix(
            rows: 40, columns: 300, storage: (0..<12_000).map { ($0 * 11) % 127 - 63 })
        inputsPath = directory + "/x.csv"
        try CSV.write(inputs, to: inputsPath)
    }

    func streamed(
        chunkRows: Int, options: ExecutionOptions = ExecutionOptions(), name: String,
        correction: ((Matrix<Int8>, Int, UInt64) throws -> Matrix<Int8>)? = nil
    ) throws -> (Data, StreamedVMMSummary, UInt64) {
        var chip = try Chip(seed: 11)
        chip.setNextTrial(1000)
        let output = directory + "/" + name
        let summary = try chip.streamVMM(
            inputs: try MatrixReader(path: inputsPath), weights: weights,
            to: try MatrixWriter<Int8>(target: try OutputTarget.file(output)), options: options,
            chunkRows: chunkRows, correction: correction)
        return (try FileIO.read(path: output), summary, chip.nextTrial)
    }

    @Test(
        "chunks of 1024, 1152, 2048 and 4096 rows give the bytes of the whole batch",
        arguments: [1024, 1152, 2048, 4096])
    func sameBytes(chunk: Int) throws {
        var chip = try Chip(seed: 11)
        chip.setNextTrial(1000)
        let whole = try chip.vmm(inputs: inputs, weights: weights)
        let expected = Data(try CSV.format(whole.outputs.map { Int($0) }).utf8)
        let (bytes, summary, next) = try streamed(chunkRows: chunk, name: "s\(chunk).csv")
        #expect(bytes == expected)
        // A last chunk too short for the fast path's chunks of 128 joins the one before.
        let expectedChunks = [1024: 2, 1152: 2, 2048: 1, 4096: 1][chunk]
        #expect(summary.rows == 2500 && summary.chunks == expectedChunks)
        #expect(summary.firstTrial == 1000 && next == chip.nextTrial)
        #expect(abs(summary.projectedTime - whole.projectedTime) <= 1e-12 * whole.projectedTime)
    }

    @Test("an explicit first trial continues across chunks as well")
    func explicitFirstTrial() throws {
        var chip = try Chip(seed: 11)
        let options = ExecutionOptions(firstTrial: 77)
        let whole = try chip.vmm(inputs: inputs, weights: weights, options: options)
        let (bytes, summary, _) = try streamed(chunkRows: 1024, options: options, name: "t.csv")
        #expect(bytes == Data(try CSV.format(whole.outputs.map { Int($0) }).utf8))
        #expect(summary.firstTrial == 77)
    }

    @Test("the correction hook gets each chunk's first row and the batch's first trial")
    func correctionHook() throws {
        let seen = Seen()
        _ = try streamed(chunkRows: 1024, name: "c.csv") { outputs, firstRow, firstTrial in
            seen.add(firstRow, firstTrial, outputs.rows)
            return outputs
        }
        #expect(seen.calls == [[0, 1000, 1024], [1024, 1000, 1476]])
    }

    @Test("an activation out of range names its row in the whole file, and nothing is written")
    func badRow() throws {
        var bad = inputs
        bad[2044, 3] = 32
        let path = directory + "/bad.csv"
        try CSV.write(bad, to: path)
        var chip = try Chip(seed: 11)
        let output = directory + "/never.csv"
        #expect(throws: IOError.valueOutOfRange(row: 2044, column: 3, value: 32, allowed: 0...31)) {
            try chip.streamVMM(
                inputs: try MatrixReader(path: path), weights: weights,
                to: try MatrixWriter<Int8>(target: try OutputTarget.file(output)), chunkRows: 1024)
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test(
        "the plan of a full-size VMM fits 200 MB in chunks of thousands of rows; 20 MB is refused")
    func plan() throws {
        let plan = try Chip.streamingPlan(
            weightRows: 128, weightColumns: 512, baselineBytes: 40_000_000, availableBytes: nil)
        #expect(
            plan.chunkRows >= 1024 && plan.chunkRows % 128 == 0
                && plan.estimatedPeakBytes <= Chip.defaultStreamingBudgetBytes)
        #expect(throws: MemoryPlanError.self) {
            try Chip.streamingPlan(
                weightRows: 128, weightColumns: 512, budgetBytes: 20_000_000,
                baselineBytes: 40_000_000, availableBytes: nil)
        }
    }
}

/// Calls recorded from a closure.
final class Seen: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [[Int]] = []

    func add(_ firstRow: Int, _ firstTrial: UInt64, _ rows: Int) {
        lock.withLock { recorded.append([firstRow, Int(firstTrial), rows]) }
    }

    var calls: [[Int]] { lock.withLock { recorded } }
}
