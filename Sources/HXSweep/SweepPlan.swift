import Foundation
import HXNumerics

/// One point of a sweep: its place in the plan and its coordinates, one value per axis.
public struct SweepPoint: Sendable, Equatable, Hashable {
    /// Position in the plan, 0-based; results files and merges are ordered by it.
    public let index: Int
    /// The value of every axis, by axis name.
    public let coordinates: [String: SweepValue]
    /// The canonical JSON of the coordinates (``canonicalKey(_:)``): the point's identity for
    /// resuming and merging.
    public let key: String

    /// A point at `index` with `coordinates`.
    public init(index: Int, coordinates: [String: SweepValue]) {
        self.index = index
        self.coordinates = coordinates
        self.key = canonicalKey(coordinates)
    }
}

/// The validated axes and fixed settings of a specification, and the points they give.
///
/// Grid points are the Cartesian product in axis order, the first axis varying slowest (as
/// nested loops). Random sampling draws `count` distinct grid points without replacement from
/// a SplitMix64 stream keyed by the sampling seed, then lists them in grid order. Either way
/// the plan depends on the specification alone.
public struct SweepPlan: Sendable {
    /// The axes, in specification order.
    public let axes: [SweepAxis]
    /// The fixed settings, by axis name, in canonical form.
    public let base: [String: SweepValue]
    /// Every point of the sweep, in order.
    public let points: [SweepPoint]
    /// What each named setting (base or axis) varies.
    public let kinds: [String: AxisKind]

    /// The most points a plan may hold. A plan lists its points in memory (a few hundred
    /// bytes each) before the first runs, so this bounds the memory of loading a
    /// specification to tens of megabytes; a sweep of more points is several sweeps, or
    /// random sampling of the grid.
    public static let maximumPoints = 100_000

    /// Validates the axes, the base settings and the sampling of `spec` and lists its points.
    /// - Throws: the ``SweepError`` naming the first problem.
    public init(spec: SweepSpec) throws {
        let axes = try spec.axes.map(SweepAxis.init)
        var names = Set<String>()
        for axis in axes where !names.insert(axis.name).inserted {
            throw SweepError.conflictingAxes("axis \(axis.name) appears twice")
        }
        var base: [String: SweepValue] = [:]
        var baseKinds: [String: AxisKind] = [:]
        for (name, value) in spec.base.sorted(by: { $0.key < $1.key }) {
            let kind = try AxisKind.parse(name)
            if case .setting(.repetitions, _) = kind {
                throw SweepError.invalidSetting(
                    name: "base.repetitions", reason: "use the top-level \"repetitions\"")
            }
            base[name] = try kind.canonical(value, axis: "base.\(name)")
            baseKinds[name] = kind
        }
        guard (1...100_000).contains(spec.repetitions) else {
            throw SweepError.invalidSetting(
                name: "repetitions", reason: "\(spec.repetitions) is not in 1…100000")
        }
        try Self.checkConflicts(axes: axes, base: baseKinds)
        self.axes = axes
        self.base = base
        self.kinds = baseKinds.merging(axes.map { ($0.name, $0.kind) }) { _, axis in axis }
        self.points = try Self.enumerate(axes: axes, sampling: spec.sampling, seed: spec.seed)
    }

    /// Rejects two axes that set the same thing, and a `parameter:` axis on a parameter that a
    /// `scale:` setting also changes (which would apply first is not obvious).
    private static func checkConflicts(axes: [SweepAxis], base: [String: AxisKind]) throws {
        var scaled: [String: String] = [:]
        let scales =
            axes.map { ($0.name, $0.kind) }
            + base.filter { name, _ in !axes.contains { $0.name == name } }.map {
                ($0.key, $0.value)
            }
        for (name, kind) in scales {
            guard case .scale(_, let parameters) = kind else { continue }
            for parameter in parameters {
                if let other = scaled[parameter] {
                    throw SweepError.conflictingAxes(
                        "\(other) and \(name) both scale \(parameter)")
                }
                scaled[parameter] = name
            }
        }
        var layerAxes: [String: [(String, [Int]?)]] = [:]
        for axis in axes {
            switch axis.kind {
            case .parameter(let parameter):
                if let scale = scaled[parameter] {
                    throw SweepError.conflictingAxes(
                        "\(axis.name) sets \(parameter), which \(scale) scales; scale the base "
                            + "value instead (\"base\": {\"\(axis.name)\": …})")
                }
            case .setting(let setting, let layers) where setting.perLayer:
                layerAxes[setting.name, default: []].append((axis.name, layers))
            default: break
            }
        }
        for (_, entries) in layerAxes where entries.count > 1 {
            for (i, a) in entries.enumerated() {
                for b in entries[(i + 1)...] {
                    let overlap =
                        a.1 == nil || b.1 == nil || !Set(a.1 ?? []).isDisjoint(with: b.1 ?? [])
                    if overlap {
                        throw SweepError.conflictingAxes("\(a.0) and \(b.0) set the same layer")
                    }
                }
            }
        }
    }

    /// The points of the grid, or of the random sample.
    private static func enumerate(
        axes: [SweepAxis], sampling: SamplingSpec, seed: UInt64
    ) throws -> [SweepPoint] {
        var total = 1
        for axis in axes {
            let (product, overflow) = total.multipliedReportingOverflow(by: axis.values.count)
            guard !overflow, product <= Int(1) << 62 else {
                throw SweepError.invalidSetting(
                    name: "axes", reason: "the grid has more than 2^62 points")
            }
            total = product
        }
        let indices: [Int]
        switch sampling.mode {
        case .grid:
            if sampling.count != nil || sampling.seed != nil {
                throw SweepError.invalidSetting(
                    name: "sampling", reason: "count and seed belong to \"mode\": \"random\"")
            }
            guard total <= maximumPoints else {
                throw SweepError.invalidSetting(
                    name: "axes",
                    reason:
                        "the grid has \(total) points, more than \(maximumPoints); use "
                        + "\"sampling\": {\"mode\": \"random\", \"count\": …}")
            }
            indices = Array(0..<total)
        case .random:
            guard let count = sampling.count, count >= 1 else {
                throw SweepError.invalidSetting(
                    name: "sampling.count", reason: "random sampling needs a count ≥ 1")
            }
            guard count <= total else {
                throw SweepError.invalidSetting(
                    name: "sampling.count",
                    reason: "\(count) exceeds the grid's \(total) points; use \"mode\": \"grid\"")
            }
            guard count <= maximumPoints else {
                throw SweepError.invalidSetting(
                    name: "sampling.count", reason: "\(count) exceeds \(maximumPoints)")
            }
            let key = SeedSequence(sampling.seed ?? seed).seed(SeedSequence.label("sampling"))
            indices = sampleWithoutReplacement(count: count, from: total, key: key)
        }
        return indices.enumerated().map { position, gridIndex in
            // Mixed radix, last axis fastest.
            var remainder = gridIndex
            var coordinates: [String: SweepValue] = [:]
            for axis in axes.reversed() {
                coordinates[axis.name] = axis.values[remainder % axis.values.count]
                remainder /= axis.values.count
            }
            return SweepPoint(index: position, coordinates: coordinates)
        }
    }

    /// `count` distinct integers of `0..<total`, ascending, drawn from the SplitMix64 stream
    /// `key` by a sparse Fisher–Yates shuffle (memory proportional to `count`, not `total`).
    static func sampleWithoutReplacement(count: Int, from total: Int, key: UInt64) -> [Int] {
        var generator = SplitMix64(key: key)
        func below(_ bound: Int) -> Int {
            // Unbiased: reject the top 2^64 mod bound values.
            let b = UInt64(bound)
            let excess = (UInt64.max % b &+ 1) % b
            while true {
                let x = generator.next()
                if excess == 0 || x < 0 &- excess { return Int(x % b) }
            }
        }
        var moved: [Int: Int] = [:]
        var chosen: [Int] = []
        chosen.reserveCapacity(count)
        for i in 0..<count {
            let j = i + below(total - i)
            chosen.append(moved[j] ?? j)
            moved[j] = moved[i] ?? i
        }
        return chosen.sorted()
    }

    /// The points of `shard`: those whose index is congruent to the shard's index modulo the
    /// shard count (round robin, so neighbouring points of similar cost spread evenly).
    public func points(in shard: Shard) -> [SweepPoint] {
        points.filter { $0.index % shard.count == shard.index }
    }
}
