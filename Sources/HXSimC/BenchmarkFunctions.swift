import Dispatch
import Foundation
import HXNetwork

#if canImport(Glibc)
    import Glibc
#endif

/// `hxsim_benchmark_matmul` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_benchmark_matmul")
public func hxsimBenchmarkMatmul(
    _ context: UInt64, _ backend: Int32, _ input: UnsafePointer<Float>?, _ batch: Int64,
    _ k: Int64, _ weights: UnsafePointer<Float>?, _ n: Int64, _ numSends: Int32,
    _ waitBetweenEvents: Int32, _ repeats: Int64, _ seconds: UnsafeMutablePointer<Double>?,
    _ cpuSeconds: UnsafeMutablePointer<Double>?
) -> Int32 {
    guarded {
        let (b, rows, columns) = (
            try Check.extent(batch, "batch"), try Check.extent(k, "k"), try Check.extent(n, "n")
        )
        let count = try Check.extent(repeats, "repeats")
        let out = try Check.output(seconds, "seconds")
        // The tensors are built before the clock starts: what is timed is the call a Swift
        // program makes, HXNetwork's matmul on tensors it holds, and nothing of the bridge.
        let x = try Tensor(
            shape: [b, rows],
            storage: Check.array(input, count: Check.elements([b, rows], "input"), "input"))
        let w = try Tensor(
            shape: [rows, columns],
            storage: Check.array(
                weights, count: Check.elements([rows, columns], "weights"), "weights"))
        let box = try ContextBox.get(context)
        var times: [Double] = []
        var cpuTimes: [Double] = []
        try box.run { context in
            let resolved = try box.backend(backend)
            for _ in 0..<count {
                let cpuStart = threadCPUTime()
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try matmul(
                    x, w, numSends: Int(numSends), waitBetweenEvents: Int(waitBetweenEvents),
                    backend: resolved, context: &context)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
                cpuTimes.append(threadCPUTime() - cpuStart)
            }
        }
        out.update(from: times, count: times.count)
        cpuSeconds?.update(from: cpuTimes, count: cpuTimes.count)
    }
}

/// The CPU time of the calling thread, in seconds: unlike the wall time, it does not grow
/// while other processes have the cores, so it measures the work on a busy machine.
private func threadCPUTime() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
