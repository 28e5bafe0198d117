/// How a weight matrix larger than one hemisphere is split into blocks and scheduled on chips.
///
/// A rows × columns weight matrix (rows = signed inputs, columns = outputs) is cut into row blocks
/// of 128 and column blocks of 256 (the last of each may be smaller). Blocks are numbered in
/// logical order, row block major: block `i = r × columnBlocks + c`. Scheduling is round robin
/// over the `2 × chipCount` hemispheres: block `i` goes to slot `s = i mod (2 × chipCount)`,
/// that is chip `s / 2`, hemisphere `s mod 2`. The plan depends only on the shape and the chip
/// count, so it is deterministic; every block appears exactly once.
///
/// The partial results of the row blocks of one column block are summed digitally and clamped to
/// −128…127 once at the end, as hxtorch sums its 128-row splits (`mac_mock_forward`).
public struct PartitionPlan: Sendable, Equatable {
    /// One block: which rows and columns of the weight matrix, and where it runs.
    public struct Block: Sendable, Equatable, Hashable {
        /// Index of the row block (`rows.lowerBound / 128`).
        public let rowBlock: Int
        /// Index of the column block (`columns.lowerBound / 256`).
        public let columnBlock: Int
        /// The weight rows (inputs) of the block, at most 128.
        public let rows: Range<Int>
        /// The weight columns (outputs) of the block, at most 256.
        public let columns: Range<Int>
        /// Where the block runs.
        public let placement: BlockPlacement
    }

    /// Rows of the whole weight matrix.
    public let rows: Int
    /// Columns of the whole weight matrix.
    public let columns: Int
    /// Chips the blocks are spread over.
    public let chipCount: Int
    /// Number of row blocks.
    public let rowBlockCount: Int
    /// Number of column blocks.
    public let columnBlockCount: Int
    /// All blocks in logical order.
    public let blocks: [Block]

    /// The plan for a rows × columns weight matrix on `chipCount` chips.
    /// - Throws: ``NetworkError/countOutOfRange(name:value:allowed:)`` for an empty matrix or no
    ///   chips.
    public init(rows: Int, columns: Int, chipCount: Int) throws {
        try requireAtLeast(1, rows, "weight rows")
        try requireAtLeast(1, columns, "weight columns")
        try requireAtLeast(1, chipCount, "chip count")
        let height = VMMLimits.rowsPerBlock
        let width = VMMLimits.columnsPerBlock
        let slots = chipCount * VMMLimits.hemispheresPerChip
        self.rows = rows
        self.columns = columns
        self.chipCount = chipCount
        rowBlockCount = (rows + height - 1) / height
        columnBlockCount = (columns + width - 1) / width
        var blocks: [Block] = []
        blocks.reserveCapacity(rowBlockCount * columnBlockCount)
        for r in 0..<rowBlockCount {
            for c in 0..<columnBlockCount {
                let slot = blocks.count % slots
                blocks.append(
                    Block(
                        rowBlock: r, columnBlock: c,
                        rows: (r * height)..<min(rows, (r + 1) * height),
                        columns: (c * width)..<min(columns, (c + 1) * width),
                        placement: BlockPlacement(
                            chip: slot / VMMLimits.hemispheresPerChip,
                            hemisphere: slot % VMMLimits.hemispheresPerChip)))
            }
        }
        self.blocks = blocks
    }

    /// The number of consecutive runs of one hemisphere: the largest number of blocks any
    /// (chip, hemisphere) receives.
    public var depth: Int {
        let slots = chipCount * VMMLimits.hemispheresPerChip
        return (blocks.count + slots - 1) / slots
    }
}
