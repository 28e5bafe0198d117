import Dispatch
import HXNumerics

/// Where the fast path's time goes, stage by stage, for the benchmarks (`hxsim bench`, which
/// reports it as is): the same code as ``FastPath/run(_:)``, run on one thread with a clock
/// around each stage of each chunk.
public struct FastPathStageTimes: Sendable, Codable, Equatable {
    /// Seconds per sample (a full-size VMM in the benchmarks): encoding the event trains (with
    /// the pulse-jitter draws), the OpenBLAS sgemm, drawing the read and drift noise, and the
    /// per-column transform and CADC.
    public var encode: Double
    public var sgemm: Double
    public var noise: Double
    public var transform: Double

    /// The stages' times, in seconds per sample.
    public init(encode: Double, sgemm: Double, noise: Double, transform: Double) {
        (self.encode, self.sgemm, self.noise, self.transform) = (encode, sgemm, noise, transform)
    }

    /// The sum of the stages, in seconds per sample.
    public var total: Double { encode + sgemm + noise + transform }
}

extension Chip {
    /// Times the fast path's stages on `hemisphere` (weights written) for `inputs`, single
    /// threaded, as the median over `repeats` passes over the batch. Only for benchmarks: the
    /// clock calls cost a little time of their own.
    @_spi(Benchmarks)
    public func fastPathStageTimes(
        inputs: Matrix<UInt8>, hemisphere: Int, options: ExecutionOptions = ExecutionOptions(),
        repeats: Int = 5
    ) throws -> FastPathStageTimes {
        try fastPathStages(
            inputs: inputs, hemisphere: hemisphere, options: options, repeats: repeats
        ).times
    }

    /// ``fastPathStageTimes(inputs:hemisphere:options:repeats:)`` with the codes its staged
    /// passes computed (batch × columns, the batch run as trials `options.firstTrial ?? 0`
    /// onwards): they are the codes of `execute` for the same trials, which is how the tests
    /// know that the timed stages are the fast path's own.
    func fastPathStages(
        inputs: Matrix<UInt8>, hemisphere: Int, options: ExecutionOptions, repeats: Int
    ) throws -> (times: FastPathStageTimes, outputs: Matrix<Int8>) {
        try options.validate()
        let work = try diagnosticBatch(
            inputs: inputs, hemisphere: hemisphere, options: options, parameters: parameters)
        let block = work.block.fast
        BLAS.prepareForCallerThreads()
        let p = parameters
        let tables = block.workspace.eventTables(block: block, parameters: p, options: options)
        let constants = FastPath.TransformConstants(parameters: p)
        let n = block.columns
        let stride = block.paddedColumns
        let batch = inputs.rows
        var output = [Int8](repeating: 0, count: batch * n)
        var passes: [FastPathStageTimes] = []
        let scratch = block.workspace.take(numSends: options.numSends)
        defer { block.workspace.put(scratch) }
        // The noise stage draws every sample of a chunk before the transform reads them, so each
        // sample gets its own draws here (the batch path draws one sample's just before its
        // transform, into the workspace's single buffer).
        let (noiseStride, uniformStride) = FastPath.readNoiseCapacity(paddedColumns: stride)
        let chunkNoise = UnsafeMutablePointer<Float>.allocate(
            capacity: FastPath.maximumChunkSize * noiseStride)
        let chunkUniforms = UnsafeMutablePointer<UInt16>.allocate(
            capacity: FastPath.maximumChunkSize * uniformStride)
        defer {
            chunkNoise.deallocate()
            chunkUniforms.deallocate()
        }
        func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
        inputs.storage.withUnsafeBufferPointer { inputBuffer in
            let shared = SharedReadBuffer(inputBuffer)
            block.baselineThresholds.withUnsafeBufferPointer { thresholds in
                block.columnTable.withUnsafeBufferPointer { table in
                    output.withUnsafeMutableBufferPointer { out in
                        for _ in 0..<max(1, repeats) {
                            var times = [UInt64](repeating: 0, count: 4)
                            var start = 0
                            while start < batch {
                                let range =
                                    start..<min(
                                        batch, start + FastPath.chunkSize(batch: batch))
                                start = range.upperBound
                                let t0 = now()
                                FastPath.encode(
                                    range: range, of: work, inputs: shared, tables: tables,
                                    scratch: scratch)
                                let t1 = now()
                                FastPath.multiply(
                                    count: range.count, block: block, scratch: scratch)
                                let t2 = now()
                                for offset in 0..<range.count {
                                    FastPath.drawReadNoise(
                                        into: chunkNoise + offset * noiseStride,
                                        uniforms: chunkUniforms + offset * uniformStride,
                                        columns: n, paddedColumns: stride,
                                        key: SplitMix64.mix(scratch.keys[offset] ^ 2))
                                }
                                let t3 = now()
                                for (offset, b) in range.enumerated() {
                                    FastPath.transform(
                                        y: scratch.y + offset * stride,
                                        timing: scratch.timings[offset], block: block,
                                        table: table.baseAddress!, constants: constants,
                                        parameters: p,
                                        noise: chunkNoise + offset * noiseStride,
                                        uniforms: chunkUniforms + offset * uniformStride,
                                        thresholds: thresholds.baseAddress!,
                                        flagged: scratch.flagged,
                                        output: out.baseAddress! + b * n, baseline: nil,
                                        result: nil)
                                }
                                let t4 = now()
                                times[0] += t1 - t0
                                times[1] += t2 - t1
                                times[2] += t3 - t2
                                times[3] += t4 - t3
                            }
                            let scale = 1e-9 / Double(batch)
                            passes.append(
                                FastPathStageTimes(
                                    encode: Double(times[0]) * scale,
                                    sgemm: Double(times[1]) * scale,
                                    noise: Double(times[2]) * scale,
                                    transform: Double(times[3]) * scale))
                        }
                    }
                }
            }
        }
        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted[sorted.count / 2]
        }
        let times = FastPathStageTimes(
            encode: median(passes.map(\.encode)), sgemm: median(passes.map(\.sgemm)),
            noise: median(passes.map(\.noise)), transform: median(passes.map(\.transform)))
        return (times, try Matrix(rows: batch, columns: n, storage: output))
    }
}

extension Chip {
    /// The continuous CADC codes (LSB, before read noise, rounding and clipping) that the fast
    /// path and the GSL reference give for `inputs` on `hemisphere` (weights written): batch ×
    /// columns each, row-major. The measure of the fast path's error in tests and benchmarks;
    /// the noise of the physics parameters is ignored (both paths run without their
    /// trial-to-trial noise, the GSL path with its mean drift current).
    @_spi(Benchmarks)
    public func continuousCodes(
        inputs: Matrix<UInt8>, hemisphere: Int, options: ExecutionOptions = ExecutionOptions()
    ) throws -> (fast: [Double], gsl: [Double]) {
        try options.validate()
        let quiet = parameters.withoutNoise
        let batch = try diagnosticBatch(
            inputs: inputs, hemisphere: hemisphere, options: options, parameters: quiet)
        let fastBlock = batch.block.fast
        let circuit = batch.circuit
        let (y, timings) = try FastPath.linearExcursions(batch)
        let n = fastBlock.columns
        var fast: [Double] = []
        var gsl: [Double] = []
        fast.reserveCapacity(inputs.rows * n)
        gsl.reserveCapacity(inputs.rows * n)
        let integrator = try GSLPath.makeIntegrator(for: batch)
        for b in 0..<inputs.rows {
            for j in 0..<n {
                let v = FastPath.excursion(
                    linear: y[b * n + j], column: j, timing: timings[b], block: fastBlock,
                    parameters: quiet
                ).excursion
                fast.append(circuit.cadcCode(column: j, voltage: circuit.resetPotential[j] + v))
            }
            let row = Array(inputs.row(b))
            let outcome = try row.withUnsafeBufferPointer {
                try integrator.run(
                    inputs: $0, noise: GSLRandom(seed: 1, kind: .taus2), trace: nil, sample: b)
            }
            for j in 0..<n {
                gsl.append(circuit.cadcCode(column: j, voltage: outcome.membrane[j]))
            }
        }
        return (fast, gsl)
    }
}

extension Chip {
    /// A batch of `inputs` on `hemisphere` under `parameters` (the chip's own, or a variant
    /// such as without noise) for the diagnostics above; its vectors are trials
    /// `options.firstTrial` (0 if not given) onwards.
    func diagnosticBatch(
        inputs: Matrix<UInt8>, hemisphere: Int, options: ExecutionOptions,
        parameters: PhysicsParameters
    ) throws -> HemisphereBatch {
        try Self.checkHemisphere(hemisphere)
        guard let block = hemispheres[hemisphere].written, inputs.columns == block.rows else {
            throw PhysicsError.shapeMismatch(
                what: "inputs of hemisphere \(hemisphere)", expected: "batch × written rows",
                got: inputs.shape)
        }
        return HemisphereBatch(
            inputs: inputs, hemisphere: hemispheres[hemisphere], block: block,
            parameters: parameters, options: options, firstTrial: options.firstTrial ?? 0)
    }
}
