import Foundation
import Synchronization

/// Helper threads that stay awake for a moment between parallel loops.
///
/// Dispatch parks its worker threads as soon as a loop ends, and waking a parked thread again
/// costs tens of microseconds, in a virtual machine over a hundred: a fast-path batch of 100
/// vectors (about 250 µs of work) ran no faster on two threads than on one. The pool's
/// helpers stay awake for ``spinTime`` after each loop before they park (yielding their core
/// to any thread that has work), so that loops in quick succession, such as the batches of a
/// training loop, find them awake.
///
/// One loop runs at a time: a loop started while the pool is busy (a nested loop, or loops
/// from several threads) gets `false` from ``run(workers:_:)`` and runs on Dispatch instead.
/// Which thread runs which index never changes a result (``Parallel/forEachChunk`` hands out
/// chunks by index).
final class WorkerPool: @unchecked Sendable {
    /// The pool of this process: one helper per core besides the caller's, started at the
    /// first parallel loop.
    static let shared = WorkerPool(helpers: min(Parallel.coreCount - 1, maximumHelpers))

    /// How long a helper waits awake for the next loop before it parks, in seconds.
    static let spinTime = 100e-6
    /// Helpers at most: the job word keeps the worker count (the helpers and the caller) in
    /// its low byte, so at most 255 workers.
    static let maximumHelpers = 254

    /// What a loop's participants call: held by the caller for the whole loop.
    private final class Job {
        let body: @Sendable (Int) -> Void
        init(body: @escaping @Sendable (Int) -> Void) { self.body = body }
    }

    let helpers: Int
    /// The process that started the helpers: a child forked from it has none of its threads,
    /// so its loops run on Dispatch.
    private let owner = getpid()
    /// The current loop as one word, so that a helper reads both at once: its sequence number
    /// (upper bits) and its worker count (low byte, the caller included).
    private let word = Atomic<Int>(0)
    /// The address of the current ``Job``, valid while the loop runs.
    private let job = Atomic<Int>(0)
    /// Participating helpers that have not finished the current loop.
    private let remaining = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let parking = NSCondition()
    private var parked = 0

    private init(helpers: Int) {
        self.helpers = max(0, helpers)
        for index in 0..<self.helpers {
            let thread = Thread { [unowned self] in self.serve(index: index + 1) }
            thread.name = "hxsim-worker-\(index + 1)"
            thread.start()
        }
    }

    /// Runs `body(i)` for i in 0..<min(workers, helpers + 1), index 0 on the calling thread,
    /// and returns when all have returned; `false` (nothing run) when the pool is busy.
    func run(workers: Int, _ body: @Sendable (Int) -> Void) -> Bool {
        let count = min(workers, helpers + 1)
        guard count > 1, getpid() == owner else { return false }
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else { return false }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { escapable in
            let current = Job(body: escapable)
            withExtendedLifetime(current) {
                job.store(
                    Int(bitPattern: Unmanaged.passUnretained(current).toOpaque()),
                    ordering: .relaxed)
                remaining.store(count - 1, ordering: .relaxed)
                let sequence = (word.load(ordering: .relaxed) >> 8) &+ 1
                word.store(sequence << 8 | count, ordering: .releasing)
                parking.lock()
                if parked > 0 { parking.broadcast() }
                parking.unlock()
                current.body(0)
                // The helpers' share takes about as long as ours: wait awake.
                var spins = 0
                while remaining.load(ordering: .acquiring) > 0 {
                    spins &+= 1
                    if spins > 4096 { sched_yield() }
                }
                job.store(0, ordering: .relaxed)
            }
        }
        return true
    }

    /// A helper's life: wait for a loop with a new sequence number, take part if its index is
    /// below the loop's worker count, repeat.
    private func serve(index: Int) {
        // Sequence 0 is the word before any loop: a loop published before this thread got
        // here is still new to it.
        var seen = 0
        while true {
            let current = awaitLoop(after: seen)
            seen = current >> 8
            guard index < current & 0xFF else { continue }
            perform(index: index)
            remaining.subtract(1, ordering: .releasing)
        }
    }

    /// Calls the current job's body. Its own function, so that every reference it takes is
    /// released before the helper reports that it is done.
    @inline(never)
    private func perform(index: Int) {
        let address = job.load(ordering: .relaxed)
        guard let pointer = UnsafeRawPointer(bitPattern: address) else { return }
        Unmanaged<Job>.fromOpaque(pointer).takeUnretainedValue().body(index)
    }

    /// The word of the first loop after sequence number `seen`: awake for ``spinTime``,
    /// yielding the core between looks so that other threads that have work (OpenBLAS's own,
    /// the caller's) run first, then parked until the caller's broadcast.
    private func awaitLoop(after seen: Int) -> Int {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(Self.spinTime * 1e9)
        while true {
            let current = word.load(ordering: .acquiring)
            if current >> 8 != seen { return current }
            if DispatchTime.now().uptimeNanoseconds > deadline { break }
            sched_yield()
        }
        parking.lock()
        defer { parking.unlock() }
        while true {
            let current = word.load(ordering: .acquiring)
            if current >> 8 != seen { return current }
            parked += 1
            parking.wait()
            parked -= 1
        }
    }
}
