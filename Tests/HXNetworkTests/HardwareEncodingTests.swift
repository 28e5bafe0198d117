import Foundation
import Testing

@testable import HXNetwork
@testable import HXNumerics

@Suite("The hardware back end's one-pass encoder rounds and clamps as the general quantiser")
struct HardwareEncodingTests {
    /// Values around every rounding edge of both ranges: halves of either sign, the float just
    /// below and above each half, values far outside, and zeros of both signs.
    static func edgeValues(_ range: ClosedRange<Int>) -> [Float] {
        var values: [Float] = [0, -0.0, 1e9, -1e9]
        for integer in (range.lowerBound - 3)...(range.upperBound + 3) {
            let half = Float(integer) + 0.5
            values += [Float(integer), half, half.nextDown, half.nextUp, -half, (-half).nextUp]
        }
        return values
    }

    /// The blocks of one part covering the whole batch, as the back end makes them: the
    /// weights encoded, then every row assembled with them.
    static func encode(
        _ x: [Float], _ w: [Float], batch: Int, k: Int, n: Int, plan: PartitionPlan,
        policy: RangePolicy
    ) throws -> [HardwareBlock] {
        let weights = try HardwareBackend.encodeWeights(w, n: n, plan: plan)
        return try x.withUnsafeBufferPointer { x in
            try HardwareBackend.assemble(
                x, w, rows: 0..<batch, k: k, plan: plan, weights: weights, policy: policy)
        }
    }

    @Test("inputs and weights: the same codes as ChipEncoding.quantize, value for value")
    func sameCodes() throws {
        for (range, name) in [(VMMLimits.inputRange, "input"), (VMMLimits.weightRange, "weight")] {
            let values = Self.edgeValues(range)
            var bytes = [UInt8](repeating: 0, count: values.count)
            let scan = values.withUnsafeBufferPointer { source in
                bytes.withUnsafeMutableBufferPointer { target in
                    Narrowing.roundClampNarrow(
                        source.baseAddress!, rows: 1, columns: values.count,
                        sourceStride: values.count, into: target.baseAddress!, range: range)
                }
            }
            let expected = try ChipEncoding.quantize(
                values, range: range, policy: .clamp, name: name)
            for (index, value) in values.enumerated() {
                let code =
                    range.lowerBound < 0
                    ? Float(Int8(bitPattern: bytes[index])) : Float(bytes[index])
                #expect(
                    code == expected[index],
                    "\(name) \(value): \(code), expected \(expected[index])")
            }
            #expect(scan.finite && !scan.within(range))
        }
    }

    @Test(
        "a block large enough to run on every core: the codes of the quantiser, a strided source, and the scan of the whole block"
    )
    func largeBlock() throws {
        let range = VMMLimits.inputRange
        let edges = Self.edgeValues(range)
        // 700 rows of 100 columns read from rows of 103: 70,000 values, above the split size,
        // over several chunks with a short last one.
        let (rows, columns, stride) = (700, 100, 103)
        #expect(rows * columns > Parallel.elementwiseChunk)
        var source = (0..<(rows * stride)).map { edges[($0 * 7) % edges.count] }
        var bytes = [UInt8](repeating: 0, count: rows * columns)
        func run() -> Narrowing.Scan {
            source.withUnsafeBufferPointer { s in
                bytes.withUnsafeMutableBufferPointer { t in
                    Narrowing.roundClampNarrow(
                        s.baseAddress!, rows: rows, columns: columns, sourceStride: stride,
                        into: t.baseAddress!, range: range)
                }
            }
        }
        #expect(run().finite)
        let taken = (0..<rows).flatMap { r in source[(r * stride)..<(r * stride + columns)] }
        let expected = try ChipEncoding.quantize(
            Array(taken), range: range, policy: .clamp, name: "input")
        let mismatches = zip(bytes, expected).filter { Float($0.0) != $0.1 }.count
        #expect(mismatches == 0, "\(mismatches) of \(rows * columns) codes differ")
        // The scan: in range until the last row holds −0.5 and 31.5, which round away from
        // zero to −1 and 32; a NaN in the second-to-last row is found.
        source = (0..<(rows * stride)).map { Float($0 % 63) / 2 }
        var scan = run()
        #expect(scan.within(range) && scan.lowest == Narrowing.pattern(0))
        #expect(scan.highest == Narrowing.pattern(31))
        source[(rows - 1) * stride + 5] = -0.5
        source[(rows - 1) * stride + 6] = 31.5
        scan = run()
        #expect(scan.lowest == Narrowing.pattern(-1) && scan.highest == Narrowing.pattern(32))
        source[(rows - 2) * stride + 3] = .nan
        #expect(!run().finite)
    }

    @Test("NaN and infinity are found; under reject, out-of-range values throw as before")
    func errors() throws {
        let plan = try PartitionPlan(rows: 3, columns: 2, chipCount: 1)
        let w: [Float] = [1, -2, 3, 4, 5, -6]
        for bad in [Float.nan, .infinity, -.infinity] {
            #expect(throws: NetworkError.nonFinite(tensor: "matmul input")) {
                try Self.encode(
                    [1, bad, 2], w, batch: 1, k: 3, n: 2, plan: plan, policy: .clamp)
            }
            #expect(throws: NetworkError.nonFinite(tensor: "matmul weights")) {
                try Self.encode(
                    [1, 2, 40], [1, -2, 3, bad, 5, -6], batch: 1, k: 3, n: 2, plan: plan,
                    policy: .reject)
            }
        }
        #expect(throws: NetworkError.self) {
            try Self.encode(
                [1, 31.6, 2], w, batch: 1, k: 3, n: 2, plan: plan, policy: .reject)
        }
        // 31.4 rounds into range: accepted under reject.
        let blocks = try Self.encode(
            [1, 31.4, 2], w, batch: 1, k: 3, n: 2, plan: plan, policy: .reject)
        #expect(blocks[0].inputs.storage == [1, 31, 2])
        #expect(blocks[0].weights.storage == [1, -2, 3, 4, 5, -6])
    }

    @Test("several row and column blocks: each block holds its slice of inputs and weights")
    func blocks() throws {
        let (batch, k, n) = (3, 200, 300)
        var rng = SplitMix64(key: 5)
        let x = (0..<batch * k).map { _ in Float(rng.next() % 32) }
        let w = (0..<k * n).map { _ in Float(Int(rng.next() % 127) - 63) }
        let plan = try PartitionPlan(rows: k, columns: n, chipCount: 2)
        let blocks = try Self.encode(
            x, w, batch: batch, k: k, n: n, plan: plan, policy: .clamp)
        #expect(blocks.count == 4)
        for (block, encoded) in zip(plan.blocks, blocks) {
            #expect(encoded.placement == block.placement)
            var inputMismatches = 0
            for b in 0..<batch {
                for (i, row) in block.rows.enumerated()
                where Float(encoded.inputs[b, i]) != x[b * k + row] {
                    inputMismatches += 1
                }
            }
            var weightMismatches = 0
            for (i, row) in block.rows.enumerated() {
                for (j, column) in block.columns.enumerated()
                where Float(encoded.weights[i, j]) != w[row * n + column] {
                    weightMismatches += 1
                }
            }
            #expect(inputMismatches == 0 && weightMismatches == 0, "block \(block)")
        }
    }
}
