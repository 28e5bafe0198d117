import Foundation
import Testing

@testable import HXNetwork

@Suite("Tensor values, shapes and errors")
struct TensorTests {
    @Test("broadcasting aligns shapes at the right and stretches size-1 axes")
    func broadcasting() throws {
        let a = try Tensor([[1, 2, 3], [4, 5, 6]])
        let row = Tensor([10, 20, 30])
        #expect(try (a + row).storage == [11, 22, 33, 14, 25, 36])
        let column = try Tensor([[2], [3]])
        let outer = try column * Tensor([1, 10])
        #expect(outer.shape == [2, 2])
        #expect(outer.storage == [2, 20, 3, 30])
        #expect(try (a - Tensor(scalar: 1)).storage == [0, 1, 2, 3, 4, 5])
    }

    @Test("shapes that do not broadcast are an error naming both shapes")
    func broadcastMismatch() throws {
        let error = #expect(throws: NetworkError.self) {
            try Tensor(shape: [2, 3], repeating: 0) + Tensor(shape: [2], repeating: 0)
        }
        #expect(error == .shapeMismatch(operation: "add", expected: [2, 3], got: [2]))
        #expect(error?.description == "add: expected shape [2, 3], got [2]")
    }

    @Test("storage that does not fill the shape is rejected, not trapped")
    func badStorage() {
        #expect(
            throws: NetworkError.shapeMismatch(
                operation: "Tensor(shape:storage:)", expected: [2, 2], got: [3])
        ) {
            try Tensor(shape: [2, 2], storage: [1, 2, 3])
        }
        #expect(throws: NetworkError.self) { try Tensor(shape: [-1, 2], repeating: 0) }
        #expect(throws: NetworkError.self) { try Tensor([[1, 2], [3]]) }
    }

    @Test("reshape infers one axis and keeps row-major order; bad counts throw")
    func reshape() throws {
        let t = try Tensor(shape: [2, 3], storage: [0, 1, 2, 3, 4, 5])
        let r = try t.reshaped([3, -1])
        #expect(r.shape == [3, 2])
        #expect(r.storage == t.storage)
        #expect(throws: NetworkError.self) { try t.reshaped([4, -1]) }
        #expect(throws: NetworkError.self) { try t.reshaped([5]) }
        #expect(try t.flattened(startAxis: 0).shape == [6])
    }

    @Test("permute moves axes; permuting back restores the tensor")
    func permute() throws {
        let t = try Tensor(shape: [2, 3, 4], storage: (0..<24).map(Float.init))
        let p = try t.permuted([2, 0, 1])
        #expect(p.shape == [4, 2, 3])
        #expect(p[3, 1, 2] == t[1, 2, 3])
        #expect(try p.permuted([1, 2, 0]) == t)
        #expect(try t.sliced(axis: 0, 0..<2) == t)
        #expect(throws: NetworkError.self) { try t.permuted([0, 0, 1]) }
        let m = try Tensor([[1, 2, 3], [4, 5, 6]])
        #expect(try m.transposed().storage == [1, 4, 2, 5, 3, 6])
    }

    @Test("slice, repeat-interleave and group averages by hand")
    func sliceRepeatAverage() throws {
        let t = try Tensor([[1, 2, 3], [4, 5, 6]])
        #expect(try t.sliced(axis: 1, 1..<3).storage == [2, 3, 5, 6])
        #expect(try t.repeatingLastAxis(2).storage == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6])
        #expect(try Tensor([1, 3, 5, 9]).averagingLastAxis(groupsOf: 2).storage == [2, 7])
        #expect(throws: NetworkError.self) { try t.sliced(axis: 1, 2..<4) }
        #expect(throws: NetworkError.self) { try t.averagingLastAxis(groupsOf: 2) }
    }

    @Test("JSON coding keeps every bit of every float, including -0 and subnormals")
    func codableBits() throws {
        let values: [Float] = [0.1, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1 / 3]
        let t = try Tensor(shape: [5], storage: values)
        let decoded = try JSONDecoder().decode(Tensor.self, from: JSONEncoder().encode(t))
        #expect(decoded.shape == t.shape)
        #expect(decoded.storage.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test("non-finite values are detected")
    func finiteness() throws {
        #expect(Tensor([1, 2]).isFinite)
        #expect(!Tensor([1, .nan]).isFinite)
        #expect(!Tensor([.infinity, 2]).isFinite)
    }

    @Test("gradients of a loss that does not use a parameter are zero; non-scalars are rejected")
    func gradientEdgeCases() throws {
        let used = Tensor([1, 2]).trackingGradient()
        let unused = Tensor([3]).trackingGradient()
        let loss = (used * 2).sum()
        let g = try gradients(of: loss, withRespectTo: [used, unused])
        #expect(g[0].storage == [2, 2])
        #expect(g[1].storage == [0])
        #expect(throws: NetworkError.self) { try gradients(of: used, withRespectTo: [used]) }
    }

    @Test("a value used twice accumulates both gradient paths")
    func sharedValue() throws {
        let x = Tensor([3]).trackingGradient()
        let g = try gradients(of: try (x * x).sum(), withRespectTo: [x])
        #expect(g[0].storage == [6])
    }
}
