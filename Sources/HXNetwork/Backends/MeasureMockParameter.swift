import Foundation
import HXNumerics

/// How ``measureMockParameter(on:seed:options:)`` probes the chip; the defaults follow hxtorch's
/// `measure_mock_parameter` (hxtorch `perceptron/mock.cpp`).
public struct MockMeasurementOptions: Sendable, Codable, Equatable {
    /// The activation of every active input, chip units. hxtorch uses 31 / 2 = 15.5, which
    /// reaches the chip as 16 while its ideal product keeps 15.5 (a 3 % bias of the gain); the
    /// default 15 is an integer so that the ideal is what the chip computes.
    public var inputValue: Int = 15
    /// Every weight of the block, chip units (hxtorch: 63 / 3 = 21).
    public var weightValue: Int = 21
    /// The median output aimed at, LSB (hxtorch: 127 / 2).
    public var targetOutput: Double = 63.5
    /// Each thinning step keeps an input with probability `thinning^step` (hxtorch: 0.85).
    public var thinning: Double = 0.85
    /// Number of thinning steps tried (hxtorch: 20).
    public var steps: Int = 20
    /// Input vectors at the chosen thinning (hxtorch: 50).
    public var trials: Int = 50
    /// Rows of the block (hxtorch: one full hemisphere, 128).
    public var rows: Int = VMMLimits.rowsPerBlock
    /// Columns of the block (hxtorch: 256).
    public var columns: Int = VMMLimits.columnsPerBlock
    /// Where the block runs.
    public var placement = BlockPlacement(chip: 0, hemisphere: 0)
    /// Sends per vector (hxtorch: 1).
    public var numSends: Int = 1
    /// FPGA cycles between events (hxtorch: 5).
    public var waitBetweenEvents: Int = VMMLimits.defaultWaitBetweenEvents

    /// hxtorch's procedure with an integer input value of 15.
    public init() {}
}

/// The result of ``measureMockParameter(on:seed:options:)``.
public struct MockMeasurement: Sendable, Codable, Equatable {
    /// The measured gain and noise.
    public var parameter: MockParameter
    /// The probability of keeping an input that was chosen.
    public var keepProbability: Double
    /// The median output of the trials, LSB.
    public var medianOutput: Double
}

/// Measures the gain and noise of the VMM on `executor` as hxtorch's `measure_mock_parameter`
/// does on the chip.
///
/// 1. All weights of one block are `weightValue`; each input is `inputValue` with probability
///    `thinning^i` and 0 otherwise, for steps i = 0 ..< `steps` (one vector per step); the step
///    whose median output is nearest `targetOutput` is chosen.
/// 2. `trials` new vectors at that probability are run. With ideal `s = Σ a·w` per vector:
///    gain = median over all (vector, column) of `output / s` (vectors with s = 0 skipped);
///    noise = median over columns of the sample standard deviation (n − 1) over vectors of
///    `output − gain · s`. Medians are the lower middle value, as `torch.median`.
///
/// Random choices come from GSL generators seeded from `seed`.
/// - Throws: ``NetworkError`` for bad options or unusable results (no vector with s > 0);
///   executor errors pass through.
public func measureMockParameter(
    on executor: any HardwareExecutor, seed: UInt64,
    options: MockMeasurementOptions = MockMeasurementOptions()
) throws -> MockMeasurement {
    guard VMMLimits.inputRange.contains(options.inputValue), options.inputValue > 0,
        VMMLimits.weightRange.contains(options.weightValue), options.weightValue != 0
    else {
        throw NetworkError.invalidArgument(
            "measurement needs an input in 1…\(VMMLimits.inputRange.upperBound) and a non-zero "
                + "weight in \(ValueText.range(VMMLimits.weightRange)), "
                + "got \(options.inputValue) and \(options.weightValue)")
    }
    guard (1...VMMLimits.rowsPerBlock).contains(options.rows),
        (1...VMMLimits.columnsPerBlock).contains(options.columns), options.steps >= 1,
        options.trials >= 2, options.thinning > 0, options.thinning <= 1
    else {
        throw NetworkError.invalidArgument(
            "measurement needs 1…\(VMMLimits.rowsPerBlock) rows, 1…\(VMMLimits.columnsPerBlock) "
                + "columns, ≥ 1 step, ≥ 2 trials and a thinning factor in (0, 1]")
    }
    let seeds = SeedSequence(seed)
    let weights = Matrix<Int8>(
        rows: options.rows, columns: options.columns, repeating: Int8(options.weightValue))

    func vectors(_ probabilities: [Double], stream: UInt64) throws -> Matrix<UInt8> {
        let random = GSLRandom(seed: seeds.seed(SeedSequence.label("measure"), stream))
        var values = [UInt8]()
        values.reserveCapacity(probabilities.count * options.rows)
        for p in probabilities {
            for _ in 0..<options.rows {
                values.append(random.uniform() < p ? UInt8(options.inputValue) : 0)
            }
        }
        return try Matrix(rows: probabilities.count, columns: options.rows, storage: values)
    }

    func run(_ inputs: Matrix<UInt8>) throws -> Matrix<Int8> {
        let block = HardwareBlock(placement: options.placement, inputs: inputs, weights: weights)
        let results = try executor.execute(
            [block], numSends: options.numSends, waitBetweenEvents: options.waitBetweenEvents)
        guard results.count == 1, results[0].rows == inputs.rows,
            results[0].columns == options.columns
        else {
            throw NetworkError.executorResult(
                "expected one \(inputs.rows) × \(options.columns) result for the measurement block")
        }
        return results[0]
    }

    // Step 1: the thinning whose median output is nearest the target.
    let probabilities = (0..<options.steps).map { pow(options.thinning, Double($0)) }
    let scan = try run(vectors(probabilities, stream: 0))
    var best = 0
    var bestDistance = Double.infinity
    for step in 0..<options.steps {
        let distance = abs(lowerMedian(scan.row(step).map(Double.init)) - options.targetOutput)
        if distance < bestDistance {
            best = step
            bestDistance = distance
        }
    }

    // Step 2: gain and noise from the trials.
    let keep = probabilities[best]
    let inputs = try vectors(Array(repeating: keep, count: options.trials), stream: 1)
    let outputs = try run(inputs)
    let ideal = (0..<options.trials).map { trial in
        Double(inputs.row(trial).reduce(0) { $0 + Int($1) } * options.weightValue)
    }
    var ratios: [Double] = []
    for trial in 0..<options.trials where ideal[trial] != 0 {
        ratios.append(contentsOf: outputs.row(trial).map { Double($0) / ideal[trial] })
    }
    guard !ratios.isEmpty else {
        throw NetworkError.executorResult(
            "every measurement vector was empty; raise the thinning factor")
    }
    let gain = lowerMedian(ratios)
    let deviations = (0..<options.columns).map { column in
        meanAndSampleDeviation(
            (0..<options.trials).map { Double(outputs[$0, column]) - gain * ideal[$0] }
        ).std
    }
    return MockMeasurement(
        parameter: MockParameter(gain: gain, noiseStd: lowerMedian(deviations)),
        keepProbability: keep, medianOutput: lowerMedian(outputs.storage.map(Double.init)))
}

/// The lower of the two middle values for an even count (as `torch.median`), the middle one for
/// an odd count; 0 for no values.
func lowerMedian(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    return values.sorted()[(values.count - 1) / 2]
}
