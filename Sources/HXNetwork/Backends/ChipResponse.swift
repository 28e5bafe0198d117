import Foundation
import HXNumerics

/// How ``measureChipResponse(on:timings:options:)`` probes the chip.
public struct ChipResponseOptions: Sendable, Codable, Equatable {
    /// Signed inputs switched on per step of the ramp; the ramp runs from none to all 128.
    public var rowsPerStep = 8
    /// Vectors per step of the ramp; their outputs are averaged.
    public var repeats = 4
    /// The ideal output (LSB) the full ramp is planned to reach: beyond the linear range
    /// (≈ ±80 LSB), so that each column's saturation shows.
    public var fullScale = 200.0
    /// Ramp points whose output differs from the zero-input output by at most this (LSB) enter
    /// the gain fit.
    public var fitRange = 48.0
    /// A ramp point is in the linear range while it is within max(`absoluteTolerance`,
    /// `relativeTolerance` · |fitted output|) of the fitted line, LSB and fraction.
    public var absoluteTolerance = 4.0
    public var relativeTolerance = 0.1
    /// The gain the ramp's size is planned with, LSB per chip unit² per send (hxtorch's
    /// default); the measurement does not depend on it beyond the choice of the ramp.
    public var expectedGain = MockParameter().gain

    /// hxtorch-sized defaults: 17 steps of 8 rows, 4 vectors each, per sign and hemisphere.
    public init() {}
}

/// What the chip does column by column, measured through the experimenter's interface as
/// ``measureMockParameter(on:seed:options:)`` measures one global gain: per VMM timing
/// (numSends, wait) and placement (chip, hemisphere), each column's gain for positive and for
/// negative weights (the two synaptic-input OTAs differ) and the outputs beyond which it leaves
/// its linear range. The chip-aware backward pass (``BackwardModel/chip(_:)``) reads it.
public struct ChipResponse: Sendable, Equatable, Codable {
    /// The timing and placement one set of columns was measured for.
    public struct Key: Sendable, Hashable, Codable {
        public var numSends: Int
        public var waitBetweenEvents: Int
        public var placement: BlockPlacement
    }

    /// The columns of one hemisphere at one timing.
    public struct Columns: Sendable, Equatable, Codable {
        /// Output per unit of a·w for positive (excitatory) and negative (inhibitory) weights,
        /// LSB per chip unit², at the key's numSends (both positive numbers).
        public var excitatoryGain: [Double]
        public var inhibitoryGain: [Double]
        /// Outputs (LSB, baseline subtracted as the chip returns them) above which, or below
        /// which, the column was measured out of its linear range.
        public var upperLimit: [Double]
        public var lowerLimit: [Double]
    }

    /// The measured columns by timing and placement.
    public var entries: [Key: Columns]

    /// The columns of `placement` at `settings`.
    /// - Throws: ``NetworkError/invalidArgument(_:)`` when that timing or placement was not
    ///   measured.
    public func columns(_ placement: BlockPlacement, _ settings: VMMSettings) throws -> Columns {
        let key = Key(
            numSends: settings.numSends, waitBetweenEvents: settings.waitBetweenEvents,
            placement: placement)
        guard let columns = entries[key] else {
            throw NetworkError.invalidArgument(
                "the chip response has no measurement for numSends \(settings.numSends), wait "
                    + "\(settings.waitBetweenEvents) on \(placement); measure it with "
                    + "measureChipResponse(on:timings:) for every timing of the model")
        }
        return columns
    }

    /// The gains of all measured columns, for reports: (excitatory, inhibitory) pooled.
    public var allGains: [Double] {
        entries.values.flatMap { $0.excitatoryGain + $0.inhibitoryGain }
    }
}

/// Measures ``ChipResponse`` on every hemisphere of `executor` for each of `timings`.
///
/// Per timing, hemisphere and sign, all weights of a 128 × 256 block are ±w₀ and the inputs
/// are a ramp: the first m signed inputs at activation a₀, the rest 0, for m = 0, 8, …, 128,
/// `repeats` vectors each (a₀·w₀ chosen so that the ideal output of the full ramp is
/// `fullScale` at the expected gain). Per column, with d(m) the mean output minus the mean at
/// m = 0 and S(m) = m·a₀·(±w₀) the ideal product: the gain is the least-squares slope of d
/// against S through the origin over the points with |d| ≤ `fitRange`; the linear range ends
/// at the last point of the ramp (from m = 0 on) within tolerance of that line, and the limit
/// is that point's output. A point past the ramp's end that never leaves the line leaves the
/// limit at the end of the int8 range.
///
/// Everything goes through ``HardwareExecutor/execute(_:numSends:waitBetweenEvents:)``: the
/// chip's mismatch stays hidden, as on the real chip. Deterministic for a deterministic
/// executor.
/// - Throws: ``NetworkError`` for bad options or timings; executor errors pass through.
public func measureChipResponse(
    on executor: any HardwareExecutor, timings: [VMMSettings],
    options: ChipResponseOptions = ChipResponseOptions()
) throws -> ChipResponse {
    let rows = VMMLimits.rowsPerBlock
    let width = VMMLimits.columnsPerBlock
    guard (1...rows).contains(options.rowsPerStep), options.repeats >= 1,
        options.fullScale > 0, options.fitRange > 0, options.absoluteTolerance >= 0,
        options.relativeTolerance >= 0, options.expectedGain > 0
    else {
        throw NetworkError.invalidArgument(
            "chip response options need 1…\(rows) rows per step, ≥ 1 repeat and positive "
                + "full scale, fit range and expected gain, got \(options)")
    }
    var steps = Array(stride(from: 0, through: rows, by: options.rowsPerStep))
    if steps.last != rows { steps.append(rows) }
    var entries: [ChipResponse.Key: ChipResponse.Columns] = [:]
    for settings in timings {
        try settings.validate()
        let (activation, weight) = rampOperands(
            target: options.fullScale
                / (Double(rows) * options.expectedGain * Double(settings.numSends)))
        var storage = [UInt8]()
        for m in steps {
            for _ in 0..<options.repeats {
                storage += (0..<rows).map { $0 < m ? UInt8(activation) : 0 }
            }
        }
        let inputs = try Matrix(
            rows: steps.count * options.repeats, columns: rows, storage: storage)
        var blocks: [HardwareBlock] = []
        for chip in 0..<executor.chipCount {
            for hemisphere in 0..<VMMLimits.hemispheresPerChip {
                for sign in [1, -1] {
                    blocks.append(
                        HardwareBlock(
                            placement: BlockPlacement(chip: chip, hemisphere: hemisphere),
                            inputs: inputs,
                            weights: Matrix(
                                rows: rows, columns: width, repeating: Int8(sign * weight))))
                }
            }
        }
        let results = try executor.execute(
            blocks, numSends: settings.numSends, waitBetweenEvents: settings.waitBetweenEvents)
        guard results.count == blocks.count else {
            throw NetworkError.executorResult(
                "\(results.count) results for \(blocks.count) response blocks")
        }
        for pair in 0..<(blocks.count / 2) {
            var columns = ChipResponse.Columns(
                excitatoryGain: [], inhibitoryGain: [], upperLimit: [], lowerLimit: [])
            for (offset, sign) in [(0, 1.0), (1, -1.0)] {
                let outputs = results[2 * pair + offset]
                guard outputs.rows == inputs.rows, outputs.columns == width else {
                    throw NetworkError.executorResult(
                        "a response block returned \(outputs.rows) × \(outputs.columns), "
                            + "expected \(inputs.rows) × \(width)")
                }
                for column in 0..<width {
                    let means = steps.indices.map { step in
                        (0..<options.repeats).reduce(0.0) {
                            $0 + Double(outputs[step * options.repeats + $1, column])
                        } / Double(options.repeats)
                    }
                    let ideal = steps.map { sign * Double($0 * activation * weight) }
                    let (gain, limit) = fitColumn(
                        means: means, ideal: ideal, options: options)
                    if sign > 0 {
                        columns.excitatoryGain.append(gain)
                        columns.upperLimit.append(limit)
                    } else {
                        columns.inhibitoryGain.append(gain)
                        columns.lowerLimit.append(limit)
                    }
                }
            }
            let placement = blocks[2 * pair].placement
            entries[
                ChipResponse.Key(
                    numSends: settings.numSends, waitBetweenEvents: settings.waitBetweenEvents,
                    placement: placement)] = columns
        }
    }
    return ChipResponse(entries: entries)
}

/// The activation (1…31) and weight magnitude (1…63) whose product is nearest `target`
/// (in ratio), the larger weight on a tie.
func rampOperands(target: Double) -> (activation: Int, weight: Int) {
    var best = (activation: 1, weight: 1)
    var bestDistance = Double.infinity
    for weight in VMMLimits.weightRange where weight > 0 {
        for activation in VMMLimits.inputRange where activation > 0 {
            let distance = abs(log(Double(activation * weight) / max(target, 1e-9)))
            if distance < bestDistance - 1e-12
                || (abs(distance - bestDistance) <= 1e-12 && weight > best.weight)
            {
                best = (activation, weight)
                bestDistance = distance
            }
        }
    }
    return best
}

/// One column of a ramp: `means[i]` the mean output at ideal product `ideal[i]` (ideal[0] = 0).
/// Returns the gain (≥ 0, output per unit of |ideal|) and the limit of the linear range (an
/// output, LSB): the last point of the ramp within tolerance of the fitted line.
func fitColumn(
    means: [Double], ideal: [Double], options: ChipResponseOptions
) -> (gain: Double, limit: Double) {
    let zero = means[0]
    var numerator = 0.0
    var denominator = 0.0
    for i in 1..<means.count where abs(means[i] - zero) <= options.fitRange {
        numerator += ideal[i] * (means[i] - zero)
        denominator += ideal[i] * ideal[i]
    }
    if denominator == 0, means.count > 1 {
        // The first step already left the fit range: its slope is the best estimate.
        numerator = ideal[1] * (means[1] - zero)
        denominator = ideal[1] * ideal[1]
    }
    let slope = denominator > 0 ? numerator / denominator : 0
    let direction = ideal.last.map { $0 < 0 ? -1.0 : 1.0 } ?? 1
    var limit =
        direction > 0
        ? Double(VMMLimits.outputRange.upperBound) : Double(VMMLimits.outputRange.lowerBound)
    var last = zero
    for i in 1..<means.count {
        let predicted = slope * ideal[i]
        let tolerance = max(options.absoluteTolerance, options.relativeTolerance * abs(predicted))
        guard abs(means[i] - zero - predicted) <= tolerance else {
            limit = last
            break
        }
        last = means[i]
    }
    return (max(0, slope), limit)
}
