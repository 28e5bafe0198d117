import Foundation
import HXNumerics

/// One simulated HICANN-X chip in VMM mode.
///
/// A chip is drawn from a seed: the seed fixes the fixed-pattern mismatch of every synapse,
/// driver, neuron column and CADC channel, bit for bit. What an experimenter can do with it is
/// what the real chip offers: change the configuration (analog parameter cells and digital
/// trims), write weights, send input vectors, read CADC codes and trace one column. The
/// mismatch itself is not readable.
///
/// `Chip` is a value: a copy is an independent chip with the same mismatch, configuration,
/// weights and trial counter. Every input vector sent is one trial, and its trial-to-trial
/// noise is keyed by (seed, trial, hemisphere), so results do not depend on how a batch is split
/// over threads or over calls.
public struct Chip: Sendable {
    /// The seed the chip was drawn from.
    public let seed: UInt64
    /// The physics parameters.
    public let parameters: PhysicsParameters
    /// The mismatch the circuits are built from: the drawn one, moved along its slow drift to
    /// ``environment`` (``ChipDrift``).
    var mismatch: ChipMismatch
    /// The mismatch as drawn from the seed (age 0, nominal temperature).
    let drawnMismatch: ChipMismatch
    /// The chip's age and temperature (``setEnvironment(_:)``); power-up at the nominal
    /// temperature when drawn.
    public internal(set) var environment: ChipEnvironment
    /// The current configuration (analog cells and trims).
    public private(set) var configuration: ChipConfiguration
    /// Circuits, written weights and noise keys, per hemisphere.
    private(set) var hemispheres: HemispherePair<HemisphereState>
    /// The trial of the next input vector, unless an execution names its first trial.
    public internal(set) var nextTrial: UInt64 = 0

    /// Draws chip `seed` for `parameters`, in the nominal configuration.
    /// - Throws: when the parameters are out of range or contradict each other.
    public init(seed: UInt64, parameters: PhysicsParameters = PhysicsParameters()) throws {
        try parameters.validate()
        self.seed = seed
        self.parameters = parameters
        mismatch = ChipMismatch(seed: seed, parameters: parameters)
        drawnMismatch = mismatch
        environment = .nominal(for: parameters)
        let configuration = ChipConfiguration(nominalFor: parameters)
        self.configuration = configuration
        let mismatch = self.mismatch
        hemispheres = HemispherePair { h in
            HemisphereState(
                index: h,
                circuit: HemisphereCircuit(
                    parameters: parameters, mismatch: mismatch.hemispheres[h],
                    configuration: configuration.hemispheres[h]),
                chipSeed: seed)
        }
    }

    /// Sets the trial of the next input vector that does not name its own, for example to give
    /// the repetitions of an experiment disjoint noise. Going back to an earlier trial repeats
    /// its noise, as it should.
    public mutating func setNextTrial(_ trial: UInt64) { nextTrial = trial }

    // MARK: Configuration

    /// Replaces the configuration.
    /// - Throws: a cell or trim out of range; the chip is unchanged then.
    public mutating func configure(_ newConfiguration: ChipConfiguration) throws {
        try newConfiguration.validate()
        configuration = newConfiguration
        rebuildCircuits()
    }

    /// Changes the configuration of one hemisphere in place.
    public mutating func configure(
        hemisphere: Int, _ change: (inout HemisphereConfiguration) throws -> Void
    ) throws {
        try Self.checkHemisphere(hemisphere)
        var updated = configuration
        try change(&updated.hemispheres[hemisphere])
        try configure(updated)
    }

    mutating func rebuildCircuits() {
        for h in 0..<ChipGeometry.hemispheres {
            hemispheres[h].reconfigure(
                HemisphereCircuit(
                    parameters: parameters, mismatch: mismatch.hemispheres[h],
                    configuration: configuration.hemispheres[h]),
                mismatch: mismatch.hemispheres[h], parameters: parameters)
        }
    }

    // MARK: Weights

    /// Writes signed weights (rows ≤ 128 signed inputs × columns ≤ 256, values −63…63) to a
    /// hemisphere's synapse array, top-left aligned; the rest of the array holds zero. Stays
    /// written until replaced, as on the chip; writing the weights a hemisphere already holds
    /// changes nothing and costs only the comparison.
    /// - Throws: a shape beyond the hemisphere or a weight out of range.
    public mutating func writeWeights(_ weights: Matrix<Int8>, hemisphere: Int) throws {
        try Self.checkHemisphere(hemisphere)
        try Self.checkWeightShape(weights.shape)
        try Self.checkWeightValues(weights)
        write(checkedWeights: weights, hemisphere: hemisphere)
    }

    /// ``writeWeights(_:hemisphere:)`` for weights held as `Int`.
    public mutating func writeWeights(_ weights: Matrix<Int>, hemisphere: Int) throws {
        try Self.checkHemisphere(hemisphere)
        try Self.checkWeightShape(weights.shape)
        write(checkedWeights: try Self.narrowedWeights(weights), hemisphere: hemisphere)
    }

    /// Writes weights whose hemisphere, shape and values the caller has checked, so that no
    /// value is scanned twice (narrowing `Int` weights checks them as it goes).
    mutating func write(checkedWeights weights: Matrix<Int8>, hemisphere: Int) {
        hemispheres[hemisphere].write(
            weights, mismatch: mismatch.hemispheres[hemisphere], parameters: parameters)
    }

    /// Throws for a weight beyond ±63, naming the first.
    static func checkWeightValues(_ weights: Matrix<Int8>) throws {
        // One vectorisable pass for the largest magnitude; the search for the culprit only on
        // failure.
        let (lowest, highest) = weights.storage.withUnsafeBufferPointer { buffer in
            var (lo, hi): (Int8, Int8) = (0, 0)
            for w in buffer {
                lo = min(lo, w)
                hi = max(hi, w)
            }
            return (Int(lo), Int(hi))
        }
        if max(-lowest, highest) > ChipGeometry.maxWeight,
            let index = weights.storage.firstIndex(where: { abs(Int($0)) > ChipGeometry.maxWeight })
        {
            throw PhysicsError.weightOutOfRange(
                row: index / weights.columns, column: index % weights.columns,
                value: Int(weights.storage[index]))
        }
    }

    /// Weights held as `Int` in the chip's format, checked (−63…63, the first beyond named).
    static func narrowedWeights(_ weights: Matrix<Int>) throws -> Matrix<Int8> {
        // One pass over the storage (Matrix.map is generic across modules and slow here).
        var storage = [Int8](repeating: 0, count: weights.count)
        for (index, w) in weights.storage.enumerated() {
            guard abs(w) <= ChipGeometry.maxWeight else {
                throw PhysicsError.weightOutOfRange(
                    row: index / weights.columns, column: index % weights.columns, value: w)
            }
            storage[index] = Int8(truncatingIfNeeded: w)
        }
        return try Matrix(rows: weights.rows, columns: weights.columns, storage: storage)
    }

    private static func checkWeightShape(_ shape: [Int]) throws {
        guard (1...ChipGeometry.signedInputsPerHemisphere).contains(shape[0]),
            (1...ChipGeometry.columnsPerHemisphere).contains(shape[1])
        else {
            throw PhysicsError.shapeMismatch(
                what: "weights of one hemisphere", expected: "1…128 rows × 1…256 columns",
                got: shape)
        }
    }

    /// The weights written to `hemisphere`, or nil.
    public func writtenWeights(hemisphere: Int) -> Matrix<Int8>? {
        guard (0..<ChipGeometry.hemispheres).contains(hemisphere) else { return nil }
        return hemispheres[hemisphere].written?.weights
    }

    static func checkHemisphere(_ hemisphere: Int) throws {
        guard (0..<ChipGeometry.hemispheres).contains(hemisphere) else {
            throw PhysicsError.hemisphereOutOfRange(hemisphere)
        }
    }

    // MARK: Execution

    /// Sends a batch of input vectors to each hemisphere that has inputs and reads the result.
    ///
    /// - Parameters:
    ///   - inputs: per hemisphere, a batch × rows matrix of activations 0…31 whose rows match
    ///     the written weights, or nil to leave the hemisphere idle (`[x, nil]` runs hemisphere
    ///     0 alone). When both are given, they must have the same batch size (one execution
    ///     sends one vector to each hemisphere at a time).
    ///   - options: timing and numerics.
    ///   - trace: a column to trace with the GSL integrator.
    /// - Returns: output codes per hemisphere (batch × columns).
    /// - Throws: on a shape mismatch, an input out of range, missing weights or bad options.
    public mutating func execute(
        inputs: HemispherePair<Matrix<UInt8>?>, options: ExecutionOptions = ExecutionOptions(),
        trace: TraceRequest? = nil
    ) throws -> ExecutionResult {
        try options.validate()
        var batchSize: Int?
        for (h, input) in inputs.enumerated() {
            guard let input else { continue }
            guard let block = hemispheres[h].written else {
                throw PhysicsError.invalidOption(
                    name: "inputs[\(h)]", value: "given",
                    allowed: "no weights written to hemisphere \(h)")
            }
            guard input.columns == block.rows else {
                throw PhysicsError.shapeMismatch(
                    what: "inputs of hemisphere \(h)", expected: "batch × \(block.rows)",
                    got: input.shape)
            }
            if let batchSize, batchSize != input.rows {
                throw PhysicsError.shapeMismatch(
                    what: "inputs of hemisphere \(h)",
                    expected: "\(batchSize) rows like hemisphere 0", got: input.shape)
            }
            batchSize = input.rows
            try Self.checkActivations(input)
        }
        if let trace { try checkTrace(trace, inputs: inputs, options: options) }

        let trial = options.firstTrial ?? nextTrial
        // The count continues after the last trial used (the batch's, at any stride).
        if let batchSize, batchSize > 0 {
            nextTrial = max(nextTrial, trial &+ UInt64(batchSize - 1) &* options.trialStride &+ 1)
        } else {
            nextTrial = max(nextTrial, trial)
        }
        var result = ExecutionResult(
            outputs: [nil, nil], baselineCodes: [nil, nil], resultCodes: [nil, nil],
            integrator: options.integrator, firstTrial: trial,
            projectedTime: projectedTime(inputs: inputs, options: options), trace: nil)
        for h in 0..<ChipGeometry.hemispheres {
            guard let input = inputs[h], let block = hemispheres[h].written else { continue }
            let batch = HemisphereBatch(
                inputs: input, hemisphere: hemispheres[h], block: block, parameters: parameters,
                options: options, firstTrial: trial)
            let run: HemisphereRun
            switch options.integrator {
            case .gsl: run = try GSLPath.run(batch)
            case .fast: run = try FastPath.run(batch)
            }
            result.outputs[h] = run.outputs
            if options.includeRawReads {
                result.baselineCodes[h] = run.baseline
                result.resultCodes[h] = run.result
            }
            if let trace, trace.hemisphere == h {
                result.trace = try traceSample(of: batch, request: trace)
            }
        }
        return result
    }

    /// Throws for an activation above 31, naming the first.
    static func checkActivations(_ input: Matrix<UInt8>) throws {
        // One vectorisable pass for the maximum; the search for the culprit only on failure.
        let largest = input.storage.withUnsafeBufferPointer { buffer in
            var m: UInt8 = 0
            for value in buffer { m = max(m, value) }
            return m
        }
        if largest > ChipGeometry.maxInput,
            let index = input.storage.firstIndex(where: { $0 > ChipGeometry.maxInput })
        {
            throw PhysicsError.inputOutOfRange(
                sample: index / input.columns, row: index % input.columns,
                value: Int(input.storage[index]))
        }
    }

    /// Throws unless `trace` names a column and sample of a hemisphere with inputs, and its
    /// points fit ``TraceRequest/maximumPoints`` (checked here, before the batch runs, and
    /// again where the recorder reserves them).
    private func checkTrace(
        _ trace: TraceRequest, inputs: HemispherePair<Matrix<UInt8>?>, options: ExecutionOptions
    ) throws {
        try Self.checkHemisphere(trace.hemisphere)
        guard let input = inputs[trace.hemisphere],
            let block = hemispheres[trace.hemisphere].written
        else {
            throw PhysicsError.invalidOption(
                name: "trace.hemisphere", value: "\(trace.hemisphere)",
                allowed: "a hemisphere with inputs")
        }
        guard (0..<block.columns).contains(trace.column) else {
            throw PhysicsError.columnOutOfRange(column: trace.column, columns: block.columns)
        }
        guard (0..<input.rows).contains(trace.sample) else {
            throw PhysicsError.invalidOption(
                name: "trace.sample", value: "\(trace.sample)", allowed: "0..<\(input.rows)")
        }
        guard trace.resolution > 0, trace.resolution.isFinite else {
            throw PhysicsError.invalidOption(
                name: "trace.resolution", value: "\(trace.resolution)", allowed: "> 0 s")
        }
        let timing = Array(input.row(trace.sample)).withUnsafeBufferPointer {
            EventTiming(
                inputs: $0, numSends: options.numSends,
                waitBetweenEvents: options.waitBetweenEvents, parameters: parameters)
        }
        _ = try TraceRecorder.checkedPointCount(
            readTime: timing.readTime, eventCount: timing.eventCount,
            resolution: trace.resolution)
    }

    /// Re-runs one vector of `batch` with the GSL integrator to record a trace. The vector's
    /// trial (and so its noise) is the one the batch gave it: ``HemisphereBatch/trial(ofSample:)``.
    private func traceSample(
        of batch: HemisphereBatch, request: TraceRequest
    ) throws
        -> MembraneTrace?
    {
        let row = Array(batch.inputs.row(request.sample))
        let noise = GSLRandom(seed: batch.noiseKey(sample: request.sample), kind: .taus2)
        let integrator = try GSLPath.makeIntegrator(for: batch)
        return try row.withUnsafeBufferPointer { buffer in
            try integrator.run(
                inputs: buffer, noise: noise, trace: request,
                sample: request.sample
            ).trace
        }
    }

    /// Projected time of the batch on the real chip (docs/SPECIFICATION.md §4): per vector, the event
    /// train of the busier hemisphere plus the fixed overhead, in seconds.
    func projectedTime(inputs: HemispherePair<Matrix<UInt8>?>, options: ExecutionOptions) -> Double
    {
        let batch = inputs.compactMap { $0?.rows }.max() ?? 0
        let spacing = Double(options.waitBetweenEvents) * parameters.fpgaClockPeriod
        var events = [Int](repeating: 0, count: batch)
        for input in inputs {
            guard let input else { continue }
            input.storage.withUnsafeBufferPointer { buffer in
                for sample in 0..<input.rows {
                    // A 32-bit sum of min(value, 1) vectorises; a conditional count does not,
                    // and would cost the fast path about a tenth of its time.
                    let row = buffer.baseAddress! + sample * input.columns
                    var count: Int32 = 0
                    for i in 0..<input.columns { count &+= Int32(min(row[i], 1)) }
                    events[sample] = max(events[sample], Int(count))
                }
            }
        }
        let totalEvents = events.reduce(0, +) * options.numSends
        return Double(totalEvents) * spacing + Double(batch) * parameters.fixedOverheadPerVector
    }
}
