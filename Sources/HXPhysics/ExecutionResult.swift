import HXNumerics

/// The voltages of one column over one execution, as a membrane ADC would record them.
public struct MembraneTrace: Sendable, Equatable {
    /// The hemisphere and column (within the written block) traced.
    public var hemisphere: Int
    public var column: Int
    /// The sample of the batch traced.
    public var sample: Int
    /// Times, in seconds after the baseline read.
    public var times: [Double]
    /// Membrane voltage, in volts.
    public var membrane: [Double]
    /// Excitatory and inhibitory synaptic-input voltages, in volts.
    public var excitatory: [Double]
    public var inhibitory: [Double]
    /// The input events of the sample.
    public var events: [InputEvent]
    /// Time of the result read, in seconds.
    public var readTime: Double
    /// The CADC codes of the baseline and result reads of this column.
    public var baselineCode: Int
    public var resultCode: Int
}

/// The outcome of one execution (a batch of input vectors) on a chip.
public struct ExecutionResult: Sendable {
    /// Output codes per hemisphere (batch × written columns, −128…127: result minus baseline),
    /// nil for a hemisphere that got no inputs.
    public var outputs: HemispherePair<Matrix<Int8>?>
    /// Raw CADC codes of the baseline and result reads, when requested.
    public var baselineCodes: HemispherePair<Matrix<UInt8>?>
    public var resultCodes: HemispherePair<Matrix<UInt8>?>
    /// The integrator that computed the result.
    public var integrator: Integrator
    /// The trial of the first vector (vector b is trial `firstTrial + b · options.trialStride`).
    public var firstTrial: UInt64
    /// Projected time on the real chip for the whole batch, in seconds (docs/SPECIFICATION.md §4).
    public var projectedTime: Double
    /// The requested trace, if any.
    public var trace: MembraneTrace?
}
