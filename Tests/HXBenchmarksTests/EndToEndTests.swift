import Foundation
import HXNetwork
import HXNumerics
import Testing

@testable import HXBenchmarks

@Suite("End to end: images per second of a network beside the chip's projected time")
struct EndToEndTests {
    /// One layer of 16 inputs to 8 outputs, every input at 31: each vector is 16 events five
    /// cycles (40 ns) apart plus the chip's fixed 36 µs per vector (docs/SPECIFICATION.md §4).
    static let tiny = EndToEndNetwork(name: "tiny") {
        let features = Matrix<Float>(rows: 20, columns: 16, repeating: 31)
        let labels = (0..<20).map { $0 % 8 }
        return EndToEndNetwork.Setup(
            model: Sequential(
                try Linear(inFeatures: 16, outFeatures: 8, bias: false, numSends: 1, seed: 3)),
            train: (features, labels), test: (features, labels), loss: .crossEntropy,
            batchSize: 5)
    }

    @Test("the projected chip time is the event trains and overheads of the images sent")
    func projectedTime() throws {
        let m = try EndToEndMeasurement.measure(Self.tiny, repeats: 1)
        let perVector = 16 * 5 * 8e-9 + 36e-6
        #expect(m.inferenceImages == 20 && m.trainingImages == 20)
        #expect(abs(m.inferenceChipSeconds - 20 * perVector) < 1e-9, "\(m)")
        #expect(abs(m.trainingChipSeconds - 20 * perVector) < 1e-9, "\(m)")
        #expect(m.inferenceSeconds > 0 && m.trainingSeconds > 0)
        #expect(abs(m.chipInferenceImagesPerSecond - 1 / perVector) < 1e-6 / perVector)
    }

    @Test("every listed network has a name the suite can find, and unknown names are errors")
    func registry() throws {
        for network in EndToEndNetwork.all {
            #expect(try EndToEndNetwork.named(network.name).name == network.name)
        }
        #expect(EndToEndNetwork.all.contains { $0.name == "yinyang" })
        #expect(throws: BenchmarkError.self) { try EndToEndNetwork.named("mnist-in-2019") }
    }
}
