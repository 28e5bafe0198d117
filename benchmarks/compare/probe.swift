// The fast path's throughput through the public API only (`Chip.execute`), so that the same
// probe builds against any revision of HXSim: `compare-revisions.sh` swaps it in as the
// hxsim-bench executable of each revision it compares.
//
// usage: probe BATCH THREADS REPEATS   (prints the median VMM/s of REPEATS batches)
import Foundation
import HXNumerics
import HXPhysics

let arguments = CommandLine.arguments
guard arguments.count == 4, let batch = Int(arguments[1]), let threads = Int(arguments[2]),
    let repeats = Int(arguments[3]), batch > 0, threads > 0, repeats > 0
else {
    FileHandle.standardError.write(Data("usage: probe BATCH THREADS REPEATS\n".utf8))
    exit(2)
}
var rng = SplitMix64(key: 1)
let inputs = try Matrix(
    rows: batch, columns: 128, storage: (0..<batch * 128).map { _ in UInt8(rng.next() % 32) })
let weights = try Matrix(
    rows: 128, columns: 256, storage: (0..<128 * 256).map { _ in Int(rng.next() % 127) - 63 })
var chip = try Chip(seed: 1)
try chip.writeWeights(weights, hemisphere: 0)
// OpenBLAS's idle pool threads spin for about 0.1 s after start-up.
Thread.sleep(forTimeInterval: 0.3)
let options = ExecutionOptions(integrator: .fast, threads: threads)
_ = try chip.execute(inputs: [inputs, nil], options: options)
var times: [Double] = []
for _ in 0..<repeats {
    let start = DispatchTime.now().uptimeNanoseconds
    _ = try chip.execute(inputs: [inputs, nil], options: options)
    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
}
times.sort()
print(String(format: "%.0f", Double(batch) / times[times.count / 2]))
