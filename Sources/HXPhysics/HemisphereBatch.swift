import HXNumerics

/// A batch of input vectors for one hemisphere, with everything either integrator needs to
/// run it: the hemisphere's circuits and written block, the physics, the options, and the
/// trials of its vectors.
struct HemisphereBatch: Sendable {
    /// Activations, batch × written rows, 0…31 (checked by the chip).
    let inputs: Matrix<UInt8>
    /// The hemisphere's index, circuits and noise keys.
    let hemisphere: HemisphereState
    /// The weights written to it (the chip checked that there are some).
    let block: WrittenBlock
    let parameters: PhysicsParameters
    let options: ExecutionOptions
    /// The trial of the batch's first vector.
    let firstTrial: UInt64

    var circuit: HemisphereCircuit { hemisphere.circuit }
    var size: Int { inputs.rows }

    /// The trial of vector `sample` of the batch. Every use of a vector's noise, including the
    /// trace of one vector, goes through here.
    @inline(__always)
    func trial(ofSample sample: Int) -> UInt64 {
        firstTrial &+ UInt64(sample) &* options.trialStride
    }

    /// The key of the trial-to-trial noise of vector `sample`.
    @inline(__always)
    func noiseKey(sample: Int) -> UInt64 {
        hemisphere.noise.key(trial: trial(ofSample: sample))
    }
}

/// The codes of one hemisphere for a batch.
struct HemisphereRun {
    /// Output codes, batch × columns.
    var outputs: Matrix<Int8>
    /// The raw baseline and result reads, when the integrator kept them.
    var baseline: Matrix<UInt8>?
    var result: Matrix<UInt8>?
}
