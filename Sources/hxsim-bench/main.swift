import Foundation
import HXBenchmarks
import HXNumerics
import HXPhysics

// Temporary probe of fast-path throughput.
let batch = Int(CommandLine.arguments.dropFirst().first ?? "10000") ?? 10000
var rng = SplitMix64(key: 1)
let inputs = try Matrix(
    rows: batch, columns: 128, storage: (0..<batch * 128).map { _ in Int(rng.next() % 32) })
let weights = try Matrix(
    rows: 128, columns: 256, storage: (0..<128 * 256).map { _ in Int(rng.next() % 127) - 63 })
var chip = try Chip(seed: 1)
try chip.writeWeights(weights, hemisphere: 0)
let chipInputs = try Chip.checkedInputs(inputs)
let a = inputs.storage.map { Float($0) }
let w = weights.storage.map { Float($0) }
var c = [Float](repeating: 0, count: batch * 256)
let onlyFast = CommandLine.arguments.count > 2
if onlyFast {
    for _ in 0..<3 {
        _ = try chip.execute(
            inputs: [chipInputs, nil], options: ExecutionOptions(integrator: .fast, threads: 1))
    }
    exit(0)
}
for threads in [1, 2] {
    let t = try Stopwatch.median(repeats: 5) {
        _ = try chip.execute(
            inputs: [chipInputs, nil],
            options: ExecutionOptions(integrator: .fast, threads: threads))
    }
    print("threads \(threads): \(t * 1e9 / Double(batch)) ns per sample")
}
for round in 0..<3 {
    let fast = try Stopwatch.median(repeats: 5) {
        _ = try chip.execute(
            inputs: [chipInputs, nil], options: ExecutionOptions(integrator: .fast))
    }
    BLAS.setThreadCount(2)
    let sgemm = Stopwatch.median(repeats: 5) {
        BLAS.sgemm(m: batch, n: 256, k: 128, a: a, b: w, c: &c)
    }
    Thread.sleep(forTimeInterval: 1)
    print(
        "batch \(batch): fast \(Int(Double(batch) / fast)) VMM/s, sgemm \(Int(Double(batch) / sgemm)) VMM/s, ratio \(sgemm / fast)"
    )
    _ = round
}
