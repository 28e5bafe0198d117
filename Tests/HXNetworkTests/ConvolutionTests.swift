import HXTestSupport
import Testing

@testable import HXNetwork

@Suite("Convolutions lowered to VMMs")
struct ConvolutionTests {
    /// Direct convolution by definition, in Double: Σ_c,i,j x[n, c, y·s + i − p, x·s + j − p] w[o, c, i, j].
    func naiveConv2d(
        _ x: Tensor, _ w: Tensor, stride: (Int, Int), padding: (Int, Int)
    ) -> (shape: [Int], values: [Double]) {
        let (n, c, h, width) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        let oh = (h + 2 * padding.0 - kh) / stride.0 + 1
        let ow = (width + 2 * padding.1 - kw) / stride.1 + 1
        var values: [Double] = []
        for b in 0..<n {
            for oc in 0..<o {
                for y in 0..<oh {
                    for xo in 0..<ow {
                        var sum = 0.0
                        for ch in 0..<c {
                            for i in 0..<kh {
                                for j in 0..<kw {
                                    let iy = y * stride.0 + i - padding.0
                                    let ix = xo * stride.1 + j - padding.1
                                    guard iy >= 0, iy < h, ix >= 0, ix < width else { continue }
                                    sum += Double(x[b, ch, iy, ix]) * Double(w[oc, ch, i, j])
                                }
                            }
                        }
                        values.append(sum)
                    }
                }
            }
        }
        return ([n, o, oh, ow], values)
    }

    @Test(
        "conv2d equals a direct convolution times gain × numSends",
        arguments: [((1, 1), (0, 0)), ((2, 3), (1, 2)), ((5, 5), (1, 1))])
    func conv2dMatchesNaive(stride: (Int, Int), padding: (Int, Int)) throws {
        let x = randomTensor([2, 3, 12, 11], seed: 1, in: 0...31)
        let w = randomTensor([4, 3, 4, 3], seed: 2, in: -63...63)
        var context = softwareContext()
        let y = try conv2d(x, w, stride: stride, padding: padding, numSends: 2, context: &context)
        let expected = naiveConv2d(x, w, stride: stride, padding: padding)
        #expect(y.shape == expected.shape)
        let worst = zip(y.storage, expected.values).reduce(0.0) {
            max($0, abs(Double($1.0) - 0.004 * $1.1))
        }
        #expect(worst < 1e-3, "largest deviation \(worst) LSB")
    }

    @Test(
        "huge padding, stride or expansion: a one-line error naming it, never a trap (finding 2)")
    func hugeWindowSettings() throws {
        let x = randomTensor([1, 1, 4, 4], seed: 1, in: 0...31)
        let w = randomTensor([2, 1, 3, 3], seed: 2, in: -63...63)
        var context = softwareContext()
        func message(_ body: (inout ExecutionContext) throws -> Tensor) -> String {
            let error = #expect(throws: NetworkError.self) { try body(&context) }
            return error?.description ?? ""
        }
        // Beyond 2²⁴: refused by name before any arithmetic on it.
        #expect(
            message { try conv2d(x, w, padding: (Int.max / 2, 1), context: &$0) }
                == "convolution padding = 4611686018427387903 is outside 0…16777216")
        #expect(
            message { try conv2d(x, w, stride: (1, Int.max), context: &$0) }
                == "convolution stride = 9223372036854775807 is outside 1…16777216")
        // Within 2²⁴ but (4 + 2²⁵ − 2)² positions: the patch count is checked before allocating.
        let patches = message { try conv2d(x, w, padding: (1 << 24, 1 << 24), context: &$0) }
        #expect(
            patches.contains("the patches of one image (33554434 × 33554434 positions of 9 inputs)")
                && patches.contains("more than the 268435456"), "\(patches)")
        let x1 = randomTensor([1, 1, 8], seed: 3, in: 0...31)
        let w1 = randomTensor([1, 1, 2], seed: 4, in: -63...63)
        #expect(
            message { try expandedConv1d(x1, w1, numExpansions: Int.max, context: &$0) }
                == "expandedConv1d numExpansions = 9223372036854775807 is outside 1…16777216")
        #expect(
            message {
                try expandedConv1d(x1, w1, stride: 1 << 24, numExpansions: 1 << 24, context: &$0)
            }.hasPrefix("expandedConv1d stride × numExpansions = 281474976710656 is outside"))
        #expect(
            message { try expandedConv1d(x1, w1, numExpansions: 1 << 20, context: &$0) }
                .contains("the kernel expanded 1048576 times would have"))
        // Layers: padding 0…kernel − 1 on each axis (wider only adds windows of zeros).
        #expect(
            throws: NetworkError.countOutOfRange(name: "Conv2d padding", value: 3, allowed: 0...2)
        ) {
            try Conv2d(weight: w, padding: (1, 3), numSends: 1)
        }
        #expect(try Conv2d(weight: w, padding: (2, 2), numSends: 1).padding == (2, 2))
        #expect(
            throws: NetworkError.countOutOfRange(name: "Conv1d padding", value: 2, allowed: 0...1)
        ) {
            try Conv1d(weight: w1, padding: 2, numSends: 1)
        }
        // A huge repetition throws instead of overflowing `count × times`.
        let repeated = #expect(throws: NetworkError.self) {
            try Tensor([1, 2]).repeatingLastAxis(Int.max)
        }
        #expect(repeated?.description.contains("more than the 268435456") == true)
    }

    @Test("conv1d equals conv2d on a height-1 image, with bias added per channel")
    func conv1dMatchesConv2d() throws {
        let x = randomTensor([2, 3, 17], seed: 3, in: 0...31)
        let w = randomTensor([5, 3, 4], seed: 4, in: -63...63)
        let bias = randomTensor([5], seed: 5)
        var context = softwareContext()
        let one = try conv1d(
            x, w, bias: bias, stride: 2, padding: 1, numSends: 3, context: &context)
        let two = try conv2d(
            x.reshaped([2, 3, 1, 17]), w.reshaped([5, 3, 1, 4]), bias: bias, stride: (1, 2),
            padding: (0, 1),
            numSends: 3, context: &context)
        #expect(one.shape == [2, 5, 8])
        #expect(one.storage == two.storage)
    }

    @Test(
        "expandedConv1d equals conv1d in software mode",
        arguments: [(1, 4, 5, 1, 3), (2, 3, 3, 2, 4), (3, 8, 7, 3, 2), (1, 2, 30, 1, 10)])
    func expandedMatchesPlain(
        inChannels: Int, outChannels: Int, kernel: Int, stride: Int, expansions: Int
    ) throws {
        let x = randomTensor([2, inChannels, 40], seed: 6, in: 0...31)
        let w = randomTensor([outChannels, inChannels, kernel], seed: 7, in: -63...63)
        let bias = randomTensor([outChannels], seed: 8)
        var context = softwareContext()
        let plain = try conv1d(x, w, bias: bias, stride: stride, numSends: 2, context: &context)
        let expanded = try expandedConv1d(
            x, w, bias: bias, stride: stride, numExpansions: expansions, numSends: 2,
            context: &context)
        #expect(expanded.shape == plain.shape)
        #expect(
            maxDifference(expanded, plain) < 1e-3, "differ by \(maxDifference(expanded, plain)) LSB"
        )
    }

    @Test("automatic expansions fill the block: min(256 / O, (128 / C − K) / s + 1)")
    func automaticExpansionCount() {
        #expect(automaticExpansions(outChannels: 8, inChannels: 1, kernelSize: 5, stride: 1) == 32)
        #expect(
            automaticExpansions(outChannels: 20, inChannels: 2, kernelSize: 10, stride: 2) == 12)
        #expect(automaticExpansions(outChannels: 1, inChannels: 2, kernelSize: 10, stride: 2) == 28)
        #expect(
            automaticExpansions(outChannels: 300, inChannels: 200, kernelSize: 3, stride: 1) == 1)
        let layer = try? ExpandedConv1d(inChannels: 1, outChannels: 16, kernelSize: 8, seed: 1)
        #expect(layer?.numExpansions == 16)
    }

    @Test("convolution shape errors say what was expected")
    func convolutionErrors() throws {
        var context = softwareContext()
        let x = try Tensor(shape: [1, 2, 5, 5], repeating: 1)
        #expect(
            throws: NetworkError.shapeMismatch(
                operation: "conv2d weight", expected: [-1, 2, -1, -1], got: [3, 1, 2, 2])
        ) {
            try conv2d(x, try Tensor(shape: [3, 1, 2, 2], repeating: 1), context: &context)
        }
        #expect(
            throws: NetworkError.invalidArgument(
                "convolution: kernel 6 × 6 is larger than the padded input 5 × 5")
        ) {
            try conv2d(x, try Tensor(shape: [1, 2, 6, 6], repeating: 1), context: &context)
        }
        #expect(throws: NetworkError.self) {
            try conv2d(
                x, try Tensor(shape: [1, 2, 2, 2], repeating: 1), stride: (0, 1), context: &context)
        }
    }

    @Test(
        "a convolution on the mock is hxtorch's floor(gain · n · Σ a·w) of the direct convolution; on a linear simulated chip it is gain · n · Σ a·w to rounding"
    )
    func convolutionValues() throws {
        let layer = try Conv2d(
            inChannels: 1, outChannels: 20, kernelSize: 10, stride: 5, padding: 1, bias: false,
            seed: 9)
        #expect(layer.numSends == 7)  // ⌈(2 · √2 / (0.002 · 10)) / 21⌉
        let x = randomIntegers([2, 1, 28, 28], seed: 10, in: 0...31)
        let rounded = try Tensor(
            shape: layer.weight.shape, storage: layer.weight.storage.map { $0.rounded() })
        let direct = naiveConv2d(x, rounded, stride: (5, 5), padding: (1, 1))
        // Mock without noise: one 100-row block per output, floored and clamped.
        var mock = ExecutionContext(
            backend: .mock, mockParameter: MockParameter(noiseStd: 0), seed: 1)
        let y = try layer(x, context: &mock)
        #expect(y.shape == [2, 20, 5, 5] && direct.shape == y.shape)
        for (value, sum) in zip(y.storage, direct.values) {
            let expected = min(max((0.002 * 7 * sum).rounded(.down), -128), 127)
            #expect(Double(value) == expected, "mock \(value), floor(0.014 · \(sum)) = \(expected)")
        }
        #expect(Set(y.storage).count > 20)
        // A linear, noise- and mismatch-free chip with the closed form's gain.
        let parameters = PhysicsLoopTests.exactlyLinear
        let gain = IdealChipModel(parameters: parameters).smallSignalGain
        let executor = try PhysicsExecutor(chipCount: 1, firstSeed: 2, parameters: parameters)
        var hardware = ExecutionContext(
            backend: .hardware(executor), mockParameter: MockParameter(gain: gain), seed: 1)
        let chip = try layer(x, context: &hardware)
        var compared = 0
        for (value, sum) in zip(chip.storage, direct.values) where abs(gain * 7 * sum) < 120 {
            #expect(
                abs(Double(value) - gain * 7 * sum) < 1,
                "chip \(value), gain · n · Σ = \(gain * 7 * sum)")
            compared += 1
        }
        #expect(compared > 300)
    }
}
