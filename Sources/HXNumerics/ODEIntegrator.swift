import CGSL

/// The explicit Runge-Kutta steppers of GSL's `odeiv2` that HXSim offers.
public enum ODEStepper: String, Sendable, Codable, CaseIterable {
    /// Embedded Runge-Kutta (2, 3).
    case rk2
    /// Classical fourth-order Runge-Kutta with step doubling for the error estimate.
    case rk4
    /// Embedded Runge-Kutta-Fehlberg (4, 5): the default.
    case rkf45
    /// Embedded Runge-Kutta Cash-Karp (4, 5).
    case rkck
    /// Embedded Runge-Kutta Prince-Dormand (8, 9).
    case rk8pd

    var gslType: UnsafePointer<gsl_odeiv2_step_type> {
        switch self {
        case .rk2: return hx_odeiv2_rk2()
        case .rk4: return hx_odeiv2_rk4()
        case .rkf45: return hx_odeiv2_rkf45()
        case .rkck: return hx_odeiv2_rkck()
        case .rk8pd: return hx_odeiv2_rk8pd()
        }
    }
}

/// Error control and step limits of an ``ODEIntegrator``.
public struct ODETolerances: Sendable, Codable, Equatable {
    /// Absolute error allowed per step, in the unit of the state (volts for the chip).
    public var absolute: Double
    /// Relative error allowed per step.
    public var relative: Double
    /// The first trial step after each restart, in seconds.
    public var initialStep: Double
    /// Steps allowed in one call of ``ODEIntegrator/integrate(_:from:to:observer:)``.
    public var maxSteps: Int

    /// Tolerances; all must be positive.
    public init(
        absolute: Double = 1e-9, relative: Double = 1e-9, initialStep: Double = 1e-10,
        maxSteps: Int = 1_000_000
    ) {
        self.absolute = absolute
        self.relative = relative
        self.initialStep = initialStep
        self.maxSteps = maxSteps
    }

    /// Throws when a tolerance is not a positive finite number.
    public func validate() throws {
        for (name, value) in [
            ("absolute tolerance", absolute), ("relative tolerance", relative),
            ("initial step", initialStep),
        ] where !(value.isFinite && value > 0) {
            throw NumericsError.invalidArgument("\(name) must be positive and finite, got \(value)")
        }
        guard maxSteps > 0 else {
            throw NumericsError.invalidArgument("maxSteps must be positive, got \(maxSteps)")
        }
    }
}

/// Integrates dy/dt = f(t, y) with GSL's `odeiv2` evolve/control/step objects, which it owns
/// and frees. The right-hand side is a Swift closure over buffers; the integrator restarts
/// cleanly at each call, which is how discontinuities (pulse edges) are crossed.
///
/// Not thread-safe: one integrator per thread.
public final class ODEIntegrator {
    /// The right-hand side: writes dy/dt at time t (seconds) for state y. The integrator
    /// checks dy/dt after each call: a NaN or an infinity stops the integration with
    /// ``NumericsError/nonFiniteState(time:)`` instead of carrying it into the result.
    public typealias RightHandSide = (
        _ t: Double, _ y: UnsafeBufferPointer<Double>, _ dydt: UnsafeMutableBufferPointer<Double>
    ) -> Void

    /// A right-hand side that checks itself: writes dy/dt and returns whether the state and
    /// dy/dt are finite (`false` stops the integration as above). For systems that can check
    /// more cheaply than a second pass over dy/dt.
    public typealias CheckedRightHandSide = (
        _ t: Double, _ y: UnsafeBufferPointer<Double>, _ dydt: UnsafeMutableBufferPointer<Double>
    ) -> Bool

    final class Box {
        let dimension: Int
        let rhs: CheckedRightHandSide
        init(dimension: Int, rhs: @escaping CheckedRightHandSide) {
            self.dimension = dimension
            self.rhs = rhs
        }
    }

    /// The dimension of the state.
    public let dimension: Int
    /// The stepper.
    public let stepper: ODEStepper
    /// The tolerances.
    public let tolerances: ODETolerances
    /// Steps taken (accepted or rejected) since creation.
    public private(set) var totalSteps = 0

    private let box: Box
    private let step: UnsafeMutablePointer<gsl_odeiv2_step>
    private let control: UnsafeMutablePointer<gsl_odeiv2_control>
    private let evolve: UnsafeMutablePointer<gsl_odeiv2_evolve>
    private var system: gsl_odeiv2_system
    private var stepSize: Double

    /// An integrator for a system of `dimension` states.
    public convenience init(
        dimension: Int, stepper: ODEStepper = .rkf45, tolerances: ODETolerances = ODETolerances(),
        rhs: @escaping RightHandSide
    ) throws {
        try self.init(dimension: dimension, stepper: stepper, tolerances: tolerances) {
            t, y, dydt in
            rhs(t, y, dydt)
            // Any NaN or infinity makes the sum of the zero multiples NaN.
            var sum = 0.0
            for value in dydt { sum += value * 0 }
            return sum == 0
        }
    }

    /// An integrator for a system of `dimension` states whose right-hand side reports a
    /// non-finite state itself.
    public init(
        dimension: Int, stepper: ODEStepper = .rkf45, tolerances: ODETolerances = ODETolerances(),
        checkedRHS rhs: @escaping CheckedRightHandSide
    ) throws {
        _ = GSLRuntime.prepared
        guard dimension > 0 else {
            throw NumericsError.invalidArgument("ODE dimension must be positive, got \(dimension)")
        }
        try tolerances.validate()
        guard let step = gsl_odeiv2_step_alloc(stepper.gslType, dimension) else {
            throw NumericsError.gsl(function: "gsl_odeiv2_step_alloc", status: -1, message: "nil")
        }
        guard let control = gsl_odeiv2_control_y_new(tolerances.absolute, tolerances.relative)
        else {
            gsl_odeiv2_step_free(step)
            throw NumericsError.gsl(
                function: "gsl_odeiv2_control_y_new", status: -1, message: "nil")
        }
        guard let evolve = gsl_odeiv2_evolve_alloc(dimension) else {
            gsl_odeiv2_control_free(control)
            gsl_odeiv2_step_free(step)
            throw NumericsError.gsl(function: "gsl_odeiv2_evolve_alloc", status: -1, message: "nil")
        }
        self.dimension = dimension
        self.stepper = stepper
        self.tolerances = tolerances
        self.box = Box(dimension: dimension, rhs: rhs)
        self.step = step
        self.control = control
        self.evolve = evolve
        self.stepSize = tolerances.initialStep
        self.system = gsl_odeiv2_system(
            function: odeTrampoline, jacobian: nil, dimension: dimension,
            params: Unmanaged.passUnretained(box).toOpaque())
    }

    deinit {
        gsl_odeiv2_evolve_free(evolve)
        gsl_odeiv2_control_free(control)
        gsl_odeiv2_step_free(step)
    }

    /// Integrates `y` in place from `t0` to `t1` (seconds), restarting the stepper first, so
    /// that a discontinuity at `t0` is not smeared into the step before it. `observer`, if
    /// given, sees every accepted step. Returns the number of steps taken.
    @discardableResult
    public func integrate(
        _ y: inout [Double], from t0: Double, to t1: Double,
        observer: ((Double, UnsafeBufferPointer<Double>) -> Void)? = nil
    ) throws -> Int {
        guard y.count == dimension else {
            throw NumericsError.shapeMismatch(expected: [dimension], got: [y.count])
        }
        guard t0.isFinite, t1.isFinite, t1 >= t0 else {
            throw NumericsError.invalidArgument("integration interval [\(t0), \(t1)] s")
        }
        if t1 == t0 { return 0 }
        gsl_odeiv2_evolve_reset(evolve)
        gsl_odeiv2_step_reset(step)
        var t = t0
        var h = min(max(stepSize, tolerances.initialStep), t1 - t0)
        var steps = 0
        try y.withUnsafeMutableBufferPointer { buffer in
            while t < t1 {
                let status = gsl_odeiv2_evolve_apply(
                    evolve, control, step, &system, &t, t1, &h, buffer.baseAddress)
                // GSL_EBADFUNC is what the trampoline returns for a non-finite state; GSL
                // stops at once and leaves t and y at the start of the failed step.
                if status == Int32(GSL_EBADFUNC) { throw NumericsError.nonFiniteState(time: t) }
                try GSLRuntime.check(status, "gsl_odeiv2_evolve_apply")
                steps += 1
                if let observer { observer(t, UnsafeBufferPointer(buffer)) }
                if steps >= tolerances.maxSteps, t < t1 {
                    throw NumericsError.integrationStalled(time: t, target: t1, steps: steps)
                }
            }
        }
        stepSize = h
        totalSteps += steps
        return steps
    }
}

private func odeTrampoline(
    _ t: Double, _ y: UnsafePointer<Double>?, _ dydt: UnsafeMutablePointer<Double>?,
    _ params: UnsafeMutableRawPointer?
) -> Int32 {
    guard let params, let y, let dydt else { return Int32(GSL_EBADFUNC) }
    let box = Unmanaged<ODEIntegrator.Box>.fromOpaque(params).takeUnretainedValue()
    let finite = box.rhs(
        t, UnsafeBufferPointer(start: y, count: box.dimension),
        UnsafeMutableBufferPointer(start: dydt, count: box.dimension))
    return Int32(finite ? GSL_SUCCESS : GSL_EBADFUNC)
}
