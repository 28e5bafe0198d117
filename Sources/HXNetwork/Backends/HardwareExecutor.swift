import HXNumerics

/// Where a block runs: one hemisphere of one chip.
public struct BlockPlacement: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The chip, `0 ..< executor.chipCount`.
    public var chip: Int
    /// The hemisphere, 0 or 1 (each a 128 × 256 signed VMM; both run in parallel).
    public var hemisphere: Int

    /// A placement on `hemisphere` of `chip`.
    public init(chip: Int, hemisphere: Int) {
        self.chip = chip
        self.hemisphere = hemisphere
    }

    /// A one-line human-readable form.
    public var description: String { "chip \(chip) hemisphere \(hemisphere)" }
}

/// One VMM for one hemisphere: a batch of input vectors against one weight block.
public struct HardwareBlock: Sendable, Equatable {
    /// Where the block runs.
    public var placement: BlockPlacement
    /// Activations, batch × rows with rows ≤ 128, values 0…31 (chip units). Column `i` drives
    /// synapse driver `i` of the hemisphere (signed input row `i`).
    public var inputs: Matrix<UInt8>
    /// Weights, rows × columns with columns ≤ 256, values −63…63 (chip units). Column `j` is
    /// neuron column `j` of the hemisphere.
    public var weights: Matrix<Int8>

    /// A block of `inputs` against `weights` on `placement`.
    public init(placement: BlockPlacement, inputs: Matrix<UInt8>, weights: Matrix<Int8>) {
        self.placement = placement
        self.inputs = inputs
        self.weights = weights
    }
}

/// The chip (simulated or real) as the front end sees it: something that runs VMM blocks.
///
/// Contract:
/// - `execute` receives blocks in the front end's logical order (row block major, then column
///   block) with their placements already chosen (``PartitionPlan``). Blocks on different
///   (chip, hemisphere) may run in parallel; blocks sharing one run one after another in array
///   order.
/// - Each input vector is sent `numSends` times, events spaced `waitBetweenEvents` FPGA cycles
///   (8 ns each); a zero activation sends no event.
/// - Result `i` is the int8 ADC code (LSB, −128…127, baseline subtracted) of block `i`, shaped
///   batch × columns of that block.
/// - Errors are thrown, never trapped; the front end passes them on unchanged.
///
/// Reference type because an executor is a device (or a simulator holding one): it has identity
/// and state (configuration, calibration, noise streams).
public protocol HardwareExecutor: AnyObject, Sendable {
    /// Number of chips available; blocks are placed on chips `0 ..< chipCount`.
    var chipCount: Int { get }

    /// Runs `blocks` and returns one batch × columns matrix of int8 codes per block, in order.
    func execute(
        _ blocks: [HardwareBlock], numSends: Int, waitBetweenEvents: Int
    ) throws
        -> [Matrix<Int8>]

    /// ``execute(_:numSends:waitBetweenEvents:)`` for one part of the front end's VMM call
    /// number `call` (of its ``ExecutionContext``): one layer's forward pass over one batch,
    /// which runs in several parts when the batch holds more rows than
    /// ``ExecutionContext/partRows``. The parts of one call share its number, so that an
    /// executor that accounts per layer (a recorder of the chip's time) can tell a part from
    /// the next layer. The default runs the blocks and ignores the number.
    func execute(
        _ blocks: [HardwareBlock], numSends: Int, waitBetweenEvents: Int, call: Int
    ) throws
        -> [Matrix<Int8>]
}

extension HardwareExecutor {
    public func execute(
        _ blocks: [HardwareBlock], numSends: Int, waitBetweenEvents: Int, call: Int
    ) throws
        -> [Matrix<Int8>]
    {
        try execute(blocks, numSends: numSends, waitBetweenEvents: waitBetweenEvents)
    }
}
