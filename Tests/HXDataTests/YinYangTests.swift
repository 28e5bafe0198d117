import Testing

@testable import HXData

@Suite("Yin-Yang data set")
struct YinYangTests {
    @Test(
        "the class rule on points placed by hand",
        arguments: [
            (0.75, 0.5, 2),  // centre of the right dot
            (0.25, 0.5, 2),  // centre of the left dot
            (0.75, 0.55, 2),  // 0.05 from the right dot's centre
            (0.25, 0.7, 1),  // 0.2 above the left dot: its ring, class 1
            (0.25, 0.35, 1),  // 0.15 below the left dot: still its ring
            (0.75, 0.3, 0),  // 0.2 below the right dot, lower half: class 0
            (0.75, 0.65, 0),  // 0.15 above the right dot: its ring belongs to class 0
            (0.5, 0.9, 1),  // upper half, far from the right dot: class 1
            (0.5, 0.1, 0),  // lower half, far from both dots: class 0
            (0.1, 0.45, 1),  // 0.158 from the left dot: its ring
        ])
    func classRule(x: Double, y: Double, expected: Int) {
        #expect(YinYang.classify(x: x, y: y) == expected, "(\(x), \(y))")
    }

    @Test("the first samples equal the reference implementation's (NumPy RandomState(42))")
    func reference() throws {
        let data = try YinYang.generate(size: 5000, seed: 42)
        // Printed by running the reference algorithm with NumPy 2.4's legacy MT19937.
        let expected: [(Double, Double, Int)] = [
            (0.6803075385877797, 0.450499251969543, 2),
            (0.09767211400638387, 0.6842330265121569, 1),
            (0.7553614103176525, 0.4251558744912447, 2),
            (0.5978999788110851, 0.9218742350231168, 1),
            (0.32533033076326434, 0.388677289689482, 1),
        ]
        for (index, (x, y, label)) in expected.enumerated() {
            #expect(Array(data.sample(index)) == [Float(x), Float(y), Float(1 - x), Float(1 - y)])
            #expect(data.labels[index] == label)
        }
        #expect(
            Array(data.sample(4999).prefix(2)) == [
                Float(0.7690797231107925), Float(0.5883389337522971),
            ])
        #expect(data.classCounts == [1681, 1702, 1617])
    }

    @Test("the standard splits have the published sizes, seeds and the reference's class counts")
    func standardSplits() throws {
        let (train, validation, test) = try YinYang.standardDatasets()
        #expect(train.count == 5000 && validation.count == 1000 && test.count == 1000)
        #expect(validation.classCounts == [316, 336, 348])
        #expect(test.classCounts == [350, 316, 334])
        #expect(
            Array(test.sample(0).prefix(2)) == [
                Float(0.23409664559563403), Float(0.4017249751828972),
            ])
        #expect(train.classNames == ["yin", "yang", "dot"] && train.featureShape == [4])
    }

    @Test("classes are balanced, labels obey the class rule, points lie in the symbol")
    func balanceAndConsistency() throws {
        let data = try YinYang.generate(size: 3000, seed: 7)
        // Each goal class has probability 1/3: Binomial(3000, 1/3), σ ≈ 25.8; allow 5σ.
        #expect(data.classCounts.allSatisfy { abs($0 - 1000) < 130 }, "\(data.classCounts)")
        for index in 0..<data.count {
            let s = Array(data.sample(index))
            let x = Double(s[0])
            let y = Double(s[1])
            #expect(((x - 0.5) * (x - 0.5) + (y - 0.5) * (y - 0.5)).squareRoot() <= 0.5 + 1e-6)
            #expect(abs(s[0] + s[2] - 1) < 1e-6 && abs(s[1] + s[3] - 1) < 1e-6)
        }
        // The rule on the Float-rounded features can differ only within 1e-7 of a boundary.
        let agreeing = (0..<data.count).filter { index in
            let s = data.sample(index)
            return YinYang.classify(x: Double(s[s.startIndex]), y: Double(s[s.startIndex + 1]))
                == data.labels[index]
        }.count
        #expect(agreeing >= data.count - 3)
    }

    @Test("the same seed gives the same data bit for bit; another seed other data")
    func determinism() throws {
        let a = try YinYang.generate(size: 500, seed: 3)
        let b = try YinYang.generate(size: 500, seed: 3)
        let c = try YinYang.generate(size: 500, seed: 4)
        #expect(a.features.storage.map(\.bitPattern) == b.features.storage.map(\.bitPattern))
        #expect(a.labels == b.labels)
        let same = zip(a.features.storage, c.features.storage).filter { $0 == $1 }.count
        #expect(same < 10, "\(same) equal features across seeds")
        #expect(throws: DataError.self) { try YinYang.generate(size: 10, seed: 1 << 32) }
        #expect(throws: DataError.self) { try YinYang.generate(size: -1, seed: 1) }
    }
}
