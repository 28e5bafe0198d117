import HXNumerics

/// A labelled classification data set: one row of features per sample and an integer class.
///
/// Features are `Float`, samples × features, in the order given by ``featureShape`` when that
/// is set (for example `[1, 28, 28]` for an MNIST image, channel-major, or `[6, 100]` for six
/// sensor channels of 100 time steps, channel after channel), so a convolutional network can
/// reshape a row without knowing the loader.
public struct Dataset: Sendable, Equatable, Codable {
    /// A name for reports, for example `MNIST test`.
    public var name: String
    /// The features, samples × features.
    public private(set) var features: Matrix<Float>
    /// The class of each sample, in 0..<``classCount``.
    public private(set) var labels: [Int]
    /// The number of classes (classes without samples count too).
    public let classCount: Int
    /// The name of each class, index by index, when the data set has names.
    public let classNames: [String]?
    /// The shape of one sample's features, whose product is the feature count.
    public let featureShape: [Int]?

    /// A data set; checks that the parts fit together.
    /// - Throws: ``DataError/invalidArgument(_:)`` when the label count differs from the
    ///   sample count, a label is outside 0..<classCount, the class names are not one per
    ///   class, or the feature shape does not multiply to the feature count.
    public init(
        name: String, features: Matrix<Float>, labels: [Int], classCount: Int,
        classNames: [String]? = nil, featureShape: [Int]? = nil
    ) throws {
        guard labels.count == features.rows else {
            throw DataError.invalidArgument(
                "\(name): \(labels.count) labels for \(features.rows) samples")
        }
        guard classCount > 0 else {
            throw DataError.invalidArgument("\(name): class count \(classCount) must be positive")
        }
        if let bad = labels.firstIndex(where: { !(0..<classCount).contains($0) }) {
            throw DataError.invalidArgument(
                "\(name): sample \(bad) has label \(labels[bad]), expected 0..<\(classCount)")
        }
        if let classNames, classNames.count != classCount {
            throw DataError.invalidArgument(
                "\(name): \(classNames.count) class names for \(classCount) classes")
        }
        if let featureShape,
            featureShape.contains(where: { $0 <= 0 })
                || featureShape.reduce(1, *) != features.columns
        {
            throw DataError.invalidArgument(
                "\(name): feature shape \(featureShape) does not hold \(features.columns) features")
        }
        self.name = name
        self.features = features
        self.labels = labels
        self.classCount = classCount
        self.classNames = classNames
        self.featureShape = featureShape
    }

    private enum CodingKeys: String, CodingKey {
        case name, features, labels, classCount, classNames, featureShape
    }

    /// Decodes a data set and checks it as ``init(name:features:labels:classCount:classNames:featureShape:)``
    /// does, so that edited JSON cannot make an inconsistent one.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .name)
        do {
            try self.init(
                name: name, features: container.decode(Matrix<Float>.self, forKey: .features),
                labels: container.decode([Int].self, forKey: .labels),
                classCount: container.decode(Int.self, forKey: .classCount),
                classNames: container.decodeIfPresent([String].self, forKey: .classNames),
                featureShape: container.decodeIfPresent([Int].self, forKey: .featureShape))
        } catch let error as DataError {
            throw DecodingError.dataCorruptedError(
                forKey: .labels, in: container, debugDescription: error.description)
        }
    }

    /// The number of samples.
    public var count: Int { labels.count }

    /// The number of features per sample.
    public var featureCount: Int { features.columns }

    /// How many samples each class has, index by class.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[label] += 1 }
        return counts
    }

    /// The features of sample `index`.
    public func sample(_ index: Int) -> ArraySlice<Float> { features.row(index) }

    /// The samples at `indices`, in that order (repeats allowed).
    /// - Throws: ``DataError/invalidArgument(_:)`` for an index outside 0..<count.
    public func subset(_ indices: [Int]) throws -> Dataset {
        if let bad = indices.first(where: { !(0..<count).contains($0) }) {
            throw DataError.invalidArgument("\(name): sample index \(bad) outside 0..<\(count)")
        }
        var storage: [Float] = []
        storage.reserveCapacity(indices.count * featureCount)
        for index in indices { storage.append(contentsOf: features.row(index)) }
        return try Dataset(
            name: name,
            features: Matrix(rows: indices.count, columns: featureCount, storage: storage),
            labels: indices.map { labels[$0] }, classCount: classCount, classNames: classNames,
            featureShape: featureShape)
    }

    /// The samples in an order shuffled by `seed` (see ``permutation(count:seed:)``).
    public func shuffled(seed: UInt64) throws -> Dataset {
        try subset(Dataset.permutation(count: count, seed: seed))
    }

    /// Splits the data set at random: `first` gets `fraction` of the samples (rounded to the
    /// nearest whole sample), `second` the rest. The shuffle depends only on `seed` and the
    /// sample count.
    /// - Throws: ``DataError/invalidArgument(_:)`` unless 0 ≤ fraction ≤ 1.
    public func split(fraction: Double, seed: UInt64) throws -> (first: Dataset, second: Dataset) {
        guard fraction >= 0, fraction <= 1 else {
            throw DataError.invalidArgument("split fraction \(fraction) must be in 0…1")
        }
        let order = Dataset.permutation(count: count, seed: seed)
        let cut = Int((fraction * Double(count)).rounded())
        var first = try subset(Array(order[..<cut]))
        var second = try subset(Array(order[cut...]))
        first.name = "\(name) (split \(cut) of \(count))"
        second.name = "\(name) (split \(count - cut) of \(count))"
        return (first, second)
    }

    /// The data set with its features replaced by `transform(features)`, which must keep the
    /// shape (scalers use this).
    public func withFeatures(_ transform: (Matrix<Float>) throws -> Matrix<Float>) throws -> Dataset
    {
        let mapped = try transform(features)
        guard mapped.shape == features.shape else {
            throw DataError.invalidArgument(
                "\(name): transformed features are \(mapped.shape), expected \(features.shape)")
        }
        var result = self
        result.features = mapped
        return result
    }

    /// The data set with each sample's feature vector repeated `times` times end to end
    /// (f₀…fₙ, f₀…fₙ, …), as a chip network sends every feature on several synapse rows.
    /// - Throws: ``DataError/invalidArgument(_:)`` for `times` below 1.
    public func repeatingFeatures(_ times: Int) throws -> Dataset {
        guard times >= 1 else {
            throw DataError.invalidArgument("\(name): features repeated \(times) times")
        }
        guard times > 1 else { return self }
        var storage: [Float] = []
        storage.reserveCapacity(features.count * times)
        for r in 0..<features.rows {
            for _ in 0..<times { storage.append(contentsOf: features.row(r)) }
        }
        return try Dataset(
            name: name,
            features: Matrix(
                rows: features.rows, columns: features.columns * times, storage: storage),
            labels: labels, classCount: classCount, classNames: classNames,
            featureShape: featureShape.map { [times] + $0 })
    }

    /// A uniformly random permutation of 0..<count: Fisher–Yates driven by a ``SplitMix64``
    /// stream keyed by `seed`, with unbiased bounded draws (Lemire's method). Written out here,
    /// not `Array.shuffle(using:)`, whose algorithm the standard library may change.
    public static func permutation(count: Int, seed: UInt64) -> [Int] {
        var generator = SplitMix64(key: SeedSequence(seed).seed(SeedSequence.label("shuffle")))
        var values = Array(0..<count)
        guard count > 1 else { return values }
        for upper in stride(from: count - 1, to: 0, by: -1) {
            let other = Int(bounded(UInt64(upper + 1), &generator))
            values.swapAt(upper, other)
        }
        return values
    }

    /// A draw uniform on 0..<bound.
    static func bounded(_ bound: UInt64, _ generator: inout SplitMix64) -> UInt64 {
        var product = generator.next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = generator.next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }
}
