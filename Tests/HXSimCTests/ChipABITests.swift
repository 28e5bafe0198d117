import Foundation
import HXNumerics
import HXPhysics
import Testing

@testable import HXSimC

/// The last error of this thread as a Swift string.
func lastError() -> String { String(cString: hxsimLastError()) }

/// A chip handle of `seed`, or a failed expectation.
func makeChip(seed: UInt64) throws -> UInt64 {
    var handle: UInt64 = 0
    let status = hxsimChipCreate(seed, nil, &handle)
    try #require(status == 0, "hxsim_chip_create: \(lastError())")
    return handle
}

@Suite("C ABI: chips")
struct ChipABITests {
    @Test("the library reports the header's ABI version")
    func version() {
        #expect(hxsimAbiVersion() == 1)
    }

    @Test("a chip run through the ABI gives the codes of Chip.vmm with the same seed")
    func parityWithChip() throws {
        let handle = try makeChip(seed: 7)
        defer { _ = hxsimChipFree(handle) }
        let (batch, rows, columns) = (5, 20, 300)
        let inputs = (0..<(batch * rows)).map { Int32(($0 * 7) % 32) }
        let weights = (0..<(rows * columns)).map { Int32(($0 * 13) % 127 - 63) }
        #expect(hxsimChipWriteWeights(handle, weights, Int64(rows), Int64(columns)) == 0)
        var outputs = [Int8](repeating: 0, count: batch * columns)
        var time = 0.0
        let status = hxsimChipExecute(
            handle, inputs, Int64(batch), Int64(rows), 2, 3, 0, 0, &outputs,
            Int64(outputs.count), &time)
        #expect(status == 0, "\(lastError())")

        var chip = try Chip(seed: 7)
        let expected = try chip.vmm(
            inputs: Matrix(rows: batch, columns: rows, storage: inputs.map { Int($0) }),
            weights: Matrix(rows: rows, columns: columns, storage: weights.map { Int($0) }),
            options: ExecutionOptions(numSends: 2, waitBetweenEvents: 3))
        #expect(outputs == expected.outputs.storage)
        #expect(time == expected.projectedTime)
        // The trial counter advances as on the chip: a second batch continues the noise.
        var again = [Int8](repeating: 0, count: batch * columns)
        _ = hxsimChipExecute(
            handle, inputs, Int64(batch), Int64(rows), 2, 3, 0, 0, &again, Int64(again.count),
            nil)
        let second = try chip.vmm(
            inputs: Matrix(rows: batch, columns: rows, storage: inputs.map { Int($0) }),
            weights: Matrix(rows: rows, columns: columns, storage: weights.map { Int($0) }),
            options: ExecutionOptions(numSends: 2, waitBetweenEvents: 3))
        #expect(again == second.outputs.storage)
    }

    @Test("errors of the chip arrive as a status and the message Chip.vmm throws")
    func physicsErrors() throws {
        let handle = try makeChip(seed: 1)
        defer { _ = hxsimChipFree(handle) }
        let weights: [Int32] = [64, 0, 0, 0]
        #expect(hxsimChipWriteWeights(handle, weights, 2, 2) == 4)
        var chip = try Chip(seed: 1)
        do {
            _ = try chip.vmm(
                inputs: Matrix(rows: 1, columns: 2, repeating: 0),
                weights: Matrix(rows: 2, columns: 2, storage: [64, 0, 0, 0]))
            Issue.record("Chip.vmm accepted a weight of 64")
        } catch {
            #expect(lastError() == "\(error)")
        }
        #expect(hxsimChipWriteWeights(handle, [1, 2, 3, 4], 2, 2) == 0)
        var outputs = [Int8](repeating: 0, count: 2)
        // An input of 32 is out of range.
        #expect(hxsimChipExecute(handle, [32, 0], 1, 2, 1, 5, 0, 0, &outputs, 2, nil) == 4)
        #expect(lastError().contains("32"))
    }

    @Test("bad arguments are refused at the boundary with a message naming them")
    func boundary() throws {
        let handle = try makeChip(seed: 1)
        defer { _ = hxsimChipFree(handle) }
        var outputs = [Int8](repeating: 0, count: 4)
        // No weights yet.
        #expect(hxsimChipExecute(handle, [1, 2], 1, 2, 1, 5, 0, 0, &outputs, 2, nil) == 1)
        #expect(lastError().contains("hxsim_chip_write_weights"))
        #expect(hxsimChipWriteWeights(handle, nil, 2, 2) == 1)
        #expect(lastError() == "weights is NULL")
        #expect(hxsimChipWriteWeights(handle, [1], -1, 2) == 1)
        #expect(lastError().contains("rows is -1"))
        #expect(hxsimChipWriteWeights(handle, [1, 2, 3, 4], 2, 2) == 0)
        // An output buffer of the wrong size is refused before anything is written.
        #expect(hxsimChipExecute(handle, [1, 2], 1, 2, 1, 5, 0, 0, &outputs, 4, nil) == 1)
        #expect(lastError() == "outputs holds 4 elements, the result has 2")
        #expect(hxsimChipExecute(handle, [1, 2], 1, 2, 1, 5, 7, 0, &outputs, 2, nil) == 1)
        #expect(lastError().contains("integrator is 7"))
        // Sizes whose product overflows never reach the library.
        #expect(
            hxsimChipExecute(handle, [1, 2], 1 << 24, 1 << 24, 1, 5, 0, 0, &outputs, 2, nil) == 1)
        #expect(lastError().contains("more than"))
        // numSends out of the chip's range is the chip's error.
        #expect(hxsimChipExecute(handle, [1, 2], 1, 2, 0, 5, 0, 0, &outputs, 2, nil) == 4)
        #expect(lastError().contains("numSends"))
    }

    @Test("a freed, unknown or mistyped handle is an error, never a crash; double free fails")
    func handles() throws {
        let handle = try makeChip(seed: 3)
        var seed: UInt64 = 0
        #expect(hxsimChipSeed(handle, &seed) == 0 && seed == 3)
        #expect(hxsimChipFree(handle) == 0)
        #expect(hxsimChipSeed(handle, &seed) == 2)
        #expect(lastError() == "chip handle \(handle) is not valid: it was freed or never created")
        #expect(hxsimChipFree(handle) == 2)
        #expect(hxsimChipSeed(0, &seed) == 2)
        var context: UInt64 = 0
        #expect(hxsimContextCreate(0, 1, nil, 0, 0, 0, 0, &context) == 0)
        defer { _ = hxsimContextFree(context) }
        #expect(hxsimChipSeed(context, &seed) == 2)
        #expect(lastError() == "handle \(context) is not a chip")
    }

    @Test("the last error is per thread")
    func perThread() throws {
        #expect(hxsimChipSeed(0, nil) == 1)
        let mine = lastError()
        let other = Thread.detachNewThreadAndWait {
            _ = hxsimChipFree(UInt64.max)
            return lastError()
        }
        #expect(mine == "seed is NULL")
        #expect(other.contains("not valid"))
        #expect(lastError() == mine)
    }

    @Test("a calibration file of another chip is refused and leaves the chip as it was")
    func calibrationOfAnotherChip() throws {
        let directory =
            FileManager.default.temporaryDirectory.path + "/hxsimc-"
            + ProcessInfo.processInfo.globallyUniqueString
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try makeChip(seed: 11)
        defer { _ = hxsimChipFree(first) }
        let path = directory + "/chip-11.json"
        #expect(hxsimChipCalibrate(first, 1, path) == 0, "\(lastError())")
        let second = try makeChip(seed: 12)
        defer { _ = hxsimChipFree(second) }
        #expect(hxsimChipLoadCalibration(second, path) == 5)
        #expect(lastError().contains("11") && lastError().contains("12"))
        #expect(hxsimChipLoadCalibration(first, path) == 0, "\(lastError())")
        #expect(hxsimChipLoadCalibration(first, directory + "/missing.json") == 5)
    }
}

extension Thread {
    /// Runs `body` on a new thread and returns its result.
    static func detachNewThreadAndWait<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: T?
        Thread.detachNewThread {
            result = body()
            done.signal()
        }
        done.wait()
        return result!
    }
}

@Suite("C ABI: kept results")
struct BufferABITests {
    @Test("a kept matmul result holds the software model's values until it is freed, once")
    func keptResult() throws {
        var context: UInt64 = 0
        #expect(hxsimContextCreate(0, 1, nil, 0, 0, 0, 0, &context) == 0)
        defer { _ = hxsimContextFree(context) }
        let x: [Float] = [1, 2, 3, 4, 5, 6]  // 2 × 3
        let w: [Float] = [1, 0, 0, 1, 1, 1]  // 3 × 2
        var buffer: UInt64 = 0
        var data: UnsafePointer<Float>?
        var count: Int64 = 0
        #expect(hxsimMatmulBuffer(context, -1, x, 2, 3, w, 2, 2, 5, &buffer, &data, &count) == 0)
        #expect(count == 4)
        // gain 0.002 × 2 sends × [[1+3, 2+3], [4+6, 5+6]].
        let values = Array(UnsafeBufferPointer(start: data, count: Int(count)))
        #expect(zip(values, [4, 5, 10, 11]).allSatisfy { abs($0 - 0.004 * $1) < 1e-7 })
        #expect(hxsimBufferFree(buffer) == 0)
        #expect(hxsimBufferFree(buffer) == 2)
        #expect(hxsimMatmulBuffer(context, -1, x, 2, 3, w, 2, 1, 5, nil, &data, &count) == 1)
    }

    @Test("a convolution whose result is too large is refused before any work, never an abort")
    func convolutionResultBound() throws {
        var context: UInt64 = 0
        #expect(hxsimContextCreate(1, 1, nil, 0, 0, 0, 0, &context) == 0)
        defer { _ = hxsimContextFree(context) }
        // 2²⁰ positions × 300 output channels: small operands and patches (2²⁰ elements), but
        // a result of 3·10⁸ floats, beyond the 2²⁸ elements that cross the boundary.
        let length = 1 << 20
        let input = [Float](repeating: 1, count: length)
        let weight = [Float](repeating: 1, count: 300)
        let count = Int64(300 * length)
        let expected = "has more than \(Check.maxElements) elements"
        #expect(
            hxsimConv1d(
                context, -1, input, 1, 1, Int64(length), weight, 300, 1, 1, 0, 1, 5, nil, count)
                == 1)
        #expect(lastError().contains("the output of shape [1, 300, \(length)] \(expected)"))
        #expect(
            hxsimExpandedConv1d(
                context, -1, input, 1, 1, Int64(length), weight, 300, 1, 1, 1, 1, 5, nil, count)
                == 1)
        #expect(lastError().contains("the output of shape [1, 300, \(length)] \(expected)"))
        #expect(
            hxsimConv2d(
                context, -1, input, 1, 1, 1, Int64(length), weight, 300, 1, 1, 1, 1, 0, 0, 1, 5,
                nil, count) == 1)
        #expect(lastError().contains("the output of shape [1, 300, 1, \(length)] \(expected)"))
    }
}
