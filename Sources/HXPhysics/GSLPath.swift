import Foundation
import HXNumerics

/// The outcome of one sample on one hemisphere.
struct SampleOutcome {
    var output: [Int8]
    var baseline: [UInt8]
    var result: [UInt8]
    /// The final state [V_exc | V_inh | V_m] at the result read, in volts.
    var finalState: [Double]
    var trace: MembraneTrace?
}

/// The reference integrator: one GSL `odeiv2` system per hemisphere, restarted at every pulse
/// edge (docs/SPECIFICATION.md §2).
enum GSLPath {
    /// Integrates one sample. `noise` supplies the trial-to-trial draws in a fixed order: drift
    /// currents (one per column), pulse jitter (one per event), baseline read noise and result
    /// read noise (one per column each).
    static func runSample(
        inputs: UnsafeBufferPointer<UInt8>, system: MembraneSystem, integrator: ODEIntegrator,
        circuit: HemisphereCircuit, parameters p: PhysicsParameters, options: ExecutionOptions,
        noise: GSLRandom, trace: (column: Int, resolution: Double)? = nil,
        hemisphere: Int = 0, sample: Int = 0
    ) throws -> SampleOutcome {
        let n = system.columns
        let timing = EventTiming(
            inputs: inputs, numSends: options.numSends,
            waitBetweenEvents: options.waitBetweenEvents,
            parameters: p)
        system.setDrift(
            (0..<n).map { circuit.driftCurrent[$0] + noise.gaussian(sigma: p.driftCurrentNoise) })

        var events: [InputEvent] = []
        events.reserveCapacity(timing.eventCount)
        for index in 0..<timing.eventCount {
            let row = timing.activeRows[index % timing.activeRows.count]
            let activation = Int(inputs[row])
            let nominal = circuit.pulseWidth[row * 32 + activation]
            let width = max(0, nominal * (1 + noise.gaussian(sigma: p.pulseJitter)))
            events.append(
                InputEvent(
                    time: timing.startTime(ofEvent: index), width: width, row: row,
                    activation: activation))
        }

        var y = system.resetState()
        var recorder = trace.map {
            TraceRecorder(column: $0.column, columns: n, resolution: $0.resolution)
        }
        recorder?.record(0, y)
        var t = 0.0
        func advance(to end: Double) throws {
            guard end > t else { return }
            if var active = recorder {
                // Stop at every trace point so the trace is evenly sampled.
                var next = active.nextTime(after: t)
                while next < end {
                    try integrator.integrate(&y, from: t, to: next)
                    t = next
                    active.record(t, y)
                    next = active.nextTime(after: t)
                }
                try integrator.integrate(&y, from: t, to: end)
                active.record(end, y)
                recorder = active
            } else {
                try integrator.integrate(&y, from: t, to: end)
            }
            t = end
        }
        do {
            for event in events where event.width > 0 {
                try advance(to: event.time)
                system.activeRow = event.row
                try advance(to: event.time + event.width)
                system.activeRow = -1
            }
            try advance(to: timing.readTime)
        } catch {
            system.activeRow = -1
            throw PhysicsError.integrationFailed("\(error)")
        }

        var output = [Int8](repeating: 0, count: n)
        var baseline = [UInt8](repeating: 0, count: n)
        var result = [UInt8](repeating: 0, count: n)
        let baselineNoise = (0..<n).map { _ in noise.gaussian(sigma: p.readNoise) }
        for j in 0..<n {
            let resultNoise = noise.gaussian(sigma: p.readNoise)
            let b = quantiseCADC(
                circuit.cadcCode(column: j, voltage: circuit.resetPotential[j]) + baselineNoise[j])
            let r = quantiseCADC(circuit.cadcCode(column: j, voltage: y[2 * n + j]) + resultNoise)
            baseline[j] = UInt8(b)
            result[j] = UInt8(r)
            output[j] = saturateOutput(r - b)
        }
        var outcome = SampleOutcome(
            output: output, baseline: baseline, result: result, finalState: y, trace: nil)
        if let recorder, let column = trace?.column {
            outcome.trace = MembraneTrace(
                hemisphere: hemisphere, column: column, sample: sample, times: recorder.times,
                membrane: recorder.membrane, excitatory: recorder.excitatory,
                inhibitory: recorder.inhibitory, events: events, readTime: timing.readTime,
                baselineCode: Int(baseline[column]), resultCode: Int(result[column]))
        }
        return outcome
    }

    /// Builds the ODE system and integrator for a block.
    static func makeSystem(
        block: ProgrammedBlock, circuit: HemisphereCircuit, parameters: PhysicsParameters,
        options: ExecutionOptions
    ) throws -> (MembraneSystem, ODEIntegrator) {
        let system = MembraneSystem(block: block, circuit: circuit, parameters: parameters)
        do {
            let integrator = try ODEIntegrator(
                dimension: 3 * max(1, block.columns), stepper: options.stepper,
                tolerances: options.tolerances
            ) { _, y, dydt in
                system.evaluate(y, dydt)
            }
            return (system, integrator)
        } catch {
            throw PhysicsError.integrationFailed("\(error)")
        }
    }
}

/// Collects an evenly sampled trace of one column.
private struct TraceRecorder {
    let column: Int
    let columns: Int
    let resolution: Double
    var times: [Double] = []
    var membrane: [Double] = []
    var excitatory: [Double] = []
    var inhibitory: [Double] = []

    init(column: Int, columns: Int, resolution: Double) {
        self.column = column
        self.columns = columns
        self.resolution = resolution
    }

    func nextTime(after t: Double) -> Double {
        (floor(t / resolution + 1e-9) + 1) * resolution
    }

    mutating func record(_ t: Double, _ y: [Double]) {
        times.append(t)
        excitatory.append(y[column])
        inhibitory.append(y[columns + column])
        membrane.append(y[2 * columns + column])
    }
}

extension GSLPath {
    /// Runs a batch on one hemisphere, samples in parallel; sample b draws its noise from a
    /// GSL generator (taus2) seeded with the key of its trial, so the result does not depend on
    /// threads or on how the batch is split.
    static func runBatch(
        inputs: Matrix<UInt8>, block: ProgrammedBlock, circuit: HemisphereCircuit,
        parameters: PhysicsParameters, options: ExecutionOptions, firstTrial: UInt64,
        noiseKey: @Sendable (UInt64) -> UInt64, hemisphere: Int, trace: TraceRequest?
    ) throws -> HemisphereRun {
        let batch = inputs.rows
        let n = block.columns
        var outputs = [Int8](repeating: 0, count: batch * n)
        var baseline = [UInt8](repeating: 0, count: batch * n)
        var result = [UInt8](repeating: 0, count: batch * n)
        try inputs.storage.withUnsafeBufferPointer { inputBuffer in
            let sharedInputs = SharedReadBuffer(inputBuffer)
            try outputs.withUnsafeMutableBufferPointer { o in
                try baseline.withUnsafeMutableBufferPointer { bb in
                    try result.withUnsafeMutableBufferPointer { rb in
                        let out = SharedBuffer(o)
                        let base = SharedBuffer(bb)
                        let res = SharedBuffer(rb)
                        try Parallel.forEachChunk(
                            count: batch, chunkSize: 4, threads: options.threads
                        ) { range in
                            let (system, integrator) = try makeSystem(
                                block: block, circuit: circuit, parameters: parameters,
                                options: options)
                            for sample in range {
                                let row = UnsafeBufferPointer(
                                    start: sharedInputs.base + sample * inputs.columns,
                                    count: inputs.columns)
                                let noise = GSLRandom(
                                    seed: noiseKey(firstTrial + UInt64(sample)), kind: .taus2)
                                let outcome = try runSample(
                                    inputs: row, system: system, integrator: integrator,
                                    circuit: circuit,
                                    parameters: parameters, options: options, noise: noise)
                                for j in 0..<n {
                                    out[sample * n + j] = outcome.output[j]
                                    base[sample * n + j] = outcome.baseline[j]
                                    res[sample * n + j] = outcome.result[j]
                                }
                            }
                        }
                    }
                }
            }
        }
        return HemisphereRun(
            outputs: try Matrix(rows: batch, columns: n, storage: outputs),
            baseline: try Matrix(rows: batch, columns: n, storage: baseline),
            result: try Matrix(rows: batch, columns: n, storage: result))
    }
}
