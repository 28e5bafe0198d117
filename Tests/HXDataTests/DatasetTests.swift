import Foundation
import HXIO
import HXNumerics
import HXTestSupport
import Testing

@testable import HXData

@Suite("Dataset value type")
struct DatasetTests {
    /// Ten samples whose single feature is the sample index, labels cycling 0, 1, 2.
    func numbered() throws -> Dataset {
        try Dataset(
            name: "numbered",
            features: Matrix(rows: 10, columns: 2, storage: (0..<20).map { Float($0 / 2) }),
            labels: (0..<10).map { $0 % 3 }, classCount: 4, featureShape: [2])
    }

    @Test(
        "a data-set test asks for the data set's files: a folder without them skips, naming what is missing"
    )
    func sharedDatasetPresence() {
        let missing = "no-such-set/train.csv.gz"
        #expect(!SharedDatasets.has(missing))
        #expect(SharedDatasets.skipMessage(missing).contains("not found"))
        if SharedDatasets.directory != nil {
            #expect(SharedDatasets.skipMessage(missing).contains(missing))
            // The folder itself is not a data set.
            #expect(!SharedDatasets.has(""))
        }
    }

    @Test("inconsistent parts are rejected with a message naming them")
    func validation() throws {
        let features = try Matrix<Float>(rows: 2, columns: 2, storage: [0, 1, 2, 3])
        #expect(throws: DataError.self) {
            try Dataset(name: "x", features: features, labels: [0], classCount: 2)
        }
        #expect(throws: DataError.self) {
            try Dataset(name: "x", features: features, labels: [0, 2], classCount: 2)
        }
        #expect(throws: DataError.self) {
            try Dataset(
                name: "x", features: features, labels: [0, 1], classCount: 2, featureShape: [3])
        }
        #expect(throws: DataError.self) {
            try Dataset(
                name: "x", features: features, labels: [0, 1], classCount: 2, classNames: ["a"])
        }
    }

    @Test("class counts include empty classes; subset keeps rows with their labels")
    func countsAndSubset() throws {
        let data = try numbered()
        #expect(data.classCounts == [4, 3, 3, 0])
        let picked = try data.subset([9, 0, 9])
        #expect(picked.labels == [0, 0, 0])
        #expect(picked.features.storage == [9, 9, 0, 0, 9, 9])
        #expect(throws: DataError.self) { try data.subset([10]) }
    }

    @Test("split is a seeded partition: same seed same halves, other seed other order")
    func split() throws {
        let data = try numbered()
        let (first, second) = try data.split(fraction: 0.7, seed: 5)
        #expect(first.count == 7 && second.count == 3)
        let ids = (first.features.storage + second.features.storage).enumerated()
            .filter { $0.offset % 2 == 0 }.map { Int($0.element) }
        #expect(ids.sorted() == Array(0..<10))
        // Each sample keeps its label (label = id mod 3).
        for part in [first, second] {
            for index in 0..<part.count {
                #expect(part.labels[index] == Int(part.sample(index).first!) % 3)
            }
        }
        let again = try data.split(fraction: 0.7, seed: 5)
        #expect(again.first == first && again.second == second)
        let other = try data.split(fraction: 0.7, seed: 6)
        #expect(other.first.features != first.features)
        #expect(throws: DataError.self) { try data.split(fraction: 1.5, seed: 1) }
    }

    @Test("the seeded permutation is a permutation and spreads every value over every place")
    func permutation() {
        for count in [0, 1, 2, 17] {
            #expect(Dataset.permutation(count: count, seed: 9).sorted() == Array(0..<count))
        }
        // Over 3,000 seeds each of 3 values lands in each of 3 places about 1,000 times.
        var tally = [[Int]](repeating: [0, 0, 0], count: 3)
        for seed in 0..<3000 {
            for (place, value) in Dataset.permutation(count: 3, seed: UInt64(seed)).enumerated() {
                tally[value][place] += 1
            }
        }
        // Binomial(3000, 1/3): σ ≈ 25.8; allow 5σ.
        #expect(tally.joined().allSatisfy { abs($0 - 1000) < 130 }, "\(tally)")
    }

    @Test("a data set round-trips through JSON, and JSON with a bad label is refused")
    func codable() throws {
        let data = try numbered()
        let encoded = try JSON.encode(data)
        #expect(try JSON.decode(Dataset.self, from: encoded) == data)
        let text = String(decoding: encoded, as: UTF8.self)
            .replacingOccurrences(of: "\"classCount\" : 4", with: "\"classCount\" : 2")
        #expect(throws: IOError.self) { try JSON.decode(Dataset.self, from: Data(text.utf8)) }
    }

    @Test("bounded draws are below their bound")
    func bounded() {
        var generator = SplitMix64(key: 1)
        for bound in [1, 2, 3, 7, 1000] as [UInt64] {
            for _ in 0..<100 { #expect(Dataset.bounded(bound, &generator) < bound) }
        }
    }
}
