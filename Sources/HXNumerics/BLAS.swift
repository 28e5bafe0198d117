import COpenBLAS

/// OpenBLAS, wrapped once: the matrix products of the fast path and the front end.
///
/// OpenBLAS is loaded at the first product, with the best kernel for the CPU
/// (``BLASLibrary`` says how; ``kernel`` says which and why).
public enum BLAS {
    /// C = alpha · A · B + beta · C for row-major A (m × k), B (k × n), C (m × n), with leading
    /// dimensions equal to the column counts.
    /// - Precondition: the buffers hold at least m·k, k·n and m·n elements (callers check
    ///   shapes before they get here).
    public static func sgemm(
        m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>,
        b: UnsafePointer<Float>, beta: Float = 0, c: UnsafeMutablePointer<Float>,
        transposeA: Bool = false, transposeB: Bool = false
    ) {
        guard m > 0, n > 0 else { return }
        guard let sgemm = BLASLibrary.shared.sgemm else {
            portableSgemm(
                m: m, n: n, k: k, alpha: alpha, a: a, b: b, beta: beta, c: c,
                transposeA: transposeA, transposeB: transposeB)
            return
        }
        sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha, a,
            Int32(transposeA ? m : k), b, Int32(transposeB ? k : n), beta, c, Int32(n))
    }

    /// The product without OpenBLAS: a plain loop, with each sum in the order of k, for a
    /// machine where libopenblas is missing (correct, many times slower).
    static func portableSgemm(
        m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        beta: Float, c: UnsafeMutablePointer<Float>, transposeA: Bool, transposeB: Bool
    ) {
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for l in 0..<k {
                    let x = transposeA ? a[l * m + i] : a[i * k + l]
                    let y = transposeB ? b[j * k + l] : b[l * n + j]
                    sum += x * y
                }
                // beta = 0 ignores C's old contents (which may be uninitialised), as BLAS does.
                c[i * n + j] = alpha * sum + (beta == 0 ? 0 : beta * c[i * n + j])
            }
        }
    }

    /// The product A · B of two Float matrices.
    /// - Throws: ``NumericsError/shapeMismatch(expected:got:)`` when the inner dimensions differ.
    public static func multiply(_ a: Matrix<Float>, _ b: Matrix<Float>) throws -> Matrix<Float> {
        guard a.columns == b.rows else {
            throw NumericsError.shapeMismatch(expected: [a.columns, b.columns], got: b.shape)
        }
        var c = Matrix<Float>(rows: a.rows, columns: b.columns, repeating: 0)
        guard a.columns > 0 else { return c }
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableStorage { pc in
                    sgemm(
                        m: a.rows, n: b.columns, k: a.columns, a: pa.baseAddress!,
                        b: pb.baseAddress!, c: pc.baseAddress!)
                }
            }
        }
        return c
    }

    /// Which OpenBLAS kernel runs the products, what OpenBLAS had chosen by itself, what HXSim
    /// picks for this CPU, and why.
    public static var kernel: BLASKernelReport { BLASLibrary.shared.report }

    /// The shared object the products run in (expected: libopenblas), nil without OpenBLAS.
    public static var sgemmLibraryPath: String? { kernel.libraryPath }

    /// OpenBLAS's description of itself: version, build options and the kernel in use (for
    /// benchmark reports).
    public static var configuration: String {
        let report = kernel
        guard let config = report.configuration else {
            return "no OpenBLAS (portable loop): \(report.reason)"
        }
        return "\(config) (kernel \(report.kernel ?? "unknown"))"
    }

    /// The number of threads OpenBLAS uses for one call.
    public static var threadCount: Int {
        BLASLibrary.shared.getThreads.map { Int($0()) } ?? 1
    }

    /// Sets the number of threads OpenBLAS uses for one call (a process-wide OpenBLAS setting;
    /// benchmarks use it to compare one and two cores).
    public static func setThreadCount(_ count: Int) {
        BLASLibrary.shared.setThreads?(Int32(max(1, count)))
    }
}

extension BLAS {
    /// Makes OpenBLAS compute each call on the calling thread.
    ///
    /// HXSim parallelises over chunks of work itself (deterministically, see ``Parallel``) and
    /// calls OpenBLAS from its worker threads. OpenBLAS's own thread pool would otherwise run
    /// beside them, and its idle threads spin (sched_yield) for a while after each call,
    /// stealing the cores HXSim's workers need. This sets OpenBLAS's process-wide thread count
    /// to one; callers that want OpenBLAS's threading for one large call (the raw-sgemm
    /// benchmark) set it with ``setThreadCount(_:)`` around that call.
    public static func prepareForCallerThreads() {
        if threadCount != 1 { setThreadCount(1) }
    }
}
