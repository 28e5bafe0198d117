/// The OTA's output stage near its limits (docs/MODEL.md §2.5): a transistor-like triode
/// roll-off that every integrator applies the same way.
enum OutputStage {
    /// The roll-off factor f at `headroom` volts from a limit: 1 from the width w on,
    /// x(2 − x) with x = headroom / w within it, 0 at and beyond the limit.
    @inline(__always)
    static func rollOff(_ headroom: Double, width: Double) -> Double {
        if headroom >= width { return 1 }
        if headroom <= 0 { return 0 }
        let x = headroom / width
        return x * (2 - x)
    }
}
