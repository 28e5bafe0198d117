import HXNumerics

/// The Yin-Yang data set (Kriener, Göltz, Petrovici 2021, arXiv:2102.08211): points in the
/// unit square inside a yin-yang symbol of radius `rBig` = 0.5, in three classes, generated
/// from a seed; no download.
///
/// The definition follows the reference implementation (`lkriener/yin_yang_data_set`,
/// `dataset.py`):
/// - a point (x, y) is drawn uniformly from [0, 2 rBig)², rejected if it lies more than rBig
///   from the centre (rBig, rBig);
/// - its class comes from ``classify(x:y:rSmall:rBig:)``;
/// - class balance by rejection: for each sample a goal class is drawn uniformly from
///   {0, 1, 2}, then points are drawn until one of that class turns up;
/// - the features are (x, y, 1 − x, 1 − y), the mirrored pair giving a bias-free network
///   symmetric inputs.
///
/// Random numbers come from MT19937 (GSL's `mt19937`, the generator behind NumPy's legacy
/// `RandomState`), consumed as NumPy consumes them: `randint(3)` takes 32-bit words, keeps
/// the low two bits and rejects 3; `rand()` builds a 53-bit double from two words. So
/// ``generate(size:seed:rSmall:rBig:)`` reproduces the reference implementation's data
/// exactly for seeds 1…2³²−1 (GSL turns seed 0 into its default 4357).
public enum YinYang {
    /// The class names, by index: 0 yin, 1 yang, 2 dot (the reference's `class_names`).
    public static let classNames = ["yin", "yang", "dot"]

    /// The published split sizes and seeds: train 5,000 samples with seed 42, validation
    /// 1,000 with seed 41, test 1,000 with seed 40 (the reference README's example).
    public static let standardSplits: [(name: String, size: Int, seed: UInt64)] = [
        ("train", 5000, 42), ("validation", 1000, 41), ("test", 1000, 40),
    ]

    /// The class of the point (x, y) inside the symbol.
    ///
    /// With d_r and d_l the distances to the dot centres (1.5 rBig, rBig) and (0.5 rBig, rBig):
    /// class 2 (dot) if d_r < rSmall or d_l < rSmall; otherwise class 1 if d_r ≤ rSmall, or
    /// rSmall < d_l ≤ rBig / 2, or (y > rBig and d_r > rBig / 2); otherwise class 0.
    public static func classify(
        x: Double, y: Double, rSmall: Double = 0.1, rBig: Double = 0.5
    )
        -> Int
    {
        let right = ((x - 1.5 * rBig) * (x - 1.5 * rBig) + (y - rBig) * (y - rBig)).squareRoot()
        let left = ((x - 0.5 * rBig) * (x - 0.5 * rBig) + (y - rBig) * (y - rBig)).squareRoot()
        if right < rSmall || left < rSmall { return 2 }
        let inRightDot = right <= rSmall
        let inLeftEye = left > rSmall && left <= 0.5 * rBig
        let upperOutside = y > rBig && right > 0.5 * rBig
        return inRightDot || inLeftEye || upperOutside ? 1 : 0
    }

    /// `size` samples generated from `seed` (see ``YinYang``); name `Yin-Yang (seed N)`.
    /// - Throws: ``DataError/invalidArgument(_:)`` for a negative size, a seed beyond 32
    ///   bits (NumPy's limit), or radii that leave a class empty.
    public static func generate(
        size: Int, seed: UInt64, rSmall: Double = 0.1, rBig: Double = 0.5
    ) throws -> Dataset {
        guard size >= 0 else { throw DataError.invalidArgument("size \(size) is negative") }
        guard seed <= UInt64(UInt32.max) else {
            throw DataError.invalidArgument("Yin-Yang seed \(seed) exceeds 2^32 - 1")
        }
        guard rSmall > 0, rBig > 2 * rSmall, rBig.isFinite else {
            throw DataError.invalidArgument(
                "radii rSmall = \(rSmall), rBig = \(rBig) need 0 < 2 rSmall < rBig")
        }
        var stream = NumPyLegacyStream(seed: seed)
        var features: [Float] = []
        features.reserveCapacity(4 * size)
        var labels: [Int] = []
        labels.reserveCapacity(size)
        for _ in 0..<size {
            let goal = stream.integer(below: 3)
            var x = 0.0
            var y = 0.0
            while true {
                x = stream.double() * 2 * rBig
                y = stream.double() * 2 * rBig
                let fromCentre =
                    ((x - rBig) * (x - rBig) + (y - rBig) * (y - rBig)).squareRoot()
                if fromCentre > rBig { continue }
                if classify(x: x, y: y, rSmall: rSmall, rBig: rBig) == goal { break }
            }
            features += [Float(x), Float(y), Float(1 - x), Float(1 - y)]
            labels.append(goal)
        }
        return try Dataset(
            name: "Yin-Yang (seed \(seed))",
            features: Matrix(rows: size, columns: 4, storage: features), labels: labels,
            classCount: 3, classNames: classNames, featureShape: [4])
    }

    /// The train, validation and test sets of ``standardSplits``.
    public static func standardDatasets() throws -> (
        train: Dataset, validation: Dataset, test: Dataset
    ) {
        var sets = try standardSplits.map { split in
            var set = try generate(size: split.size, seed: split.seed)
            set.name = "Yin-Yang \(split.name)"
            return set
        }
        let test = sets.removeLast()
        let validation = sets.removeLast()
        return (sets[0], validation, test)
    }
}

/// MT19937 words consumed the way NumPy's legacy `RandomState` consumes them.
struct NumPyLegacyStream {
    private let generator: GSLRandom

    init(seed: UInt64) { generator = GSLRandom(seed: seed, kind: .mt19937) }

    /// The next 32-bit output. GSL's `uniform()` for mt19937 is exactly word / 2³², so the
    /// word is recovered without loss.
    mutating func word() -> UInt32 { UInt32(generator.uniform() * 4_294_967_296) }

    /// `randint(bound)` for bound ≤ 2³²: masked rejection on 32-bit words.
    mutating func integer(below bound: UInt32) -> Int {
        let largest = bound - 1
        var mask = largest
        for shift in [1, 2, 4, 8, 16] as [UInt32] { mask |= mask >> shift }
        while true {
            let value = word() & mask
            if value <= largest { return Int(value) }
        }
    }

    /// `random_sample()`: 27 + 26 bits of two words as a double in [0, 1).
    mutating func double() -> Double {
        let high = Double(word() >> 5)
        let low = Double(word() >> 6)
        return (high * 67_108_864 + low) / 9_007_199_254_740_992
    }
}
