import Foundation
import Synchronization
import Testing

@testable import HXNumerics

/// Runs a parallel loop over `count` indices in chunks of `chunk` and returns how often each
/// index ran and the threads that ran chunks.
private func hits(
    count: Int, chunk: Int, threads: Int, work: (() -> Void)? = nil
) throws -> (hits: [Int], threads: Set<ObjectIdentifier>) {
    var hits = [Int](repeating: 0, count: count)
    let seen = Mutex<Set<ObjectIdentifier>>([])
    nonisolated(unsafe) let work = work
    try hits.withUnsafeMutableBufferPointer { buffer in
        let shared = SharedBuffer(buffer)
        try Parallel.forEachChunk(count: count, chunkSize: chunk, threads: threads) { range in
            _ = seen.withLock { $0.insert(ObjectIdentifier(Thread.current)) }
            work?()
            for i in range { shared[i] += 1 }
        }
    }
    return (hits, seen.withLock { $0 })
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
                result.hits.allSatisfy { $0 == 1 },
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
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 6) { caller in
            for round in 0..<50 {
                let count = 50 + 13 * caller + round
                let ok = (try? hits(count: count, chunk: 5, threads: 2))?.hits.allSatisfy {
                    $0 == 1
                }
                if ok != true { failures.withLock { $0 += 1 } }
            }
        }
        #expect(failures.withLock { $0 } == 0)
    }

    @Test("after the helpers park, the next loop wakes them: chunks run on two threads")
    func wakesParkedHelpers() throws {
        guard WorkerPool.shared.helpers > 0 else {
            print("WorkerPoolTests: one core, no helpers to check")
            return
        }
        for _ in 0..<3 {
            // Ten times the spin time: the helpers are parked when the loop starts.
            Thread.sleep(forTimeInterval: 10 * WorkerPool.spinTime)
            // Twenty chunks of 2 ms: a helper woken within 38 ms takes some of them (the test
            // runner's other tests may hold the cores for a while).
            let result = try hits(count: 20, chunk: 1, threads: 2) {
                Thread.sleep(forTimeInterval: 0.002)
            }
            #expect(result.hits.allSatisfy { $0 == 1 })
            #expect(result.threads.count >= 2, "threads that ran chunks: \(result.threads.count)")
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
        #expect(try hits(count: 100, chunk: 3, threads: 2).hits.allSatisfy { $0 == 1 })
    }
}
