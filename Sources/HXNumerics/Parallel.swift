import Dispatch
import Foundation

/// A raw buffer that worker threads may share, each writing a disjoint part of it.
///
/// The one place where HXSim steps around Swift's data-race checks: the parallel loops below
/// hand each worker a distinct index range, and a worker writes only the elements of its range.
public struct SharedBuffer<Element>: @unchecked Sendable {
    /// The first element.
    public let base: UnsafeMutablePointer<Element>
    /// Number of elements.
    public let count: Int

    /// Wraps `buffer`, which must outlive every use of the wrapper.
    public init(_ buffer: UnsafeMutableBufferPointer<Element>) {
        base = buffer.baseAddress ?? UnsafeMutablePointer<Element>.allocate(capacity: 0)
        count = buffer.count
    }

    /// Read access to the element at `index`.
    @inlinable
    public subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }
}

/// A read-only buffer shared by worker threads.
public struct SharedReadBuffer<Element>: @unchecked Sendable {
    /// The first element.
    public let base: UnsafePointer<Element>
    /// Number of elements.
    public let count: Int

    /// Wraps `buffer`, which must outlive every use of the wrapper.
    public init(_ buffer: UnsafeBufferPointer<Element>) {
        base =
            buffer.baseAddress ?? UnsafePointer(UnsafeMutablePointer<Element>.allocate(capacity: 0))
        count = buffer.count
    }

    /// The element at `index`.
    @inlinable
    public subscript(index: Int) -> Element { base[index] }
}

/// Deterministic data parallelism over index ranges.
public enum Parallel {
    /// The number of cores available, read once: Foundation reads it from the cgroup files on
    /// every call (an open and a read of several files), which cost about 1 % of a batch-2,000
    /// `matmul` when every parallel loop asked.
    public static let coreCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Elements per chunk of a pass over memory that splits a batch over the cores (encoding
    /// a batch for the chip, widening its codes, checking a caller's inputs): about 20 µs of
    /// work, which outweighs handing a chunk out. Smaller passes run on the calling thread.
    public static let elementwiseChunk = 1 << 15

    /// Rows of `columns` values per chunk of such a pass (at least one).
    public static func elementwiseChunkRows(columns: Int) -> Int {
        max(1, elementwiseChunk / max(1, columns))
    }

    /// Splits 0..<count into chunks of at most `chunkSize` and runs `body` on each, on up to
    /// `threads` threads (nil: every core). The split depends only on `count` and `chunkSize`,
    /// never on the thread count, so a body that derives its random streams from the indices
    /// gives the same result on any number of threads. The first error thrown is rethrown after
    /// all chunks have finished.
    public static func forEachChunk(
        count: Int, chunkSize: Int, threads: Int? = nil,
        _ body: @Sendable (Range<Int>) throws -> Void
    ) throws {
        guard count > 0 else { return }
        let size = max(1, chunkSize)
        let chunks = (count + size - 1) / size
        let workers = min(chunks, max(1, threads ?? coreCount))
        if workers == 1 {
            for chunk in 0..<chunks {
                try body(chunk * size..<min(count, (chunk + 1) * size))
            }
            return
        }
        let state = LoopState()
        let work: @Sendable (Int) -> Void = { _ in
            while let chunk = state.claim(limit: chunks) {
                do {
                    try body(chunk * size..<min(count, (chunk + 1) * size))
                } catch {
                    state.record(error)
                }
            }
        }
        if !WorkerPool.shared.run(workers: workers, work) {
            DispatchQueue.concurrentPerform(iterations: workers, execute: work)
        }
        if let error = state.firstError { throw error }
    }
}

/// Hands out chunk indices and keeps the first error.
private final class LoopState: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var error: (any Error)?

    func claim(limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < limit, error == nil else { return nil }
        next += 1
        return next - 1
    }

    func record(_ newError: any Error) {
        lock.lock()
        if error == nil { error = newError }
        lock.unlock()
    }

    var firstError: (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return error
    }
}
