import HXNumerics

/// The result of ``Chip/vmm(inputs:weights:options:traceColumn:traceSample:)``.
public struct VMMResult: Sendable {
    /// Output codes, batch × columns, −128…127.
    public var outputs: Matrix<Int8>
    /// The integrator that computed them.
    public var integrator: Integrator
    /// The trial of the first vector (vector b is trial `firstTrial + b`).
    public var firstTrial: UInt64
    /// Projected time on the real chip, in seconds.
    public var projectedTime: Double
    /// The trace, if one was requested.
    public var trace: MembraneTrace?
}

extension Chip {
    /// Converts activations to the chip's input format, checking the 5-bit range.
    /// - Throws: ``PhysicsError/inputOutOfRange(sample:row:value:)`` naming the first bad value.
    public static func checkedInputs(_ inputs: Matrix<Int>) throws -> Matrix<UInt8> {
        for (index, value) in inputs.storage.enumerated()
        where !(0...ChipGeometry.maxInput).contains(value) {
            throw PhysicsError.inputOutOfRange(
                sample: index / max(1, inputs.columns), row: index % max(1, inputs.columns),
                value: value)
        }
        return try Matrix(
            rows: inputs.rows, columns: inputs.columns,
            storage: inputs.storage.map { UInt8(truncatingIfNeeded: $0) })
    }

    /// One signed VMM of a batch: `inputs` (batch × rows, 0…31) times `weights` (rows × columns,
    /// −63…63) with rows ≤ 128 and columns ≤ 512. Columns 0..<256 run on hemisphere 0, the rest
    /// on hemisphere 1; both receive the same inputs. Writes the weights (replacing what was
    /// written) and returns batch × columns output codes.
    /// - Parameters:
    ///   - traceColumn: a column (0..<columns) whose voltages to record, of sample
    ///     `traceSample`, every `traceResolution` seconds.
    ///   - traceProgress: called while the trace is integrated (``TraceRequest/progress``).
    public mutating func vmm(
        inputs: Matrix<Int>, weights: Matrix<Int>, options: ExecutionOptions = ExecutionOptions(),
        traceColumn: Int? = nil, traceSample: Int = 0, traceResolution: Double = 2e-9,
        traceProgress: (@Sendable (Double) -> Void)? = nil
    ) throws -> VMMResult {
        try Self.checkVMMShapes(inputs: inputs.shape, weights: weights.shape)
        let chipInputs = try Self.checkedInputs(inputs)
        return try checkedVMM(
            inputs: chipInputs, weights: Self.narrowedWeights(weights), options: options,
            traceColumn: traceColumn, traceSample: traceSample,
            traceResolution: traceResolution, traceProgress: traceProgress)
    }

    /// ``vmm(inputs:weights:options:traceColumn:traceSample:traceResolution:)`` for inputs and
    /// weights already in the chip's formats (no conversion of the batch: what the C library
    /// calls). The same checks, in the same order; inputs above 31 are named as there.
    public mutating func vmm(
        inputs: Matrix<UInt8>, weights: Matrix<Int8>,
        options: ExecutionOptions = ExecutionOptions(),
        traceColumn: Int? = nil, traceSample: Int = 0, traceResolution: Double = 2e-9,
        traceProgress: (@Sendable (Double) -> Void)? = nil
    ) throws -> VMMResult {
        try Self.checkVMMShapes(inputs: inputs.shape, weights: weights.shape)
        try Self.checkActivations(inputs)
        try Self.checkWeightValues(weights)
        return try checkedVMM(
            inputs: inputs, weights: weights, options: options, traceColumn: traceColumn,
            traceSample: traceSample, traceResolution: traceResolution,
            traceProgress: traceProgress)
    }

    /// The VMM of both overloads once they have checked the shapes, the inputs and the weights'
    /// values (each in its own format, so that no value is scanned twice for them).
    private mutating func checkedVMM(
        inputs: Matrix<UInt8>, weights: Matrix<Int8>, options: ExecutionOptions,
        traceColumn: Int?, traceSample: Int, traceResolution: Double,
        traceProgress: (@Sendable (Double) -> Void)?
    ) throws -> VMMResult {
        let split = ChipGeometry.columnsPerHemisphere
        var hemisphereInputs: HemispherePair<Matrix<UInt8>?> = [nil, nil]
        var candidate = self
        // Each hemisphere's slice lies within its shape (checkVMMShapes), and its values are
        // checked.
        candidate.write(
            checkedWeights: weights.slice(
                rows: 0..<weights.rows, columns: 0..<min(split, weights.columns)),
            hemisphere: 0)
        hemisphereInputs[0] = inputs
        if weights.columns > split {
            candidate.write(
                checkedWeights: weights.slice(
                    rows: 0..<weights.rows, columns: split..<weights.columns),
                hemisphere: 1)
            hemisphereInputs[1] = inputs
        }
        var trace: TraceRequest?
        if let traceColumn {
            guard (0..<weights.columns).contains(traceColumn) else {
                throw PhysicsError.columnOutOfRange(column: traceColumn, columns: weights.columns)
            }
            trace = TraceRequest(
                hemisphere: traceColumn / split, column: traceColumn % split, sample: traceSample,
                resolution: traceResolution)
            trace?.progress = traceProgress
        }
        let result = try candidate.execute(inputs: hemisphereInputs, options: options, trace: trace)
        self = candidate
        let columns = weights.columns
        let outputs: Matrix<Int8>
        if columns <= split, let whole = result.outputs[0] {
            // One hemisphere computed every column: its codes are the result as they are.
            outputs = whole
        } else {
            // Row by row through the storage: Matrix's element subscript is generic across
            // modules, and per element it cost more than the fast path itself (C ABI profile,
            // batch 10,000).
            var storage = [Int8](repeating: 0, count: inputs.rows * columns)
            storage.withUnsafeMutableBufferPointer { out in
                for h in 0..<2 {
                    guard let part = result.outputs[h] else { continue }
                    let width = part.columns
                    part.storage.withUnsafeBufferPointer { source in
                        for b in 0..<part.rows {
                            let target = out.baseAddress! + b * columns + h * split
                            target.update(from: source.baseAddress! + b * width, count: width)
                        }
                    }
                }
            }
            outputs = try Matrix(rows: inputs.rows, columns: columns, storage: storage)
        }
        return VMMResult(
            outputs: outputs, integrator: result.integrator, firstTrial: result.firstTrial,
            projectedTime: result.projectedTime, trace: result.trace)
    }

    /// Checks the shape `[rows, columns]` of a VMM's weights: 1…128 rows and 1…512 columns
    /// (two hemispheres side by side), so that a caller can name the weights' source in the
    /// error before it reads the inputs.
    /// - Throws: ``PhysicsError/shapeMismatch(what:expected:got:)``.
    public static func checkVMMWeightShape(_ weights: [Int]) throws {
        let maxColumns = ChipGeometry.maxSignedVMM.outputs
        guard weights.count == 2,
            (1...ChipGeometry.signedInputsPerHemisphere).contains(weights[0]),
            (1...maxColumns).contains(weights[1])
        else {
            throw PhysicsError.shapeMismatch(
                what: "weights",
                expected:
                    "1…\(ChipGeometry.signedInputsPerHemisphere) rows × 1…\(maxColumns) columns",
                got: weights)
        }
    }

    /// The shapes ``vmm(inputs:weights:options:traceColumn:traceSample:traceResolution:)``
    /// takes: weights of 1…128 rows and 1…512 columns, inputs of one value per weight row.
    static func checkVMMShapes(inputs: [Int], weights: [Int]) throws {
        try checkVMMWeightShape(weights)
        guard inputs[1] == weights[0] else {
            throw PhysicsError.shapeMismatch(
                what: "inputs", expected: "batch × \(weights[0]) (one value per weight row)",
                got: inputs)
        }
    }

    /// Connects the reference voltage of a voltage cell (value 0…1022) to every CADC channel of
    /// a hemisphere and reads it `reads` times, as the CADC calibration of the real chip does.
    /// Returns reads × 256 codes. The reference is one cell shared by all channels, so its DAC
    /// error is common to them. Each read is one trial: `firstTrial` names the first (nil
    /// continues the chip's count, as ``ExecutionOptions/firstTrial`` does).
    public mutating func readCADC(
        referenceCell: Int, hemisphere: Int, reads: Int = 1, firstTrial: UInt64? = nil
    ) throws -> Matrix<UInt8> {
        try Self.checkHemisphere(hemisphere)
        guard (0...ChipGeometry.maxCellValue).contains(referenceCell) else {
            throw PhysicsError.cellOutOfRange(
                name: "referenceCell", index: 0, value: referenceCell,
                allowed: 0...ChipGeometry.maxCellValue)
        }
        guard reads >= 1 else {
            throw PhysicsError.invalidOption(name: "reads", value: "\(reads)", allowed: "≥ 1")
        }
        let trial = firstTrial ?? nextTrial
        nextTrial = max(nextTrial, trial &+ UInt64(reads))
        let state = hemispheres[hemisphere]
        let circuit = state.circuit
        let error = mismatch.hemispheres[hemisphere].referenceCell
        let voltage = AnalogCell.output(
            value: referenceCell, fullScale: parameters.cellVoltageFullScale, gain: error.gain,
            offset: error.offset)
        let columns = ChipGeometry.columnsPerHemisphere
        var codes = Matrix<UInt8>(rows: reads, columns: columns, repeating: 0)
        for read in 0..<reads {
            var noise = GaussianStream(key: state.noise.key(trial: trial &+ UInt64(read)))
            for j in 0..<columns {
                let code =
                    circuit.cadcCode(column: j, voltage: voltage) + parameters.readNoise
                    * noise.next()
                codes[read, j] = UInt8(quantiseCADC(code))
            }
        }
        return codes
    }
}
