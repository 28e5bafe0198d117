/// The fixed geometry of a HICANN-X chip in VMM mode and the ranges of everything one VMM takes
/// (PHYSICS.md §1, [haldls], [hxtorch]). This is the one place these numbers are stated: the
/// validators (``ExecutionOptions/validate()``, HXNetwork's `VMMSettings` and `VMMLimits`),
/// the command line's help, sweep axes and calibration settings read them from here.
public enum ChipGeometry {
    /// Hemispheres per chip; they run in parallel, each with its own synapse array, neurons and
    /// CADC.
    public static let hemispheres = 2
    /// Synapse rows per hemisphere (unsigned, 6-bit weights each).
    public static let synapseRowsPerHemisphere = 256
    /// Neuron columns per hemisphere.
    public static let columnsPerHemisphere = 256
    /// Synapse drivers per hemisphere; driver i feeds rows 2i (excitatory) and 2i + 1
    /// (inhibitory), so it is signed input i.
    public static let signedInputsPerHemisphere = synapseRowsPerHemisphere / 2
    /// Input activations (5 bit unsigned), in chip units.
    public static let inputRange: ClosedRange<Int> = 0...31
    /// Signed weights (6-bit magnitude on an excitatory/inhibitory row pair), in chip units.
    public static let weightRange: ClosedRange<Int> = -63...63
    /// Largest input activation (5 bit).
    public static let maxInput = inputRange.upperBound
    /// Largest weight magnitude (6 bit, signed over a row pair).
    public static let maxWeight = weightRange.upperBound
    /// Output range (int8), in LSB.
    public static let outputRange: ClosedRange<Int> = -128...127
    /// The largest signed VMM one execution can do: both hemispheres receive the same input
    /// vector, so one execution computes 128 inputs × 512 outputs (or two independent
    /// 128 × 256 blocks with different inputs).
    public static let maxSignedVMM = (
        inputs: signedInputsPerHemisphere, outputs: hemispheres * columnsPerHemisphere
    )
    /// CADC code range (8 bit).
    public static let cadcRange: ClosedRange<Int> = 0...255
    /// Largest analog parameter cell value (10-bit cells use 0…1022) [demos].
    public static let maxCellValue = 1022
    /// Range of the 4-bit per-driver pulse-offset trim; 8 is neutral.
    public static let pulseOffsetTrimRange: ClosedRange<Int> = 0...15
    /// Range of the per-channel digital CADC offset.
    public static let cadcDigitalOffsetRange: ClosedRange<Int> = -128...127

    // MARK: Event timing of one VMM (what hxtorch sets per layer)

    /// How often the whole input vector may be sent before the result is read.
    public static let numSendsRange: ClosedRange<Int> = 1...255
    /// Spacing of input events, in FPGA cycles of 8 ns.
    public static let waitBetweenEventsRange: ClosedRange<Int> = 1...1023
    /// hxtorch's default sends per vector.
    public static let defaultNumSends = 1
    /// hxtorch's default spacing of input events, in FPGA cycles of 8 ns.
    public static let defaultWaitBetweenEvents = 5

    /// The first of the two timing settings outside its range, as its name, value, allowed range
    /// and unit, or nil when both are allowed. Every validator of the timing asks this one
    /// function, so they agree.
    public static func timingViolation(
        numSends: Int, waitBetweenEvents: Int
    ) -> (name: String, value: Int, allowed: ClosedRange<Int>, unit: String)? {
        if !numSendsRange.contains(numSends) {
            return ("numSends", numSends, numSendsRange, "")
        }
        if !waitBetweenEventsRange.contains(waitBetweenEvents) {
            return ("waitBetweenEvents", waitBetweenEvents, waitBetweenEventsRange, "FPGA cycles")
        }
        return nil
    }
}
