import Foundation
import Synchronization
import Testing

@testable import HXNumerics

/// Runs a parallel loop over `count` indices in chunks of `chunk` and returns how often each
/// index ran.
private func hits(count: Int, chunk: Int, threads: Int) throws -> [Int] {
    var hits = [Int](repeating: 0, count: count)
    try hits.withUnsafeMutableBufferPointer { buffer in
        let shared = SharedBuffer(buffer)
        try Parallel.forEachChunk(count: count, chunkSize: chunk, threads: threads) { range in
            for i in range { shared[i] += 1 }
        }
    }
    return hits
}

@Suite("The worker pool: helpers awake between loops, every chunk run once")
struct WorkerPoolTests {
    @Test("3,000 loops back to back, of every size and thread count, run each chunk exactly once")
    func backToBack() throws {
        var generator = SplitMix64(key: 5)
        for loop in 0..<3000 {
            let count = Int(generator.next() % 300)
            let chunk = 1 + Int(generator.next() % 40)
            let threads = 1 + Int(generator.next() % 4)
            let result = try hits(count: count, chunk: chunk, threads: threads)
            #expect(
                result.allSatisfy { $0 == 1 },
                "loop \(loop): \(count) indices in chunks of \(chunk) on \(threads) threads")
        }
    }

    @Test("a loop inside a loop (the pool busy) runs on Dispatch and finishes")
    func nested() throws {
        var inner = [Int](repeating: 0, count: 8 * 100)
        try inner.withUnsafeMutableBufferPointer { buffer in
            let shared = SharedBuffer(buffer)
            try Parallel.forEachChunk(count: 8, chunkSize: 1, threads: 2) { outer in
                let o = outer.lowerBound
                try Parallel.forEachChunk(count: 100, chunkSize: 7, threads: 2) { range in
                    for i in range { shared[o * 100 + i] += 1 }
                }
            }
        }
        #expect(inner.allSatisfy { $0 == 1 })
    }

    @Test("loops started from several threads at once all finish with every chunk run once")
    func concurrentCallers() throws {
        let failures = Atomic(0)
        DispatchQueue.concurrentPerform(iterations: 6) { caller in
            for round in 0..<50 {
                let count = 50 + 13 * caller + round
                let ok = (try? hits(count: count, chunk: 5, threads: 2))?.allSatisfy {
                    $0 == 1
                }
                if ok != true { failures.add(1, ordering: .relaxed) }
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
    }

    @Test(
        "after the helpers park, the next loop wakes them: index 1 runs on another thread",
        .timeLimit(.minutes(1)))
    func wakesParkedHelpers() throws {
        guard WorkerPool.shared.helpers > 0 else {
            print("WorkerPoolTests: one core, no helpers to check")
            return
        }
        var woken = 0
        while woken < 3 {
            // Ten times the spin time: the helpers are parked when the loop starts (unless
            // another test's loop woke them, which the check below does not mind).
            Thread.sleep(forTimeInterval: 10 * WorkerPool.spinTime)
            // Each index writes its own slot; the caller reads them after `run` returns, which
            // the pool orders after the helpers' writes (ThreadSanitizer checks that ordering).
            var slots = [ObjectIdentifier?](repeating: nil, count: 2)
            // Other tests' loops may hold the pool: then `run` refuses and the loop is retried.
            let ran = slots.withUnsafeMutableBufferPointer { buffer in
                let shared = SharedBuffer(buffer)
                return WorkerPool.shared.run(workers: 2) { index in
                    shared[index] = ObjectIdentifier(Thread.current)
                }
            }
            guard ran else { continue }
            #expect(slots[0] == ObjectIdentifier(Thread.current))
            #expect(slots[1] != nil && slots[1] != slots[0])
            woken += 1
        }
    }

    @Test("an error in a chunk run by the pool is rethrown after the loop, and the pool runs on")
    func errors() throws {
        struct Failure: Error {}
        #expect(throws: Failure.self) {
            try Parallel.forEachChunk(count: 100, chunkSize: 3, threads: 2) { range in
                if range.contains(50) { throw Failure() }
            }
        }
        #expect(try hits(count: 100, chunk: 3, threads: 2).allSatisfy { $0 == 1 })
    }
}
