import Foundation
import HXNumerics

/// hxtorch's mock model of one chip VMM (`mac_mock_forward` in hxtorch's
/// `perceptron/detail/mac.cpp`), the software baseline of the benchmarks: one matrix product
/// plus Gaussian noise, floored and clamped,
///
///     y = clamp(floor(gain · numSends · (a · w) + σ · ε), −128, 127),   ε ~ N(0, 1),
///
/// for one block of at most 128 rows (the benchmarks' full-size VMM is one block).
///
/// Implemented as the fast path is, so that the comparison isolates the cost of the physics:
/// the same OpenBLAS sgemm on chunks of 128 samples (single-threaded per chunk, chunks spread
/// over the cores), the weights converted once when the model is made, and the noise from the
/// same counter-based generator (``FastNormal``) keyed by each sample's index. The front end's
/// own mock (`Backend.mock` in HXNetwork) computes the same model with exact Box–Muller
/// Gaussians per element and rounding of float inputs; it is the reference for results, this
/// one for speed.
public final class MockModel: Sendable {
    /// Signed inputs (rows of the weights) and outputs.
    public let rows: Int
    public let columns: Int
    /// Output per unit of Σ activation × weight (hxtorch's default 0.002) and the noise σ in
    /// LSB (hxtorch's default 2.0).
    public let gain: Float
    public let noise: Float
    private let weights: [Float]
    private let pool: ScratchPool

    /// Samples per parallel chunk, as in the fast path: 128, or about an eighth of a small
    /// batch (at least 16), so that the cores share small batches too.
    static func chunkSize(batch: Int) -> Int {
        min(128, max(16, ((batch + 7) / 8 + 15) / 16 * 16))
    }

    /// The model for `weights` (rows × columns, −63…63), converted to Float once ("written").
    public init(weights: Matrix<Int>, gain: Float = 0.002, noise: Float = 2.0) {
        rows = weights.rows
        columns = weights.columns
        self.gain = gain
        self.noise = noise
        self.weights = weights.storage.map { Float($0) }
        pool = ScratchPool(
            sizes: [
                128 * weights.rows, 128 * weights.columns,
                FastNormal.capacity(for: weights.columns),
            ])
    }

    /// The outputs (batch × columns) for `inputs` (batch × rows, 0…31), one send each; sample b
    /// draws its noise from stream `seed + b`. `threads` nil uses every core.
    public func run(
        _ inputs: Matrix<UInt8>, seed: UInt64 = 0, threads: Int? = nil
    ) throws
        -> Matrix<Int8>
    {
        guard inputs.columns == rows else {
            throw BenchmarkError.invalidArgument(
                "mock inputs have \(inputs.columns) columns for \(rows) weight rows")
        }
        BLAS.prepareForCallerThreads()
        let batch = inputs.rows
        let (k, n) = (rows, columns)
        let (gain, sigma) = (self.gain, self.noise)
        var outputs = [Int8](unsafeUninitializedCapacity: batch * n) { _, count in
            count = batch * n
        }
        try inputs.storage.withUnsafeBufferPointer { inputBuffer in
            let shared = SharedReadBuffer(inputBuffer)
            try weights.withUnsafeBufferPointer { weightBuffer in
                let w = SharedReadBuffer(weightBuffer)
                try outputs.withUnsafeMutableBufferPointer { outputBuffer in
                    let out = SharedBuffer(outputBuffer)
                    try Parallel.forEachChunk(
                        count: batch, chunkSize: Self.chunkSize(batch: batch), threads: threads
                    ) { range in
                        let scratch = pool.take()
                        defer { pool.put(scratch) }
                        let (a, y, draws) = (scratch[0], scratch[1], scratch[2])
                        let input = shared.base + range.lowerBound * k
                        for i in 0..<(range.count * k) { a[i] = Float(input[i]) }
                        BLAS.sgemm(m: range.count, n: n, k: k, a: a, b: w.base, c: y)
                        for (offset, b) in range.enumerated() {
                            FastNormal.fill(
                                draws, count: n, key: SplitMix64.mix(seed &+ UInt64(b)))
                            Self.quantise(
                                y + offset * n, noise: draws, gain: gain, sigma: sigma,
                                count: n, into: out.base + b * n)
                        }
                    }
                }
            }
        }
        return try Matrix(rows: batch, columns: n, storage: outputs)
    }

    /// floor(gain · y + σ · noise) clamped to −128…127, as int8. A plain loop the compiler
    /// vectorises: the float-to-int conversion is the 1.5 · 2²³ trick (exact for the clamped
    /// integers), not a checked conversion.
    static func quantise(
        _ y: UnsafePointer<Float>, noise: UnsafePointer<Float>, gain: Float, sigma: Float,
        count: Int, into output: UnsafeMutablePointer<Int8>
    ) {
        for j in 0..<count {
            let v = (gain * y[j] + sigma * noise[j]).rounded(.down)
            let clamped = v < -128 ? -128 : (v > 127 ? 127 : v)
            output[j] = Int8(
                truncatingIfNeeded: Int32(bitPattern: (clamped + 12_582_912).bitPattern)
                    &- 0x4B40_0000)
        }
    }
}

/// Float scratch buffers of fixed sizes, one set per worker, kept between calls.
final class ScratchPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [[UnsafeMutablePointer<Float>]] = []
    private let sizes: [Int]

    init(sizes: [Int]) { self.sizes = sizes }

    deinit {
        for set in free { for buffer in set { buffer.deallocate() } }
    }

    func take() -> [UnsafeMutablePointer<Float>] {
        lock.lock()
        defer { lock.unlock() }
        return free.popLast() ?? sizes.map { UnsafeMutablePointer<Float>.allocate(capacity: $0) }
    }

    func put(_ set: [UnsafeMutablePointer<Float>]) {
        lock.lock()
        free.append(set)
        lock.unlock()
    }
}
