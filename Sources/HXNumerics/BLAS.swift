import COpenBLAS

/// OpenBLAS, wrapped once: the matrix products of the fast path and the front end.
public enum BLAS {
    /// C = alpha · A · B + beta · C for row-major A (m × k), B (k × n), C (m × n), with leading
    /// dimensions equal to the column counts.
    /// - Precondition: the buffers hold at least m·k, k·n and m·n elements (callers check
    ///   shapes before they get here).
    @inlinable
    public static func sgemm(
        m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>,
        b: UnsafePointer<Float>, beta: Float = 0, c: UnsafeMutablePointer<Float>,
        transposeA: Bool = false, transposeB: Bool = false
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha, a,
            Int32(transposeA ? m : k), b, Int32(transposeB ? k : n), beta, c, Int32(n))
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

    /// The shared object `cblas_sgemm` resolved to at run time (expected: libopenblas).
    public static var sgemmLibraryPath: String? {
        hx_cblas_sgemm_library().map { String(cString: $0) }
    }

    /// OpenBLAS's description of itself: version, build options and the kernel it chose for
    /// this CPU (for benchmark reports).
    public static var configuration: String {
        let config = openblas_get_config().map { String(cString: $0) } ?? "unknown"
        let core = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        return "\(config) (kernel \(core))"
    }

    /// The number of threads OpenBLAS uses for one call.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of threads OpenBLAS uses for one call (a process-wide OpenBLAS setting;
    /// benchmarks use it to compare one and two cores).
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
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
