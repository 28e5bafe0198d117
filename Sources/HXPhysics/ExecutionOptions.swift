import HXNumerics

/// Which integrator computes the membrane voltages.
public enum Integrator: String, Sendable, Codable, CaseIterable {
    /// The reference: the per-column ODE system of a hemisphere integrated with GSL `odeiv2`
    /// across every pulse edge.
    case gsl
    /// The fast path: charge from all rows as one matrix product through OpenBLAS, then a
    /// per-column transform (exact where the model is linear, see docs/MODEL.md).
    case fast
}

/// How the `gsl` integrator goes about its work. Both integrate the same equations to the
/// same tolerances; `plain` is the check of `piecewise` (tests compare them).
public enum GSLScheme: String, Sendable, Codable, CaseIterable {
    /// Between pulse edges the synaptic lines are linear and solved in closed form; the
    /// membrane is too wherever the OTA output stage is linear (solved exactly, with the OTA
    /// currents integrated by Gauss–Legendre quadrature), and `gsl_odeiv2` integrates only the
    /// columns whose membrane comes near an output limit. Tens of times faster than `plain`.
    case piecewise
    /// The whole system of a hemisphere (3 × columns equations) in one `gsl_odeiv2` system,
    /// restarted at every pulse edge.
    case plain
}

/// How one execution runs: the event timing (as hxtorch sets it per layer) and the numerics.
public struct ExecutionOptions: Sendable, Equatable {
    /// How often the whole input vector is sent before the result is read
    /// (``ChipGeometry/numSendsRange``).
    public var numSends: Int
    /// Spacing of events, in FPGA cycles of 8 ns (``ChipGeometry/waitBetweenEventsRange``).
    public var waitBetweenEvents: Int
    /// The integrator.
    public var integrator: Integrator
    /// GSL stepper of the `gsl` integrator.
    public var stepper: ODEStepper
    /// Tolerances of the `gsl` integrator (volts).
    public var tolerances: ODETolerances
    /// How the `gsl` integrator proceeds (results agree to its tolerances).
    public var gslScheme: GSLScheme
    /// Worker threads (``threadRange``); nil uses every core. Results do not depend on it.
    public var threads: Int?

    /// The worker threads a caller may ask for: far beyond any core count, small enough that
    /// a typo (a batch size given as the thread count) is refused, not obeyed.
    public static let threadRange = 1...1024
    /// The trial of the first vector of the batch; vector b is trial
    /// `firstTrial + b · trialStride`, and the trial keys its trial-to-trial noise. nil
    /// continues the chip's own count, so a batch split over several calls gives the same codes
    /// as one call.
    public var firstTrial: UInt64?
    /// The distance between the trials of consecutive vectors (≥ 1; default 1). A caller that
    /// runs E executions of one batch (E blocks on one hemisphere) interleaves their trials with
    /// stride E, execution e starting at `first + e`: vector b of execution e is then trial
    /// `first + b·E + e`, so the batch split into parts of rows (each part run as E
    /// executions, continuing the chip's count) gives every vector the same trial as the whole.
    public var trialStride: UInt64 = 1
    /// Whether to return the raw CADC codes of the baseline and result reads.
    public var includeRawReads: Bool

    /// Options with hxtorch's defaults: one send, 5 cycles between events, the fast path.
    public init(
        numSends: Int = ChipGeometry.defaultNumSends,
        waitBetweenEvents: Int = ChipGeometry.defaultWaitBetweenEvents,
        integrator: Integrator = .fast,
        stepper: ODEStepper = .rkf45,
        tolerances: ODETolerances = ODETolerances(absolute: 1e-9, relative: 1e-9),
        threads: Int? = nil, firstTrial: UInt64? = nil, includeRawReads: Bool = false,
        gslScheme: GSLScheme = .piecewise
    ) {
        self.gslScheme = gslScheme
        self.numSends = numSends
        self.waitBetweenEvents = waitBetweenEvents
        self.integrator = integrator
        self.stepper = stepper
        self.tolerances = tolerances
        self.threads = threads
        self.firstTrial = firstTrial
        self.includeRawReads = includeRawReads
    }

    /// Throws on a value out of range, naming it; the timing ranges are
    /// ``ChipGeometry/numSendsRange`` and ``ChipGeometry/waitBetweenEventsRange``.
    public func validate() throws {
        if let bad = ChipGeometry.timingViolation(
            numSends: numSends, waitBetweenEvents: waitBetweenEvents)
        {
            throw PhysicsError.invalidOption(
                name: bad.name, value: "\(bad.value)",
                allowed: ValueText.range(bad.allowed)
                    + (bad.unit.isEmpty ? "" : " \(bad.unit)"))
        }
        if let threads, !Self.threadRange.contains(threads) {
            throw PhysicsError.invalidOption(
                name: "threads", value: "\(threads)",
                allowed: ValueText.range(Self.threadRange))
        }
        if trialStride < 1 {
            throw PhysicsError.invalidOption(
                name: "trialStride", value: "\(trialStride)", allowed: "≥ 1")
        }
        do { try tolerances.validate() } catch {
            throw PhysicsError.invalidOption(
                name: "tolerances", value: "\(tolerances)", allowed: "\(error)")
        }
    }
}

/// Which column of which sample to trace (as the chip's MADC records one column).
///
/// The trace is recorded by the GSL integrator, running the sample as the trial it has in the
/// batch (`firstTrial + sample`) with that trial's noise draws. With the `gsl` integrator its
/// codes are the batch's codes for that sample (the trace's extra stops at the trace points
/// change the voltages by no more than the integrator's tolerance). With the `fast` integrator
/// the trace is the GSL reference of the same trial: the fast path draws its noise from other
/// streams, so the traced codes can differ from the fast outputs by the noise.
public struct TraceRequest: Sendable, Equatable {
    /// The hemisphere, 0 or 1.
    public var hemisphere: Int
    /// The column within the written block.
    public var column: Int
    /// The sample of the batch.
    public var sample: Int
    /// Spacing of the trace points, in seconds.
    public var resolution: Double
    /// Called while the column is integrated with the fraction (0…1) of the execution's
    /// simulated time traced so far, at most once per percent, from the executing thread: a
    /// trace of many points and long waits takes minutes. Not part of the request's value
    /// (`==` ignores it).
    public var progress: (@Sendable (Double) -> Void)?

    /// The most points a trace may have, checked before the integration runs (a trace of one
    /// vector with 255 sends and the longest wait has 2.7 × 10⁸ points at 1 ns): the default
    /// memory budget (``Chip/defaultStreamingBudgetBytes``) at ``bytesPerPoint`` each.
    public static let maximumPoints = Chip.defaultStreamingBudgetBytes / bytesPerPoint
    /// What one point costs from the recorder to `hxsim trace`'s files, in bytes, with a
    /// margin: four `Double`s recorded (32), the output matrix (32), the CSV text (57) and the
    /// SVG (37), each text once more as bytes to write, and the plot's scaled copies (24).
    /// `hxsim trace --inputs x.csv --weights w.csv --column 0 --num-sends 255 --wait 1023
    /// --resolution R --out t.csv --svg t.svg` (three inputs; debug build) peaked at 281 MB
    /// for 995,426 points (R = 6.3) and at 238 MB for 666,614 (R = 9.415): 254 and 317 bytes a
    /// point above the 27 MB of a trace of a few points. At the limit (R = 12.57, 499,681
    /// points) it peaked at 192 MB.
    public static let bytesPerPoint = 400

    /// A request for `column` of `sample` on `hemisphere`, sampled every `resolution` seconds.
    public init(hemisphere: Int = 0, column: Int, sample: Int = 0, resolution: Double = 2e-9) {
        self.hemisphere = hemisphere
        self.column = column
        self.sample = sample
        self.resolution = resolution
    }

    public static func == (a: TraceRequest, b: TraceRequest) -> Bool {
        (a.hemisphere, a.column, a.sample, a.resolution)
            == (b.hemisphere, b.column, b.sample, b.resolution)
    }
}
