import Foundation
import HXIO
import HXTestSupport
import Testing

@testable import HXData

@Suite("8 × 8 digits")
struct DigitsTests {
    /// The real set in the shared data sets folder.
    static let file = "digits/digits.csv.gz"

    @Test("a hand-made line maps pixels 0...16 onto the range and reads the label last")
    func handMade() throws {
        let directory = try TemporaryDirectory()
        let pixels = (0..<64).map { String($0 % 17) }
        let path = try directory.write("d.csv", pixels.joined(separator: ",") + ",4\n")
        let data = try Digits.load(path: path)
        #expect(data.count == 1 && data.labels == [4] && data.featureShape == [1, 8, 8])
        #expect(data.sample(0).prefix(3) == [0, 0.0625, 0.125])
        #expect(data.sample(0)[16] == 1)
        let bad = try directory.write(
            "b.csv", (["17"] + pixels.dropFirst()).joined(separator: ",") + ",4\n")
        #expect(
            throws: DataError.valueOutOfRange(
                path: bad, sample: 0, feature: 0, value: 17, allowed: "an integer 0…16")
        ) { try Digits.load(path: bad) }
        let label = try directory.write("l.csv", pixels.joined(separator: ",") + ",10\n")
        #expect(throws: DataError.self) { try Digits.load(path: label) }
    }

    @Test(
        "the real set: 1,797 samples, 10 classes, scikit-learn's class counts",
        .enabled(
            if: SharedDatasets.has(Self.file),
            Comment(rawValue: SharedDatasets.skipMessage(Self.file))))
    func real() throws {
        let data = try Digits.load(path: SharedDatasets.path(Self.file))
        #expect(data.count == 1797 && data.featureCount == 64 && data.classCount == 10)
        // Counts printed by NumPy's bincount of the file's label column.
        #expect(data.classCounts == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
        #expect(data.features.storage.allSatisfy { (0...1).contains($0) })
        #expect(data.features.storage.max() == 1)
    }
}
