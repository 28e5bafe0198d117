import Foundation
import HXNumerics
import HXPhysics
import Testing

@testable import HXCalibration

@Suite("Digital correction")
struct DigitalCorrectionTests {
    /// A correction with offset 2 and gain 1.25 on column 5 of hemisphere 1, identity elsewhere.
    static var line: DigitalCorrection {
        var correction = DigitalCorrection.identity
        correction.offsets[1][5] = 2
        correction.gains[1][5] = 1.25
        return correction
    }

    @Test("inverts the fitted line: (code − offset) / gain; identity leaves codes alone")
    func inverts() throws {
        let codes = try Matrix(
            rows: 2, columns: 3, storage: [Int8](arrayLiteral: 52, 7, -40, 2, 0, 100))
        let corrected = try Self.line.correct(codes, hemisphere: 1, columns: 4..<7)
        #expect(corrected[0, 1] == 4)  // (7 − 2) / 1.25
        #expect(corrected[1, 1] == -2)  // (0 − 2) / 1.25 = −1.6
        #expect(corrected[0, 0] == 52 && corrected[1, 2] == 100)
        #expect(
            try DigitalCorrection.identity.correct(codes, hemisphere: 0, columns: 0..<3).storage
                == codes.storage)
        let values = try Self.line.correctedValues(codes, hemisphere: 1, columns: 4..<7)
        #expect(values[0, 1] == 4 && values[1, 1] == -1.6 && values[1, 0] == 2)
    }

    @Test("saturated codes stay saturated")
    func saturation() throws {
        let codes = try Matrix(rows: 1, columns: 2, storage: [Int8](arrayLiteral: 127, -128))
        var correction = DigitalCorrection.identity
        correction.gains[0][0] = 0.5
        correction.gains[0][1] = 0.5
        #expect(
            try correction.correct(codes, hemisphere: 0, columns: 0..<2).storage == [127, -128])
    }

    @Test("dithered rounding is unbiased: the mean of corrected codes is (code − offset) / gain")
    func dither() throws {
        var correction = DigitalCorrection.identity
        correction.offsets[0][0] = 0.3
        let codes = Matrix<Int8>(rows: 4000, columns: 1, repeating: 10)
        let nearest = try correction.correct(codes, hemisphere: 0, columns: 0..<1)
        let dithered = try correction.correct(codes, hemisphere: 0, columns: 0..<1, ditherSeed: 9)
        let mean = dithered.storage.reduce(0.0) { $0 + Double($1) } / 4000
        #expect(nearest.storage.allSatisfy { $0 == 10 })  // 9.7 rounds to 10: a bias of 0.3
        #expect(abs(mean - 9.7) < 0.03, "dithered mean \(mean), expected 9.7")
        let again = try correction.correct(codes, hemisphere: 0, columns: 0..<1, ditherSeed: 9)
        #expect(again.storage == dithered.storage)
    }

    @Test("VMM outputs: the first 256 columns are hemisphere 0, the rest hemisphere 1")
    func vmmLayout() throws {
        let codes = Matrix<Int8>(rows: 1, columns: 300, repeating: 7)
        let corrected = try Self.line.correctVMM(codes)
        #expect(corrected[0, 256 + 5] == 4)
        #expect(corrected.storage.enumerated().allSatisfy { $0.offset == 261 || $0.element == 7 })
    }

    @Test(
        "outputs that do not fit the chip are errors",
        arguments: [
            (0, 250..<260, 10), (2, 0..<4, 4), (0, 0..<4, 5),
        ])
    func shapes(hemisphere: Int, columns: Range<Int>, width: Int) {
        let codes = Matrix<Int8>(rows: 2, columns: width, repeating: 0)
        #expect(throws: CalibrationError.self) {
            try DigitalCorrection.identity.correct(codes, hemisphere: hemisphere, columns: columns)
        }
    }

    @Test(
        "a calibrated chip's correction, checked on held-out levels: corrected means closer to the ideal line than raw (regression pin: 0.36 LSB RMS, bound 0.42), farther when applied twice"
    )
    func heldOut() throws {
        let (fresh, _, run) = try Fixtures.chip2.get()
        var chip = fresh
        try run.result.apply(to: &chip)
        let correction = try run.result.requireCorrection()
        let heldOut = try HeldOut.levels(&chip, correction: correction)
        let (raw, corrected) = (heldOut.rms(heldOut.raw), heldOut.rms(heldOut.corrected))
        // After the analog calibration the raw outputs are close already (0.45 LSB RMS, of which
        // 0.3 is the noise of 48 trials); the correction takes them closer (0.36).
        #expect(
            corrected < 0.42 && corrected < raw, "raw \(raw) LSB → corrected \(corrected) LSB")
        // The correction applied to corrected values moves them off the line again.
        var twice = heldOut
        twice.corrected = heldOut.corrected.map { row in
            row.enumerated().map { j, value in
                (value - correction.offsets[j / 256][j % 256]) / correction.gains[j / 256][j % 256]
            }
        }
        #expect(
            heldOut.rms(twice.corrected) > corrected,
            "twice: \(heldOut.rms(twice.corrected)) LSB, once: \(corrected) LSB")
    }
}
