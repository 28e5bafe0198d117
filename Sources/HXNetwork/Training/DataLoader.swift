import HXNumerics

/// Mini-batches of a labelled data set, shuffled per epoch from a seed (PyTorch's `DataLoader`
/// over a `TensorDataset`).
///
/// The order of epoch `e` is a permutation drawn from a GSL generator seeded with
/// `SeedSequence(seed).seed(label("shuffle"), e)`, so epochs differ from one another and any
/// epoch can be reproduced on its own.
public struct DataLoader: Sendable {
    /// One row per sample (e.g. inputs in chip units 0…31).
    public let features: Matrix<Float>
    /// The class of each sample, in 0..<classes.
    public let labels: [Int]
    /// Samples per batch; the last batch of an epoch may be smaller.
    public let batchSize: Int
    /// Whether each epoch visits the samples in a new random order.
    public let shuffle: Bool
    /// Root seed of the shuffling.
    public let seed: UInt64
    /// The shape of one sample (for example `[1, 28, 28]`), whose product is the feature
    /// count; batches are `[samples] + sampleShape`. `nil` gives flat `[samples, features]`.
    public let sampleShape: [Int]?

    /// One mini-batch.
    public struct Batch: Sendable {
        /// `[samples, features]`, or `[samples] + sampleShape`.
        public let features: Tensor
        /// One label per sample.
        public let labels: [Int]
    }

    /// A loader over `features` (one row per sample) and `labels`.
    /// - Throws: ``NetworkError`` when the label count differs from the rows, a label is
    ///   negative, a feature is not finite, `batchSize` < 1, or `sampleShape` does not multiply
    ///   to the feature count.
    public init(
        features: Matrix<Float>, labels: [Int], batchSize: Int, shuffle: Bool = true, seed: UInt64,
        sampleShape: [Int]? = nil
    ) throws {
        guard labels.count == features.rows else {
            throw NetworkError.shapeMismatch(
                operation: "DataLoader labels", expected: [features.rows], got: [labels.count])
        }
        try requireAtLeast(1, batchSize, "batch size")
        if let bad = labels.first(where: { $0 < 0 }) { try requireAtLeast(0, bad, "class label") }
        if let sampleShape,
            sampleShape.contains(where: { $0 < 1 }) || sampleShape.reduce(1, *) != features.columns
        {
            throw NetworkError.shapeMismatch(
                operation: "DataLoader sample shape", expected: [features.columns],
                got: sampleShape)
        }
        try Tensor(features).checkFinite("DataLoader features")
        self.sampleShape = sampleShape
        self.features = features
        self.labels = labels
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
    }

    /// Number of samples.
    public var sampleCount: Int { labels.count }

    /// Number of batches per epoch.
    public var batchCount: Int { (sampleCount + batchSize - 1) / batchSize }

    /// The sample order of `epoch`.
    public func order(epoch: Int) -> [Int] {
        guard shuffle else { return Array(0..<sampleCount) }
        let key = SeedSequence(seed).seed(
            SeedSequence.label("shuffle"), UInt64(truncatingIfNeeded: epoch))
        return GSLRandom(seed: key).permutation(sampleCount)
    }

    /// The batches of `epoch`, in order.
    public func batches(epoch: Int) -> [Batch] {
        let order = order(epoch: epoch)
        let width = features.columns
        return stride(from: 0, to: sampleCount, by: batchSize).map { start in
            let indices = order[start..<min(start + batchSize, sampleCount)]
            var values = [Float]()
            values.reserveCapacity(indices.count * width)
            for index in indices { values.append(contentsOf: features.row(index)) }
            return Batch(
                features: Tensor(unchecked: [indices.count] + (sampleShape ?? [width]), values),
                labels: indices.map { labels[$0] })
        }
    }
}
