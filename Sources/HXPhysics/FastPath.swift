import Foundation
import HXNumerics

/// The fast execution path (docs/MODEL.md, "Fast path").
///
/// In the linear regime (linear OTA, no output limits) the membrane voltage at the read is a sum
/// over events of (synapse current) × K(event time, pulse width), where K is the closed-form
/// response of the synaptic-line / membrane chain. With a column-independent pseudo-leak, K
/// depends on the row and the sample only, so the whole batch is
///
///     X[b, i] = Σ_events of row i  K(t, d) / inputScale          (encode, per sample)
///     Y = X · W_eff                                               (one OpenBLAS sgemm)
///
/// which is exact. Per-column leak spread, OTA saturation and the output limits are applied
/// per column afterwards: the leak spread to first order around the sample's mean event age,
/// OTA saturation by a mean-field compression of each line (with a rank-1 estimate of how the
/// charge splits into excitatory and inhibitory), and the output limits by the exact solution
/// for a current of one sign. Their error against the GSL path is measured by the tests and by
/// `hxsim bench`.
enum FastPath {
    /// The unit of encoded input, in s²: the kernel of a full-width pulse is about
    /// maxPulseWidth · τ_syn.
    static func inputScale(parameters p: PhysicsParameters) -> Double {
        p.maxPulseWidth * p.synapticTimeConstant
    }

    /// Per-sample quantities the transform needs.
    struct SampleTiming {
        /// Time of the result read, in seconds.
        var readTime: Double
        /// Duration of the event train, in seconds (at least τ_syn).
        var window: Double
        /// Charge-weighted mean age of the events at the read, in seconds.
        var meanAge: Double
        /// Σ_i X[i] · (row sum of |W|): with the column fractions, a rank-1 estimate of the
        /// total (excitatory plus inhibitory) line charge of each column, in volts.
        var activity: Double
    }

    /// Encodes one sample's event train into `x` (length = rows of the block).
    static func encode(
        inputs: UnsafeBufferPointer<UInt8>, x: UnsafeMutablePointer<Float>, block: FastBlock,
        circuit: HemisphereCircuit, parameters p: PhysicsParameters, options: ExecutionOptions,
        jitter: inout GaussianStream
    ) -> SampleTiming {
        let rows = block.rows
        for i in 0..<rows { x[i] = 0 }
        var active: [Int] = []
        active.reserveCapacity(rows)
        for i in 0..<rows where inputs[i] > 0 { active.append(i) }
        let events = active.count * options.numSends
        let spacing = Double(options.waitBetweenEvents) * p.fpgaClockPeriod
        let readTime = Double(events) * spacing + p.settlingTime
        guard events > 0 else {
            return SampleTiming(
                readTime: readTime, window: p.synapticTimeConstant, meanAge: 0, activity: 0)
        }
        let alpha = 1 / p.synapticTimeConstant
        let lambda = block.meanLeakRate
        let scale = 1 / inputScale(parameters: p)
        let inverseRate = 1 / (alpha - lambda)
        // Walk the events backwards from the last one, so the exponential factors shrink.
        let lastAge = readTime - Double(events - 1) * spacing
        var leakFactor = exp(-lambda * lastAge)
        var lineFactor = exp(-alpha * lastAge)
        let leakStep = exp(-lambda * spacing)
        let lineStep = exp(-alpha * spacing)
        var sumK = 0.0
        var sumKAge = 0.0
        var age = lastAge
        // Jitter draws are taken in forward event order, like the GSL path.
        var widths = [Double](repeating: 0, count: events)
        for k in 0..<events {
            let row = active[k % active.count]
            let nominal = circuit.pulseWidth[row * 32 + Int(inputs[row])]
            widths[k] = max(0, nominal * (1 + p.pulseJitter * jitter.next()))
        }
        for k in stride(from: events - 1, through: 0, by: -1) {
            let row = active[k % active.count]
            let d = widths[k]
            // (e^{λd} − 1)/λ and (e^{αd} − 1)/α by their series: λd and αd are below 0.02.
            let leakTerm = d * (1 + lambda * d * (0.5 + lambda * d / 6))
            let ad = alpha * d
            let lineTerm = d * (1 + ad * (0.5 + ad * (1.0 / 6 + ad * (1.0 / 24 + ad / 120))))
            let kernel = (leakFactor * leakTerm - lineFactor * lineTerm) * inverseRate
            x[row] += Float(kernel * scale)
            sumK += kernel
            sumKAge += kernel * (age - inverseRate)
            leakFactor *= leakStep
            lineFactor *= lineStep
            age += spacing
        }
        var activity = 0.0
        for i in 0..<rows { activity += Double(x[i]) * Double(block.absoluteRowSums[i]) }
        return SampleTiming(
            readTime: readTime, window: max(Double(events) * spacing, p.synapticTimeConstant),
            meanAge: sumK > 0 ? sumKAge / sumK : 0, activity: activity)
    }

    /// tanh(x)/x, the compression of an OTA driven at x = V/V_lin.
    @inline(__always)
    static func compression(_ x: Double) -> Double {
        if x < 0.25 {
            let x2 = x * x
            return 1 - x2 * (1.0 / 3 - x2 * (2.0 / 15 - x2 * 17.0 / 315))
        }
        return tanh(x) / x
    }

    /// The membrane excursion after the output stage's roll-off: the exact solution of
    /// dV/dq = f(headroom) for a charge `excursion` (in volts, linear) of one sign, starting
    /// with `headroom` volts to the limit it moves towards.
    @inline(__always)
    static func limited(excursion: Double, headroom: Double, width: Double) -> Double {
        // G(h) = h − w for h ≥ w, (w/2)·ln(h/(2w − h)) below: charge needed to reach headroom h.
        func g(_ h: Double) -> Double {
            h >= width ? h - width : 0.5 * width * log(max(h, 1e-300) / (2 * width - h))
        }
        if headroom >= width, excursion <= headroom - width { return excursion }
        if headroom <= 0 { return 0 }
        let target = g(headroom) - excursion
        let finalHeadroom: Double
        if target >= 0 {
            finalHeadroom = target + width
        } else {
            let e = exp(2 * target / width)
            finalHeadroom = 2 * width * e / (1 + e)
        }
        return headroom - finalHeadroom
    }

    /// Runs a batch on one hemisphere.
    static func runBatch(
        inputs: Matrix<UInt8>, block: FastBlock, circuit: HemisphereCircuit,
        parameters p: PhysicsParameters, options: ExecutionOptions, firstTrial: UInt64,
        noiseKey: @Sendable (UInt64) -> UInt64
    ) throws -> HemisphereRun {
        let batch = inputs.rows
        let k = block.rows
        let n = block.columns
        var x = [Float](repeating: 0, count: batch * k)
        var timings = [SampleTiming](
            repeating: SampleTiming(readTime: 0, window: 0, meanAge: 0, activity: 0), count: batch)
        let chunk = 64
        // 1. Encode every sample's event train.
        try inputs.storage.withUnsafeBufferPointer { inputBuffer in
            let sharedInputs = SharedReadBuffer(inputBuffer)
            try x.withUnsafeMutableBufferPointer { xb in
                try timings.withUnsafeMutableBufferPointer { tb in
                    let xs = SharedBuffer(xb)
                    let ts = SharedBuffer(tb)
                    try Parallel.forEachChunk(
                        count: batch, chunkSize: chunk, threads: options.threads
                    ) { range in
                        for b in range {
                            var jitter = GaussianStream(
                                key: SplitMix64.mix(noiseKey(firstTrial + UInt64(b)) ^ 1))
                            let row = UnsafeBufferPointer(
                                start: sharedInputs.base + b * k, count: k)
                            ts[b] = encode(
                                inputs: row, x: xs.base + b * k, block: block, circuit: circuit,
                                parameters: p, options: options, jitter: &jitter)
                        }
                    }
                }
            }
        }
        // 2. The charge of every column for the whole batch: one matrix product.
        var y = [Float](repeating: 0, count: batch * n)
        x.withUnsafeBufferPointer { xb in
            block.weights.withUnsafeBufferPointer { wb in
                y.withUnsafeMutableBufferPointer { yb in
                    BLAS.sgemm(
                        m: batch, n: n, k: k, a: xb.baseAddress!, b: wb.baseAddress!,
                        c: yb.baseAddress!)
                }
            }
        }
        // 3. Per-column transform, noise and the CADC.
        var outputs = [Int8](repeating: 0, count: batch * n)
        var baseline = [UInt8](repeating: 0, count: batch * n)
        var result = [UInt8](repeating: 0, count: batch * n)
        try y.withUnsafeBufferPointer { yb in
            let ys = SharedReadBuffer(yb)
            try outputs.withUnsafeMutableBufferPointer { ob in
                try baseline.withUnsafeMutableBufferPointer { bb in
                    try result.withUnsafeMutableBufferPointer { rb in
                        let os = SharedBuffer(ob)
                        let bs = SharedBuffer(bb)
                        let rs = SharedBuffer(rb)
                        let timingCopy = timings
                        try Parallel.forEachChunk(
                            count: batch, chunkSize: chunk, threads: options.threads
                        ) { range in
                            for b in range {
                                var noise = GaussianStream(
                                    key: SplitMix64.mix(noiseKey(firstTrial + UInt64(b)) ^ 2))
                                transform(
                                    y: ys.base + b * n, timing: timingCopy[b], block: block,
                                    circuit: circuit,
                                    parameters: p, noise: &noise, output: os.base + b * n,
                                    baseline: bs.base + b * n, result: rs.base + b * n)
                            }
                        }
                    }
                }
            }
        }
        return HemisphereRun(
            outputs: try Matrix(rows: batch, columns: n, storage: outputs),
            baseline: try Matrix(rows: batch, columns: n, storage: baseline),
            result: try Matrix(rows: batch, columns: n, storage: result))
    }

    /// The per-column transform of one sample.
    static func transform(
        y: UnsafePointer<Float>, timing: SampleTiming, block: FastBlock, circuit: HemisphereCircuit,
        parameters p: PhysicsParameters, noise: inout GaussianStream,
        output: UnsafeMutablePointer<Int8>, baseline: UnsafeMutablePointer<UInt8>,
        result: UnsafeMutablePointer<UInt8>
    ) {
        let t = timing.readTime
        let inverseWindow = 1 / (timing.window * p.otaLinearRange)
        for j in 0..<block.columns {
            var v = Double(y[j])
            let deviation = Double(block.leakDeviation[j]) * timing.meanAge
            if deviation != 0 { v *= 1 - deviation * (1 - deviation * 0.5) }
            if p.otaSaturates, timing.activity > 0 {
                let total = max(abs(v), timing.activity * Double(block.absoluteColumnFractions[j]))
                let e = 0.5 * (total + v)
                let i = 0.5 * (total - v)
                v =
                    e * compression(e * Double(block.excitatoryLineFactor[j]) * inverseWindow)
                    - i * compression(i * Double(block.inhibitoryLineFactor[j]) * inverseWindow)
            }
            let lt = block.leakRate[j] * t
            let driftTime = t * (1 - lt * (0.5 - lt * (1.0 / 6 - lt / 24)))
            v += block.driftRate[j] * driftTime
            if p.membraneCompliance {
                let reset = Double(block.reset[j])
                if v > 0 {
                    v = limited(
                        excursion: v, headroom: Double(block.upperLimit[j]) - reset,
                        width: p.complianceWidth)
                } else if v < 0 {
                    v = -limited(
                        excursion: -v, headroom: reset - Double(block.lowerLimit[j]),
                        width: p.complianceWidth)
                }
            }
            let gain = Double(block.cadcGain[j])
            let driftNoise = block.driftNoiseRate[j] * driftTime * gain
            let resultSigma = (p.readNoise * p.readNoise + driftNoise * driftNoise).squareRoot()
            let zb = noise.next()
            let zr = noise.next()
            let baseCode = Double(block.baselineCode[j])
            let b = quantiseCADC(baseCode + p.readNoise * zb)
            let r = quantiseCADC(baseCode + v * gain + resultSigma * zr)
            baseline[j] = UInt8(b)
            result[j] = UInt8(r)
            output[j] = saturateOutput(r - b)
        }
    }
}
