import Foundation
import HXNetwork
import HXNumerics
import HXPhysics

/// A ``HardwareExecutor`` that passes blocks to another one and projects how long each call
/// would take on the real chip from its event schedule (docs/SPECIFICATION.md §4, the runtime analysis of
/// Spilger et al. 2020):
///
/// - a vector on one hemisphere sends one event per non-zero input, `numSends` times, events
///   `waitBetweenEvents` FPGA cycles (`fpgaClockPeriod`, 8 ns) apart;
/// - the two hemispheres of a chip run in parallel: an execution pairs the next block of each
///   (as ``PhysicsExecutor`` does) and a vector takes the busier hemisphere's event train plus
///   the fixed per-vector overhead (`fixedOverheadPerVector`, 36 µs);
/// - the executions of one chip (row and column partitions) run in sequence; chips run in
///   parallel, so a call takes its slowest chip's time.
///
/// While ``isRecording`` is false (validation passes, for example) calls are passed on and not
/// recorded.
public final class ProjectingExecutor: HardwareExecutor, @unchecked Sendable {
    /// One recorded call: one VMM layer's forward pass over one batch, or one part of it
    /// (a batch of more rows than the context's `partRows` runs in parts).
    public struct Call: Sendable, Equatable, Codable {
        /// Projected time on the real chip, in seconds.
        public var seconds: Double
        /// Input vectors in the batch.
        public var vectors: Int
        /// Blocks (partitions) the call was split into.
        public var blocks: Int
        /// The front end's number of the VMM call this is (a part of), shared by its parts;
        /// nil for a call made outside a layer (a measurement of the chip).
        public var call: Int?

        public init(seconds: Double, vectors: Int, blocks: Int, call: Int? = nil) {
            self.seconds = seconds
            self.vectors = vectors
            self.blocks = blocks
            self.call = call
        }
    }

    /// The executor that computes the results.
    public let inner: any HardwareExecutor
    /// The timing constants.
    public let parameters: PhysicsParameters
    private let lock = NSLock()
    private var recording = true
    private var recorded: [Call] = []

    /// Projects the calls passed to `inner` with the timing of `parameters`.
    public init(_ inner: any HardwareExecutor, parameters: PhysicsParameters) {
        self.inner = inner
        self.parameters = parameters
    }

    public var chipCount: Int { inner.chipCount }

    /// Whether calls are recorded.
    public var isRecording: Bool {
        get { lock.withLock { recording } }
        set { lock.withLock { recording = newValue } }
    }

    /// The calls recorded so far, in order.
    public var calls: [Call] { lock.withLock { recorded } }

    /// Forgets the recorded calls.
    public func reset() { lock.withLock { recorded = [] } }

    public func execute(
        _ blocks: [HardwareBlock], numSends: Int, waitBetweenEvents: Int
    ) throws -> [Matrix<Int8>] {
        let results = try inner.execute(
            blocks, numSends: numSends, waitBetweenEvents: waitBetweenEvents)
        record(blocks, numSends: numSends, waitBetweenEvents: waitBetweenEvents, call: nil)
        return results
    }

    public func execute(
        _ blocks: [HardwareBlock], numSends: Int, waitBetweenEvents: Int, call: Int
    ) throws -> [Matrix<Int8>] {
        let results = try inner.execute(
            blocks, numSends: numSends, waitBetweenEvents: waitBetweenEvents, call: call)
        record(blocks, numSends: numSends, waitBetweenEvents: waitBetweenEvents, call: call)
        return results
    }

    /// Appends the projection of a call that ran, while recording.
    private func record(
        _ blocks: [HardwareBlock], numSends: Int, waitBetweenEvents: Int, call index: Int?
    ) {
        guard isRecording else { return }
        var call = Self.project(
            blocks, numSends: numSends, waitBetweenEvents: waitBetweenEvents,
            parameters: parameters)
        call.call = index
        lock.withLock { recorded.append(call) }
    }

    /// The projected time of one call (see the type's description).
    public static func project(
        _ blocks: [HardwareBlock], numSends: Int, waitBetweenEvents: Int,
        parameters: PhysicsParameters
    ) -> Call {
        let spacing = Double(waitBetweenEvents) * parameters.fpgaClockPeriod
        var queues: [Int: [[HardwareBlock]]] = [:]
        for block in blocks {
            let placement = block.placement
            var queue = queues[placement.chip] ?? [[], []]
            queue[min(max(placement.hemisphere, 0), 1)].append(block)
            queues[placement.chip] = queue
        }
        var slowest = 0.0
        for queue in queues.values {
            var chipSeconds = 0.0
            for execution in 0..<max(queue[0].count, queue[1].count) {
                let pair = (0..<2).compactMap { h in
                    execution < queue[h].count ? queue[h][execution].inputs : nil
                }
                let vectors = pair.map(\.rows).max() ?? 0
                var events = 0
                for vector in 0..<vectors {
                    let busiest =
                        pair.map { inputs in
                            vector < inputs.rows
                                ? inputs.row(vector).reduce(0) { $0 + ($1 > 0 ? 1 : 0) } : 0
                        }.max() ?? 0
                    events += busiest
                }
                chipSeconds +=
                    Double(events * numSends) * spacing
                    + Double(vectors) * parameters.fixedOverheadPerVector
            }
            slowest = max(slowest, chipSeconds)
        }
        return Call(
            seconds: slowest, vectors: blocks.map(\.inputs.rows).max() ?? 0, blocks: blocks.count)
    }
}
