import HXData
import HXNumerics
import Testing

@testable import HXApplications

@Suite("Yin-Yang task")
struct YinYangTaskTests {
    @Test("the chip features are the four Yin-Yang features times 31, repeated on request")
    func features() throws {
        var settings = YinYangTask().defaults
        settings.trainLimit = 20
        settings.testLimit = 20
        var single = YinYangTask()
        single.inputRepetition = 1
        var triple = YinYangTask()
        triple.inputRepetition = 3
        let location = DataLocation(roots: [])
        let one = try single.load(from: location, settings: settings).test.features
        let three = try triple.load(from: location, settings: settings).test.features
        #expect(one.columns == 4 && three.columns == 12)
        // The published test split, scaled by 31 (the chip's largest input).
        let published = try YinYang.standardDatasets().test.features
        for row in 0..<one.rows {
            for column in 0..<4 {
                #expect(abs(one[row, column] - 31 * published[row, column]) < 1e-4)
            }
            // x and 1 − x, y and 1 − y: each pair adds up to the largest input.
            #expect(abs(one[row, 0] + one[row, 2] - 31) < 1e-4)
            #expect(abs(one[row, 1] + one[row, 3] - 31) < 1e-4)
        }
        #expect(Array(three.row(5)) == Array(one.row(5)) + Array(one.row(5)) + Array(one.row(5)))
    }
}
