import Foundation
import Testing

@testable import HXNetwork

/// The digital operations against values computed by hand from hxtorch's mock formulas.
@Suite("ReLUs, addition, argmax and pooling against hand-computed values")
struct DigitalOpsTests {
    let x = Tensor([-5, 0.7, 3.9, 4, 9.5, 127.9, 200])

    @Test("convertingReLU, mock: clamp(floor(clamp(floor(x), 0, 127) / 2^shift), 0, 31)")
    func convertingReLUMock() throws {
        // floor → [-5, 0, 3, 4, 9, 127, 200]; clamp 0…127 → [0, 0, 3, 4, 9, 127, 127].
        #expect(try convertingReLU(x, shift: 2, backend: .mock).storage == [0, 0, 0, 1, 2, 31, 31])
        #expect(try convertingReLU(x, shift: 1, backend: .mock).storage == [0, 0, 1, 2, 4, 31, 31])
        #expect(try convertingReLU(x, shift: 0, backend: .mock).storage == [0, 0, 3, 4, 9, 31, 31])
    }

    @Test("convertingReLU, software: min(max(x, 0) / 2^shift, 31), not rounded, in the 5-bit range")
    func convertingReLUSoftware() throws {
        #expect(try convertingReLU(x, shift: 2).storage == [0, 0.175, 0.975, 1, 2.375, 31, 31])
    }

    @Test("the ConvertingReLU layer follows the context's back end and rejects bad shifts")
    func convertingReLULayer() throws {
        let layer = try ConvertingReLU(shift: 2)
        var mock = ExecutionContext(backend: .mock, seed: 0)
        #expect(try layer(x, context: &mock).storage == [0, 0, 0, 1, 2, 31, 31])
        #expect(try layer(x).storage == [0, 0.175, 0.975, 1, 2.375, 31, 31])
        #expect(
            throws: NetworkError.outOfRange(name: "converting ReLU shift", value: 8, allowed: 0...7)
        ) {
            try ConvertingReLU(shift: 8)
        }
    }

    @Test("relu, mock: clamp(floor(x), 0, 127); software: max(x, 0)")
    func reluValues() throws {
        #expect(try relu(x, backend: .mock).storage == [0, 0, 3, 4, 9, 127, 127])
        #expect(try relu(x).storage == [0, 0.7, 3.9, 4, 9.5, 127.9, 200])
    }

    @Test("add, mock: both operands floored and clamped to int8, then the sum clamped")
    func addMock() throws {
        let a = Tensor([100.7, -100.2, 5.5, 300])
        let b = Tensor([50, -50, -2.5, -300])
        // floor/clamp a → [100, -101, 5, 127]; b → [50, -50, -3, -128]; sums clamped.
        #expect(try add(a, b, backend: .mock).storage == [127, -128, 2, -1])
        let exact: [Float] = [150.7, -150.2, 3, 0]
        #expect(zip(try add(a, b).storage, exact).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    @Test("argmax takes the first of equal maxima; mock floors first, so near values tie")
    func argmaxTies() throws {
        let t = try Tensor([[1, 3, 3, 2], [0.2, 0.9, 0.5, 0.1]])
        #expect(try argmax(t) == [1, 1])
        #expect(try argmax(t, backend: .mock) == [1, 0])
    }

    @Test("max and average pooling, 1-d, by hand")
    func pooling1d() throws {
        let t = try Tensor(shape: [1, 1, 7], storage: [1, 5, 2, 8, 3, 3, 9])
        #expect(try maxPool1d(t, kernelSize: 2).storage == [5, 8, 3])
        #expect(try maxPool1d(t, kernelSize: 3, stride: 2).storage == [5, 8, 9])
        #expect(try avgPool1d(t, kernelSize: 2).storage == [3, 5, 3])
        #expect(try MaxPool1d(kernelSize: 2)(t).shape == [1, 1, 3])
    }

    @Test("max and average pooling, 2-d, by hand")
    func pooling2d() throws {
        let t = try Tensor(
            shape: [1, 1, 4, 4], storage: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])
        #expect(try maxPool2d(t, kernelSize: (2, 2)).storage == [6, 8, 14, 16])
        #expect(try avgPool2d(t, kernelSize: (2, 2)).storage == [3.5, 5.5, 11.5, 13.5])
        #expect(try maxPool2d(t, kernelSize: (3, 2), stride: (1, 2)).storage == [10, 12, 14, 16])
        #expect(try AvgPool2d(kernelSize: 4)(t).storage == [8.5])
        #expect(throws: NetworkError.self) { try maxPool2d(t, kernelSize: (5, 1)) }
    }

    @Test("softmax rows sum to one and logSoftmax is its logarithm")
    func softmaxValues() throws {
        let t = try Tensor([[1, 2, 3], [1000, 1000, 1000]])
        let s = try softmax(t)
        #expect(abs(s.storage[0...2].reduce(0, +) - 1) < 1e-6)
        #expect(s.storage[3...5].allSatisfy { abs($0 - 1.0 / 3) < 1e-6 })
        let l = try logSoftmax(t)
        #expect(zip(l.storage, s.storage).allSatisfy { abs(exp($0) - $1) < 1e-6 })
    }

    @Test("cross-entropy of uniform logits is log(classes); bad labels are errors")
    func crossEntropyValues() throws {
        let logits = try Tensor(shape: [2, 4], repeating: 7)
        #expect(abs(try crossEntropy(logits, labels: [0, 3]).item() - log(4)) < 1e-6)
        #expect(throws: NetworkError.outOfRange(name: "class label", value: 4, allowed: 0...3)) {
            try crossEntropy(logits, labels: [0, 4])
        }
        #expect(
            throws: NetworkError.shapeMismatch(
                operation: "crossEntropy labels", expected: [2], got: [1])
        ) {
            try crossEntropy(logits, labels: [0])
        }
    }

    @Test("NaN in an activation's input is an error, not a silent NaN")
    func nanInput() {
        #expect(throws: NetworkError.nonFinite(tensor: "relu input")) {
            try relu(Tensor([1, .nan]))
        }
        #expect(throws: NetworkError.nonFinite(tensor: "crossEntropy logits")) {
            try crossEntropy(try Tensor([[.nan, 1]]), labels: [0])
        }
    }
}
