import Foundation
import HXNumerics
import HXTestSupport
import Testing

@testable import HXNetwork

@Suite("VMM back ends: software, mock and hardware")
struct BackendTests {
    @Test("software: y = gain × numSends × x·W in float (checked against Double sums)")
    func softwareFormula() throws {
        let x = randomTensor([5, 300], seed: 1, in: 0...31)
        let w = randomTensor([300, 7], seed: 2, in: -63...63)
        var context = softwareContext()
        let y = try matmul(x, w, numSends: 3, context: &context)
        #expect(y.shape == [5, 7])
        var worst = 0.0
        for b in 0..<5 {
            for c in 0..<7 {
                var sum = 0.0
                for k in 0..<300 { sum += Double(x[b, k]) * Double(w[k, c]) }
                worst = max(worst, abs(0.006 * sum - Double(y[b, c])))
            }
        }
        #expect(worst < 1e-3, "largest deviation from 0.006 Σ x·w: \(worst) LSB")
    }

    @Test("mock, hand-computed: floor(gain × numSends × Σ a·w) per 128-row block")
    func mockByHand() throws {
        var context = ExecutionContext(
            backend: .mock, mockParameter: MockParameter(noiseStd: 0), seed: 0)
        // Σ = 31·63 − 10·20 = 1753; × 0.002 × 2 = 7.012 → 7.
        let a = try matmul(
            try Tensor([[31, 10]]), try Tensor([[63], [-20]]), numSends: 2, context: &context)
        #expect(a.storage == [7])
        // −1953 × 0.002 = −3.906 → floor −4 (floor, not truncation).
        let b = try matmul(try Tensor([[31]]), try Tensor([[-63]]), context: &context)
        #expect(b.storage == [-4])
        // 200 rows: block 1 gives floor(499.968) = 499 → clamped 127; block 2 gives
        // floor(−44.64) = −45; the digital sum is 82 (a single clamp at the end would give 127).
        let x = try Tensor(shape: [1, 200], repeating: 31)
        let w = try Tensor(shape: [200, 1], storage: (0..<200).map { $0 < 128 ? 63 : -10 })
        #expect(try matmul(x, w, context: &context).storage == [82])
    }

    @Test("inputs and weights are rounded (halves away from zero) and clamped to 0…31 and −63…63")
    func quantisation() throws {
        let inputs = try ChipEncoding.quantize(
            [15.5, 0.4, 40, -3, -0.5], range: VMMLimits.inputRange, policy: .clamp, name: "x")
        #expect(inputs == [16, 0, 31, 0, 0])
        let weights = try ChipEncoding.quantize(
            [-20.5, 63.4, -100, 2.5], range: VMMLimits.weightRange, policy: .clamp, name: "w")
        #expect(weights == [-21, 63, -63, 3])
        var strict = ExecutionContext(backend: .mock, seed: 0, rangePolicy: .reject)
        #expect(throws: NetworkError.outOfRange(name: "matmul input", value: 40, allowed: 0...31)) {
            try matmul(try Tensor([[40]]), try Tensor([[1]]), context: &strict)
        }
    }

    @Test("bad input is a clear error: shapes, NaN, settings, gain")
    func errors() throws {
        var context = ExecutionContext(backend: .mock, seed: 0)
        let error = #expect(throws: NetworkError.self) {
            try matmul(
                try Tensor(shape: [4, 100], repeating: 1),
                try Tensor(shape: [128, 256], repeating: 1), context: &context)
        }
        #expect(
            error == .shapeMismatch(operation: "matmul", expected: [100, 256], got: [128, 256]))
        #expect(error?.description == "matmul: expected shape [100, 256], got [128, 256]")
        #expect(throws: NetworkError.nonFinite(tensor: "matmul weights")) {
            try matmul(Tensor([1]), try Tensor([[.nan]]), context: &context)
        }
        #expect(
            throws: NetworkError.outOfRange(
                name: "numSends", value: 0, allowed: 1...255)
        ) {
            try matmul(Tensor([1]), try Tensor([[1]]), numSends: 0, context: &context)
        }
        context.mockParameter.gain = 2
        #expect(throws: NetworkError.outOfRange(name: "mock gain", value: 2, allowed: 0...1)) {
            try matmul(Tensor([1]), try Tensor([[1]]), context: &context)
        }
    }

    /// Mean and standard deviation of a tensor's elements.
    func moments(_ t: Tensor) -> (mean: Double, std: Double) {
        let n = Double(t.count)
        let mean = t.storage.reduce(0.0) { $0 + Double($1) } / n
        let variance =
            t.storage.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / (n - 1)
        return (mean, variance.squareRoot())
    }

    @Test("mock statistics match its parameters: E[out] = gain·n·Σ − ½, sd = √(noise² + 1/12)")
    func mockStatistics() throws {
        // One block: Σ = 10 · 10 · 21 = 2100, gain·Σ = 4.2; 2000 × 16 independent trials.
        var context = ExecutionContext(backend: .mock, seed: 7)
        let x = try Tensor(shape: [2000, 10], repeating: 10)
        let w = try Tensor(shape: [10, 16], repeating: 21)
        let (mean, std) = moments(try matmul(x, w, context: &context))
        let gain = (mean + 0.5) / 2100
        #expect(abs(gain / 0.002 - 1) < 0.01, "measured gain \(gain), expected 0.002")
        #expect(abs(std - (4 + 1.0 / 12).squareRoot()) < 0.04, "output sd \(std), expected 2.02")
        // Two blocks of 128 rows: independent noise and floor per block, so twice the variance.
        let x2 = try Tensor(shape: [2000, 256], repeating: 1)
        let w2 = try Tensor(shape: [256, 16], repeating: 21)
        let (mean2, std2) = moments(try matmul(x2, w2, context: &context))
        #expect(abs(mean2 - 2 * (5.376 - 0.5)) < 0.05, "two-block mean \(mean2), expected 9.752")
        #expect(
            abs(std2 - (2 * (4 + 1.0 / 12)).squareRoot()) < 0.06,
            "two-block sd \(std2), expected 2.858")
    }

    @Test("mock noise is a pure function of (seed, call index, sample, column, block)")
    func mockDeterminism() throws {
        let x = randomTensor([8, 150], seed: 3, in: 0...31)
        let w = randomTensor([150, 20], seed: 4, in: -63...63)
        var first = ExecutionContext(backend: .mock, seed: 42)
        var second = ExecutionContext(backend: .mock, seed: 42)
        let a = try matmul(x, w, context: &first)
        let b = try matmul(x, w, context: &second)
        #expect(a.storage.map(\.bitPattern) == b.storage.map(\.bitPattern))
        #expect(try matmul(x, w, context: &first) != a, "the second call must draw new noise")
        // A sample's noise does not depend on the other samples in the batch.
        var third = ExecutionContext(backend: .mock, seed: 42)
        let head = try matmul(try x.sliced(axis: 0, 0..<3), w, context: &third)
        #expect(head.storage == Array(a.storage[0..<60]))
    }

    @Test(
        "the backward pass of mock and hardware is the software linear model (hxtorch MAC::backward)"
    )
    func straightThroughBackward() throws {
        let x = randomTensor([4, 140], seed: 5, in: 0...31).trackingGradient()
        let w = randomTensor([140, 3], seed: 6, in: -63...63).trackingGradient()
        func grads(_ backend: Backend) throws -> [Tensor] {
            var context = ExecutionContext(backend: backend, seed: 1)
            return try gradients(
                of: try matmul(x, w, numSends: 2, context: &context).sum(), withRespectTo: [x, w])
        }
        let software = try grads(.software)
        #expect(try grads(.mock) == software)
        #expect(try grads(.hardware(try ReferenceExecutor(chipCount: 1, seed: 2))) == software)
        // ∂/∂x of Σ y is gain·n·Σ_columns w.
        let expected = 0.004 * (0..<3).reduce(Float(0)) { $0 + w[7, $1] }
        #expect(abs(software[0][0, 7] - expected) < 1e-5)
    }

    @Test("hardware on a noise-free reference executor equals the noise-free mock exactly")
    func hardwareEqualsMock() throws {
        let x = randomIntegers([6, 300], seed: 8, in: 0...31)
        let w = randomIntegers([300, 600], seed: 9, in: -63...63)
        let exact = MockParameter(noiseStd: 0)
        var mock = ExecutionContext(backend: .mock, mockParameter: exact, seed: 0)
        let expected = try matmul(x, w, numSends: 2, context: &mock)
        for chips in [1, 3] {
            let executor = try ReferenceExecutor(chipCount: chips, parameter: exact, seed: 0)
            var context = ExecutionContext(
                backend: .hardware(executor), mockParameter: exact, seed: 0)
            let got = try matmul(x, w, numSends: 2, context: &context)
            #expect(
                got == expected,
                "\(chips) chips differ by up to \(maxDifference(got, expected)) LSB")
        }
    }

    /// An executor that returns one result too few, or fails.
    final class BrokenExecutor: HardwareExecutor {
        struct Failure: Error, Equatable {}
        let fails: Bool
        init(fails: Bool) { self.fails = fails }
        var chipCount: Int { 1 }
        func execute(
            _ blocks: [HardwareBlock], numSends: Int, waitBetweenEvents: Int
        ) throws -> [Matrix<Int8>] {
            if fails { throw Failure() }
            return blocks.dropLast().map {
                Matrix(rows: $0.inputs.rows, columns: $0.weights.columns, repeating: 0)
            }
        }
    }

    @Test("an executor's unusable results or errors reach the caller as errors")
    func brokenExecutor() throws {
        let x = try Tensor(shape: [2, 200], repeating: 1)
        let w = try Tensor(shape: [200, 3], repeating: 1)
        var short = ExecutionContext(backend: .hardware(BrokenExecutor(fails: false)), seed: 0)
        #expect(throws: NetworkError.executorResult("1 results for 2 blocks")) {
            try matmul(x, w, context: &short)
        }
        var failing = ExecutionContext(backend: .hardware(BrokenExecutor(fails: true)), seed: 0)
        #expect(throws: BrokenExecutor.Failure()) { try matmul(x, w, context: &failing) }
    }

    @Test("a layer's own back end overrides the context's")
    func perLayerBackend() throws {
        var layer = try Linear(inFeatures: 20, outFeatures: 5, bias: false, numSends: 1, seed: 3)
        let x = randomTensor([4, 20], seed: 4, in: 0...31)
        let software = try layer(x)
        #expect(
            software.storage.contains { $0 != $0.rounded() }, "software outputs are not integers")
        layer.backend = .mock
        let mock = try layer(x)
        #expect(mock.storage.allSatisfy { $0 == $0.rounded() && abs($0) <= 128 })
    }
}
