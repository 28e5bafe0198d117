import Foundation
import HXNumerics

/// The fast execution path (docs/MODEL.md, "Fast path").
///
/// In the linear regime (linear OTA, no output limits) the membrane voltage at the read is a sum
/// over events of (synapse current) × K(event), where K is the closed-form response of the
/// synaptic-line / membrane chain to a pulse, evaluated at the read. With a column-independent
/// pseudo-leak λ̄, K depends only on the sample and the row, so a whole batch is
///
///     X[b, i] = Σ_events of row i  K(event)                       (encode, per sample)
///     Y = X · W_eff                                                (one OpenBLAS sgemm)
///
/// which is exact. For an event with m events after it and pulse width d,
/// K = e^{−λ̄ s}(e^{λ̄d} − 1)/λ̄ − e^{−αs}(e^{αd} − 1)/α, over (α − λ̄), with s = mΔ + t_settle
/// its age at the read and α = 1/τ_syn. Per-column leak spread, OTA saturation and the output
/// limits are then applied column by column: the leak spread to first order around the
/// sample's mean event age, OTA saturation by a mean-field compression of each synaptic line
/// (with a rank-1 estimate of how the charge splits into excitatory and inhibitory), and the
/// output limits by the exact solution for a current of one sign. Their errors against the GSL
/// path are measured by the tests and by `hxsim bench`.
enum FastPath {
    /// The unit of encoded input, in s²: a full-width pulse's kernel is about
    /// maxPulseWidth · τ_syn.
    static func inputScale(parameters p: PhysicsParameters) -> Double {
        p.maxPulseWidth * p.synapticTimeConstant
    }

    /// Samples per parallel chunk: small enough that a chunk's encoded inputs and excursions
    /// stay in the core's L2 cache.
    static let chunkSize = 128

    /// Per-sample quantities the transform needs.
    struct SampleTiming {
        /// Time of the result read, in seconds.
        var readTime: Float = 0
        /// Duration of the event train, in seconds (at least τ_syn).
        var window: Float = 0
        /// Kernel-weighted mean age of the events at the read, in seconds.
        var meanAge: Float = 0
        /// Σ_i X[i] · (row sum of |W|): with the column fractions, a rank-1 estimate of each
        /// column's total (excitatory plus inhibitory) line charge, in volts.
        var activity: Float = 0
    }

    /// The factors of an event with m = 1, 2, … events after it (index m): e^{−λ̄ s},
    /// e^{−α s}, and its effective age s − 1/(α − λ̄), in seconds.
    struct EventTables {
        var leak: [Float]
        var line: [Float]
        var age: [Float]
        var spacing: Double
        var settling: Double

        init(block: FastBlock, parameters p: PhysicsParameters, options: ExecutionOptions) {
            spacing = Double(options.waitBetweenEvents) * p.fpgaClockPeriod
            settling = p.settlingTime
            let count = block.rows * options.numSends + 1
            let alpha = 1 / p.synapticTimeConstant
            let lambda = block.meanLeakRate
            let delay = 1 / (alpha - lambda)
            leak = [0]
            line = [0]
            age = [0]
            for m in 1..<count {
                let s = Double(m) * spacing + settling
                leak.append(Float(exp(-lambda * s)))
                line.append(Float(exp(-alpha * s)))
                age.append(Float(s - delay))
            }
        }
    }

    /// Raw views of the tables ``encode(inputs:x:block:kernels:parameters:options:jitterKey:jitter:)``
    /// reads, taken once per chunk.
    struct KernelTables {
        let leakTerm: UnsafePointer<Float>
        let lineTerm: UnsafePointer<Float>
        let rowSums: UnsafePointer<Float>
        let leakFactor: UnsafePointer<Float>
        let lineFactor: UnsafePointer<Float>
        let age: UnsafePointer<Float>
        let spacing: Double
        let settling: Double
    }

    /// Encodes one sample's event train into `x` (length = rows of the block); `jitter` is a
    /// scratch buffer of at least FastNormal.capacity(for: rows · numSends) values.
    static func encode(
        inputs: UnsafeBufferPointer<UInt8>, x: UnsafeMutablePointer<Float>, rows: Int,
        kernels: KernelTables, parameters p: PhysicsParameters, options: ExecutionOptions,
        jitterKey: UInt64, jitter: UnsafeMutablePointer<Float>
    ) -> SampleTiming {
        var active = 0
        for i in 0..<rows {
            x[i] = 0
            active &+= inputs[i] > 0 ? 1 : 0
        }
        let events = active * options.numSends
        let readTime = Double(events) * kernels.spacing + kernels.settling
        guard events > 0 else {
            return SampleTiming(
                readTime: Float(readTime), window: Float(p.synapticTimeConstant), meanAge: 0,
                activity: 0)
        }
        let sigma = Float(p.pulseJitter)
        if sigma > 0 { FastNormal.fill(jitter, count: events, key: jitterKey) }
        var sumK: Float = 0
        var sumKAge: Float = 0
        var k = 0
        for _ in 0..<options.numSends {
            for i in 0..<rows {
                let a = Int(inputs[i])
                if a == 0 { continue }
                let m = events &- k
                // Jitter scales the pulse width, and the kernel is linear in the width to
                // within αd/2 < 1 %; the error on the jitter noise is below 0.01 LSB.
                var kernel =
                    kernels.leakFactor[m] * kernels.leakTerm[i &* 32 &+ a]
                    - kernels.lineFactor[m] * kernels.lineTerm[i &* 32 &+ a]
                if sigma > 0 { kernel *= 1 + sigma * jitter[k] }
                x[i] += kernel
                sumK += kernel
                sumKAge += kernel * kernels.age[m]
                k &+= 1
            }
        }
        var activity: Float = 0
        for i in 0..<rows { activity += x[i] * kernels.rowSums[i] }
        return SampleTiming(
            readTime: Float(readTime),
            window: Float(max(Double(events) * kernels.spacing, p.synapticTimeConstant)),
            meanAge: sumK > 0 ? sumKAge / sumK : 0, activity: activity)
    }

    /// Scratch memory of one chunk, owned by the worker that runs it.
    final class Scratch {
        let x: UnsafeMutablePointer<Float>
        let y: UnsafeMutablePointer<Float>
        let jitter: UnsafeMutablePointer<Float>
        let noise: UnsafeMutablePointer<Float>
        let columns: UnsafeMutablePointer<Float>
        let columnCount: Int
        var timings: [SampleTiming]

        init(block: FastBlock, numSends: Int) {
            x = .allocate(capacity: chunkSize * block.rows)
            y = .allocate(capacity: chunkSize * block.columns)
            jitter = .allocate(capacity: FastNormal.capacity(for: block.rows * numSends))
            noise = .allocate(capacity: FastNormal.capacity(for: 2 * block.columns))
            columns = .allocate(capacity: 3 * block.columns)
            columnCount = block.columns
            timings = Array(repeating: SampleTiming(), count: chunkSize)
        }

        deinit {
            x.deallocate()
            y.deallocate()
            jitter.deallocate()
            noise.deallocate()
            columns.deallocate()
        }

        /// The per-column scratch space of the transform.
        var transform: TransformScratch {
            TransformScratch(
                excursion: columns, driftTime: columns + columnCount,
                exact: columns + 2 * columnCount)
        }
    }

    /// Encodes the samples of `range` and multiplies them with the effective weights: the
    /// linear excursions land in `scratch.y` (range.count × columns, volts), the timings in
    /// `scratch.timings`. OpenBLAS runs single-threaded here: HXSim parallelises over chunks.
    static func encodeAndMultiply(
        range: Range<Int>, inputs: SharedReadBuffer<UInt8>, block: FastBlock, tables: EventTables,
        parameters p: PhysicsParameters, options: ExecutionOptions, firstTrial: UInt64,
        noiseKey: @Sendable (UInt64) -> UInt64, scratch: Scratch
    ) {
        let k = block.rows
        block.leakTerm.withUnsafeBufferPointer { leakTerm in
            block.lineTerm.withUnsafeBufferPointer { lineTerm in
                block.absoluteRowSums.withUnsafeBufferPointer { rowSums in
                    tables.leak.withUnsafeBufferPointer { leak in
                        tables.line.withUnsafeBufferPointer { line in
                            tables.age.withUnsafeBufferPointer { age in
                                let kernels = KernelTables(
                                    leakTerm: leakTerm.baseAddress!,
                                    lineTerm: lineTerm.baseAddress!,
                                    rowSums: rowSums.baseAddress!, leakFactor: leak.baseAddress!,
                                    lineFactor: line.baseAddress!, age: age.baseAddress!,
                                    spacing: tables.spacing, settling: tables.settling)
                                scratch.timings.withUnsafeMutableBufferPointer { timings in
                                    for (offset, b) in range.enumerated() {
                                        timings[offset] = encode(
                                            inputs: UnsafeBufferPointer(
                                                start: inputs.base + b * k, count: k),
                                            x: scratch.x + offset * k, rows: k, kernels: kernels,
                                            parameters: p, options: options,
                                            jitterKey: SplitMix64.mix(
                                                noiseKey(firstTrial + UInt64(b)) ^ 1),
                                            jitter: scratch.jitter)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        block.weights.withUnsafeBufferPointer { w in
            BLAS.sgemm(
                m: range.count, n: block.columns, k: k, a: scratch.x, b: w.baseAddress!,
                c: scratch.y)
        }
    }

    /// The linear excursion of every column (batch × columns, volts) and the per-sample timing,
    /// as the transform sees them (for tests and error measurements).
    static func linearExcursions(
        inputs: Matrix<UInt8>, block: FastBlock, parameters p: PhysicsParameters,
        options: ExecutionOptions, firstTrial: UInt64, noiseKey: @Sendable (UInt64) -> UInt64
    ) throws -> (y: [Float], timings: [SampleTiming]) {
        BLAS.prepareForCallerThreads()
        let tables = EventTables(block: block, parameters: p, options: options)
        let n = block.columns
        var y = [Float](repeating: 0, count: inputs.rows * n)
        var timings = [SampleTiming](repeating: SampleTiming(), count: inputs.rows)
        try inputs.storage.withUnsafeBufferPointer { inputBuffer in
            let shared = SharedReadBuffer(inputBuffer)
            try y.withUnsafeMutableBufferPointer { yb in
                try timings.withUnsafeMutableBufferPointer { tb in
                    let ys = SharedBuffer(yb)
                    let ts = SharedBuffer(tb)
                    try Parallel.forEachChunk(
                        count: inputs.rows, chunkSize: chunkSize, threads: options.threads
                    ) { range in
                        let scratch = Scratch(block: block, numSends: options.numSends)
                        encodeAndMultiply(
                            range: range, inputs: shared, block: block, tables: tables,
                            parameters: p, options: options, firstTrial: firstTrial,
                            noiseKey: noiseKey, scratch: scratch)
                        for (offset, b) in range.enumerated() {
                            ts[b] = scratch.timings[offset]
                            for j in 0..<n { ys[b * n + j] = scratch.y[offset * n + j] }
                        }
                    }
                }
            }
        }
        return (y, timings)
    }

    /// Runs a batch on one hemisphere: per chunk of samples, encode, one sgemm, transform.
    static func runBatch(
        inputs: Matrix<UInt8>, block: FastBlock, parameters p: PhysicsParameters,
        options: ExecutionOptions, firstTrial: UInt64, noiseKey: @Sendable (UInt64) -> UInt64
    ) throws -> HemisphereRun {
        BLAS.prepareForCallerThreads()
        let batch = inputs.rows
        let n = block.columns
        let tables = EventTables(block: block, parameters: p, options: options)
        let raw = options.includeRawReads
        var outputs = [Int8](repeating: 0, count: batch * n)
        var baseline = [UInt8](repeating: 0, count: raw ? batch * n : 0)
        var result = [UInt8](repeating: 0, count: raw ? batch * n : 0)
        try inputs.storage.withUnsafeBufferPointer { inputBuffer in
            let shared = SharedReadBuffer(inputBuffer)
            try block.columnTable.withUnsafeBufferPointer { tableBuffer in
                let table = SharedReadBuffer(tableBuffer)
                try outputs.withUnsafeMutableBufferPointer { ob in
                    try baseline.withUnsafeMutableBufferPointer { bb in
                        try result.withUnsafeMutableBufferPointer { rb in
                            let os = SharedBuffer(ob)
                            let bs = raw ? SharedBuffer(bb) : nil
                            let rs = raw ? SharedBuffer(rb) : nil
                            try Parallel.forEachChunk(
                                count: batch, chunkSize: chunkSize, threads: options.threads
                            ) { range in
                                let scratch = Scratch(block: block, numSends: options.numSends)
                                encodeAndMultiply(
                                    range: range, inputs: shared, block: block, tables: tables,
                                    parameters: p, options: options, firstTrial: firstTrial,
                                    noiseKey: noiseKey, scratch: scratch)
                                for (offset, b) in range.enumerated() {
                                    FastNormal.fill(
                                        scratch.noise, count: 2 * n,
                                        key: SplitMix64.mix(noiseKey(firstTrial + UInt64(b)) ^ 2))
                                    transform(
                                        y: scratch.y + offset * n, timing: scratch.timings[offset],
                                        block: block, table: table.base, parameters: p,
                                        noise: scratch.noise, scratch: scratch.transform,
                                        output: os.base + b * n,
                                        baseline: bs.map { $0.base + b * n },
                                        result: rs.map { $0.base + b * n })
                                }
                            }
                        }
                    }
                }
            }
        }
        return HemisphereRun(
            outputs: try Matrix(rows: batch, columns: n, storage: outputs),
            baseline: raw ? try Matrix(rows: batch, columns: n, storage: baseline) : nil,
            result: raw ? try Matrix(rows: batch, columns: n, storage: result) : nil)
    }
}
