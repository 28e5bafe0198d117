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
