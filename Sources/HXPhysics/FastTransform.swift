import Foundation
import HXNumerics

/// The per-column transform of the fast path: corrections to the linear excursion, noise and the
/// CADC, eight columns at a time.
extension FastPath {
    private typealias Lanes = SIMD8<Float>
    private typealias Ints = SIMD8<Int32>

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

    /// The membrane excursion V_m − V_reset of column `j` at the read, in volts, before noise,
    /// computed in double precision (the reference for the vectorised transform), and the drift
    /// time (s): the read time shortened by the pseudo-leak.
    static func excursion(
        linear: Float, column j: Int, timing: SampleTiming, block: FastBlock,
        parameters p: PhysicsParameters
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
        let lt = value(.leakRate) * t
        let driftTime = t * (1 - lt * (0.5 - lt * (1.0 / 6 - lt / 24)))
        v += value(.driftRate) * driftTime
        if p.membraneCompliance {
            let reset = value(.reset)
            if v > 0 {
                v = limited(
                    excursion: v, headroom: value(.upperLimit) - reset, width: p.complianceWidth)
            } else if v < 0 {
                v = -limited(
                    excursion: -v, headroom: reset - value(.lowerLimit), width: p.complianceWidth)
            }
        }
        return (v, driftTime)
    }

    /// The CADC code nearest to `code`, clipped to 0…255.
    @inline(__always)
    static func roundedCode(_ code: Float) -> Int32 {
        let clipped = min(max(code, 0), 255)
        return Int32(bitPattern: (clipped + 12_582_912).bitPattern) &- 0x4B40_0000
    }

    /// Per-column scratch space of one sample's transform.
    struct TransformScratch {
        /// The excursion (V), the drift time (s) and a flag (1 = recompute exactly) per column.
        let excursion: UnsafeMutablePointer<Float>
        let driftTime: UnsafeMutablePointer<Float>
        let exact: UnsafeMutablePointer<Float>
    }

    /// The transform of one sample: the excursion of every column, then read noise, drift noise
    /// and the CADC. `table` is the block's ``FastBlock/columnTable``; `noise` holds
    /// 2 × columns standard-normal values (baseline reads first).
    ///
    /// Written as three plain loops so that the compiler vectorises the first and the last:
    /// the excursion with its polynomial corrections and a flag for the rare columns that need
    /// the exact functions (OTA far into saturation, membrane near a limit); the exact
    /// recomputation of the flagged columns; noise, rounding and clipping.
    static func transform(
        y: UnsafePointer<Float>, timing: SampleTiming, block: FastBlock,
        table: UnsafePointer<Float>, parameters p: PhysicsParameters, noise: UnsafePointer<Float>,
        scratch: TransformScratch, output: UnsafeMutablePointer<Int8>,
        baseline: UnsafeMutablePointer<UInt8>?, result: UnsafeMutablePointer<UInt8>?
    ) {
        let n = block.columns
        func field(_ f: FastBlock.Field) -> UnsafePointer<Float> { table + f.rawValue * n }
        let deviation = field(.leakDeviation)
        let fractions = field(.absoluteFraction)
        let excitatory = field(.excitatoryLineFactor)
        let inhibitory = field(.inhibitoryLineFactor)
        let leak = field(.leakRate)
        let drift = field(.driftRate)
        let driftNoise = field(.driftNoiseRate)
        let upper = field(.upperLinearLimit)
        let lower = field(.lowerLinearLimit)
        let gains = field(.cadcGain)
        let codes = field(.baselineCode)
        let excursion = scratch.excursion
        let driftTimes = scratch.driftTime
        let exact = scratch.exact
        let meanAge = timing.meanAge
        let t = timing.readTime
        let activity = timing.activity
        // Without saturation the compression terms vanish: a zero window factor does it.
        let inverseWindow: Float =
            p.otaSaturates && activity > 0 ? 1 / (timing.window * Float(p.otaLinearRange)) : 0

        // 1. The excursion. Short loops with few pointers each, so that the compiler's alias
        // checks stay cheap and every loop vectorises; the data stays in L1.
        // Leak spread, first order in (λ_j − λ̄)·age (below 1e-2).
        for j in 0..<n { excursion[j] = y[j] - y[j] * deviation[j] * meanAge }
        // OTA saturation: tanh(x)/x to x⁴ for x < 0.25 (next term below 1.3e-5); larger x are
        // flagged for the exact function.
        for j in 0..<n {
            let v = excursion[j]
            let total = max(abs(v), fractions[j] * activity)
            let e = 0.5 * (total + v)
            let i = e - v
            let xe = e * excitatory[j] * inverseWindow
            let xi = i * inhibitory[j] * inverseWindow
            let ce = 1 - xe * xe * (1 / 3 - xe * xe * (2 / 15))
            let ci = 1 - xi * xi * (1 / 3 - xi * xi * (2 / 15))
            excursion[j] = e * ce - i * ci
            exact[j] = max(xe, xi) >= 0.25 ? 1 : 0
        }
        // Drift over the read time shortened by the pseudo-leak.
        for j in 0..<n {
            let lt = leak[j] * t
            let dt = t * (1 - lt * (0.5 - lt * (1 / 6 - lt * (1 / 24))))
            driftTimes[j] = dt
            excursion[j] += drift[j] * dt
        }
        // Columns near an output limit need the roll-off.
        for j in 0..<n {
            let w = excursion[j]
            exact[j] = w > upper[j] || -w > lower[j] ? 1 : exact[j]
        }
        // 2. The rare columns that need tanh, the logarithm of the roll-off, or both.
        var anyExact: Float = 0
        for j in 0..<n { anyExact = max(anyExact, exact[j]) }
        if anyExact != 0 {
            for j in 0..<n where exact[j] != 0 {
                excursion[j] = Float(
                    self.excursion(
                        linear: y[j], column: j, timing: timing, block: block, parameters: p
                    ).excursion)
            }
        }
        // 3. Read noise on both reads, drift noise on the result, rounding, clipping. The
        // scratch space ends up holding the raw codes, in case they are wanted.
        let readNoise = Float(p.readNoise)
        let readVariance = readNoise * readNoise
        for j in 0..<n {
            let driftSigma = driftNoise[j] * driftTimes[j]
            driftTimes[j] = (readVariance + driftSigma * driftSigma).squareRoot()
        }
        for j in 0..<n {
            excursion[j] = codes[j] + excursion[j] * gains[j]
            exact[j] = codes[j]
        }
        // Round to the nearest code (ties to even) by adding 1.5 · 2²³: plain bit arithmetic,
        // which vectorises where a checked conversion would not.
        for j in 0..<n {
            let r = min(max(excursion[j] + driftTimes[j] * noise[n + j], 0), 255) + 12_582_912
            let b = min(max(exact[j] + readNoise * noise[j], 0), 255) + 12_582_912
            excursion[j] = r - 12_582_912
            driftTimes[j] = b - 12_582_912
            exact[j] = min(max(r - b, -128), 127)
        }
        for j in 0..<n {
            output[j] = Int8(
                truncatingIfNeeded: Int32(bitPattern: (exact[j] + 12_582_912).bitPattern)
                    &- 0x4B40_0000)
        }
        if let baseline, let result {
            for j in 0..<n {
                baseline[j] = UInt8(driftTimes[j])
                result[j] = UInt8(excursion[j])
            }
        }
    }
}
