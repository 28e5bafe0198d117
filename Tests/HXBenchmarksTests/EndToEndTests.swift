import Foundation
import HXApplications
import HXNetwork
import HXNumerics
import HXTestSupport
import Testing

@testable import HXBenchmarks

@Suite("End to end: images per second of a network beside the chip's projected time")
struct EndToEndTests {
    /// One layer of 16 inputs to 8 outputs, every input at 31: each vector is 16 events five
    /// cycles (40 ns) apart plus the chip's fixed 36 µs per vector (docs/SPECIFICATION.md §4).
    static let tiny = EndToEndNetwork(name: "tiny") { _ in
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
        // The short suite measures only what takes seconds and reads no data set; the full
        // suite measures every network, MNIST included (issue 15, item 5).
        let quick = BenchmarkSuite.plan(quick: true).cases
        let full = BenchmarkSuite.plan(quick: false, data: "/d").cases
        #expect(quick.contains(.endToEnd(network: "yinyang", repeats: 3, data: nil)))
        #expect(!quick.contains { if case .endToEnd("mnist", _, _) = $0 { true } else { false } })
        #expect(full.contains(.endToEnd(network: "mnist", repeats: 5, data: "/d")))
    }

    @Test("a network whose data set is in no folder searched is not measured, and says why")
    func missingData() throws {
        let empty = try TemporaryDirectory()
        let (measurement, reason) = try EndToEndMeasurement.measureIfFound(
            .mnist, data: DataLocation(roots: [empty.path]), repeats: 1)
        #expect(measurement == nil)
        let text = try #require(reason)
        #expect(text.contains("no data for task 'mnist'") && text.contains(empty.path), "\(text)")
        // A measurement that fails for another reason is an error, not a network left out.
        let broken = EndToEndNetwork(name: "broken") { _ in
            throw ApplicationError.invalidSetting(name: "x", value: "1", reason: "test")
        }
        #expect(throws: ApplicationError.self) {
            try EndToEndMeasurement.measureIfFound(broken, data: DataLocation(roots: []))
        }
    }

    @Test("the MNIST network reads hxtorch's splits and takes 28 × 28 images")
    func mnistSetup() throws {
        guard
            SharedDatasets.has(
                "mnist/train-images.idx3-ubyte.gz", "mnist/t10k-images.idx3-ubyte.gz")
        else {
            print("skipped: \(SharedDatasets.skipMessage("mnist/train-images.idx3-ubyte.gz"))")
            return
        }
        let setup = try EndToEndNetwork.mnist.setup(
            DataLocation(roots: [try #require(SharedDatasets.directory)]))
        // 60,000 training images less the 2,000 held out for validation; the test set whole.
        #expect(setup.train.labels.count == 58_000 && setup.test.labels.count == 10_000)
        #expect(setup.train.features.columns == 28 * 28 && setup.sampleShape == [1, 28, 28])
        #expect(Set(setup.test.labels) == Set(0..<10))
    }
}
