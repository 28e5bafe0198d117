import Foundation
import HXIO
import HXTestSupport
import Testing

@testable import HXData

/// IDX bytes: magic, big-endian dimensions, data.
func idx(magic: UInt32, dimensions: [UInt32], data: [UInt8]) -> [UInt8] {
    func word(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (24 - 8 * $0)) & 0xFF) } }
    return word(magic) + dimensions.flatMap(word) + data
}

@Suite("MNIST IDX files")
struct MNISTTests {
    /// The real test split in the shared data sets folder.
    static let testFiles = [
        "mnist/t10k-images.idx3-ubyte.gz", "mnist/t10k-labels.idx1-ubyte.gz",
    ]

    /// Three 2 × 2 images with pixels 0, 51, 204, 255 in turn and labels 7, 0, 9.
    func tinySet(_ directory: TemporaryDirectory) throws -> (String, String) {
        let pixels: [UInt8] = [0, 51, 204, 255, 255, 204, 51, 0, 0, 0, 0, 255]
        let images = try directory.write(
            "images", idx(magic: 0x803, dimensions: [3, 2, 2], data: pixels))
        let labels = try directory.write(
            "labels", idx(magic: 0x801, dimensions: [3], data: [7, 0, 9]))
        return (images, labels)
    }

    @Test("pixels scale to 0...1 by default and to the range asked for")
    func scaling() throws {
        let directory = try TemporaryDirectory()
        let (images, labels) = try tinySet(directory)
        let data = try MNIST.load(images: images, labels: labels)
        #expect(data.count == 3 && data.featureShape == [1, 2, 2])
        #expect(Array(data.sample(0)) == [0, 0.2, 0.8, 1])
        #expect(data.labels == [7, 0, 9])
        let activations = try MNIST.load(images: images, labels: labels, pixelRange: 0...31)
        #expect(Array(activations.sample(1)) == [31, 24.8, 6.2, 0])
        let limited = try MNIST.load(images: images, labels: labels, limit: 2)
        #expect(limited.count == 2 && limited.labels == [7, 0])
    }

    @Test("wrong magic, truncation, extra bytes, count mismatch and bad labels are errors")
    func errors() throws {
        let directory = try TemporaryDirectory()
        let (images, labels) = try tinySet(directory)
        #expect(throws: DataError.badMagic(path: labels, expected: 0x803, got: 0x801)) {
            try MNIST.load(images: labels, labels: images)
        }
        let short = try directory.write(
            "short",
            idx(magic: 0x803, dimensions: [3, 2, 2], data: [UInt8](repeating: 0, count: 11)))
        #expect(throws: DataError.truncated(path: short, expectedBytes: 28, gotBytes: 27)) {
            try MNIST.load(images: short, labels: labels)
        }
        let long = try directory.write(
            "long", idx(magic: 0x801, dimensions: [3], data: [1, 2, 3, 4]))
        #expect(throws: DataError.trailingBytes(path: long, expectedBytes: 11, gotBytes: 12)) {
            try MNIST.load(images: images, labels: long)
        }
        let two = try directory.write("two", idx(magic: 0x801, dimensions: [2], data: [1, 2]))
        #expect(
            throws: DataError.dimensionMismatch(
                path: two, what: "label count", expected: [3], got: [2])
        ) {
            try MNIST.load(images: images, labels: two)
        }
        let bad = try directory.write("bad", idx(magic: 0x801, dimensions: [3], data: [1, 12, 3]))
        #expect(throws: DataError.invalidLabel(path: bad, sample: 1, label: "12", allowed: "0…9")) {
            try MNIST.load(images: images, labels: bad)
        }
        // Dimensions whose product is Int.max: the header plus the data would overflow.
        let vast = try directory.write(
            "vast", idx(magic: 0x803, dimensions: [649_159, 4_547_599, 3_124_327], data: []))
        #expect(
            throws: DataError.malformed(
                path: vast, line: 0,
                reason: "dimensions [649159, 4547599, 3124327] are too large")
        ) { try MNIST.load(images: vast, labels: labels) }
        // A caller that needs 28 × 28 images is told the size of others.
        #expect(
            throws: DataError.dimensionMismatch(
                path: images, what: "image size", expected: [28, 28], got: [2, 2])
        ) { try MNIST.load(images: images, labels: labels, side: 28) }
        let missing = directory.file("none")
        #expect(throws: DataError.io(.fileNotFound(path: missing))) {
            try MNIST.load(images: missing, labels: labels)
        }
        #expect(throws: DataError.self) { try MNIST.load(directory: directory.path, split: .test) }
    }

    @Test(
        "the real MNIST test set: 10,000 images of 28 × 28, the published class counts",
        .enabled(
            if: SharedDatasets.has(Self.testFiles[0], Self.testFiles[1]),
            Comment(rawValue: SharedDatasets.skipMessage(Self.testFiles[0], Self.testFiles[1]))))
    func realTestSet() throws {
        let data = try MNIST.load(directory: SharedDatasets.path("mnist"), split: .test)
        #expect(data.count == 10_000 && data.featureCount == 784)
        #expect(data.featureShape == [1, 28, 28])
        // Class counts of the MNIST test set (LeCun et al.; rechecked with NumPy's bincount).
        #expect(data.classCounts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
        #expect(data.classCounts.reduce(0, +) == 10_000)
        // Image 0 (a 7): raw pixel sum 18,454, pixel (7, 6) = 84, both read with NumPy.
        let sum = data.sample(0).reduce(0) { $0 + Double($1) * 255 }
        #expect(abs(sum - 18_454) < 0.01, "pixel sum \(sum)")
        #expect(data.sample(0)[data.sample(0).startIndex + 7 * 28 + 6] == Float(84) / 255)
        #expect(data.labels[0] == 7)
    }
}
