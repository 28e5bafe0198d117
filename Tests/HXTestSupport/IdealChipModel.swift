import Foundation
import HXPhysics

/// The chip of docs/MODEL.md without mismatch and noise, written down here from the document's
/// formulas and nothing of the implementation but its public parameters and configuration:
/// the event schedule (§2 "Events"), the pulse widths, the synapse currents from the synapse
/// bias cell, the OTA transconductance, the membrane's linear response (closed form), the read
/// time, the CADC conversion and the projected time (§4).
///
/// It is the independent expectation of tests of the ideal chip. In the linear regime (linear
/// OTA, no output limits) the membrane voltage it gives is exact; with the default tanh OTA and
/// output stage it is the small-signal limit.
public struct IdealChipModel: Sendable {
    /// The parameters of the chip.
    public let parameters: PhysicsParameters
    /// The configuration of the hemisphere (the nominal one unless given).
    public let configuration: HemisphereConfiguration

    /// The model of a chip with `parameters` in `configuration` (nominal by default).
    public init(
        parameters: PhysicsParameters = PhysicsParameters().withoutMismatchOrNoise,
        configuration: HemisphereConfiguration? = nil
    ) {
        self.parameters = parameters
        self.configuration = configuration ?? HemisphereConfiguration(nominalFor: parameters)
    }

    // MARK: Cells (§3): value 0…1022 spans 0…full scale; an ideal DAC has no gain or offset error.

    /// A current cell's output, in amperes.
    public func current(cell value: Int) -> Double {
        Double(value) / 1022 * parameters.cellCurrentFullScale
    }

    /// A voltage cell's output, in volts.
    public func voltage(cell value: Int) -> Double {
        Double(value) / 1022 * parameters.cellVoltageFullScale
    }

    // MARK: Events and pulses (§2)

    /// One input event: its start (s after the baseline read), width (s), row and activation.
    public struct Event: Equatable, Sendable {
        public var time: Double
        public var width: Double
        public var row: Int
        public var activation: Int
    }

    /// Event spacing, in seconds: `wait` FPGA cycles.
    public func spacing(wait: Int) -> Double { Double(wait) * parameters.fpgaClockPeriod }

    /// The pulse width of activation `a` on driver (row) `row`: a/31 · 4 ns plus the trim's
    /// offset (trim − 8) · step, never negative.
    public func pulseWidth(activation a: Int, row: Int = 0) -> Double {
        max(
            0,
            Double(a) / 31 * parameters.maxPulseWidth
                + Double(configuration.pulseOffsetTrim[row] - 8) * parameters.pulseOffsetTrimStep)
    }

    /// The events of one input vector: one per non-zero input, in row order, the vector sent
    /// `numSends` times; event k starts at k · wait · 8 ns.
    public func events(inputs: [Int], numSends: Int, wait: Int) -> [Event] {
        let active = inputs.indices.filter { inputs[$0] > 0 }
        var events: [Event] = []
        for send in 0..<numSends {
            for (position, row) in active.enumerated() {
                let k = send * active.count + position
                events.append(
                    Event(
                        time: Double(k) * spacing(wait: wait),
                        width: pulseWidth(activation: inputs[row], row: row), row: row,
                        activation: inputs[row]))
            }
        }
        return events
    }

    /// The time of the result read: the end of the last event slot plus the settling time, in
    /// seconds after the baseline read.
    public func readTime(eventCount: Int, wait: Int) -> Double {
        Double(eventCount) * spacing(wait: wait) + parameters.settlingTime
    }

    /// The projected time of a batch on the real chip (§4), in seconds: per vector, its
    /// non-zero inputs × numSends × wait × 8 ns, plus the fixed overhead. `hemispheres` holds
    /// the batch of each busy hemisphere (same batch size); a vector takes as long as the
    /// busier hemisphere.
    public func projectedTime(hemispheres: [[[Int]]], numSends: Int, wait: Int) -> Double {
        let batch = hemispheres.map(\.count).max() ?? 0
        var total = 0.0
        for b in 0..<batch {
            let events = hemispheres.map { $0[b].filter { $0 > 0 }.count }.max() ?? 0
            total +=
                Double(events * numSends) * spacing(wait: wait)
                + parameters.fixedOverheadPerVector
        }
        return total
    }

    // MARK: Currents and the linear chain (§2)

    /// The current of one weight LSB, I_bias,syn / 63, in amperes.
    public var lsbCurrent: Double { current(cell: configuration.synapseBias) / 63 }

    /// The current a synapse of weight `w` sources while its pulse is on, in amperes.
    public func synapseCurrent(weight w: Int) -> Double { Double(abs(w)) * lsbCurrent }

    /// The excitatory OTA's small-signal transconductance of column `j`, I_gm / V_lin, in S.
    public func excitatoryTransconductance(column j: Int) -> Double {
        current(cell: configuration.excitatoryOTABias[j]) / parameters.otaLinearRange
    }

    /// The inhibitory OTA's small-signal transconductance of column `j`, in S.
    public func inhibitoryTransconductance(column j: Int) -> Double {
        current(cell: configuration.inhibitoryOTABias[j]) / parameters.otaLinearRange
    }

    /// The pseudo-leak rate g_L / C_m, in 1/s.
    public var leakRate: Double {
        parameters.pseudoLeakConductance / parameters.membraneCapacitance
    }

    /// The reset potential of column `j`, in volts.
    public func resetPotential(column j: Int) -> Double {
        voltage(cell: configuration.resetPotential[j])
    }

    /// The excursion (V) per unit of weight of every input row in column `j`, for excitatory
    /// and inhibitory weights: ``linearExcursion(inputs:column:columnIndex:numSends:wait:)``
    /// is Σ_i w_i · (w_i > 0 ? excitatory[i] : inhibitory[i]) (the chain is linear).
    public func rowResponses(
        inputs: [Int], columnIndex j: Int = 0, numSends: Int = 1, wait: Int = 5
    ) -> (excitatory: [Double], inhibitory: [Double]) {
        var excitatory = [Double](repeating: 0, count: inputs.count)
        var inhibitory = excitatory
        for row in inputs.indices where inputs[row] > 0 {
            var unit = [Int](repeating: 0, count: inputs.count)
            unit[row] = 1
            excitatory[row] = linearExcursion(
                inputs: inputs, column: unit, columnIndex: j, numSends: numSends, wait: wait)
            unit[row] = -1
            inhibitory[row] = -linearExcursion(
                inputs: inputs, column: unit, columnIndex: j, numSends: numSends, wait: wait)
        }
        return (excitatory, inhibitory)
    }

    /// The membrane voltage's excursion from reset at the result read (V) of column `j` with
    /// weights `column` (one per input row), for a linear OTA and no output limits: each pulse
    /// of current I and width d charges its line to V_s = (Iτ/C_syn)(1 − e^{−u/τ}), which then
    /// decays; the membrane integrates g·V_s / C_m, leaking at rate λ towards reset, up to the
    /// read.
    public func linearExcursion(
        inputs: [Int], column weights: [Int], columnIndex j: Int = 0, numSends: Int = 1,
        wait: Int = 5
    ) -> Double {
        let events = events(inputs: inputs, numSends: numSends, wait: wait)
        let read = readTime(eventCount: events.count, wait: wait)
        let tau = parameters.synapticTimeConstant
        let lambda = leakRate
        // ∫_0^D e^{k u} du
        func expIntegral(_ k: Double, _ d: Double) -> Double {
            abs(k) < 1e-300 ? d : expm1(k * d) / k
        }
        var v = 0.0
        for event in events where event.width > 0 {
            let w = weights[event.row]
            guard w != 0 else { continue }
            let g =
                w > 0
                ? excitatoryTransconductance(column: j) : inhibitoryTransconductance(column: j)
            let plateau = synapseCurrent(weight: w) * tau / parameters.synapticCapacitance
            let (t0, d) = (event.time, event.width)
            let t1 = t0 + d
            let during =
                plateau * exp(-lambda * (read - t0))
                * (expIntegral(lambda, d) - expIntegral(lambda - 1 / tau, d))
            let v1 = plateau * (1 - exp(-d / tau))
            let after = v1 * exp(-lambda * (read - t1)) * expIntegral(lambda - 1 / tau, read - t1)
            v += (w > 0 ? 1 : -1) * g / parameters.membraneCapacitance * (during + after)
        }
        return v
    }

    // MARK: CADC (§2)

    /// The size of one CADC LSB, in volts: the nominal LSB scaled by the ramp current.
    public var cadcLSB: Double {
        let nominal =
            (parameters.cadcHighReferenceVoltage - parameters.cadcLowReferenceVoltage)
            / (parameters.cadcHighReferenceCode - parameters.cadcLowReferenceCode)
        return nominal * current(cell: configuration.cadcRampCurrent)
            / parameters.nominalCADCRampCurrent
    }

    /// The continuous code of `voltage` on channel `j` (before rounding and clipping).
    public func continuousCode(voltage: Double, column j: Int = 0) -> Double {
        (voltage - self.voltage(cell: configuration.cadcRampStart)) / cadcLSB
            + Double(configuration.cadcDigitalOffset[j])
    }

    /// The output of column `j` for a membrane excursion (V): round(result code) − round(
    /// baseline code), each clipped to 0…255, the difference saturated to −128…127.
    public func output(excursion: Double, column j: Int = 0) -> Int {
        func code(_ v: Double) -> Int {
            Int(min(max(continuousCode(voltage: v, column: j), 0), 255).rounded())
        }
        let reset = resetPotential(column: j)
        return min(max(code(reset + excursion) - code(reset), -128), 127)
    }

    /// The small-signal gain of the ideal chip without leak: output (LSB) per unit of Σ a·w
    /// and per send, g_m · τ · I_LSB · (4 ns / 31) / (C_syn · C_m · LSB). About 0.002, the
    /// mock's gain of hxtorch.
    public var smallSignalGain: Double {
        excitatoryTransconductance(column: 0) * parameters.synapticTimeConstant * lsbCurrent
            * parameters.maxPulseWidth / 31
            / (parameters.synapticCapacitance * parameters.membraneCapacitance * cadcLSB)
    }
}
