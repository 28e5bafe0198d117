import HXNumerics
import Testing

@testable import HXNetwork

@Suite("Data loaders hand samples in their own shape")
struct SampleShapeTests {
    @Test("batches are [samples] + sampleShape, values in row order")
    func shapedBatches() throws {
        let features = try Matrix<Float>(
            rows: 3, columns: 8, storage: (0..<24).map(Float.init))
        let loader = try DataLoader(
            features: features, labels: [0, 1, 2], batchSize: 2, shuffle: false, seed: 0,
            sampleShape: [2, 2, 2])
        let batches = loader.batches(epoch: 0)
        #expect(batches.map(\.features.shape) == [[2, 2, 2, 2], [1, 2, 2, 2]])
        #expect(batches[1].features.storage == (16..<24).map(Float.init))
    }

    @Test("a shape that does not hold the features is refused")
    func wrongShape() throws {
        let features = Matrix<Float>(rows: 2, columns: 8, repeating: 1)
        #expect(throws: NetworkError.self) {
            try DataLoader(
                features: features, labels: [0, 1], batchSize: 1, seed: 0, sampleShape: [1, 3, 3])
        }
    }

    @Test("evaluate runs a conv model on flat rows given their shape")
    func evaluateConvolution() throws {
        let model = Sequential(
            try Conv2d(inChannels: 1, outChannels: 2, kernelSize: 2, seed: 1), Flatten())
        let features = Matrix<Float>(rows: 4, columns: 9, repeating: 3)
        var context = ExecutionContext.software
        let accuracy = try evaluate(
            model, features: features, labels: [0, 1, 0, 1], sampleShape: [1, 3, 3],
            context: &context)
        #expect((0...1).contains(accuracy))
        #expect(throws: NetworkError.self) {
            try evaluate(model, features: features, labels: [0, 1, 0, 1], context: &context)
        }
    }
}
