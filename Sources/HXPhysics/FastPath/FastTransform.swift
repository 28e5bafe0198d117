import Foundation
import HXNumerics

/// The per-column transform of the fast path: corrections to the linear excursion, noise and the
/// CADC, sixteen columns at a time.
extension FastPath {
    /// tanh(x)/x, the compression of an OTA driven at x = V/V_lin.
    @inline(__always)
    static func compression(_ x: Double) -> Double {
        if x < 0.25 {
            let x2 = x * x
            return 1 - x2 * (1.0 / 3 - x2 * 2.0 / 15)
        }
        return tanh(x) / x
    }

    /// The membrane excursion after the output stage's roll-off: the exact solution of
    /// dV/dq = f(headroom) for a charge `excursion` (in volts, linear) of one sign, starting
    /// with `headroom` volts to the limit it moves towards.
    static func limited(excursion: Double, headroom: Double, width: Double) -> Double {
        // G(h) = h − w for h ≥ w, (w/2)·ln(h/(2w − h)) below: charge needed to reach headroom h.
        func g(_ h: Double) -> Double {
            h >= width ? h - width : 0.5 * width * log(max(h, 1e-300) / (2 * width - h))
        }
        if headroom >= width, excursion <= headroom - width { return excursion }
        if headroom <= 0 { return 0 }
        let target = g(headroom) - excursion
        let finalHeadroom: Double
        if target >= 0 {
            finalHeadroom = target + width
        } else {
            let e = exp(2 * target / width)
            finalHeadroom = 2 * width * e / (1 + e)
        }
        return headroom - finalHeadroom
    }

    /// How a sample's charge reaches the membrane over time, for the leak near an output
    /// limit: events spread evenly over the train, each delivering its charge through the
    /// synaptic line as 1 − e^{−u/τ}. Evaluated at the midpoints of four equal parts of
    /// [0, t_read] (four points suffice: sixteen change the error against GSL by < 0.01 LSB).
    struct ArrivalProfile {
        /// The fraction of the charge at the read that has arrived at each midpoint.
        let fractions: SIMD4<Double>
        /// ∫ (arrived fraction) dt over [0, t_read], in seconds: in the linear regime, the leak
        /// λ takes λ · exposure of the charge.
        let exposure: Double
        let readTime: Double

        init(timing: SampleTiming, parameters p: PhysicsParameters) {
            let t = Double(timing.readTime)
            self.init(
                readTime: t, train: max(0, t - p.settlingTime),
                timeConstant: p.synapticTimeConstant)
        }

        /// The profile of a train lasting `train` seconds, read at `readTime`, on lines with
        /// time constant `tau`.
        init(readTime t: Double, train: Double, timeConstant tau: Double) {
            func arrived(_ u: Double) -> Double {
                guard train > 0 else { return 1 - exp(-u / tau) }
                let ramp = tau * (1 - exp(-min(u, train) / tau))
                if u <= train { return (u - ramp) / train }
                return (train - ramp + ramp * (1 - exp(-(u - train) / tau))) / train
            }
            let total = max(arrived(t), .leastNormalMagnitude)
            var f = SIMD4<Double>()
            for k in 0..<4 { f[k] = arrived((Double(k) + 0.5) / 4 * t) / total }
            fractions = f
            exposure = f.sum() * t / 4
            readTime = t
        }
    }

    /// The membrane excursion V_m − V_reset of column `j` at the read, in volts, before noise,
    /// computed in double precision (the reference for the vectorised transform), and the drift
    /// time (s): the read time shortened by the pseudo-leak.
    ///
    /// Near an output limit the OTA current rolls off, and the pseudo-leak acts on the actual,
    /// rolled-off voltage, not on the linear charge: the charge without the leak goes through
    /// the exact roll-off solution (``limited(excursion:headroom:width:)``), and the leak is
    /// taken from the voltage along the way, each loss at time t counting at the read with
    /// the share f(h_read)/f(h_t) that the later charge does not make up; the drift current
    /// bypasses the OTA and counts with the same shares. Without this the fast path read up
    /// to 0.9 LSB high near the limits (benchmarks/README.md).
    static func excursion(
        linear: Float, column j: Int, timing: SampleTiming, block: FastBlock,
        parameters p: PhysicsParameters
    ) -> (excursion: Double, driftTime: Double) {
        var profile: ArrivalProfile?
        return excursion(
            linear: linear, column: j, timing: timing, block: block, parameters: p,
            profile: &profile)
    }

    /// ``excursion(linear:column:timing:block:parameters:)`` with the sample's
    /// ``ArrivalProfile`` kept in `profile` once a column needs it (columns of one sample share
    /// it; most columns never reach a limit and never compute it).
    static func excursion(
        linear: Float, column j: Int, timing: SampleTiming, block: FastBlock,
        parameters p: PhysicsParameters, profile: inout ArrivalProfile?
    ) -> (excursion: Double, driftTime: Double) {
        func value(_ field: FastBlock.Field) -> Double { Double(block.value(field, j)) }
        var v = Double(linear)
        v -= v * value(.leakDeviation) * Double(timing.meanAge)
        if p.otaSaturates, timing.activity > 0 {
            let inverseWindow = 1 / (Double(timing.window) * p.otaLinearRange)
            let total = max(abs(v), Double(timing.activity) * value(.absoluteFraction))
            let e = 0.5 * (total + v)
            let i = 0.5 * (total - v)
            v =
                e * compression(e * value(.excitatoryLineFactor) * inverseWindow)
                - i * compression(i * value(.inhibitoryLineFactor) * inverseWindow)
        }
        let t = Double(timing.readTime)
        let lambda = value(.leakRate)
        let lt = lambda * t
        let driftTime = t * (1 - lt * (0.5 - lt * (1.0 / 6 - lt / 24)))
        let drift = value(.driftRate) * driftTime
        guard p.membraneCompliance, v != 0 else { return (v + drift, driftTime) }
        let sign: Double = v > 0 ? 1 : -1
        let reset = value(.reset)
        let headroom = sign > 0 ? value(.upperLimit) - reset : reset - value(.lowerLimit)
        let width = p.complianceWidth
        // Far from the limit (the charge, even without the leak, below h − w) nothing changes.
        let exposure = Double(timing.exposure)
        guard headroom < width || sign * v > (headroom - width) * (1 - lambda * exposure) else {
            return (v + drift, driftTime)
        }
        let arrival = profile ?? ArrivalProfile(timing: timing, parameters: p)
        profile = arrival
        // The charge towards the limit, with and without the leak (first order).
        let leaky = sign * v
        let linearLoss = lambda * arrival.exposure
        let charge = leaky / max(1e-6, 1 - linearLoss)
        let final = limited(excursion: charge, headroom: headroom, width: width)
        guard final < charge else { return (v + drift, driftTime) }
        let finalSlope = OutputStage.rollOff(headroom - final, width: width)
        var loss = 0.0
        var share = 0.0
        for k in 0..<4 {
            let voltage = limited(
                excursion: charge * arrival.fractions[k], headroom: headroom, width: width)
            let slope = OutputStage.rollOff(headroom - voltage, width: width)
            let kept = slope > 0 ? min(1, finalSlope / slope) : 1
            loss += voltage * kept
            share += kept
        }
        loss *= lambda * arrival.readTime / 4
        // The linear leak is in `leaky`; replace it by the loss along the rolled-off path. The
        // drift, a constant current, is made up in the same way.
        let excursion = leaky + (final - charge) - (loss - linearLoss * charge)
        return (sign * excursion + drift * share / 4, driftTime)
    }

    /// Per-call constants of the transform.
    struct TransformConstants {
        /// CADC read noise σ (LSB) and its square.
        let readNoise: Float
        let readVariance: Float
        /// 1/V_lin when the OTA saturates, 0 when it is linear (in 1/V).
        let inverseLinearRange: Float

        init(parameters p: PhysicsParameters) {
            readNoise = Float(p.readNoise)
            readVariance = Float(p.readNoise * p.readNoise)
            inverseLinearRange = p.otaSaturates ? Float(1 / p.otaLinearRange) : 0
        }
    }

    /// What the transform of one sample reads: its excursions, the block's column constants,
    /// its noise draws, and its per-sample scalars broadcast to all lanes.
    struct TransformInputs {
        let y: UnsafePointer<Float>
        let table: UnsafePointer<Float>
        /// The result read's standard normals at `columns`…, and the baseline read's 16-bit
        /// uniforms with the table they index (``FastBlock/baselineThresholds``).
        let noise: UnsafePointer<Float>
        let uniforms: UnsafePointer<UInt16>
        let thresholds: UnsafePointer<Int16>
        let stride: Int
        let columns: Int
        /// −(mean event age) (s), read time t and −t (s), activity (V).
        let negatedMeanAge: Lanes
        let readTime: Lanes
        let negatedReadTime: Lanes
        /// ``SampleTiming/exposure`` (s).
        let exposure: Lanes
        let activity: Lanes
        /// (1 / (window · V_lin))², 0 when the OTA is linear (1/(V·s)²).
        let squaredInverseWindow: Lanes
        let readVariance: Lanes

        @_transparent
        func field(_ f: FastBlock.Field, _ j: Int) -> Lanes {
            FastPath.load(table + (f.rawValue &* stride &+ j))
        }
    }

    /// The excursion (V) and drift time (s) of columns j..<j+16, and the mask of columns whose
    /// polynomial corrections are not accurate enough.
    @_transparent
    static func excursionLanes(
        _ c: TransformInputs, _ j: Int
    ) -> (excursion: Lanes, driftTime: Lanes, exact: LaneMask) {
        let one = Lanes(repeating: 1)
        let half = Lanes(repeating: 0.5)
        // Leak spread, first order in (λ_j − λ̄)·age (below 1e-2).
        let linear = load(c.y + j)
        var v = linear * one.addingProduct(c.field(.leakDeviation, j), c.negatedMeanAge)
        // OTA saturation: tanh(x)/x to x⁴ for x < 0.25 (next term below 1.3e-5); larger x are
        // flagged for the exact function.
        let total = maximum(magnitude(v), c.field(.absoluteFraction, j) * c.activity)
        let e = half * (total + v)
        let i = e - v
        let ue = e * c.field(.excitatoryLineFactor, j)
        let ui = i * c.field(.inhibitoryLineFactor, j)
        let xe2 = ue * ue * c.squaredInverseWindow
        let xi2 = ui * ui * c.squaredInverseWindow
        let third = Lanes(repeating: 1 / 3)
        let twoFifteenths = Lanes(repeating: -2 / 15)
        let ce = one - xe2 * third.addingProduct(xe2, twoFifteenths)
        let ci = one - xi2 * third.addingProduct(xi2, twoFifteenths)
        v = e * ce - i * ci
        // Drift over the read time shortened by the pseudo-leak: t(1 − λt/2 + (λt)²/6 − …).
        let u = c.field(.leakRate, j) * c.negatedReadTime
        let series = Lanes(repeating: 1 / 6).addingProduct(u, Lanes(repeating: 1 / 24))
        let driftTime = one.addingProduct(u, half.addingProduct(u, series)) * c.readTime
        // The rare columns that need tanh, the roll-off near an output limit, or both. The
        // roll-off sees the charge without the leak, v / (1 − λ · exposure): it begins where
        // v exceeds the linear limit times (1 − λ · exposure).
        let kept = one - c.field(.leakRate, j) * c.exposure
        let saturated = maximum(xe2, xi2) .>= Lanes(repeating: 0.0625)
        let high = v .> c.field(.upperLinearLimit, j) * kept
        let low = v .< c.field(.lowerLinearLimit, j) * kept
        v = v.addingProduct(c.field(.driftRate, j), driftTime)
        return (v, driftTime, saturated .| high .| low)
    }

    /// The CADC codes of columns j..<j+16: read noise on both reads, drift noise on the
    /// result, rounding, clipping, and the difference saturated to int8, as bit patterns whose
    /// low bytes are the codes (see ``roundingMagic``).
    @_transparent
    static func codeLanes(
        _ c: TransformInputs, _ j: Int, excursion v: Lanes, driftTime: Lanes
    ) -> (output: LaneBits, result: LaneBits, baseline: LaneBits) {
        let driftSigma = c.field(.driftNoiseRate, j) * driftTime
        let sigma = squareRoot(c.readVariance.addingProduct(driftSigma, driftSigma))
        let code = c.field(.baselineCode, j)
        let signal = code.addingProduct(v, c.field(.cadcGain, j))
        let r = quantisedPlusMagic(signal.addingProduct(sigma, load(c.noise + (c.columns &+ j))))
        let b = baselineLanes(c, j)
        // Both carry the same constant: their difference is exact.
        let difference = minimum(maximum(r - b, Lanes(repeating: -128)), Lanes(repeating: 127))
        return (
            patterns(difference), unsafeBitCast(r, to: LaneBits.self),
            unsafeBitCast(b, to: LaneBits.self)
        )
    }

    /// The baseline codes of columns j..<j+16, plus ``roundingMagic``: drawn directly from
    /// their distribution (read noise on the reset potential's code, rounded and clipped), as
    /// the lowest code of the table plus the number of thresholds the sample's uniform reaches.
    /// Exact to 2⁻¹⁶ in probability, where a normal draw and rounding would cost a normal per
    /// column.
    @_transparent
    static func baselineLanes(_ c: TransformInputs, _ j: Int) -> Lanes {
        // u − 32768 as a signed 16-bit value: flipping the top bit.
        let u = unsafeBitCast(
            UnsafeRawPointer(c.uniforms + j).loadUnaligned(as: SIMD16<UInt16>.self)
                ^ SIMD16(repeating: 0x8000), to: SIMD16<Int16>.self)
        var reached = SIMD16<Int16>()
        for m in 0..<FastBlock.baselineThresholdCount {
            let threshold = UnsafeRawPointer(c.thresholds + (m &* c.stride &+ j))
                .loadUnaligned(as: SIMD16<Int16>.self)
            // A true lane of the mask is −1 as an integer.
            reached &-= unsafeBitCast(u .> threshold, to: SIMD16<Int16>.self)
        }
        let count = LaneBits(truncatingIfNeeded: reached)
        // lowest + magic plus an integer count: the bit patterns add exactly.
        let lowest = unsafeBitCast(c.field(.baselineLowest, j), to: LaneBits.self)
        let code = unsafeBitCast(lowest &+ count, to: Lanes.self)
        return minimum(
            maximum(code, Lanes(repeating: roundingMagic)), Lanes(repeating: roundingMagic + 255))
    }

    /// Stores the codes of columns j..<j+16 (fewer in the last group of a block whose width is
    /// not a multiple of 16): the low byte of each pattern. Lane by lane in the source, which
    /// the compiler turns into one narrowing store (`SIMD16<Int8>(truncatingIfNeeded:)` gives
    /// two instructions and a shuffle).
    @_transparent
    static func store(
        _ codes: (output: LaneBits, result: LaneBits, baseline: LaneBits), _ j: Int,
        columns n: Int, output: UnsafeMutablePointer<Int8>,
        baseline: UnsafeMutablePointer<UInt8>?, result: UnsafeMutablePointer<UInt8>?
    ) {
        if j &+ lanes <= n {
            let out = output + j
            for lane in 0..<16 { out[lane] = Int8(truncatingIfNeeded: codes.output[lane]) }
        } else {
            for lane in 0..<(n &- j) {
                output[j &+ lane] = Int8(truncatingIfNeeded: codes.output[lane])
            }
        }
        if let baseline, let result {
            for lane in 0..<min(lanes, n &- j) {
                result[j &+ lane] = UInt8(truncatingIfNeeded: codes.result[lane])
                baseline[j &+ lane] = UInt8(truncatingIfNeeded: codes.baseline[lane])
            }
        }
    }

    /// One pass over a sample's groups of sixteen columns: the codes stored, and the groups
    /// with a column that needs the exact functions written to `flagged`; returns their count.
    @_transparent
    static func groups(
        _ c: TransformInputs, flagged: UnsafeMutablePointer<Int32>,
        output: UnsafeMutablePointer<Int8>, baseline: UnsafeMutablePointer<UInt8>?,
        result: UnsafeMutablePointer<UInt8>?
    ) -> Int {
        var count = 0
        var j = 0
        while j < c.stride {
            let (v, driftTime, exact) = excursionLanes(c, j)
            if anyLane(exact) {
                flagged[count] = Int32(truncatingIfNeeded: j)
                count &+= 1
            }
            let codes = codeLanes(c, j, excursion: v, driftTime: driftTime)
            store(codes, j, columns: c.columns, output: output, baseline: baseline, result: result)
            j &+= lanes
        }
        return count
    }

    /// The transform of one sample: the excursion of every column, then read noise, drift
    /// noise and the CADC. `y` holds the sample's linear excursions (paddedColumns values),
    /// `table` is the block's ``FastBlock/columnTable``; `noise` and `uniforms` hold the draws
    /// of ``drawReadNoise(into:uniforms:columns:paddedColumns:key:)``.
    /// `flagged` is scratch space for paddedColumns / 16 group indices.
    ///
    /// One pass of sixteen columns at a time in explicit SIMD (about 60 vector instructions
    /// per group, no calls). A group with a column that needs the exact functions (OTA far
    /// into saturation, membrane near a limit) is noted and redone after the pass, those
    /// columns computed in double precision by
    /// ``excursion(linear:column:timing:block:parameters:)``: keeping the call out of the main
    /// loop keeps its sixteen-lane values in registers.
    static func transform(
        y: UnsafePointer<Float>, timing: SampleTiming, block: FastBlock,
        table: UnsafePointer<Float>, constants: TransformConstants,
        parameters p: PhysicsParameters, noise: UnsafePointer<Float>,
        uniforms: UnsafePointer<UInt16>, thresholds: UnsafePointer<Int16>,
        flagged: UnsafeMutablePointer<Int32>, output: UnsafeMutablePointer<Int8>,
        baseline: UnsafeMutablePointer<UInt8>?, result: UnsafeMutablePointer<UInt8>?
    ) {
        let n = block.columns
        let stride = block.paddedColumns
        // Without saturation the compression terms vanish: a zero window factor does it.
        let inverseWindow: Float =
            timing.activity > 0 ? constants.inverseLinearRange / timing.window : 0
        let c = TransformInputs(
            y: y, table: table, noise: noise, uniforms: uniforms, thresholds: thresholds,
            stride: stride, columns: n,
            negatedMeanAge: Lanes(repeating: -timing.meanAge),
            readTime: Lanes(repeating: timing.readTime),
            negatedReadTime: Lanes(repeating: -timing.readTime),
            exposure: Lanes(repeating: timing.exposure),
            activity: Lanes(repeating: timing.activity),
            squaredInverseWindow: Lanes(repeating: inverseWindow * inverseWindow),
            readVariance: Lanes(repeating: constants.readVariance))
        // The same pass twice, once without the raw-code stores: with `nil` spelled out, the
        // compiler drops the optional stores and keeps the common case's loop free of them.
        let count =
            baseline == nil || result == nil
            ? groups(c, flagged: flagged, output: output, baseline: nil, result: nil)
            : groups(c, flagged: flagged, output: output, baseline: baseline, result: result)
        var profile: ArrivalProfile?
        for index in 0..<count {
            let j = Int(flagged[index])
            var (v, driftTime, exact) = excursionLanes(c, j)
            for lane in 0..<lanes where exact[lane] && j + lane < n {
                v[lane] = Float(
                    excursion(
                        linear: y[j + lane], column: j + lane, timing: timing, block: block,
                        parameters: p, profile: &profile
                    ).excursion)
            }
            let codes = codeLanes(c, j, excursion: v, driftTime: driftTime)
            store(codes, j, columns: n, output: output, baseline: baseline, result: result)
        }
    }
}
