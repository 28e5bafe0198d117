import HXNumerics

/// What one hemisphere of a chip holds: its circuits (the chip's mismatch under the current
/// configuration), the weights written to it with what each integrator precomputes from them,
/// and the keys of its trial-to-trial noise.
struct HemisphereState: Sendable {
    /// The hemisphere, 0 or 1.
    let index: Int
    /// The physical values of the circuits, recomputed when the configuration changes.
    private(set) var circuit: HemisphereCircuit
    /// The written weights, or nil before the first write.
    private(set) var written: WrittenBlock?
    /// The keys of the trial-to-trial noise of this hemisphere.
    let noise: TrialNoise

    init(index: Int, circuit: HemisphereCircuit, chipSeed: UInt64) {
        self.index = index
        self.circuit = circuit
        written = nil
        noise = TrialNoise(chipSeed: chipSeed, hemisphere: index)
    }

    /// Replaces the circuits (after a configuration change) and recomputes what the written
    /// weights make of them.
    mutating func reconfigure(
        _ newCircuit: HemisphereCircuit, mismatch: HemisphereMismatch,
        parameters: PhysicsParameters
    ) {
        circuit = newCircuit
        guard let weights = written?.weights else { return }
        written = WrittenBlock(
            weights: weights, circuit: circuit, mismatch: mismatch, parameters: parameters)
    }

    /// Writes checked weights (−63…63, at most 128 × 256). Writing the weights the hemisphere
    /// already holds changes nothing, as on the chip, and spares the precomputation.
    mutating func write(
        _ weights: Matrix<Int8>, mismatch: HemisphereMismatch, parameters: PhysicsParameters
    ) {
        if written?.weights == weights { return }
        written = WrittenBlock(
            weights: weights, circuit: circuit, mismatch: mismatch, parameters: parameters)
    }
}

/// Weights written to a hemisphere, with what the two integrators precompute from them: the
/// synapse currents (the reference integrator's input) and the fast path's effective weights
/// and tables. Both are computed once per write.
struct WrittenBlock: Sendable {
    /// The synapse currents of the written weights.
    let synapses: ProgrammedBlock
    /// The fast path's precomputation.
    let fast: FastBlock

    init(
        weights: Matrix<Int8>, circuit: HemisphereCircuit, mismatch: HemisphereMismatch,
        parameters: PhysicsParameters
    ) {
        synapses = ProgrammedBlock(weights: weights, circuit: circuit, mismatch: mismatch)
        fast = FastBlock(block: synapses, circuit: circuit, parameters: parameters)
    }

    /// The signed weights as written.
    var weights: Matrix<Int8> { synapses.weights }
    var rows: Int { synapses.rows }
    var columns: Int { synapses.columns }
}

/// The keys of one hemisphere's trial-to-trial noise: trial t on hemisphere h draws from the
/// stream keyed by the chip's seed path ("trial", t, h). The path's first step is derived once
/// per chip; a key then costs two mixing steps.
struct TrialNoise: Sendable {
    private let prefix: SeedPrefix
    private let hemisphere: UInt64

    init(chipSeed: UInt64, hemisphere: Int) {
        prefix = SeedSequence(chipSeed).prefix(SeedSequence.label("trial"))
        self.hemisphere = UInt64(hemisphere)
    }

    /// The key of `trial`'s noise.
    @inline(__always)
    func key(trial: UInt64) -> UInt64 { prefix.seed(trial, hemisphere) }
}
