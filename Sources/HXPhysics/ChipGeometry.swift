/// The fixed geometry of a HICANN-X chip in VMM mode (PHYSICS.md §1, [haldls], [hxtorch]).
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
    public static let signedInputsPerHemisphere = 128
    /// Largest input activation (5 bit).
    public static let maxInput = 31
    /// Largest weight magnitude (6 bit, signed over a row pair).
    public static let maxWeight = 63
    /// Output range (int8).
    public static let outputRange: ClosedRange<Int> = -128...127
    /// The largest signed VMM one execution can do: both hemispheres receive the same input
    /// vector, so one execution computes 128 inputs × 512 outputs (or two independent
    /// 128 × 256 blocks with different inputs).
    public static let maxSignedVMM = (inputs: 128, outputs: 512)
    /// CADC code range (8 bit).
    public static let cadcRange: ClosedRange<Int> = 0...255
    /// Largest analog parameter cell value (10-bit cells use 0…1022) [demos].
    public static let maxCellValue = 1022
    /// Range of the 4-bit per-driver pulse-offset trim; 8 is neutral.
    public static let pulseOffsetTrimRange: ClosedRange<Int> = 0...15
    /// Range of the per-channel digital CADC offset.
    public static let cadcDigitalOffsetRange: ClosedRange<Int> = -128...127
}
