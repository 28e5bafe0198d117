/// One input event: a pulse on one synapse driver.
public struct InputEvent: Sendable, Equatable {
    /// Start of the pulse, in seconds after the baseline read.
    public var time: Double
    /// Pulse width, in seconds (with mismatch, trim and jitter).
    public var width: Double
    /// The signed input (synapse driver) index, 0..<128.
    public var row: Int
    /// The 5-bit activation that set the width.
    public var activation: Int
}

/// The timing of one input vector on the chip (docs/SPECIFICATION.md §2.1): one event per non-zero input,
/// in row order, `waitBetweenEvents` FPGA cycles apart, the whole vector repeated `numSends`
/// times; the result is read `settlingTime` after the last event slot.
struct EventTiming: Sendable {
    /// Event spacing, in seconds.
    let spacing: Double
    /// Rows with a non-zero input, in order.
    let activeRows: [Int]
    /// Number of sends.
    let sends: Int
    /// Time of the result read, in seconds after the baseline read.
    let readTime: Double

    init(
        inputs: UnsafeBufferPointer<UInt8>, numSends: Int, waitBetweenEvents: Int,
        parameters: PhysicsParameters
    ) {
        var rows: [Int] = []
        for (row, value) in inputs.enumerated() where value > 0 { rows.append(row) }
        activeRows = rows
        sends = numSends
        spacing = Double(waitBetweenEvents) * parameters.fpgaClockPeriod
        readTime = Double(rows.count * numSends) * spacing + parameters.settlingTime
    }

    /// Number of events.
    var eventCount: Int { activeRows.count * sends }

    /// Start time of event `index` (counting over all sends), in seconds.
    @inline(__always)
    func startTime(ofEvent index: Int) -> Double { Double(index) * spacing }
}
