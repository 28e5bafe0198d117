import Foundation
import HXNetwork
import HXTestSupport
import Testing

@testable import HXSweep

@Suite("Sweeps hand data sets to the model in their own shape")
struct ShapedDataTests {
    @Test("a conv model on the 8×8 digits gets [N, 1, 8, 8], not flat 64-vectors")
    func convolutionOnImages() throws {
        let directory = try temporaryDirectory("shaped")
        // Ten digits: pixel counts 0…16 and the label last, as the loader reads them.
        var lines: [String] = []
        for sample in 0..<10 {
            let pixels = (0..<64).map { String(($0 + sample) % 17) }
            lines.append((pixels + [String(sample % 10)]).joined(separator: ","))
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(
            to: URL(fileURLWithPath: directory + "/digits.csv"))
        let model = Sequential(
            try Conv2d(inChannels: 1, outChannels: 4, kernelSize: 4, stride: 2, seed: 1),
            try ConvertingReLU(shift: 1), Flatten(),
            try Linear(inFeatures: 4 * 3 * 3, outFeatures: 10, seed: 2))
        try ModelFile.save(model, to: URL(fileURLWithPath: directory + "/model.json"))
        let spec = SweepSpec(
            name: "shaped", model: "model.json",
            dataset: DatasetSpec(kind: "digits", path: "digits.csv", inputScale: 31),
            seed: 1, repetitions: 1, base: [:],
            axes: [AxisSpec("seed", values: [.number(1)])], sampling: SamplingSpec())
        let sweep = try Sweep(spec: spec, directory: directory, calibration: nil)
        #expect(sweep.sampleShape == [1, 8, 8])
        let result = try sweep.evaluate(sweep.plan.points[0])
        #expect(result.samples == 10)
        #expect(result.accuracies.allSatisfy { (0...1).contains($0) })
    }
}
