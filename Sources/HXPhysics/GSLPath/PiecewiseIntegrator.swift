import Foundation
import HXNumerics

/// The `piecewise` scheme of the reference integrator (``GSLScheme/piecewise``).
///
/// The equations are those of ``MembraneSystem``. Between two pulse edges every synapse
/// driver's current is constant, so:
///
/// - each synaptic line is a linear ODE with a constant input, solved exactly:
///   V(s) = P + (V₀ − P) e^{−s/τ}, with the plateau P = I τ / C_syn of the row that pulses
///   (0 between pulses);
/// - where the OTA output stage has its full headroom (the membrane more than the roll-off
///   width away from both output limits, so that f = 1), the membrane is linear in itself,
///   C_m dV/dt = I_exc(t) − I_inh(t) − g_L (V − V_reset) + I_drift, and also solved exactly:
///   V(h) = V_reset + (V₀ − V_reset) e^{−λh} + (I_drift/C_m)(1 − e^{−λh})/λ
///          + ∫₀ʰ e^{−λ(h−s)} (I_exc(s) − I_inh(s))/C_m ds,
///   the integral of the OTA currents (I_gm tanh(V_line(s)/V_lin), known functions of s) by
///   three-point Gauss–Legendre quadrature. A piece is at most τ/8 long (and short enough
///   that λh ≤ 0.05); the quadrature's error is then below 1e-10 of the piece's increment
///   (its sixth-derivative term), far below the `plain` scheme's step tolerance;
/// - a column whose membrane may come within the roll-off width of a limit during a piece
///   (bounded by the largest rate the OTA currents, the leak and the drift allow) is
///   integrated over that piece by `gsl_odeiv2` (the options' stepper and tolerances) as a
///   scalar ODE with the same exact line voltages.
///
/// So nothing is approximated beyond the quadrature: the two schemes agree to the integrator's
/// tolerance (tested), and the closed forms of the linear chain hold to far below 1 µV.
/// The column loop runs eight columns at a time in double precision (``PiecewiseMath``).
final class PiecewiseIntegrator: SampleIntegrator {
    typealias Lanes = PiecewiseMath.Lanes
    static let lanes = 8

    let columns: Int
    /// `columns` rounded up to a multiple of eight; padding columns hold zeros and never
    /// reach a limit.
    let padded: Int
    let circuit: HemisphereCircuit
    let parameters: PhysicsParameters
    let options: ExecutionOptions
    let hemisphere: Int
    /// Longest piece, in seconds.
    let longestPiece: Double
    let inverseTau: Double
    /// 1/V_lin: lines are held in units of V_lin where the OTA saturates.
    let inverseLinearRange: Double
    let saturates: Bool
    let compliance: Bool
    let width: Double

    /// Per column (padded): I_gm/C_m (V/s) of the excitatory and inhibitory OTA when it
    /// saturates, g_m/C_m (1/s) when it is linear; leak rate λ (1/s); reset potential, output
    /// limits and the edges of the linear zone (V); 1/C_m (1/F).
    private let excitatoryGain: UnsafeMutablePointer<Double>
    private let inhibitoryGain: UnsafeMutablePointer<Double>
    private let leak: UnsafeMutablePointer<Double>
    private let reset: UnsafeMutablePointer<Double>
    private let lowerLimit: UnsafeMutablePointer<Double>
    private let upperLimit: UnsafeMutablePointer<Double>
    private let lowerLinear: UnsafeMutablePointer<Double>
    private let upperLinear: UnsafeMutablePointer<Double>
    private let inverseCapacitance: UnsafeMutablePointer<Double>
    /// Per row (rows × padded): the plateau voltages P of the excitatory and inhibitory line.
    private let excitatoryPlateau: UnsafeMutablePointer<Double>
    private let inhibitoryPlateau: UnsafeMutablePointer<Double>
    /// Zeros: the plateau between pulses.
    private let zeros: UnsafeMutablePointer<Double>
    /// The state at the start and the end of a piece, and the sample's drift rate I/C_m.
    private var state: UnsafeMutablePointer<Double>
    private var next: UnsafeMutablePointer<Double>
    private let drift: UnsafeMutablePointer<Double>
    /// Column groups with a column that needs `gsl_odeiv2` in the current piece.
    private let flagged: UnsafeMutablePointer<Int32>
    /// The scalar ODE of one such column, and what it reads.
    private let column = ColumnProblem()
    private let columnIntegrator: ODEIntegrator

    init(_ batch: HemisphereBatch) throws {
        let c = batch.circuit
        let p = batch.parameters
        let block = batch.block.synapses
        let n = block.columns
        let lanes = Self.lanes
        columns = n
        padded = (n + lanes - 1) / lanes * lanes
        circuit = c
        parameters = p
        options = batch.options
        hemisphere = batch.hemisphere.index
        inverseTau = 1 / c.synapticTimeConstant
        saturates = p.otaSaturates
        inverseLinearRange = 1 / c.otaLinearRange
        compliance = p.membraneCompliance
        width = p.complianceWidth
        func buffer(_ count: Int) -> UnsafeMutablePointer<Double> {
            let pointer = UnsafeMutablePointer<Double>.allocate(capacity: count)
            pointer.initialize(repeating: 0, count: count)
            return pointer
        }
        excitatoryGain = buffer(padded)
        inhibitoryGain = buffer(padded)
        leak = buffer(padded)
        reset = buffer(padded)
        lowerLimit = buffer(padded)
        upperLimit = buffer(padded)
        lowerLinear = buffer(padded)
        upperLinear = buffer(padded)
        inverseCapacitance = buffer(padded)
        excitatoryPlateau = buffer(max(1, block.rows) * padded)
        inhibitoryPlateau = buffer(max(1, block.rows) * padded)
        zeros = buffer(padded)
        state = buffer(3 * padded)
        next = buffer(3 * padded)
        drift = buffer(padded)
        flagged = .allocate(capacity: padded / lanes)
        var largestLeak = 0.0
        for j in 0..<padded {
            // Padding columns: no currents, never near a limit.
            lowerLinear[j] = -.infinity
            upperLinear[j] = .infinity
            lowerLimit[j] = -.infinity
            upperLimit[j] = .infinity
        }
        for j in 0..<n {
            let capacitance = c.membraneCapacitance[j]
            inverseCapacitance[j] = 1 / capacitance
            if saturates {
                excitatoryGain[j] = c.excitatorySaturation[j] / capacitance
                inhibitoryGain[j] = c.inhibitorySaturation[j] / capacitance
            } else {
                excitatoryGain[j] = c.excitatoryTransconductance[j] / capacitance
                inhibitoryGain[j] = c.inhibitoryTransconductance[j] / capacitance
            }
            leak[j] = c.leakRate[j]
            largestLeak = max(largestLeak, c.leakRate[j])
            reset[j] = c.resetPotential[j]
            lowerLimit[j] = c.lowerLimit[j]
            upperLimit[j] = c.upperLimit[j]
            lowerLinear[j] = compliance ? c.lowerLimit[j] + width : -.infinity
            upperLinear[j] = compliance ? c.upperLimit[j] - width : .infinity
        }
        // Lines are kept in units of V_lin where the OTA saturates (tanh's argument), in volts
        // where it is linear.
        let lineScale =
            c.synapticTimeConstant / c.synapticCapacitance * (saturates ? inverseLinearRange : 1)
        for row in 0..<block.rows {
            for j in 0..<n {
                excitatoryPlateau[row * padded + j] =
                    block.excitatoryCurrent[row * n + j] * lineScale
                inhibitoryPlateau[row * padded + j] =
                    block.inhibitoryCurrent[row * n + j] * lineScale
            }
        }
        var longest = c.synapticTimeConstant / 8
        if largestLeak > 0 {
            longest = min(longest, PiecewiseMath.maximumLeakExponent / largestLeak)
        }
        longestPiece = longest
        let problem = column
        problem.configure(
            inverseTau: inverseTau, saturates: saturates, compliance: compliance, width: width)
        do {
            columnIntegrator = try ODEIntegrator(
                dimension: 1, stepper: options.stepper, tolerances: options.tolerances,
                checkedRHS: { t, y, dydt in problem.evaluate(t, y, dydt) })
        } catch {
            throw PhysicsError.integrationFailed("\(error)")
        }
    }

    deinit {
        for pointer in [
            excitatoryGain, inhibitoryGain, leak, reset, lowerLimit, upperLimit, lowerLinear,
            upperLinear, inverseCapacitance, excitatoryPlateau, inhibitoryPlateau, zeros, state,
            next, drift,
        ] {
            pointer.deallocate()
        }
        flagged.deallocate()
    }

    func run(
        inputs: UnsafeBufferPointer<UInt8>, noise: GSLRandom,
        trace: TraceRequest?, sample: Int
    ) throws -> SampleOutcome {
        let n = columns
        let (driftCurrents, events, readTime) = GSLPath.schedule(
            inputs: inputs, circuit: circuit, parameters: parameters, options: options,
            columns: n, noise: noise)
        let stride = padded
        for j in 0..<stride {
            state[j] = 0
            state[stride + j] = 0
            state[2 * stride + j] = reset[j]
            drift[j] = j < n ? driftCurrents[j] * inverseCapacitance[j] : 0
        }
        var recorder = try trace.map {
            try TraceRecorder(
                column: $0.column, columns: n, resolution: $0.resolution, readTime: readTime,
                eventCount: events.count, progress: $0.progress)
        }
        let volts = saturates ? 1 / inverseLinearRange : 1
        func record(_ t: Double) {
            guard let c = trace?.column else { return }
            recorder?.record(
                t, excitatory: state[c] * volts, inhibitory: state[stride + c] * volts,
                membrane: state[2 * stride + c])
        }
        record(0)
        var t = 0.0
        /// Advances the state to `end` with `row`'s pulse on (nil: no pulse).
        func advance(to end: Double, row: Int?) throws {
            guard end > t else { return }
            let plateaus =
                row.map { (excitatoryPlateau + $0 * stride, inhibitoryPlateau + $0 * stride) }
                ?? (zeros, zeros)
            while t < end {
                // Trace points (strictly inside) and the piece length cut the way to `end`.
                let tracePoint = recorder?.nextTime(after: t) ?? .infinity
                var stop = min(end, t + longestPiece, tracePoint)
                // A last sliver shorter than a picosecond joins the piece before it.
                if end - stop < 1e-12 { stop = end }
                try piece(
                    length: stop - t, excitatory: plateaus.0, inhibitory: plateaus.1, start: t)
                t = stop
                if t == tracePoint, t < end { record(t) }
            }
            record(end)
        }
        do {
            for event in events where event.width > 0 {
                try advance(to: event.time, row: nil)
                try advance(to: event.time + event.width, row: event.row)
            }
            try advance(to: readTime, row: nil)
        } catch {
            throw GSLPath.failure(error, hemisphere: hemisphere, sample: sample)
        }
        let membrane = Array(UnsafeBufferPointer(start: state + 2 * stride, count: n))
        // A NaN takes the linear branch (it fails no comparison) and arrives here.
        guard membrane.allSatisfy(\.isFinite) else {
            throw PhysicsError.nonFiniteState(
                hemisphere: hemisphere, sample: sample, time: readTime)
        }
        return SampleOutcome(
            membrane: membrane, readTime: readTime, events: events, recorder: recorder,
            circuit: circuit, parameters: parameters, noise: noise, hemisphere: hemisphere,
            sample: sample)
    }

    /// Gauss–Legendre rules on [0, 1]: three points, and two for pieces shorter than τ/40
    /// (a pulse), whose error term (h/τ)⁴ is then as small as the three-point rule's on τ/8.
    static let threePoint = (
        nodes: (
            0.5 - 0.5 * (0.6 as Double).squareRoot(), 0.5, 0.5 + 0.5 * (0.6 as Double).squareRoot()
        ),
        weights: (5.0 / 18, 8.0 / 18, 5.0 / 18)
    )
    static let twoPoint = (
        nodes: (0.5 - 0.5 / (3 as Double).squareRoot(), 0.5 + 0.5 / (3 as Double).squareRoot()),
        weights: (0.5, 0.5)
    )
    static let twoPointLimit = 1.0 / 40

    /// Advances every column by one piece of `length` seconds during which the lines are
    /// driven towards the (scaled) plateaus `excitatory` and `inhibitory` (padded values per
    /// column).
    private func piece(
        length h: Double, excitatory: UnsafeMutablePointer<Double>,
        inhibitory: UnsafeMutablePointer<Double>, start: Double
    ) throws {
        typealias M = PiecewiseMath
        let stride = padded
        let lanes = Self.lanes
        // The nodes: the lines' decay e^{−s/τ} there (common to all columns), the time from
        // there to the end (for the membrane's leak), and the weight, in seconds.
        let twoPoint = h * inverseTau <= Self.twoPointLimit
        let nodes: (Double, Double, Double)
        let weights: (Double, Double, Double)
        if twoPoint {
            let rule = Self.twoPoint
            nodes = (rule.nodes.0, rule.nodes.1, 1)
            weights = (rule.weights.0, rule.weights.1, 0)
        } else {
            (nodes, weights) = Self.threePoint
        }
        let q0 = Lanes(repeating: exp(-nodes.0 * h * inverseTau))
        let q1 = Lanes(repeating: exp(-nodes.1 * h * inverseTau))
        let q2 = Lanes(repeating: exp(-nodes.2 * h * inverseTau))
        let qh = Lanes(repeating: exp(-h * inverseTau))
        let u0 = Lanes(repeating: (1 - nodes.0) * h)
        let u1 = Lanes(repeating: (1 - nodes.1) * h)
        let u2 = Lanes(repeating: (1 - nodes.2) * h)
        let w0 = Lanes(repeating: weights.0 * h)
        let w1 = Lanes(repeating: weights.1 * h)
        let w2 = Lanes(repeating: weights.2 * h)
        let hh = Lanes(repeating: h)
        let saturating = saturates
        let slack = Lanes(repeating: 0.1)
        let one = Lanes(repeating: 1)
        var flaggedCount = 0
        @inline(__always) func load(_ p: UnsafeMutablePointer<Double>, _ j: Int) -> Lanes {
            UnsafeRawPointer(p + j).loadUnaligned(as: Lanes.self)
        }
        @inline(__always) func store(_ v: Lanes, _ p: UnsafeMutablePointer<Double>, _ j: Int) {
            UnsafeMutableRawPointer(p + j).storeBytes(of: v, as: Lanes.self)
        }
        var j = 0
        while j < stride {
            // Lines in units of V_lin (volts for a linear OTA).
            let pe = load(excitatory, j)
            let pi = load(inhibitory, j)
            let xe0 = load(state, j)
            let xi0 = load(state + stride, j)
            let vm0 = load(state + 2 * stride, j)
            let ge = load(excitatoryGain, j)
            let gi = load(inhibitoryGain, j)
            let lambda = load(leak, j)
            let vr = load(reset, j)
            let d = load(drift, j)
            let de = xe0 - pe
            let di = xi0 - pi
            /// The OTA currents over C_m at a node where the lines have decayed by `q`,
            /// weighted by the node's weight and the leak from there to the end.
            @inline(__always) func node(_ q: Lanes, _ u: Lanes, _ w: Lanes) -> Lanes {
                let xe = pe + de * q
                let xi = pi + di * q
                let current =
                    saturating ? ge * M.tanh(xe) - gi * M.tanh(xi) : ge * xe - gi * xi
                return w * M.shortDecay(lambda * u) * current
            }
            var integral = node(q0, u0, w0) + node(q1, u1, w1)
            if !twoPoint { integral = integral + node(q2, u2, w2) }
            let z = lambda * hh
            let vm1 = vr + (vm0 - vr) * M.decay(z) + d * hh * M.decayIntegral(z) + integral
            let xe1 = pe + de * qh
            let xi1 = pi + di * qh
            store(xe1, next, j)
            store(xi1, next + stride, j)
            store(vm1, next + 2 * stride, j)
            if compliance {
                // The fastest the membrane can move in this piece: the OTA currents at their
                // largest (lines are monotonic within a piece; |tanh x| ≤ min(1, |x|)), the
                // drift, and the leak from at most `slack` beyond where it starts.
                var xe = M.maximum(M.magnitude(xe0), M.magnitude(xe1))
                var xi = M.maximum(M.magnitude(xi0), M.magnitude(xi1))
                if saturating {
                    xe = M.minimum(xe, one)
                    xi = M.minimum(xi, one)
                }
                let rate =
                    ge * xe + gi * xi + M.magnitude(d) + lambda * (M.magnitude(vm0 - vr) + slack)
                let reach = rate * hh
                let outside =
                    (vm0 - reach .< load(lowerLinear, j)) .| (vm0 + reach .> load(upperLinear, j))
                    .| (reach .> slack)
                if any(outside) {
                    flagged[flaggedCount] = Int32(truncatingIfNeeded: j)
                    flaggedCount += 1
                }
            }
            j += lanes
        }
        // The columns that may reach the roll-off: the scalar ODE with GSL, from the state
        // at the piece's start.
        for index in 0..<flaggedCount {
            let group = Int(flagged[index])
            for lane in 0..<lanes where group + lane < columns {
                let c = group + lane
                let xe0 = state[c]
                let xi0 = state[stride + c]
                let vm0 = state[2 * stride + c]
                let rate =
                    excitatoryGain[c] * lineBound(xe0, next[c])
                    + inhibitoryGain[c] * lineBound(xi0, next[stride + c]) + abs(drift[c])
                    + leak[c] * (abs(vm0 - reset[c]) + 0.1)
                let reach = rate * h
                if reach <= 0.1, vm0 - reach >= lowerLinear[c], vm0 + reach <= upperLinear[c] {
                    continue
                }
                column.set(
                    excitatoryGain: excitatoryGain[c], inhibitoryGain: inhibitoryGain[c],
                    leak: leak[c], reset: reset[c], drift: drift[c], lowerLimit: lowerLimit[c],
                    upperLimit: upperLimit[c], excitatoryPlateau: excitatory[c],
                    excitatoryStart: xe0, inhibitoryPlateau: inhibitory[c],
                    inhibitoryStart: xi0)
                var y = [vm0]
                do {
                    try columnIntegrator.integrate(&y, from: 0, to: h)
                } catch NumericsError.nonFiniteState(let time) {
                    throw NumericsError.nonFiniteState(time: start + time)
                }
                next[2 * stride + c] = y[0]
            }
        }
        swap(&state, &next)
    }

    /// The bound on |tanh x| (or |x| for a linear OTA) of a line moving monotonically from
    /// `a` to `b` (in units of V_lin, or volts).
    @inline(__always)
    private func lineBound(_ a: Double, _ b: Double) -> Double {
        let largest = max(abs(a), abs(b))
        return saturates ? min(1, largest) : largest
    }
}

/// The membrane of one column over one piece, as a scalar ODE for `gsl_odeiv2`: the same
/// equation as ``MembraneSystem`` with the exact line voltages of the piece (in units of V_lin
/// where the OTA saturates, in volts where it is linear).
final class ColumnProblem {
    private var inverseTau = 0.0
    private var saturates = true
    private var compliance = true
    private var width = 0.1
    private var excitatoryGain = 0.0
    private var inhibitoryGain = 0.0
    private var leak = 0.0
    private var reset = 0.0
    private var drift = 0.0
    private var lowerLimit = 0.0
    private var upperLimit = 0.0
    private var excitatoryPlateau = 0.0
    private var excitatoryStart = 0.0
    private var inhibitoryPlateau = 0.0
    private var inhibitoryStart = 0.0

    func configure(
        inverseTau: Double, saturates: Bool, compliance: Bool, width: Double
    ) {
        self.inverseTau = inverseTau
        self.saturates = saturates
        self.compliance = compliance
        self.width = width
    }

    func set(
        excitatoryGain: Double, inhibitoryGain: Double, leak: Double, reset: Double,
        drift: Double, lowerLimit: Double, upperLimit: Double, excitatoryPlateau: Double,
        excitatoryStart: Double, inhibitoryPlateau: Double, inhibitoryStart: Double
    ) {
        self.excitatoryGain = excitatoryGain
        self.inhibitoryGain = inhibitoryGain
        self.leak = leak
        self.reset = reset
        self.drift = drift
        self.lowerLimit = lowerLimit
        self.upperLimit = upperLimit
        self.excitatoryPlateau = excitatoryPlateau
        self.excitatoryStart = excitatoryStart
        self.inhibitoryPlateau = inhibitoryPlateau
        self.inhibitoryStart = inhibitoryStart
    }

    /// dV/dt at local time t (seconds into the piece); false for a non-finite state.
    func evaluate(
        _ t: Double, _ y: UnsafeBufferPointer<Double>, _ dydt: UnsafeMutableBufferPointer<Double>
    ) -> Bool {
        let q = exp(-t * inverseTau)
        let xe = excitatoryPlateau + (excitatoryStart - excitatoryPlateau) * q
        let xi = inhibitoryPlateau + (inhibitoryStart - inhibitoryPlateau) * q
        let vm = y[0]
        var ie = saturates ? tanh(xe) : xe
        var ii = saturates ? tanh(xi) : xi
        ie *= excitatoryGain
        ii *= inhibitoryGain
        if compliance {
            ie *= OutputStage.rollOff(upperLimit - vm, width: width)
            ii *= OutputStage.rollOff(vm - lowerLimit, width: width)
        }
        let rate = ie - ii - leak * (vm - reset) + drift
        dydt[0] = rate
        return rate.isFinite && vm.isFinite
    }
}
