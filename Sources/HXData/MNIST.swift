import Foundation
import HXIO
import HXNumerics

/// The IDX format of MNIST: a big-endian magic number `0x000008nn` (unsigned bytes, n
/// dimensions), n big-endian 32-bit dimensions, then the bytes in row-major order.
enum IDX {
    /// The dimensions and the data bytes of the IDX file at `path` (gzip-compressed or plain),
    /// checked against the expected magic number.
    static func read(path: String, magic: UInt32) throws -> (dimensions: [Int], data: [UInt8]) {
        let bytes = try DataError.wrapping { [UInt8](try Gzip.readPossiblyCompressed(path: path)) }
        func word(_ offset: Int) -> UInt32 {
            (0..<4).reduce(0) { $0 << 8 | UInt32(bytes[offset + $1]) }
        }
        guard bytes.count >= 4 else {
            throw DataError.truncated(path: path, expectedBytes: 4, gotBytes: bytes.count)
        }
        guard word(0) == magic else {
            throw DataError.badMagic(path: path, expected: magic, got: word(0))
        }
        let rank = Int(magic & 0xFF)
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw DataError.truncated(path: path, expectedBytes: headerSize, gotBytes: bytes.count)
        }
        let dimensions = (0..<rank).map { Int(word(4 + 4 * $0)) }
        let (size, overflow) = dimensions.reduce((1, false)) { partial, dimension in
            let product = partial.0.multipliedReportingOverflow(by: dimension)
            return (product.partialValue, partial.1 || product.overflow)
        }
        let (expected, beyond) = headerSize.addingReportingOverflow(size)
        guard !overflow, !beyond else {
            throw DataError.malformed(
                path: path, line: 0, reason: "dimensions \(dimensions) are too large")
        }
        guard bytes.count >= expected else {
            throw DataError.truncated(path: path, expectedBytes: expected, gotBytes: bytes.count)
        }
        guard bytes.count == expected else {
            throw DataError.trailingBytes(
                path: path, expectedBytes: expected, gotBytes: bytes.count)
        }
        return (dimensions, Array(bytes[headerSize...]))
    }
}

/// The MNIST handwritten digits (LeCun, Cortes, Burges): 28 × 28 grey images, labels 0–9, in
/// IDX files (`*-images-idx3-ubyte`, `*-labels-idx1-ubyte`), gzip-compressed or plain.
///
/// Pixels 0…255 are mapped linearly onto `pixelRange`, by default **0…1** (255 → 1). Features
/// are the image rows one after another; ``Dataset/featureShape`` is `[1, rows, columns]`.
public enum MNIST {
    /// Which half of MNIST.
    public enum Split: String, Sendable, CaseIterable {
        /// 60,000 training images.
        case train
        /// 10,000 test images (`t10k`).
        case test

        var filePrefix: String { self == .train ? "train" : "t10k" }
    }

    /// The magic number of an IDX file of unsigned bytes with three dimensions (images).
    public static let imagesMagic: UInt32 = 0x0000_0803
    /// The magic number of an IDX file of unsigned bytes with one dimension (labels).
    public static let labelsMagic: UInt32 = 0x0000_0801

    /// Loads the `split` from `directory`, which holds the files under their usual names
    /// (`t10k-images-idx3-ubyte.gz` or `t10k-images.idx3-ubyte.gz`, with or without `.gz`).
    /// - Throws: ``DataError/missingFile(path:expected:)`` naming the files looked for, and
    ///   the errors of ``load(images:labels:name:pixelRange:limit:)``.
    public static func load(
        directory: String, split: Split, pixelRange: ClosedRange<Float> = 0...1,
        limit: Int? = nil, side: Int? = nil
    ) throws -> Dataset {
        func find(_ kind: String, _ rank: Int) throws -> String {
            let stems = [
                "\(split.filePrefix)-\(kind)-idx\(rank)-ubyte",
                "\(split.filePrefix)-\(kind).idx\(rank)-ubyte",
            ]
            let candidates = stems.flatMap { [$0 + ".gz", $0] }.map { directory + "/" + $0 }
            guard let found = candidates.first(where: { FileIO.exists(path: $0) }) else {
                throw DataError.missingFile(
                    path: candidates[0], expected: "MNIST \(split.rawValue) \(kind)")
            }
            return found
        }
        return try load(
            images: find("images", 3), labels: find("labels", 1), name: "MNIST \(split.rawValue)",
            pixelRange: pixelRange, limit: limit, side: side)
    }

    /// Loads MNIST images and labels from two IDX files.
    /// - Parameters:
    ///   - pixelRange: the range pixel values 0…255 are mapped onto (default 0…1).
    ///   - limit: keep only the first `limit` samples.
    ///   - side: the images' side in pixels a caller needs (28 for a network built for MNIST),
    ///     or nil for any size.
    /// - Throws: ``DataError`` for a wrong magic number, truncated or over-long files, image
    ///   and label counts that differ, images of another size than `side`, or labels outside
    ///   0–9.
    public static func load(
        images: String, labels: String, name: String = "MNIST",
        pixelRange: ClosedRange<Float> = 0...1, limit: Int? = nil, side: Int? = nil
    ) throws -> Dataset {
        if let limit, limit < 0 {
            throw DataError.invalidArgument("limit \(limit) must not be negative")
        }
        let (imageDimensions, pixels) = try IDX.read(path: images, magic: imagesMagic)
        let (labelDimensions, labelBytes) = try IDX.read(path: labels, magic: labelsMagic)
        guard imageDimensions[0] == labelDimensions[0] else {
            throw DataError.dimensionMismatch(
                path: labels, what: "label count", expected: [imageDimensions[0]],
                got: labelDimensions)
        }
        if let side, Array(imageDimensions.dropFirst()) != [side, side] {
            throw DataError.dimensionMismatch(
                path: images, what: "image size", expected: [side, side],
                got: Array(imageDimensions.dropFirst()))
        }
        let count = min(imageDimensions[0], limit ?? Int.max)
        let rows = imageDimensions[1]
        let columns = imageDimensions[2]
        let size = rows * columns
        if let bad = labelBytes.prefix(count).firstIndex(where: { $0 > 9 }) {
            throw DataError.invalidLabel(
                path: labels, sample: bad, label: String(labelBytes[bad]),
                allowed: ValueText.range(0...9))
        }
        // Each of the 256 pixel values maps once, in Double, rounded once to Float; 0 and
        // 255 land exactly on the ends of the range.
        let lower = Double(pixelRange.lowerBound)
        let width = Double(pixelRange.upperBound) - lower
        let table = (0...255).map { Float(lower + Double($0) / 255 * width) }
        let features = pixels.prefix(count * size).map { table[Int($0)] }
        return try Dataset(
            name: name, features: Matrix(rows: count, columns: size, storage: features),
            labels: labelBytes.prefix(count).map(Int.init), classCount: 10,
            classNames: (0...9).map(String.init), featureShape: [1, rows, columns])
    }
}
