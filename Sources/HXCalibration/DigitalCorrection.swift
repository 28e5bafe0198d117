import Foundation
import HXNumerics
import HXPhysics

/// The final digital fit: per column, the line output ≈ offset + gain · ideal that the
/// calibrated chip still follows, where `ideal` is the output a column with exactly the target
/// gain would give (Σ a·w scaled by the gain step's target amplitude per Σ a·w of its reference
/// pattern). Applied on readout when the user asks: ``correct(_:hemisphere:column:)`` inverts
/// the line.
///
/// Arrays are [hemisphere][column], 2 × 256.
public struct DigitalCorrection: Sendable, Equatable, Codable {
    /// Residual offset of each column: the output at zero ideal output, in LSB.
    public var offsets: [[Double]]
    /// Residual gain of each column relative to the target gain (1 = exact).
    public var gains: [[Double]]
    /// Root-mean-square deviation of the sweep's mean outputs from the fitted line, in LSB.
    public var residuals: [[Double]]
    /// Ideal output per unit of Σ a·w, in LSB (target amplitude / Σ a·w of the reference).
    public var lsbPerInputWeight: Double

    /// A correction from fits; the identity when `offsets` are 0 and `gains` 1.
    public init(
        offsets: [[Double]], gains: [[Double]], residuals: [[Double]], lsbPerInputWeight: Double
    ) {
        self.offsets = offsets
        self.gains = gains
        self.residuals = residuals
        self.lsbPerInputWeight = lsbPerInputWeight
    }

    /// The gains a correction accepts.
    public static let gainRange: ClosedRange<Double> = 0.25...4

    /// The correction that changes nothing.
    public static var identity: DigitalCorrection {
        let columns = ChipGeometry.columnsPerHemisphere
        let zeros = Array(repeating: [Double](repeating: 0, count: columns), count: 2)
        return DigitalCorrection(
            offsets: zeros, gains: zeros.map { $0.map { _ in 1 } }, residuals: zeros,
            lsbPerInputWeight: 1)
    }

    /// One output code corrected, unrounded: (code − offset) / gain, in LSB. Saturated codes
    /// (−128, 127) stay as they are: what they hide cannot be recovered. Hemisphere and column
    /// must be valid (see ``validate(source:)``).
    @inline(__always)
    public func correctedValue(_ code: Int8, hemisphere: Int, column: Int) -> Double {
        if code == Int8.min || code == Int8.max { return Double(code) }
        return (Double(code) - offsets[hemisphere][column]) / gains[hemisphere][column]
    }

    /// One output code corrected and rounded back to a code −128…127. Without `dither` it is
    /// rounded to the nearest integer, which leaves a fixed error of up to ±0.5 LSB per column
    /// (the codes are integers, so the fractional part of the correction is the same for every
    /// read); with a `dither` value u ∈ [0, 1) it is ⌊value + u⌋, unbiased on average over
    /// reads with independent u.
    @inline(__always)
    public func correct(_ code: Int8, hemisphere: Int, column: Int, dither: Double? = nil) -> Int8 {
        if code == Int8.min || code == Int8.max { return code }
        let value = correctedValue(code, hemisphere: hemisphere, column: column)
        let rounded = dither.map { (value + $0).rounded(.down) } ?? value.rounded()
        return Int8(min(max(rounded, -128), 127))
    }

    /// The dither value of output (`row`, `column` of `hemisphere`) for `seed`: a counter-based
    /// uniform draw in [0, 1), so a batch gives the same codes however it is split.
    @inline(__always)
    public static func dither(seed: UInt64, row: Int, hemisphere: Int, column: Int) -> Double {
        let position = UInt64(truncatingIfNeeded: row) &* 512 &+ UInt64(hemisphere * 256 + column)
        return SplitMix64.unitDouble(
            SplitMix64.mix(seed &+ SplitMix64.mix(position &+ 0x9E37_79B9_7F4A_7C15)))
    }

    /// Checks a hemisphere, a column range and the width of outputs to correct.
    private func check(
        _ outputs: Matrix<Int8>, hemisphere: Int, columns: Range<Int>
    ) throws {
        let width = ChipGeometry.columnsPerHemisphere
        guard (0..<ChipGeometry.hemispheres).contains(hemisphere) else {
            throw CalibrationError.shapeMismatch(
                what: "hemisphere", expected: "0 or 1", got: "\(hemisphere)")
        }
        guard columns.lowerBound >= 0, columns.upperBound <= width else {
            throw CalibrationError.shapeMismatch(
                what: "columns", expected: "a range inside 0..<\(width)", got: "\(columns)")
        }
        guard outputs.columns == columns.count else {
            throw CalibrationError.shapeMismatch(
                what: "outputs", expected: "batch × \(columns.count) (one per column)",
                got: "\(outputs.rows) × \(outputs.columns)")
        }
    }

    /// Corrects a batch of outputs (batch × columns.count) that columns `columns` of
    /// `hemisphere` produced, rounding as ``correct(_:hemisphere:column:dither:)``: to the
    /// nearest code without `ditherSeed`, dithered with draws from `ditherSeed` (and the output's
    /// row and column) otherwise. Row b of `outputs` draws as row `firstRow + b · rowStride`:
    /// `firstRow` is the row of the batch that `outputs` starts at, so that a batch corrected in
    /// chunks gets the dither of the whole batch; a caller keying rows by their trials passes
    /// the first trial and the trial stride.
    /// - Throws: ``CalibrationError/shapeMismatch(what:expected:got:)`` for a hemisphere other
    ///   than 0 or 1, columns outside 0..<256, or a matrix of another width.
    public func correct(
        _ outputs: Matrix<Int8>, hemisphere: Int, columns: Range<Int>, ditherSeed: UInt64? = nil,
        firstRow: Int = 0, rowStride: Int = 1
    ) throws -> Matrix<Int8> {
        try check(outputs, hemisphere: hemisphere, columns: columns)
        var storage = outputs.storage
        for b in 0..<outputs.rows {
            for (k, j) in columns.enumerated() {
                let index = b * outputs.columns + k
                storage[index] = correct(
                    storage[index], hemisphere: hemisphere, column: j,
                    dither: ditherSeed.map {
                        Self.dither(
                            seed: $0, row: firstRow &+ b &* rowStride, hemisphere: hemisphere,
                            column: j)
                    })
            }
        }
        return try Matrix(rows: outputs.rows, columns: outputs.columns, storage: storage)
    }

    /// The unrounded corrected values (LSB) of a batch of outputs of columns `columns` of
    /// `hemisphere`, for analysis in floating point.
    public func correctedValues(
        _ outputs: Matrix<Int8>, hemisphere: Int, columns: Range<Int>
    ) throws -> Matrix<Double> {
        try check(outputs, hemisphere: hemisphere, columns: columns)
        var storage = [Double](repeating: 0, count: outputs.count)
        for b in 0..<outputs.rows {
            for (k, j) in columns.enumerated() {
                let index = b * outputs.columns + k
                storage[index] = correctedValue(
                    outputs.storage[index], hemisphere: hemisphere, column: j)
            }
        }
        return try Matrix(rows: outputs.rows, columns: outputs.columns, storage: storage)
    }

    /// Corrects the outputs of `Chip.vmm` (batch × up to 512 columns; columns 0..<256 from
    /// hemisphere 0, the rest from hemisphere 1), rounding as
    /// ``correct(_:hemisphere:columns:ditherSeed:firstRow:)``; `firstRow` as there.
    public func correctVMM(
        _ outputs: Matrix<Int8>, ditherSeed: UInt64? = nil, firstRow: Int = 0
    ) throws -> Matrix<Int8> {
        let width = ChipGeometry.columnsPerHemisphere
        guard (1...(2 * width)).contains(outputs.columns) else {
            throw CalibrationError.shapeMismatch(
                what: "VMM outputs", expected: "batch × 1…512",
                got: "\(outputs.rows) × \(outputs.columns)")
        }
        var parts: [Matrix<Int8>] = []
        for h in 0..<2 where h * width < outputs.columns {
            let columns = (h * width)..<min(outputs.columns, (h + 1) * width)
            parts.append(
                try correct(
                    outputs.slice(rows: 0..<outputs.rows, columns: columns), hemisphere: h,
                    columns: 0..<columns.count, ditherSeed: ditherSeed, firstRow: firstRow))
        }
        var storage = outputs.storage
        for (h, part) in parts.enumerated() {
            for b in 0..<outputs.rows {
                for k in 0..<part.columns {
                    storage[b * outputs.columns + h * width + k] = part[b, k]
                }
            }
        }
        return try Matrix(rows: outputs.rows, columns: outputs.columns, storage: storage)
    }

    /// Checks shapes (2 × 256 each) and values (finite offsets within ±128 LSB, gains within
    /// 0.25…4, residuals ≥ 0, a positive scale); `source` names the file in errors.
    public func validate(source: String) throws {
        let columns = ChipGeometry.columnsPerHemisphere
        for (name, array) in [("offsets", offsets), ("gains", gains), ("residuals", residuals)] {
            guard array.count == ChipGeometry.hemispheres, array.allSatisfy({ $0.count == columns })
            else {
                throw CalibrationError.invalidContent(
                    path: source,
                    reason: "correction.\(name) must be 2 × \(columns) values, found "
                        + "\(array.map(\.count))")
            }
        }
        for h in 0..<ChipGeometry.hemispheres {
            for j in 0..<columns {
                let (offset, gain, residual) = (offsets[h][j], gains[h][j], residuals[h][j])
                guard offset.isFinite, abs(offset) <= 128 else {
                    throw CalibrationError.invalidContent(
                        path: source,
                        reason: ValueText.outside(
                            "correction.offsets[\(h)][\(j)]", "\(offset)", "±128 LSB"))
                }
                guard gain.isFinite, Self.gainRange.contains(gain) else {
                    throw CalibrationError.invalidContent(
                        path: source,
                        reason: ValueText.outside(
                            "correction.gains[\(h)][\(j)]", "\(gain)", "0.25…4"))
                }
                guard residual.isFinite, residual >= 0 else {
                    throw CalibrationError.invalidContent(
                        path: source,
                        reason: "correction.residuals[\(h)][\(j)] = \(residual) is not ≥ 0")
                }
            }
        }
        guard lsbPerInputWeight.isFinite, lsbPerInputWeight > 0 else {
            throw CalibrationError.invalidContent(
                path: source,
                reason: "correction.lsbPerInputWeight = \(lsbPerInputWeight) is not positive")
        }
    }
}
