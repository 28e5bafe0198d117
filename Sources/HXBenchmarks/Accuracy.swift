import HXNumerics
@_spi(Benchmarks) import HXPhysics

/// A regime of the fast path's error measurement against the GSL reference.
public enum AccuracyRegime: String, Sendable, Codable, CaseIterable {
    /// Linear OTA, no output limits, no pseudo-leak spread: the model is separable and the fast
    /// path exact up to float rounding (docs/SPECIFICATION.md §2, last paragraph).
    case separable
    /// Every default nonlinearity on (OTA saturation, output roll-off, leak spread), random
    /// inputs: the fast path's approximations at work in the chip's usual range.
    case nonlinear
    /// The defaults with saturating inputs (all rows near full activation and weight, events
    /// 2 cycles apart): the worst case of the approximations.
    case saturating

    /// The physics parameters (always without trial-to-trial noise: the error is measured on
    /// the deterministic part).
    var parameters: PhysicsParameters {
        var p = PhysicsParameters().withoutNoise
        if self == .separable {
            p.otaSaturates = false
            p.membraneCompliance = false
            p.pseudoLeakMismatch = 0
        }
        return p
    }

    var workloadKind: VMMWorkload.Kind { self == .saturating ? .saturating : .random }

    var options: ExecutionOptions {
        ExecutionOptions(waitBetweenEvents: self == .saturating ? 2 : 5)
    }
}

/// The fast path's error against the GSL path in one regime.
public struct AccuracyMeasurement: Sendable, Codable, Equatable {
    public var regime: AccuracyRegime
    /// Samples × columns compared.
    public var samples: Int
    public var columns: Int
    /// Fast minus GSL continuous CADC code (before read noise and rounding), in LSB: RMS,
    /// largest magnitude, and mean (a bias).
    public var rmsLSB: Double
    public var worstLSB: Double
    public var meanLSB: Double
    /// The fraction of output codes (noise off) in which both paths agree exactly.
    public var identicalCodeFraction: Double
    /// Every error, for the histogram (LSB).
    public var errors: [Double]

    /// Measures `samples` vectors of a full-size VMM (128 × 256) on one chip.
    public static func measure(
        regime: AccuracyRegime, samples: Int, chipSeed: UInt64 = 3, workloadSeed: UInt64 = 11,
        threads: Int? = nil
    ) throws -> AccuracyMeasurement {
        let workload = try VMMWorkload(
            kind: regime.workloadKind, batch: samples, seed: workloadSeed)
        var chip = try Chip(seed: chipSeed, parameters: regime.parameters)
        try chip.writeWeights(workload.weights, hemisphere: 0)
        var options = regime.options
        options.threads = threads
        let (fast, gsl) = try chip.continuousCodes(
            inputs: workload.inputs, hemisphere: 0, options: options)
        let errors = zip(fast, gsl).map { $0 - $1 }
        let count = Double(max(1, errors.count))
        var codes: [Matrix<Int8>] = []
        for integrator in [Integrator.fast, .gsl] {
            options.integrator = integrator
            options.firstTrial = 0
            let result = try chip.execute(inputs: [workload.inputs, nil], options: options)
            guard let outputs = result.outputs[0] else {
                throw BenchmarkError.caseFailed(
                    name: "accuracy \(regime.rawValue)", reason: "hemisphere 0 gave no outputs")
            }
            codes.append(outputs)
        }
        let same = zip(codes[0].storage, codes[1].storage).filter { $0 == $1 }.count
        return AccuracyMeasurement(
            regime: regime, samples: samples, columns: workload.weights.columns,
            rmsLSB: (errors.map { $0 * $0 }.reduce(0, +) / count).squareRoot(),
            worstLSB: errors.map(abs).max() ?? 0, meanLSB: errors.reduce(0, +) / count,
            identicalCodeFraction: Double(same) / Double(max(1, codes[0].count)),
            errors: errors)
    }
}
