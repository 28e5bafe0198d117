import Foundation
import HXNumerics

/// The slow drift of a chip: what its mismatch becomes at an age and a temperature.
///
/// Every drifting element (each current and voltage cell, OTA, pseudo-leak, CADC channel offset
/// and synapse) wanders along its own seeded path plus a linear temperature term:
///
///     δ(t, T) = σ₁ₕ · Σₖ cₖ [Aₖ (cos ωₖt − 1) + Bₖ sin ωₖt] + (T − T₀) · α · (1 + s·z)
///
/// with Aₖ, Bₖ, z standard normal draws keyed by (chip seed, hemisphere, quantity, element),
/// s = ``PhysicsParameters/temperatureCoefficientMismatch``.
/// The sum is a Gaussian process with stationary increments whose spectrum is S(f) ∝ 1/f^β
/// between the shortest and longest period (components log-spaced, ``componentsPerDecade``
/// per decade): δ(0, T₀) = 0, and the root-mean-square change over a lag τ is
/// σ₁ₕ · √(D(τ)) with D(1 h) = 1 by construction. So σ₁ₕ is the drift within one hour, the
/// change from t to t + τ is distributed alike for every t (calibrating at age t₀ and running at
/// t₀ + τ is statistically the same as calibrating at power-up and running at τ), and a chip is
/// a pure function of (seed, age, temperature): no history, no hidden state.
///
/// The drift changes only what the circuits are built from (``HemisphereMismatch``); the
/// integrators see a chip like any other.
struct ChipDrift {
    /// Spectral components per decade of frequency.
    static let componentsPerDecade = 4.0
    /// The lag the drift amplitudes (`…Drift` parameters) are stated for: one hour, in seconds.
    static let referenceLag = 3600.0

    let parameters: PhysicsParameters
    let seeds: SeedSequence
    /// Per spectral component, cₖ(cos ωₖt − 1) and cₖ sin ωₖt at the environment's age.
    let factors: [(cosine: Double, sine: Double)]
    /// T − T₀, in kelvins.
    let temperatureOffset: Double

    init(seed: UInt64, parameters p: PhysicsParameters, environment: ChipEnvironment) {
        parameters = p
        seeds = SeedSequence(seed)
        temperatureOffset = environment.temperature - p.nominalTemperature
        let frequencies = Self.frequencies(parameters: p)
        let weights = Self.weights(frequencies: frequencies, exponent: p.driftSpectralExponent)
        factors = zip(frequencies, weights).map { f, c in
            let phase = 2 * Double.pi * f * environment.age
            return (c * (cos(phase) - 1), c * sin(phase))
        }
    }

    /// The component frequencies, in hertz: log-spaced from 1/longest to 1/shortest period,
    /// both ends included.
    static func frequencies(parameters p: PhysicsParameters) -> [Double] {
        let low = 1 / p.driftLongestPeriod
        let high = 1 / p.driftShortestPeriod
        let decades = log10(high / low)
        let count = max(2, Int((decades * componentsPerDecade).rounded(.up)) + 1)
        return (0..<count).map { low * pow(high / low, Double($0) / Double(count - 1)) }
    }

    /// The weights cₖ: cₖ² ∝ fₖ^(1 − β) (the power of a log-spaced band of a 1/f^β spectrum),
    /// scaled so that the mean squared change over ``referenceLag`` is 1.
    static func weights(frequencies: [Double], exponent: Double) -> [Double] {
        let power = frequencies.map { pow($0, 1 - exponent) }
        let atReference = zip(frequencies, power).reduce(0.0) { sum, term in
            sum + term.1 * 2 * (1 - cos(2 * Double.pi * term.0 * referenceLag))
        }
        guard atReference > 0 else { return power.map { _ in 0 } }
        return power.map { ($0 / atReference).squareRoot() }
    }

    /// The root-mean-square change of a drift of unit amplitude over `lag` seconds, √D(lag):
    /// 1 at one hour. Tools use it to say how far a chip has wandered since its calibration.
    static func relativeChange(overLag lag: Double, parameters p: PhysicsParameters) -> Double {
        let frequencies = Self.frequencies(parameters: p)
        let weights = Self.weights(frequencies: frequencies, exponent: p.driftSpectralExponent)
        let square = zip(frequencies, weights).reduce(0.0) { sum, term in
            sum + term.1 * term.1 * 2 * (1 - cos(2 * Double.pi * term.0 * lag))
        }
        return square.squareRoot()
    }

    /// The drift of `count` elements of `quantity` on `hemisphere`: `perHour` is the walk's
    /// amplitude σ₁ₕ, `coefficient` the mean temperature coefficient α (unit per kelvin).
    ///
    /// The draws are HXNumerics' counter-based ``FastNormal`` values: element e's Aₖ and Bₖ are
    /// values 2Ke + 2k and 2Ke + 2k + 1 of the quantity's walk stream, its z value e of the
    /// temperature stream, so each element's path depends on nothing but its key. (The 65,536
    /// synapses of a hemisphere need 2.6 million draws; FastNormal's few integer operations
    /// per draw keep moving a chip to another environment a matter of milliseconds.)
    func offsets(
        _ quantity: String, hemisphere: Int, count: Int, perHour: Double, coefficient: Double
    ) -> [Double] {
        var result = [Double](repeating: 0, count: count)
        let label = SeedSequence.label(quantity)
        let components = factors.count
        if perHour != 0 && components > 0 {
            let key = seeds.seed(SeedSequence.label("drift"), UInt64(hemisphere), label)
            let chunk = 1024
            var draws = [Float](
                repeating: 0, count: FastNormal.capacity(for: chunk * 2 * components))
            let cosine = factors.map(\.cosine)
            let sine = factors.map(\.sine)
            var first = 0
            while first < count {
                let size = min(chunk, count - first)
                draws.withUnsafeMutableBufferPointer { buffer in
                    FastNormal.fill(
                        buffer.baseAddress!, count: size * 2 * components, key: key,
                        first: first * 2 * components)
                }
                draws.withUnsafeBufferPointer { d in
                    result.withUnsafeMutableBufferPointer { r in
                        for e in 0..<size {
                            var sum = 0.0
                            let base = e &* 2 &* components
                            for k in 0..<components {
                                sum +=
                                    Double(d[base &+ 2 &* k]) * cosine[k]
                                    + Double(d[base &+ 2 &* k &+ 1]) * sine[k]
                            }
                            r[first &+ e] = perHour * sum
                        }
                    }
                }
                first += size
            }
        }
        if coefficient != 0 {
            let key = seeds.seed(SeedSequence.label("temperature"), UInt64(hemisphere), label)
            let s = parameters.temperatureCoefficientMismatch
            for element in 0..<count {
                let z = Double(FastNormal.value(key: key, index: element))
                result[element] += temperatureOffset * coefficient * (1 + s * z)
            }
        }
        return result
    }

    /// `mismatch` of `hemisphere` moved along its drift.
    func drifted(_ mismatch: HemisphereMismatch, hemisphere h: Int) -> HemisphereMismatch {
        let p = parameters
        var m = mismatch
        func add(_ values: inout [Double], _ name: String, _ perHour: Double, _ alpha: Double) {
            let delta = offsets(
                name, hemisphere: h, count: values.count, perHour: perHour, coefficient: alpha)
            for index in values.indices { values[index] += delta[index] }
        }
        // A current cell drifts in gain, a voltage cell in offset.
        func currentCells(_ cells: inout [CellError], _ name: String) {
            var gains = cells.map(\.gain)
            add(&gains, name, p.cellCurrentDrift, p.cellCurrentTemperatureCoefficient)
            for index in cells.indices { cells[index].gain = gains[index] }
        }
        func voltageCells(_ cells: inout [CellError], _ name: String) {
            var offsets = cells.map(\.offset)
            add(&offsets, name, p.cellVoltageDrift, p.cellVoltageTemperatureCoefficient)
            for index in cells.indices { cells[index].offset = offsets[index] }
        }
        func currentCell(_ cell: inout CellError, _ name: String) {
            var cells = [cell]
            currentCells(&cells, name)
            cell = cells[0]
        }
        func voltageCell(_ cell: inout CellError, _ name: String) {
            var cells = [cell]
            voltageCells(&cells, name)
            cell = cells[0]
        }

        let synapse = offsets(
            "synapse", hemisphere: h, count: m.synapse.count, perHour: p.synapseDrift,
            coefficient: p.synapseTemperatureCoefficient)
        for index in m.synapse.indices {
            m.synapse[index] = Float(Double(m.synapse[index]) + synapse[index])
        }
        add(&m.otaExcitatory, "otaExcitatory", p.otaDrift, p.otaTemperatureCoefficient)
        add(&m.otaInhibitory, "otaInhibitory", p.otaDrift, p.otaTemperatureCoefficient)
        add(&m.leak, "leak", p.leakDrift, p.leakTemperatureCoefficient)
        add(&m.cadcOffset, "cadcOffset", p.cadcOffsetDrift, p.cadcOffsetTemperatureCoefficient)
        voltageCells(&m.resetCell, "resetCell")
        currentCells(&m.excitatoryCell, "excitatoryCell")
        currentCells(&m.inhibitoryCell, "inhibitoryCell")
        currentCell(&m.synapseBiasCell, "synapseBiasCell")
        voltageCell(&m.rampStartCell, "rampStartCell")
        currentCell(&m.rampCurrentCell, "rampCurrentCell")
        voltageCell(&m.referenceCell, "referenceCell")
        return m
    }

    /// The mismatch of a whole chip at the environment.
    func drifted(_ mismatch: ChipMismatch) -> ChipMismatch {
        ChipMismatch(
            hemispheres: mismatch.hemispheres.enumerated().map { drifted($1, hemisphere: $0) })
    }
}

extension Chip {
    /// Draws chip `seed` for `parameters` and moves it to `environment` (age and
    /// temperature), in the nominal configuration. At age 0 and the nominal temperature it is
    /// the chip ``init(seed:parameters:)`` draws, code for code (the drift is zero there).
    /// - Throws: when the parameters or the environment are out of range.
    public init(
        seed: UInt64, parameters: PhysicsParameters = PhysicsParameters(),
        environment: ChipEnvironment
    ) throws {
        try environment.validate()
        try self.init(seed: seed, parameters: parameters)
        if environment != self.environment { applyDrift(environment) }
    }

    /// Moves the chip to `environment`: its analog circuits become what the drift makes of
    /// them at that age and temperature (a pure function of the seed, the parameters and the
    /// environment). Configuration, weights and trial counter stay.
    /// - Throws: an age or temperature out of range; the chip is unchanged then.
    public mutating func setEnvironment(_ environment: ChipEnvironment) throws {
        try environment.validate()
        guard environment != self.environment else { return }
        applyDrift(environment)
    }

    /// Lets `seconds` pass at the current temperature (the chip's clock runs on).
    /// - Throws: a negative or non-finite time, or an age beyond ``ChipEnvironment/ageRange``.
    public mutating func age(by seconds: Double) throws {
        guard seconds.isFinite, seconds >= 0 else {
            throw PhysicsError.invalidOption(
                name: "seconds", value: "\(seconds)", allowed: "a finite time ≥ 0 s")
        }
        var next = environment
        next.age += seconds
        try setEnvironment(next)
    }

    /// How far, in units of one hour's drift, the chip has wandered between `earlier` and its
    /// current environment: √D(Δt) of the age difference (1 for one hour), and the temperature
    /// difference in kelvins. Tools use it to warn that a calibration has gone stale.
    public func driftSince(_ earlier: ChipEnvironment) -> (hours: Double, kelvins: Double) {
        (
            ChipDrift.relativeChange(
                overLag: abs(environment.age - earlier.age), parameters: parameters),
            environment.temperature - earlier.temperature
        )
    }

    /// Recomputes the mismatch at `environment` from the drawn one and rebuilds the circuits.
    /// At the nominal environment the drift is exactly zero, and the drawn mismatch is taken
    /// as it is unless `alwaysCompute` (the test that the two agree bit for bit).
    mutating func applyDrift(_ environment: ChipEnvironment, alwaysCompute: Bool = false) {
        if environment.isNominal(for: parameters) && !alwaysCompute {
            mismatch = drawnMismatch
        } else {
            let drift = ChipDrift(seed: seed, parameters: parameters, environment: environment)
            mismatch = drift.drifted(drawnMismatch)
        }
        self.environment = environment
        rebuildCircuits()
    }
}
