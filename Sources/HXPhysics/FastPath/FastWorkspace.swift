import Foundation
import HXNumerics

extension FastPath {
    /// Scratch memory of one worker: a chunk's encoded inputs, excursions and timings, and
    /// one sample's jitter and noise draws. About 200 KB for a full hemisphere, so that a
    /// chunk's data stays in the core's L2 cache from the encoder through the transform.
    final class Scratch {
        let rows: Int
        let paddedColumns: Int
        /// Encoded inputs of the chunk, samples × rows, in units of ``FastPath/inputScale``.
        let x: UnsafeMutablePointer<Float>
        /// Linear excursions of the chunk, samples × paddedColumns, in volts.
        let y: UnsafeMutablePointer<Float>
        /// One sample's read-noise draws (see ``FastPath/drawReadNoise``): normals and
        /// uniforms.
        let noise: UnsafeMutablePointer<Float>
        let uniforms: UnsafeMutablePointer<UInt16>
        /// One sample's kernel × effective age per row, in seconds (for the mean age).
        let weightedAge: UnsafeMutablePointer<Float>
        /// The timing of each sample of the chunk.
        let timings: UnsafeMutablePointer<SampleTiming>
        /// The trial key of each sample of the chunk.
        let keys: UnsafeMutablePointer<UInt64>
        /// Column groups of one sample that need the exact functions.
        let flagged: UnsafeMutablePointer<Int32>
        /// One sample's pulse-width factors 1 + σ·ξ, one per event.
        private(set) var jitter: UnsafeMutablePointer<Float>
        private var jitterCapacity: Int

        init(rows: Int, paddedColumns: Int) {
            self.rows = rows
            self.paddedColumns = paddedColumns
            x = .allocate(capacity: maximumChunkSize * rows)
            y = .allocate(capacity: maximumChunkSize * paddedColumns)
            let room = readNoiseCapacity(paddedColumns: paddedColumns)
            noise = .allocate(capacity: room.normals)
            uniforms = .allocate(capacity: room.uniforms)
            weightedAge = .allocate(capacity: rows)
            timings = .allocate(capacity: maximumChunkSize)
            keys = .allocate(capacity: maximumChunkSize)
            flagged = .allocate(capacity: paddedColumns / lanes)
            jitterCapacity = FastNormal.capacity(for: rows + 1)
            jitter = .allocate(capacity: jitterCapacity)
        }

        deinit {
            x.deallocate()
            y.deallocate()
            noise.deallocate()
            uniforms.deallocate()
            weightedAge.deallocate()
            timings.deallocate()
            keys.deallocate()
            flagged.deallocate()
            jitter.deallocate()
        }

        /// Makes room for the jitter draws of `numSends` sends of every row.
        func reserveJitter(numSends: Int) {
            let needed = FastNormal.capacity(for: rows * numSends + 1)
            guard needed > jitterCapacity else { return }
            jitter.deallocate()
            jitter = .allocate(capacity: needed)
            jitterCapacity = needed
        }
    }

    /// What the fast path keeps with a written block between batches, so that a batch
    /// allocates and computes nothing on the hot path but its outputs: scratch memory, handed
    /// to one worker at a time (at most one per worker that ever ran at once, ≈ 200 KB each for
    /// a full hemisphere), and the event tables of the timings used so far.
    final class Workspace: @unchecked Sendable {
        private let lock = NSLock()
        private var free: [Scratch] = []
        private var tables: [TimingKey: EventTables] = [:]
        private let rows: Int
        private let paddedColumns: Int

        /// The options an ``EventTables`` depends on (the parameters are the chip's own).
        private struct TimingKey: Hashable {
            let numSends: Int
            let waitBetweenEvents: Int
        }

        init(rows: Int, paddedColumns: Int) {
            self.rows = rows
            self.paddedColumns = paddedColumns
        }

        /// A scratch for one worker, with room for `numSends` sends of jitter.
        func take(numSends: Int) -> Scratch {
            lock.lock()
            let scratch = free.popLast()
            lock.unlock()
            let result = scratch ?? Scratch(rows: rows, paddedColumns: paddedColumns)
            result.reserveJitter(numSends: numSends)
            return result
        }

        /// Returns a scratch taken with ``take(numSends:)``.
        func put(_ scratch: Scratch) {
            lock.lock()
            free.append(scratch)
            lock.unlock()
        }

        /// The event tables of `block` for the timing of `options`, computed once (about
        /// 2 · rows · numSends exponentials, which would dominate a batch of one).
        func eventTables(
            block: FastBlock, parameters p: PhysicsParameters, options: ExecutionOptions
        ) -> EventTables {
            let key = TimingKey(
                numSends: options.numSends, waitBetweenEvents: options.waitBetweenEvents)
            lock.lock()
            defer { lock.unlock() }
            if let cached = tables[key] { return cached }
            let computed = EventTables(block: block, parameters: p, options: options)
            // A handful of timings is the norm; forget them all if a sweep visits many.
            if tables.count >= 16 { tables.removeAll() }
            tables[key] = computed
            return computed
        }
    }
}
