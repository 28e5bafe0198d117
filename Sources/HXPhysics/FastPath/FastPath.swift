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
///
/// A batch runs in chunks of ``chunkSize(batch:)`` samples, each on one worker: encode
/// the chunk, one single-threaded sgemm, then the transform sample by sample while the chunk's
/// excursions are in cache.
/// Trial-to-trial noise is drawn from counter-based streams keyed by each sample's trial, so
/// the noise does not depend on threads, chunks or how a batch is split over calls, and the
/// codes do not depend on the thread count (see ``chunkSize(batch:)`` for splits). The weights
/// are prepared once when they are written (``FastBlock``), and a block keeps its scratch
/// memory and event tables between batches (``Workspace``): a batch allocates only its outputs.
///
/// Performance (benchmarks/README.md): per full-size VMM on one Zen 4 core, the sgemm takes
/// about half the time and encoding, noise and transform the rest; the kernels are written so
/// that the compiler emits AVX-512 code for them (FastLanes.swift says how).
enum FastPath {
    /// The unit of encoded input, in s²: a full-width pulse's kernel is about
    /// maxPulseWidth · τ_syn.
    static func inputScale(parameters p: PhysicsParameters) -> Double {
        p.maxPulseWidth * p.synapticTimeConstant
    }

    /// Columns the transform handles at once (one AVX-512 register of Float).
    static let lanes = 16

    /// The largest chunk: large enough that OpenBLAS's packing of the weights is amortised
    /// over many rows of the product, small enough that a chunk's encoded inputs and
    /// excursions (128 · (128 + 256) floats = 192 KB) stay in the core's L2 cache.
    static let maximumChunkSize = 128

    /// Samples per parallel chunk of a batch: ``maximumChunkSize`` for large batches, about an
    /// eighth of the batch (at least 16) for small ones, so that the cores share even a batch
    /// of a hundred. It depends on the batch only, never on the thread count, because OpenBLAS
    /// can round a row of a product differently depending on how many rows share the call
    /// (rows among 44 and among 128 differed on a Zen machine): the same chunks give the same
    /// bits at any thread count, and streamed chunks of multiples of 128 rows
    /// (``Chip/streamingChunkGranularity``) give the whole batch's bits. Each sample's noise
    /// is keyed by its trial, so the noise does not depend on the chunks at all.
    static func chunkSize(batch: Int) -> Int {
        let eighth = (batch + 7) / 8
        return min(maximumChunkSize, max(16, (eighth + 15) / 16 * 16))
    }

    /// Per-sample quantities the transform needs.
    struct SampleTiming {
        /// Time of the result read, in seconds.
        var readTime: Float = 0
        /// The window over which the OTA compression spreads a line's charge: the duration
        /// of the event train, at least τ_syn, in seconds.
        var window: Float = 0
        /// Kernel-weighted mean age of the events at the read, in seconds.
        var meanAge: Float = 0
        /// Σ_i X[i] · (row sum of |W|): with the column fractions, a rank-1 estimate of each
        /// column's total (excitatory plus inhibitory) line charge, in volts.
        var activity: Float = 0
        /// The time the charge spends on the membrane before the read, on average, in
        /// seconds: the pseudo-leak λ takes λ · exposure of it (``ArrivalProfile``).
        var exposure: Float = 0
    }

    /// The factors of an event with m = 1, 2, … events after it: e^{−λ̄ s}, e^{−α s} and its
    /// effective age s − 1/(α − λ̄) in seconds, at 4m, 4m + 1 and 4m + 2 (the fourth of each
    /// group is padding), so that an event's factors share a cache line. Entry 0 holds zeros:
    /// the encoder reads it for the rows after the last event, whose pulse terms are zero
    /// anyway.
    struct EventTables {
        let factors: [Float]
        /// For a train of E events (index E): ``ArrivalProfile/exposure``, in seconds.
        let exposures: [Float]
        let spacing: Double
        let settling: Double

        init(block: FastBlock, parameters p: PhysicsParameters, options: ExecutionOptions) {
            spacing = Double(options.waitBetweenEvents) * p.fpgaClockPeriod
            settling = p.settlingTime
            let count = block.rows * options.numSends + 1
            let alpha = 1 / p.synapticTimeConstant
            let lambda = block.meanLeakRate
            let delay = 1 / (alpha - lambda)
            var values = [Float](repeating: 0, count: 4 * count)
            for m in 1..<count {
                let s = Double(m) * spacing + settling
                values[4 * m] = Float(exp(-lambda * s))
                values[4 * m + 1] = Float(exp(-alpha * s))
                values[4 * m + 2] = Float(s - delay)
            }
            factors = values
            let (spacing, settling) = (spacing, settling)
            exposures = (0..<count).map { events in
                Float(
                    ArrivalProfile(
                        readTime: Double(events) * spacing + settling,
                        train: Double(events) * spacing, timeConstant: p.synapticTimeConstant
                    ).exposure)
            }
        }
    }

    /// Raw views of the tables
    /// ``encode(inputs:rows:numSends:x:weightedAge:kernels:jitterKey:jitter:)`` reads, taken
    /// once per chunk.
    struct KernelTables {
        /// ``FastBlock/pulseTerms``.
        let pulseTerms: UnsafePointer<Float>
        /// ``FastBlock/absoluteRowSums``.
        let rowSums: UnsafePointer<Float>
        /// ``EventTables/factors`` and ``EventTables/exposures``.
        let eventFactors: UnsafePointer<Float>
        let exposures: UnsafePointer<Float>
        let spacing: Double
        let settling: Double
        let synapticTimeConstant: Double
        /// Relative pulse-width jitter σ (0: none).
        let jitterSigma: Float
    }

    /// The number of non-zero values among `count` bytes. Written so that the compiler
    /// vectorises it (a 32-bit sum of min(value, 1); a conditional count or a narrower sum
    /// stays scalar).
    @inline(__always)
    static func nonZeroCount(_ values: UnsafePointer<UInt8>, count: Int) -> Int {
        var total: Int32 = 0
        for i in 0..<count { total &+= Int32(min(values[i], 1)) }
        return Int(total)
    }

    /// Σ x, Σ weightedAge and Σ x · rowSums, sixteen lanes at a time (the compiler does not
    /// reassociate a float sum by itself).
    @_transparent
    static func sums(
        x: UnsafePointer<Float>, weightedAge: UnsafePointer<Float>, rowSums: UnsafePointer<Float>,
        count: Int
    ) -> (Float, Float, Float) {
        var a = Lanes()
        var b = Lanes()
        var c = Lanes()
        var i = 0
        while i + lanes <= count {
            let xi = load(x + i)
            a += xi
            b += load(weightedAge + i)
            c = c.addingProduct(xi, load(rowSums + i))
            i += lanes
        }
        var sa = a.sum()
        var sb = b.sum()
        var sc = c.sum()
        while i < count {
            sa += x[i]
            sb += weightedAge[i]
            sc.addProduct(x[i], rowSums[i])
            i += 1
        }
        return (sa, sb, sc)
    }

    /// Encodes one sample's event train into `x` (length `rows`) and returns its timing.
    /// `weightedAge` is scratch space of `rows` values, `jitter` of at least
    /// FastNormal.capacity(for: rows · numSends + 1) values.
    ///
    /// The event loop is scalar (an event's age depends on how many active rows precede it)
    /// but branch-free and short: activation 0 has zero pulse terms, so a row without an event
    /// adds nothing while reading valid table entries. The sums the timing needs (Σ K, Σ K·age,
    /// Σ K·|W| row sums) are taken afterwards, sixteen rows at a time.
    static func encode(
        inputs: UnsafePointer<UInt8>, rows: Int, numSends: Int, x: UnsafeMutablePointer<Float>,
        weightedAge: UnsafeMutablePointer<Float>, kernels: KernelTables, jitterKey: UInt64,
        jitter: UnsafeMutablePointer<Float>
    ) -> SampleTiming {
        let events = nonZeroCount(inputs, count: rows) * numSends
        let readTime = Double(events) * kernels.spacing + kernels.settling
        guard events > 0 else {
            for i in 0..<rows { x[i] = 0 }
            return SampleTiming(
                readTime: Float(readTime), window: Float(kernels.synapticTimeConstant),
                meanAge: 0, activity: 0, exposure: kernels.exposures[0])
        }
        // One width factor 1 + σ·ξ per event, plus one for the rows after the last event.
        let sigma = kernels.jitterSigma
        if sigma > 0 {
            FastNormal.fill(jitter, count: events + 1, key: jitterKey, scale: sigma, offset: 1)
        } else {
            for k in 0...events { jitter[k] = 1 }
        }
        let terms = kernels.pulseTerms
        let factors = kernels.eventFactors
        // Jitter scales the pulse width, and the kernel is linear in the width to within
        // αd/2 < 1 %; the error on the jitter noise is below 0.01 LSB. Kernels are stored
        // rather than summed here: a running float sum would chain every row to the one
        // before (4 cycles of latency each); the sums below vectorise.
        var k = 0
        for i in 0..<rows {
            let a = Int(inputs[i])
            let pulse = terms + (i &* 32 &+ a) &* 2
            let event = factors + (events &- k) &* 4
            let kernel = (event[0] * pulse[0] - event[1] * pulse[1]) * jitter[k]
            x[i] = kernel
            weightedAge[i] = kernel * event[2]
            k &+= (a &+ 31) &>> 5  // 1 for an event (a in 1…31, checked by the chip), else 0
        }
        for _ in 1..<max(1, numSends) {
            for i in 0..<rows {
                let a = Int(inputs[i])
                let pulse = terms + (i &* 32 &+ a) &* 2
                let event = factors + (events &- k) &* 4
                let kernel = (event[0] * pulse[0] - event[1] * pulse[1]) * jitter[k]
                x[i] += kernel
                weightedAge[i] += kernel * event[2]
                k &+= (a &+ 31) &>> 5
            }
        }
        let (sumK, sumKAge, activity) = sums(
            x: x, weightedAge: weightedAge, rowSums: kernels.rowSums, count: rows)
        return SampleTiming(
            readTime: Float(readTime),
            window: Float(max(Double(events) * kernels.spacing, kernels.synapticTimeConstant)),
            meanAge: sumK > 0 ? sumKAge / sumK : 0, activity: activity,
            exposure: kernels.exposures[events])
    }

    /// Encodes the samples of `range` and multiplies them with the effective weights: the
    /// linear excursions land in `scratch.y` (range.count × paddedColumns, volts), the timings
    /// in `scratch.timings`, the samples' noise keys in `scratch.keys`. OpenBLAS runs
    /// single-threaded here: HXSim parallelises over chunks.
    static func encodeAndMultiply(
        range: Range<Int>, of batch: HemisphereBatch, inputs: SharedReadBuffer<UInt8>,
        tables: EventTables, scratch: Scratch
    ) {
        encode(range: range, of: batch, inputs: inputs, tables: tables, scratch: scratch)
        multiply(count: range.count, block: batch.block.fast, scratch: scratch)
    }

    /// The linear excursions of a chunk's `count` encoded samples: one sgemm, `scratch.x`
    /// (count × rows) times the effective weights into `scratch.y` (count × paddedColumns).
    static func multiply(count: Int, block: FastBlock, scratch: Scratch) {
        block.weights.withUnsafeBufferPointer { w in
            BLAS.sgemm(
                m: count, n: block.paddedColumns, k: block.rows, a: scratch.x,
                b: w.baseAddress!, c: scratch.y)
        }
    }

    /// Encodes the samples of `range` into `scratch.x` and `scratch.timings`, their noise keys
    /// into `scratch.keys`. `inputs` is the batch's input storage.
    static func encode(
        range: Range<Int>, of batch: HemisphereBatch, inputs: SharedReadBuffer<UInt8>,
        tables: EventTables, scratch: Scratch
    ) {
        let block = batch.block.fast
        let k = block.rows
        let numSends = batch.options.numSends
        block.pulseTerms.withUnsafeBufferPointer { terms in
            block.absoluteRowSums.withUnsafeBufferPointer { rowSums in
                tables.factors.withUnsafeBufferPointer { factors in
                    tables.exposures.withUnsafeBufferPointer { exposures in
                        let kernels = KernelTables(
                            pulseTerms: terms.baseAddress!, rowSums: rowSums.baseAddress!,
                            eventFactors: factors.baseAddress!, exposures: exposures.baseAddress!,
                            spacing: tables.spacing, settling: tables.settling,
                            synapticTimeConstant: batch.parameters.synapticTimeConstant,
                            jitterSigma: Float(batch.parameters.pulseJitter))
                        for (offset, b) in range.enumerated() {
                            // The sample's trial key, derived once: pulse jitter here, read and
                            // drift noise in the transform.
                            let key = batch.noiseKey(sample: b)
                            scratch.keys[offset] = key
                            scratch.timings[offset] = encode(
                                inputs: inputs.base + b * k, rows: k, numSends: numSends,
                                x: scratch.x + offset * k, weightedAge: scratch.weightedAge,
                                kernels: kernels, jitterKey: SplitMix64.mix(key ^ 1),
                                jitter: scratch.jitter)
                        }
                    }
                }
            }
        }
    }

    /// The linear excursion of every column (batch × columns, volts) and the per-sample timing,
    /// as the transform sees them (for tests and error measurements).
    static func linearExcursions(
        _ batch: HemisphereBatch
    ) throws -> (y: [Float], timings: [SampleTiming]) {
        BLAS.prepareForCallerThreads()
        let block = batch.block.fast
        let tables = block.workspace.eventTables(
            block: block, parameters: batch.parameters, options: batch.options)
        let n = block.columns
        let stride = block.paddedColumns
        let count = batch.size
        var y = [Float](repeating: 0, count: count * n)
        var timings = [SampleTiming](repeating: SampleTiming(), count: count)
        try batch.inputs.storage.withUnsafeBufferPointer { inputBuffer in
            let shared = SharedReadBuffer(inputBuffer)
            try y.withUnsafeMutableBufferPointer { yb in
                try timings.withUnsafeMutableBufferPointer { tb in
                    let ys = SharedBuffer(yb)
                    let ts = SharedBuffer(tb)
                    try Parallel.forEachChunk(
                        count: count,
                        chunkSize: chunkSize(batch: count),
                        threads: batch.options.threads
                    ) { range in
                        let scratch = block.workspace.take(numSends: batch.options.numSends)
                        defer { block.workspace.put(scratch) }
                        encodeAndMultiply(
                            range: range, of: batch, inputs: shared, tables: tables,
                            scratch: scratch)
                        for (offset, b) in range.enumerated() {
                            ts[b] = scratch.timings[offset]
                            for j in 0..<n { ys[b * n + j] = scratch.y[offset * stride + j] }
                        }
                    }
                }
            }
        }
        return (y, timings)
    }

    /// The values ``drawReadNoise(into:uniforms:columns:paddedColumns:key:)`` writes for a block
    /// `stride` columns wide with padding: normals up to index n + stride (n ≤ stride), and
    /// stride uniforms.
    static func readNoiseCapacity(paddedColumns stride: Int) -> (normals: Int, uniforms: Int) {
        (2 * stride, stride)
    }

    /// Draws one sample's read noise for a block of `n` columns, `stride` of them with padding
    /// (the columns the transform reads): standard normals for the result read into
    /// `noise + n..<n + stride`, value i the draw n + i of stream `key`; and 16-bit uniforms
    /// for the baseline read into `uniforms` (stride values), from the stream of `key ^ 3`
    /// mixed. The padding columns' draws are read and ignored.
    @inline(__always)
    static func drawReadNoise(
        into noise: UnsafeMutablePointer<Float>, uniforms: UnsafeMutablePointer<UInt16>,
        columns n: Int, paddedColumns stride: Int, key: UInt64
    ) {
        FastNormal.fill(noise + n, count: stride, key: key, first: n)
        FastUniform.fill16(uniforms, count: stride, key: SplitMix64.mix(key ^ 3))
    }

    /// Runs a batch on one hemisphere: per chunk of samples, encode, one sgemm, transform.
    static func run(_ batch: HemisphereBatch) throws -> HemisphereRun {
        BLAS.prepareForCallerThreads()
        let block = batch.block.fast
        let p = batch.parameters
        let options = batch.options
        let count = batch.size
        let n = block.columns
        let stride = block.paddedColumns
        let tables = block.workspace.eventTables(block: block, parameters: p, options: options)
        let constants = TransformConstants(parameters: p)
        let raw = options.includeRawReads
        // Every element is written by the transform below; no need to clear them first.
        var outputs = [Int8](unsafeUninitializedCapacity: count * n) { _, initialized in
            initialized = count * n
        }
        var baseline = [UInt8](repeating: 0, count: raw ? count * n : 0)
        var result = [UInt8](repeating: 0, count: raw ? count * n : 0)
        try batch.inputs.storage.withUnsafeBufferPointer { inputBuffer in
            let shared = SharedReadBuffer(inputBuffer)
            try block.columnTable.withUnsafeBufferPointer { tableBuffer in
                let table = SharedReadBuffer(tableBuffer)
                try block.baselineThresholds.withUnsafeBufferPointer { thresholdBuffer in
                    let thresholds = SharedReadBuffer(thresholdBuffer)
                    try outputs.withUnsafeMutableBufferPointer { ob in
                        try baseline.withUnsafeMutableBufferPointer { bb in
                            try result.withUnsafeMutableBufferPointer { rb in
                                let os = SharedBuffer(ob)
                                let bs = raw ? SharedBuffer(bb) : nil
                                let rs = raw ? SharedBuffer(rb) : nil
                                try Parallel.forEachChunk(
                                    count: count,
                                    chunkSize: chunkSize(batch: count),
                                    threads: options.threads
                                ) { range in
                                    let scratch = block.workspace.take(numSends: options.numSends)
                                    defer { block.workspace.put(scratch) }
                                    encodeAndMultiply(
                                        range: range, of: batch, inputs: shared, tables: tables,
                                        scratch: scratch)
                                    for (offset, b) in range.enumerated() {
                                        drawReadNoise(
                                            into: scratch.noise, uniforms: scratch.uniforms,
                                            columns: n, paddedColumns: stride,
                                            key: SplitMix64.mix(scratch.keys[offset] ^ 2))
                                        transform(
                                            y: scratch.y + offset * stride,
                                            timing: scratch.timings[offset], block: block,
                                            table: table.base, constants: constants, parameters: p,
                                            noise: scratch.noise, uniforms: scratch.uniforms,
                                            thresholds: thresholds.base, flagged: scratch.flagged,
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
        }
        return HemisphereRun(
            outputs: try Matrix(rows: count, columns: n, storage: outputs),
            baseline: raw ? try Matrix(rows: count, columns: n, storage: baseline) : nil,
            result: raw ? try Matrix(rows: count, columns: n, storage: result) : nil)
    }
}
