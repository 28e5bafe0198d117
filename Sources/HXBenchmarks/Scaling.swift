import HXNetwork
import HXNumerics
import HXPhysics

/// How the time of a batch grows with the weight matrix (in blocks of one hemisphere, 128 ×
/// 256, partitioned by the front end) and with the number of simulated chips.
public struct ScalingMeasurement: Sendable, Codable, Equatable {
    /// Row and column blocks of the weight matrix (128 rows and 256 columns each).
    public var rowBlocks: Int
    public var columnBlocks: Int
    public var chips: Int
    public var batch: Int
    /// Median wall time of one batch through `matmul` on the hardware back end, in seconds.
    public var secondsPerBatch: Double
    /// Median wall time of the same blocks on the executor alone (`PhysicsExecutor.execute`,
    /// the blocks made beforehand): the simulation without the front end's quantisation,
    /// partitioning and summing, in seconds.
    public var executorSecondsPerBatch: Double

    /// Blocks of the matrix: full-size VMMs per input vector.
    public var blocks: Int { rowBlocks * columnBlocks }
    /// Weight rows and columns.
    public var rows: Int { rowBlocks * VMMLimits.rowsPerBlock }
    public var columns: Int { columnBlocks * VMMLimits.columnsPerBlock }
    /// Full-size (block) VMMs per second, through the front end and on the executor alone.
    public var blockVMMPerSecond: Double { Double(blocks * batch) / secondsPerBatch }
    public var executorBlockVMMPerSecond: Double {
        Double(blocks * batch) / executorSecondsPerBatch
    }

    /// The row × column blocks for 1, 2, 4, 8 and 16 executions' worth of weights.
    public static let shapes: [(rowBlocks: Int, columnBlocks: Int)] = [
        (1, 1), (1, 2), (2, 2), (2, 4), (4, 4),
    ]

    /// Times `matmul` of a batch × rows input with a rows × columns weight matrix on
    /// `chips` simulated chips (fast integrator; the weights stay written between batches
    /// where a hemisphere holds one block, and are rewritten where it holds several, as on the
    /// hardware).
    public static func measure(
        rowBlocks: Int, columnBlocks: Int, chips: Int, batch: Int, repeats: Int, seed: UInt64 = 5
    ) throws -> ScalingMeasurement {
        let rows = rowBlocks * VMMLimits.rowsPerBlock
        let columns = columnBlocks * VMMLimits.columnsPerBlock
        let workload = try VMMWorkload(batch: batch, rows: rows, columns: columns, seed: seed)
        let executor = try PhysicsExecutor(chipCount: chips, firstSeed: 1)
        var context = ExecutionContext(backend: .hardware(executor), seed: seed)
        let x = try Tensor(shape: [batch, rows], storage: workload.inputs.storage.map(Float.init))
        let w = try Tensor(
            shape: [rows, columns], storage: workload.weights.storage.map(Float.init))
        let plan = try PartitionPlan(rows: rows, columns: columns, chipCount: chips)
        let blocks = plan.blocks.map { block in
            HardwareBlock(
                placement: block.placement,
                inputs: workload.inputs.slice(rows: 0..<batch, columns: block.rows),
                weights: workload.weights.slice(rows: block.rows, columns: block.columns)
                    .map { Int8($0) })
        }
        _ = try matmul(x, w, context: &context)
        var times: [Double] = []
        var executorTimes: [Double] = []
        for _ in 0..<max(1, repeats) {
            let watch = Stopwatch()
            _ = try matmul(x, w, context: &context)
            times.append(watch.elapsed)
            let executorWatch = Stopwatch()
            _ = try executor.execute(blocks, numSends: 1, waitBetweenEvents: 5)
            executorTimes.append(executorWatch.elapsed)
        }
        return ScalingMeasurement(
            rowBlocks: rowBlocks, columnBlocks: columnBlocks, chips: chips, batch: batch,
            secondsPerBatch: ThroughputRunner.median(times),
            executorSecondsPerBatch: ThroughputRunner.median(executorTimes))
    }
}
