import Dispatch

/// Wall-clock timing for benchmarks (monotonic clock).
public struct Stopwatch: Sendable {
    private let start: UInt64

    /// Starts timing now.
    public init() { start = DispatchTime.now().uptimeNanoseconds }

    /// Seconds since the stopwatch started.
    public var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 }

    /// The median of `repeats` timings of `body`, in seconds, after one warm-up run.
    public static func median(repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        try body()
        var times: [Double] = []
        for _ in 0..<max(1, repeats) {
            let watch = Stopwatch()
            try body()
            times.append(watch.elapsed)
        }
        times.sort()
        return times.count % 2 == 1
            ? times[times.count / 2] : 0.5 * (times[times.count / 2 - 1] + times[times.count / 2])
    }
}

#if canImport(Glibc)
    import Glibc
#endif

/// The CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID): what a single-threaded piece
/// of work costs, without the time the thread waited for a core. On a machine shared with other
/// jobs, single-threaded ratios measured this way scatter much less than wall-clock ones.
public struct ThreadClock: Sendable {
    private let start: Double

    /// Starts timing now.
    public init() { start = Self.seconds() }

    /// CPU seconds of this thread since the clock started.
    public var elapsed: Double { Self.seconds() - start }

    static func seconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
