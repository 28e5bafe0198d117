import Foundation

/// Everything a forward pass needs besides the model and its input: the default back end, the
/// linear model (gain) and noise seed, the range policy, a counter of VMM calls and an optional
/// profiler. Passed `inout` through layers, so a run is a pure function of its inputs.
///
/// Reproducibility: random draws depend only on the seed and the call sequence, never on threads.
/// Mock and hardware forward outputs are exact integers (block products of chip integers are
/// exact in `Float`). Float products — the software forward pass and every backward pass — go
/// through OpenBLAS, whose `sgemm` can differ in the last bit between thread counts (it tiles
/// differently), so they run it single-threaded (`BLAS.prepareForCallerThreads`) and float
/// training is bit-identical on any machine with the same OpenBLAS kernels.
public struct ExecutionContext: Sendable {
    /// The back end of layers that do not name their own.
    public var backend: Backend
    /// Gain (all back ends) and noise (mock) of the VMM model.
    public var mockParameter: MockParameter
    /// Root seed of the mock's noise. The noise of one output element is a counter-based draw
    /// keyed by (seed, VMM call index, sample, column, 128-row block), so it does not depend on
    /// threads or on how the work is split.
    public var noiseSeed: UInt64
    /// What happens to values outside the chip's ranges on the way to the chip.
    public var rangePolicy: RangePolicy
    /// When set, phases are timed into ``Profiler/profile``.
    public var profiler: Profiler?
    /// How the gradient of a VMM on the hardware back end is computed: hxtorch's (the
    /// default) or one that knows the chip's columns.
    public var backward: BackwardModel = .hxtorch
    /// About how many rows of one VMM call (batch rows, or a convolution's patch rows) the mock
    /// and hardware back ends encode and run at once: a larger call runs in parts
    /// (`Chip.parts(units:unitRows:partRows:)`, which rounds up to multiples of 128 rows and
    /// at least 1024), so that what a call holds besides its input and result does
    /// not grow with the batch. The results do not depend on it: the mock's noise is keyed by
    /// each row, and the parts continue the chips' trials as one call would.
    public var partRows: Int = ExecutionContext.defaultPartRows
    /// The default of ``partRows``: a few megabytes of intermediates for a full 128 × 256 VMM.
    public static let defaultPartRows = 4096
    /// The number of VMM calls made through this context so far; each call's noise is keyed by
    /// its index.
    public private(set) var vmmCallCount: UInt64 = 0

    /// A context running on `backend`.
    /// - Parameters:
    ///   - backend: the default back end.
    ///   - mockParameter: gain and noise; hxtorch's defaults unless measured.
    ///   - seed: root of the mock noise (unused by the software back end).
    ///   - rangePolicy: clamp (default) or reject out-of-range chip values.
    ///   - profiler: a profiler to time phases, or `nil`.
    public init(
        backend: Backend, mockParameter: MockParameter = MockParameter(), seed: UInt64,
        rangePolicy: RangePolicy = .clamp, profiler: Profiler? = nil
    ) {
        self.backend = backend
        self.mockParameter = mockParameter
        self.noiseSeed = seed
        self.rangePolicy = rangePolicy
        self.profiler = profiler
    }

    /// A software context with hxtorch's default gain; it draws no random numbers.
    public static var software: ExecutionContext { ExecutionContext(backend: .software, seed: 0) }

    /// Reserves the index of the next VMM call.
    mutating func nextCallIndex() -> UInt64 {
        defer { vmmCallCount += 1 }
        return vmmCallCount
    }

    /// Runs `body`, adding its duration to `phase` when a profiler is attached.
    public mutating func measure<T>(_ phase: ProfilePhase, _ body: () throws -> T) rethrows -> T {
        guard let clock = profiler?.clock else { return try body() }
        let start = clock()
        defer { profiler?.profile.add(phase, nanoseconds: clock() &- start) }
        return try body()
    }
}

/// The phases of a training or inference step that ``Profile`` accounts separately.
public enum ProfilePhase: String, Sendable, Codable, CaseIterable {
    /// Rounding and clamping to chip units, partitioning into blocks, im2col.
    case encode
    /// The VMM itself: the executor call (hardware) or the host computation (software, mock).
    case execute
    /// Summing block results, clamping, reshaping outputs.
    case decode
    /// Host-side digital operations: ReLU, pooling, additions, losses.
    case digital
    /// The backward pass.
    case backward
    /// Optimizer steps and weight clamping.
    case update
}

/// Accumulated time per phase.
public struct Profile: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Nanoseconds per phase.
    public private(set) var nanoseconds: [ProfilePhase: UInt64] = [:]
    /// Number of timed sections per phase.
    public private(set) var counts: [ProfilePhase: Int] = [:]

    /// An empty profile.
    public init() {}

    /// Adds one timed section of `phase`.
    public mutating func add(_ phase: ProfilePhase, nanoseconds duration: UInt64) {
        nanoseconds[phase, default: 0] &+= duration
        counts[phase, default: 0] += 1
    }

    /// Seconds spent in `phase`.
    public func seconds(_ phase: ProfilePhase) -> Double {
        Double(nanoseconds[phase] ?? 0) * 1e-9
    }

    /// Seconds spent in all phases.
    public var totalSeconds: Double { ProfilePhase.allCases.reduce(0) { $0 + seconds($1) } }

    /// One line per phase: time in milliseconds, share of the total and number of sections.
    public var description: String {
        let total = totalSeconds
        var lines = ["phase      time/ms   share  sections"]
        for phase in ProfilePhase.allCases {
            let time = seconds(phase)
            let share = total > 0 ? 100 * time / total : 0
            lines.append(
                phase.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                    + String(format: " %10.3f %6.1f %% %9d", time * 1e3, share, counts[phase] ?? 0))
        }
        lines.append(String(format: "total    %10.3f", total * 1e3))
        return lines.joined(separator: "\n")
    }
}

/// Times phases with an injected clock.
public struct Profiler: Sendable {
    /// The clock, in nanoseconds from any fixed origin; inject a fake one in tests.
    public let clock: @Sendable () -> UInt64
    /// What has been measured so far.
    public var profile = Profile()

    /// A profiler reading `clock`.
    public init(clock: @escaping @Sendable () -> UInt64) {
        self.clock = clock
    }

    /// A monotonic system clock (`DispatchTime`), in nanoseconds.
    public static let monotonicClock: @Sendable () -> UInt64 = {
        DispatchTime.now().uptimeNanoseconds
    }
}
