import Testing

@testable import HXNetwork

/// Every differentiable operation and layer: the autodiff gradient equals central finite
/// differences of the float (software) forward pass.
@Suite("Gradients match central finite differences in software mode")
struct GradientCheckTests {
    /// Values away from 0, so that kinks of ReLUs lie outside the finite-difference step.
    func awayFromZero(_ shape: [Int], seed: UInt64) -> Tensor {
        let t = randomTensor(shape, seed: seed)
        return try! Tensor(shape: shape, storage: t.storage.map { $0 + ($0 < 0 ? -0.2 : 0.2) })
    }

    /// Distinct values spaced 0.1 apart in random order, so every pooling window has a clear
    /// maximum.
    func distinct(_ shape: [Int], seed: UInt64) -> Tensor {
        let count = shape.reduce(1, *)
        let keys = randomTensor([count], seed: seed).storage
        let order = keys.indices.sorted { keys[$0] < keys[$1] }
        var values = [Float](repeating: 0, count: count)
        for (rank, index) in order.enumerated() { values[index] = Float(rank) * 0.1 }
        return try! Tensor(shape: shape, storage: values)
    }

    @Test("the check itself fails for a deliberately wrong backward pass")
    func checkerDetectsWrongGradient() throws {
        // y = x², but the backward pass claims 2.2 x: a 10 % error the check must flag.
        let check = try checkGradients([randomTensor([6], seed: 30)]) { v in
            let x = v[0]
            return Tensor.result(shape: x.shape, storage: x.storage.map { $0 * $0 }, inputs: [x]) {
                gradient, _ in
                [Tensor(unchecked: x.shape, zip(gradient.storage, x.storage).map { $0 * 2.2 * $1 })]
            }
        }
        #expect(!check.passed, "a 10 % gradient error went unnoticed: \(check)")
    }

    @Test("broadcast add, subtract and multiply")
    func elementwise() throws {
        let inputs = [randomTensor([2, 3, 4], seed: 1), randomTensor([3, 1], seed: 2)]
        let check = try checkGradients(inputs) { v in try (try v[0] + v[1]) * (try v[0] - v[1]) }
        #expect(check.passed, "\(check)")
    }

    @Test("scaling, sum and mean")
    func reductions() throws {
        let check = try checkGradients([randomTensor([3, 4], seed: 3)]) { v in
            try (v[0].scaled(by: 3) * v[0].mean()) + v[0].sum()
        }
        #expect(check.passed, "\(check)")
    }

    @Test("reshape, permute, transpose, slice, repeat and group averages")
    func shapes() throws {
        let check = try checkGradients([randomTensor([2, 3, 4], seed: 4)]) { v in
            let p = try v[0].permuted([2, 0, 1]).reshaped([4, 6]).transposed()
            return try p.sliced(axis: 0, 1..<5).repeatingLastAxis(3).averagingLastAxis(groupsOf: 2)
        }
        #expect(check.passed, "\(check)")
    }

    @Test("matmul on the software back end (slope gain × numSends)")
    func matmulSoftware() throws {
        let inputs = [
            randomTensor([3, 5], seed: 5, in: 0...31), randomTensor([5, 4], seed: 6, in: -63...63),
        ]
        let check = try checkGradients(inputs, step: 0.05) { v in
            var context = softwareContext()
            return try matmul(v[0], v[1], numSends: 3, context: &context)
        }
        #expect(check.passed, "\(check)")
    }

    @Test("Linear with output averaging and bias")
    func linear() throws {
        let x = randomTensor([4, 6], seed: 7, in: 0...31)
        let layer = try Linear(inFeatures: 6, outFeatures: 3, avg: 2, seed: 8)
        let check = try checkGradients([x] + layer.parameters, step: 0.05) { v in
            var copy = layer
            try copy.setParameters(Array(v[1...]))
            return try copy(v[0])
        }
        #expect(check.passed, "\(check)")
    }

    /// A convolution of an input `[2, 2, …]` with kernels `[3, 2, …]` and biases `[3]`, drawn
    /// from `seed`, `seed + 1` and `seed + 2`.
    struct ConvolutionCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var input: [Int]
        var kernel: [Int]
        var seed: UInt64
        var apply: @Sendable (Tensor, Tensor, Tensor, inout ExecutionContext) throws -> Tensor
    }

    static let convolutionCases = [
        ConvolutionCase(
            testDescription: "conv1d with stride, padding and bias", input: [2, 2, 7],
            kernel: [3, 2, 3], seed: 9
        ) { x, w, b, context in
            try conv1d(x, w, bias: b, stride: 2, padding: 1, numSends: 5, context: &context)
        },
        ConvolutionCase(
            testDescription: "conv2d with unequal strides, padding and bias", input: [2, 2, 5, 4],
            kernel: [3, 2, 3, 2], seed: 12
        ) { x, w, b, context in
            try conv2d(
                x, w, bias: b, stride: (2, 1), padding: (1, 0), numSends: 4, context: &context)
        },
        ConvolutionCase(
            testDescription: "expandedConv1d", input: [2, 2, 11], kernel: [3, 2, 3], seed: 15
        ) { x, w, b, context in
            try expandedConv1d(
                x, w, bias: b, stride: 2, numExpansions: 3, numSends: 2, context: &context)
        },
    ]

    @Test("convolutions", arguments: convolutionCases)
    func convolutionGradient(_ convolution: ConvolutionCase) throws {
        let seed = convolution.seed
        let inputs = [
            randomTensor(convolution.input, seed: seed),
            randomTensor(convolution.kernel, seed: seed + 1), randomTensor([3], seed: seed + 2),
        ]
        let check = try checkGradients(inputs) { v in
            var context = softwareContext()
            return try convolution.apply(v[0], v[1], v[2], &context)
        }
        #expect(check.passed, "\(check)")
    }

    @Test("relu and convertingReLU (software)")
    func activations() throws {
        let check = try checkGradients([awayFromZero([3, 5], seed: 18)]) { v in
            try (try relu(v[0])) + (try convertingReLU(v[0], shift: 2))
        }
        #expect(check.passed, "\(check)")
    }

    @Test("max and average pooling, 1-d and 2-d")
    func pooling() throws {
        let x1 = distinct([2, 2, 7], seed: 19)
        let check1 = try checkGradients([x1]) { v in
            try (try maxPool1d(v[0], kernelSize: 3, stride: 2))
                + (try avgPool1d(v[0], kernelSize: 3, stride: 2))
        }
        #expect(check1.passed, "\(check1)")
        let x2 = distinct([1, 2, 5, 6], seed: 20)
        let check2 = try checkGradients([x2]) { v in
            try (try maxPool2d(v[0], kernelSize: (2, 3), stride: (1, 2)))
                + (try avgPool2d(v[0], kernelSize: (2, 3), stride: (1, 2)))
        }
        #expect(check2.passed, "\(check2)")
    }

    @Test("softmax, logSoftmax, cross-entropy and MSE")
    func losses() throws {
        let logits = randomTensor([4, 5], seed: 21, in: -3...3)
        let soft = try checkGradients([logits]) { v in
            try (try softmax(v[0])) + (try logSoftmax(v[0]))
        }
        #expect(soft.passed, "\(soft)")
        let entropy = try checkGradients([logits]) { v in
            try crossEntropy(v[0], labels: [0, 3, 4, 1])
        }
        #expect(entropy.passed, "\(entropy)")
        let target = randomTensor([4, 5], seed: 22)
        let mse = try checkGradients([logits, target]) { v in try mseLoss(v[0], v[1]) }
        #expect(mse.passed, "\(mse)")
    }

    @Test("every remaining layer inside one network: Conv2d, ExpandedConv1d, pools, reshapes")
    func allLayers() throws {
        let model = Sequential(
            Reshape(shape: [1, 6, 6]),
            try Conv2d(inChannels: 1, outChannels: 2, kernelSize: 3, padding: 1, seed: 26),
            try ConvertingReLU(shift: 1), AvgPool2d(kernelSize: 2), MaxPool2d(kernelSize: (1, 3)),
            Flatten(), Reshape(shape: [1, 6]),
            try ExpandedConv1d(
                inChannels: 1, outChannels: 2, kernelSize: 2, numExpansions: 2, seed: 27),
            AvgPool1d(kernelSize: 2, stride: 1), Flatten(),
            try Linear(inFeatures: 8, outFeatures: 3, avg: 2, seed: 28))
        let x = randomTensor([2, 36], seed: 29, in: 0...31)
        let target = randomTensor([2, 3], seed: 30)
        let check = try checkGradients(model.parameters, step: 0.05, rtol: 2e-2) { v in
            var copy = model
            try copy.setParameters(v)
            return try mseLoss(try copy(x), target)
        }
        #expect(check.passed, "\(check)")
    }

    @Test("a small convolutional network end to end")
    func network() throws {
        let model = Sequential(
            try Conv1d(inChannels: 1, outChannels: 3, kernelSize: 3, stride: 1, seed: 23),
            ReLU(), MaxPool1d(kernelSize: 2), Flatten(),
            try Linear(inFeatures: 9, outFeatures: 2, seed: 24))
        let x = randomTensor([3, 1, 8], seed: 25, in: 0...31)
        let check = try checkGradients(model.parameters, step: 0.05, rtol: 2e-2) { v in
            var copy = model
            try copy.setParameters(v)
            return try crossEntropy(try copy(x), labels: [0, 1, 1])
        }
        #expect(check.passed, "\(check)")
    }
}
