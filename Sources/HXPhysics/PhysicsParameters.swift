/// Every number of the chip model, in SI units, with the defaults of docs/SPECIFICATION.md.
///
/// The parameter set is a plain value: copy it, change a field, build a chip from it. Each
/// field has a ``ParameterDescriptor`` in ``PhysicsParameters/descriptors`` with its unit,
/// allowed range and source, which is what JSON files, sweeps and `hxsim chip` use. Sources:
/// [hxtorch], [grenade], [calix], [haldls], [demos] as in docs/SPECIFICATION.md; [assumed] marks a value no
/// public source gave, chosen so the emergent behaviour matches the anchors of docs/SPECIFICATION.md §5;
/// [derived] marks a value computed from those anchors (see docs/MODEL.md).
public struct PhysicsParameters: Sendable, Equatable, Hashable {
    // MARK: Events and pulses (docs/SPECIFICATION.md §2.1–2.2)

    /// FPGA clock period: the unit of `waitBetweenEvents`, in seconds (125 MHz) [hxtorch].
    public var fpgaClockPeriod = 8e-9
    /// Pulse width for activation 31, in seconds ("0 to 4 ns") [haldls, demos].
    public var maxPulseWidth = 4e-9
    /// Relative standard deviation of a synapse driver's pulse-width gain [assumed].
    public var driverGainMismatch = 0.02
    /// Standard deviation of a driver's pulse-width offset, in seconds [assumed].
    public var driverOffsetMismatch = 0.05e-9
    /// Pulse-width change per step of the 4-bit pulse-offset trim (8 is neutral), in seconds
    /// [assumed].
    public var pulseOffsetTrimStep = 0.025e-9
    /// Trial-to-trial pulse-width jitter, relative standard deviation per event [assumed].
    public var pulseJitter = 0.12

    // MARK: Synapses (§2.3)

    /// Relative standard deviation of each synapse's current [assumed].
    public var synapseMismatch = 0.05
    /// End-to-end relative gradient of synapse currents along a row, from the distance to the
    /// synapse drivers (columns far from the drivers are weaker) [demos, size assumed].
    public var synapseRowGradient = 0.01

    // MARK: Synaptic input and OTA (§2.4)

    /// Synaptic-input time constant τ_syn, in seconds [calix target].
    public var synapticTimeConstant = 0.32e-6
    /// Capacitance of a synaptic-input line C_syn, in farads [assumed].
    public var synapticCapacitance = 0.2e-12
    /// Linear range V_lin of the OTA's tanh transfer, in volts: I = I_gm · tanh(V_syn / V_lin)
    /// [assumed].
    public var otaLinearRange = 0.15
    /// Relative standard deviation of each column's OTA transconductance before calibration
    /// [assumed].
    public var otaMismatch = 0.10
    /// Whether the OTA saturates (tanh). Off, the OTA is linear, I = g_m · V_syn: the regime of
    /// the closed-form tests.
    public var otaSaturates = true

    // MARK: Membrane (§2.5)

    /// Membrane capacitance C_m, in farads (63 LSB, the maximum) [haldls, hxtorch].
    public var membraneCapacitance = 2.2e-12
    /// Relative standard deviation of C_m over columns [assumed].
    public var membraneCapacitanceMismatch = 0.02
    /// Residual pseudo-leak conductance through the synaptic-input OTAs, in siemens; 0 disables
    /// it. The default gives τ = C_m/g = 100 µs [calix, value assumed].
    public var pseudoLeakConductance = 22e-9
    /// Relative standard deviation of the pseudo-leak over columns [assumed].
    public var pseudoLeakMismatch = 0.10
    /// Standard deviation over columns of a fixed drift current onto the membrane, in amperes
    /// [assumed].
    public var driftCurrentMismatch = 0.5e-9
    /// Trial-to-trial standard deviation of the drift current (constant within one execution),
    /// in amperes [assumed].
    public var driftCurrentNoise = 1.0e-9
    /// Lower limit of the OTA output stage, in volts; the membrane cannot be pulled below it
    /// [assumed].
    public var outputLowerLimit = 0.305
    /// Upper limit of the OTA output stage, in volts [assumed].
    public var outputUpperLimit = 0.945
    /// Standard deviation of both output limits over columns, in volts [assumed].
    public var outputLimitMismatch = 0.01
    /// Width of the triode roll-off near each limit, in volts (≈ 0.1 V) [specification].
    public var complianceWidth = 0.1
    /// Whether the OTA output loses headroom near the limits. Off, the membrane is unbounded
    /// (the CADC still clips).
    public var membraneCompliance = true

    // MARK: Reset, baseline and timing (§2.6, §4)

    /// Standard deviation of each column's reset potential before calibration, in volts
    /// [specification, assumed].
    public var resetMismatch = 0.015
    /// Time from the last event slot to the result read, in seconds [grenade].
    public var settlingTime = 1e-6
    /// Fixed on-chip overhead per input vector (reset, settling, baseline and readout waits of
    /// the PPU), in seconds [grenade, derived].
    public var fixedOverheadPerVector = 36e-6

    // MARK: CADC (§2.7)

    /// The lower calibration point: this voltage reads `cadcLowReferenceCode` [calix].
    public var cadcLowReferenceVoltage = 0.30
    /// The code read at `cadcLowReferenceVoltage` [calix].
    public var cadcLowReferenceCode = 20.0
    /// The upper calibration point: this voltage reads `cadcHighReferenceCode` [calix].
    public var cadcHighReferenceVoltage = 0.95
    /// The code read at `cadcHighReferenceVoltage` [calix].
    public var cadcHighReferenceCode = 220.0
    /// Standard deviation of each CADC channel's offset before its digital trim, in LSB
    /// [assumed].
    public var cadcOffsetMismatch = 5.0
    /// Relative standard deviation of each CADC channel's slope [assumed].
    public var cadcSlopeMismatch = 0.01
    /// Standard deviation of one CADC read at rest, in LSB, before rounding [calix target].
    public var readNoise = 1.2

    // MARK: Analog parameter cells (§3)

    /// Voltage of a voltage cell at value 1022, in volts [demos].
    public var cellVoltageFullScale = 1.6
    /// Current of a current cell at value 1022, in amperes [demos].
    public var cellCurrentFullScale = 1e-6
    /// Relative standard deviation of each cell's DAC gain [assumed].
    public var cellGainMismatch = 0.005
    /// Standard deviation of each voltage cell's DAC offset, in volts [assumed].
    public var cellVoltageOffsetMismatch = 0.002
    /// Standard deviation of each current cell's DAC offset, in amperes [assumed].
    public var cellCurrentOffsetMismatch = 2e-9

    // MARK: Nominal operating point (default cell values are derived from these)

    /// Nominal global synapse bias I_bias,syn ("near full scale"), in amperes; I_LSB,syn =
    /// I_bias,syn / 63 [hxtorch, demos].
    public var nominalSynapseBias = 0.98e-6
    /// Nominal OTA bias current I_gm per column, in amperes; with V_lin it sets
    /// g_m = I_gm / V_lin [derived: gives the mock gain 0.002 of docs/SPECIFICATION.md §5].
    public var nominalOTABias = 0.66e-6
    /// Nominal reset potential, in volts; reads about code 120 [assumed].
    public var nominalResetPotential = 0.625
    /// Nominal CADC ramp current, in amperes; the LSB size is proportional to it [assumed].
    public var nominalCADCRampCurrent = 0.5e-6

    // MARK: Slow drift with the chip's age and temperature (docs/MODEL.md §2, "Slow drift")

    /// The temperature at which the chip is as drawn, and at which temperature offsets are 0,
    /// in kelvins [assumed].
    public var nominalTemperature = 300.0
    /// Exponent β of the drift's power spectrum S(f) ∝ 1/f^β between the two periods below:
    /// 1 is flicker noise, 2 a random walk; the root-mean-square change over a time τ grows as
    /// τ^((β − 1)/2) inside the band [assumed].
    public var driftSpectralExponent = 1.5
    /// Shortest and longest period of the drift's spectrum, in seconds: faster wander is part of
    /// the trial-to-trial noise, slower wander is the chip's mismatch [assumed].
    public var driftShortestPeriod = 60.0
    public var driftLongestPeriod = 2.592e6
    /// Root-mean-square relative change of every current cell's DAC gain within one hour of
    /// drift (synapse bias, OTA biases, CADC ramp current) [assumed].
    public var cellCurrentDrift = 0.002
    /// Root-mean-square change of every voltage cell's output within one hour of drift (reset
    /// potentials, CADC ramp start, reference), in volts [assumed].
    public var cellVoltageDrift = 0.001
    /// Root-mean-square relative change of each synaptic-input OTA's transconductance within
    /// one hour of drift [assumed].
    public var otaDrift = 0.003
    /// Root-mean-square relative change of each synapse's current within one hour of drift
    /// [assumed].
    public var synapseDrift = 0.002
    /// Root-mean-square relative change of each column's pseudo-leak within one hour of drift
    /// [assumed].
    public var leakDrift = 0.02
    /// Root-mean-square change of each CADC channel's offset within one hour of drift, in LSB
    /// [assumed].
    public var cadcOffsetDrift = 0.2
    /// Mean relative change of every current cell's DAC gain per kelvin, in 1/K [assumed].
    public var cellCurrentTemperatureCoefficient = 0.002
    /// Mean change of every voltage cell's output per kelvin, in V/K [assumed].
    public var cellVoltageTemperatureCoefficient = 2e-4
    /// Mean relative change of each OTA's transconductance per kelvin, in 1/K: −1/T at 300 K,
    /// as g_m = I/(n·U_T) of an OTA in weak inversion [assumed].
    public var otaTemperatureCoefficient = -0.0033
    /// Mean relative change of each synapse's current (at a fixed bias) per kelvin, in 1/K
    /// [assumed].
    public var synapseTemperatureCoefficient = -0.001
    /// Mean relative change of the pseudo-leak per kelvin, in 1/K: leakage doubling every
    /// 10 K [assumed].
    public var leakTemperatureCoefficient = 0.07
    /// Mean change of each CADC channel's offset per kelvin, in LSB/K [assumed].
    public var cadcOffsetTemperatureCoefficient = 0.05
    /// Relative standard deviation of each element's temperature coefficient around the mean
    /// [assumed].
    public var temperatureCoefficientMismatch = 0.3

    /// The defaults of docs/SPECIFICATION.md.
    public init() {}
}

extension PhysicsParameters {
    /// An ideal chip: no mismatch and no trial-to-trial noise, all else as given.
    public var withoutMismatchOrNoise: PhysicsParameters { withoutNoise.withoutMismatch }

    /// The same chip model without fixed-pattern mismatch (every parameter of the mismatch
    /// group at 0), trial-to-trial noise kept.
    public var withoutMismatch: PhysicsParameters {
        var p = self
        // Through the descriptors' key paths: nothing to check and nothing that can fail (0 is
        // "no mismatch" for every real parameter of the group; a switch would be turned off).
        for descriptor in Self.descriptors where descriptor.group == .mismatch {
            switch descriptor.access {
            case .real(let path): p[keyPath: path] = 0
            case .flag(let path): p[keyPath: path] = false
            }
        }
        return p
    }

    /// The same chip model without slow drift (every parameter of the drift group at 0): the
    /// chip stays as drawn whatever its age and temperature.
    public var withoutDrift: PhysicsParameters {
        var p = self
        for descriptor in Self.descriptors where descriptor.group == .drift {
            try? p.set(descriptor.name, to: .real(0))
        }
        return p
    }

    /// The same chip model without trial-to-trial noise (read noise, jitter, drift noise).
    public var withoutNoise: PhysicsParameters {
        var p = self
        p.readNoise = 0
        p.pulseJitter = 0
        p.driftCurrentNoise = 0
        return p
    }

    /// CADC LSB size at the nominal ramp, in volts per LSB.
    public var nominalCADCLSB: Double {
        (cadcHighReferenceVoltage - cadcLowReferenceVoltage)
            / (cadcHighReferenceCode - cadcLowReferenceCode)
    }

    /// The voltage at which the nominal CADC ramp reads code 0, in volts.
    public var nominalCADCRampStart: Double {
        cadcLowReferenceVoltage - cadcLowReferenceCode * nominalCADCLSB
    }
}
