import HXPhysics

/// Where a vector-matrix multiplication runs. Chosen for a whole model
/// (``ExecutionContext/backend``) or for one layer (the layer's `backend` property).
///
/// - `software`: the float reference, the chip's ideal linear model
///   `y = gain × numSends × (x · W)` with the float inputs and weights as they are: no rounding,
///   no clamping, no noise, no 128-row blocks. Training with it gives weights that transfer to
///   the chip because the chip's mean response is this line (until it saturates). Digital
///   operations (ReLU, converting ReLU, addition) are their ideal float versions too.
/// - `mock`: hxtorch's mock model of the chip (`mac_mock_forward` in hxtorch's
///   `perceptron/detail/mac.cpp`), computed on the host; see ``matmul(_:_:numSends:waitBetweenEvents:backend:context:)``.
///   Digital operations floor and clamp to the chip's 8-bit range as hxtorch's mock does.
/// - `hardware`: blocks of at most 128 × 256 run on a ``HardwareExecutor`` (the simulated or a
///   real chip), partitioned and scheduled automatically (``PartitionPlan``). Digital operations
///   are computed on the host exactly as the mock computes them (the chip's processors do
///   integer arithmetic).
public enum Backend: Sendable {
    /// The ideal linear float model.
    case software
    /// hxtorch's statistical mock of the chip.
    case mock
    /// The chip behind an executor.
    case hardware(any HardwareExecutor)

    /// A short name for messages and profiles: `software`, `mock` or `hardware`.
    public var name: String {
        switch self {
        case .software: return "software"
        case .mock: return "mock"
        case .hardware: return "hardware"
        }
    }

    /// Whether digital operations work on integer chip values (mock and hardware) rather than
    /// ideal floats.
    var isInteger: Bool {
        if case .software = self { return false }
        return true
    }
}

/// The linear model of one VMM and the noise around it, in hxtorch's terms (`MockParameter`).
///
/// `gain` is used by all back ends: it scales the software model, it is the mock's gain, and the
/// backward pass of every back end uses `gain × numSends` as the slope of the chip's response
/// (hxtorch's `MAC::backward`). On hardware, set it from ``measureMockParameter(on:seed:options:)``.
public struct MockParameter: Sendable, Codable, Equatable, CustomStringConvertible {
    /// Output per unit of `Σ activation × weight` per send, in LSB per (chip unit)²;
    /// hxtorch's default 0.002.
    public var gain: Double
    /// Standard deviation of the trial-to-trial output noise per 128-row block, in LSB;
    /// hxtorch's default 2.0.
    public var noiseStd: Double

    /// A parameter set; the defaults are hxtorch's (`constants::defaults`).
    public init(gain: Double = 0.002, noiseStd: Double = 2.0) {
        self.gain = gain
        self.noiseStd = noiseStd
    }

    /// Checks hxtorch's domain: gain in (0, 1] (`set_mock_parameter`), noise finite and ≥ 0.
    func validate() throws {
        guard gain > 0, gain <= 1 else {
            throw NetworkError.outOfRange(name: "mock gain", value: gain, allowed: 0...1)
        }
        guard noiseStd >= 0, noiseStd.isFinite else {
            throw NetworkError.outOfRange(
                name: "mock noise standard deviation", value: noiseStd, allowed: 0...1e6)
        }
    }

    /// A one-line human-readable form.
    public var description: String { "MockParameter(gain: \(gain), noiseStd: \(noiseStd) LSB)" }
}

/// The ranges and block geometry of the chip in VMM ("hagen") mode, in the front end's terms
/// (docs/SPECIFICATION.md §1). Every value is HXPhysics' ``ChipGeometry``, named as the network sees it.
public enum VMMLimits {
    /// Input activations, 5 bit unsigned, in chip units.
    public static let inputRange = ChipGeometry.inputRange
    /// Signed weights, 6 bit magnitude on an excitatory/inhibitory row pair, in chip units.
    public static let weightRange = ChipGeometry.weightRange
    /// Outputs of the 8-bit CADC after baseline subtraction, in LSB.
    public static let outputRange = ChipGeometry.outputRange
    /// Outputs of the ReLU the chip's processors compute, in LSB (hxtorch's ReLU clamps to it).
    public static let reluOutputRange: ClosedRange<Int> = 0...ChipGeometry.outputRange.upperBound
    /// Signed inputs (synapse drivers) per hemisphere: the rows of one block.
    public static let rowsPerBlock = ChipGeometry.signedInputsPerHemisphere
    /// Neuron columns per hemisphere: the columns of one block.
    public static let columnsPerBlock = ChipGeometry.columnsPerHemisphere
    /// Hemispheres per chip; they run in parallel.
    public static let hemispheresPerChip = ChipGeometry.hemispheres
    /// The default wait between input events, in FPGA cycles of 8 ns (hxtorch's default 5).
    public static let defaultWaitBetweenEvents = ChipGeometry.defaultWaitBetweenEvents
    /// Column copies a ``Linear`` layer may average per output (its `avg`): at most the output
    /// columns of one chip execution (``ChipGeometry/maxSignedVMM``), where one output spread
    /// over every column of both hemispheres is the most averaging a chip can do at once.
    public static let avgRange: ClosedRange<Int> = 1...ChipGeometry.maxSignedVMM.outputs
}

/// What happens to inputs and weights outside the chip's ranges on the way to the chip (mock
/// and hardware back ends). NaN and infinities are always an error.
public enum RangePolicy: String, Sendable, Codable {
    /// Round to the nearest integer, then clamp into range (the default; the chip cannot
    /// represent anything else).
    case clamp
    /// Round, then throw ``NetworkError/outOfRange(name:value:allowed:)`` for a value outside the
    /// range, as hxtorch's mock does (`std::overflow_error`).
    case reject
}

/// How one VMM is driven on the chip.
public struct VMMSettings: Sendable, Codable, Equatable {
    /// How often the input vector is sent; outputs scale with it (more signal per noise).
    public var numSends: Int
    /// Wait between two input events, in FPGA cycles of 8 ns; shorter waits can saturate the
    /// synaptic input.
    public var waitBetweenEvents: Int

    /// Settings with hxtorch's defaults (one send, 5 cycles).
    public init(
        numSends: Int = ChipGeometry.defaultNumSends,
        waitBetweenEvents: Int = ChipGeometry.defaultWaitBetweenEvents
    ) {
        self.numSends = numSends
        self.waitBetweenEvents = waitBetweenEvents
    }

    /// Throws ``NetworkError/outOfRange(name:value:allowed:)`` for a setting outside
    /// ``ChipGeometry/numSendsRange`` or ``ChipGeometry/waitBetweenEventsRange``: the ranges the
    /// physics back end accepts, so that every back end refuses the same settings.
    func validate() throws {
        if let bad = ChipGeometry.timingViolation(
            numSends: numSends, waitBetweenEvents: waitBetweenEvents)
        {
            throw NetworkError.outOfRange(
                name: bad.name, value: Double(bad.value),
                allowed: Double(bad.allowed.lowerBound)...Double(bad.allowed.upperBound))
        }
    }
}
