import Foundation
import HXNumerics

/// The outcome of one sample on one hemisphere.
struct SampleOutcome {
    var output: [Int8]
    var baseline: [UInt8]
    var result: [UInt8]
    /// The membrane voltage of every column at the result read, in volts.
    var membrane: [Double]
    var trace: MembraneTrace?
}

extension SampleOutcome {
    /// The outcome of a sample whose membrane reached `membrane` (V) at `readTime` (s): the
    /// CADC reads of ``GSLPath/readOut(membrane:circuit:parameters:noise:)`` and, when
    /// `recorder` recorded one, the trace with the sample's events.
    init(
        membrane: [Double], readTime: Double, events: [InputEvent], recorder: TraceRecorder?,
        circuit: HemisphereCircuit, parameters: PhysicsParameters, noise: GSLRandom,
        hemisphere: Int, sample: Int
    ) {
        let reads = GSLPath.readOut(
            membrane: membrane, circuit: circuit, parameters: parameters, noise: noise)
        self.init(
            output: reads.output, baseline: reads.baseline, result: reads.result,
            membrane: membrane,
            trace: recorder.map {
                $0.trace(
                    hemisphere: hemisphere, sample: sample, events: events, readTime: readTime,
                    baseline: reads.baseline, result: reads.result)
            })
    }
}

/// Integrates one sample at a time on one hemisphere (one per worker thread: it owns GSL
/// objects and scratch memory).
protocol SampleIntegrator: AnyObject {
    /// Integrates one sample. `noise` supplies the trial-to-trial draws in a fixed order (see
    /// ``GSLPath/schedule(inputs:circuit:parameters:options:noise:)``); `trace`, if given,
    /// records one column every `resolution` seconds.
    func run(
        inputs: UnsafeBufferPointer<UInt8>, noise: GSLRandom,
        trace: TraceRequest?, sample: Int
    ) throws -> SampleOutcome
}

/// The reference integrator (docs/SPECIFICATION.md §2): the membrane equations of a hemisphere's columns
/// integrated across every pulse edge, with exact Gaussian noise from GSL. Two schemes
/// (``GSLScheme``): `piecewise` (closed form between edges where the equations are linear,
/// `gsl_odeiv2` where the output stage rolls off) and `plain` (one `gsl_odeiv2` system).
enum GSLPath {
    /// Runs a batch on one hemisphere, samples in parallel; sample b draws its noise from a
    /// GSL generator (taus2) seeded with the key of its trial, so the result does not depend on
    /// threads or on how the batch is split.
    static func run(_ batch: HemisphereBatch) throws -> HemisphereRun {
        let count = batch.size
        let n = batch.block.columns
        let rows = batch.inputs.columns
        var outputs = [Int8](repeating: 0, count: count * n)
        var baseline = [UInt8](repeating: 0, count: count * n)
        var result = [UInt8](repeating: 0, count: count * n)
        try batch.inputs.storage.withUnsafeBufferPointer { inputBuffer in
            let sharedInputs = SharedReadBuffer(inputBuffer)
            try outputs.withUnsafeMutableBufferPointer { o in
                try baseline.withUnsafeMutableBufferPointer { bb in
                    try result.withUnsafeMutableBufferPointer { rb in
                        let out = SharedBuffer(o)
                        let base = SharedBuffer(bb)
                        let res = SharedBuffer(rb)
                        try Parallel.forEachChunk(
                            count: count, chunkSize: 4, threads: batch.options.threads
                        ) { range in
                            let integrator = try makeIntegrator(for: batch)
                            for sample in range {
                                let row = UnsafeBufferPointer(
                                    start: sharedInputs.base + sample * rows, count: rows)
                                let noise = GSLRandom(
                                    seed: batch.noiseKey(sample: sample), kind: .taus2)
                                let outcome = try integrator.run(
                                    inputs: row, noise: noise, trace: nil, sample: sample)
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
            outputs: try Matrix(rows: count, columns: n, storage: outputs),
            baseline: try Matrix(rows: count, columns: n, storage: baseline),
            result: try Matrix(rows: count, columns: n, storage: result))
    }

    /// An integrator of `batch`'s scheme for one worker.
    static func makeIntegrator(for batch: HemisphereBatch) throws -> any SampleIntegrator {
        switch batch.options.gslScheme {
        case .plain: return try PlainIntegrator(batch)
        case .piecewise: return try PiecewiseIntegrator(batch)
        }
    }

    /// The event train of one sample and its trial-to-trial draws, in the order both schemes
    /// (and every earlier version of this integrator) take them from `noise`: the drift current
    /// of each column, then the relative jitter of each event's pulse width.
    static func schedule(
        inputs: UnsafeBufferPointer<UInt8>, circuit: HemisphereCircuit,
        parameters p: PhysicsParameters, options: ExecutionOptions, columns n: Int,
        noise: GSLRandom
    ) -> (drift: [Double], events: [InputEvent], readTime: Double) {
        let timing = EventTiming(
            inputs: inputs, numSends: options.numSends,
            waitBetweenEvents: options.waitBetweenEvents, parameters: p)
        let drift = (0..<n).map {
            circuit.driftCurrent[$0] + noise.gaussian(sigma: p.driftCurrentNoise)
        }
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
        return (drift, events, timing.readTime)
    }

    /// The two CADC reads of every column after the membrane reached `membrane` (volts), with
    /// read noise drawn from `noise` after the schedule's draws: every baseline first, then
    /// every result.
    static func readOut(
        membrane: [Double], circuit: HemisphereCircuit, parameters p: PhysicsParameters,
        noise: GSLRandom
    ) -> (output: [Int8], baseline: [UInt8], result: [UInt8]) {
        let n = membrane.count
        var output = [Int8](repeating: 0, count: n)
        var baseline = [UInt8](repeating: 0, count: n)
        var result = [UInt8](repeating: 0, count: n)
        let baselineNoise = (0..<n).map { _ in noise.gaussian(sigma: p.readNoise) }
        for j in 0..<n {
            let resultNoise = noise.gaussian(sigma: p.readNoise)
            let b = quantiseCADC(
                circuit.cadcCode(column: j, voltage: circuit.resetPotential[j]) + baselineNoise[j])
            let r = quantiseCADC(circuit.cadcCode(column: j, voltage: membrane[j]) + resultNoise)
            baseline[j] = UInt8(b)
            result[j] = UInt8(r)
            output[j] = saturateOutput(r - b)
        }
        return (output, baseline, result)
    }

    /// The failure of a sample's integration, naming the hemisphere and sample.
    static func failure(_ error: any Error, hemisphere: Int, sample: Int) -> PhysicsError {
        if case NumericsError.nonFiniteState(let time) = error {
            return .nonFiniteState(hemisphere: hemisphere, sample: sample, time: time)
        }
        if let error = error as? PhysicsError { return error }
        return .integrationFailed("hemisphere \(hemisphere), sample \(sample): \(error)")
    }
}

/// The `plain` scheme: one `gsl_odeiv2` system of 3 × columns equations
/// ([V_exc | V_inh | V_m], ``MembraneSystem``), restarted at every pulse edge.
final class PlainIntegrator: SampleIntegrator {
    let system: MembraneSystem
    let integrator: ODEIntegrator
    let circuit: HemisphereCircuit
    let parameters: PhysicsParameters
    let options: ExecutionOptions
    let hemisphere: Int

    init(_ batch: HemisphereBatch) throws {
        let system = MembraneSystem(
            block: batch.block.synapses, circuit: batch.circuit, parameters: batch.parameters)
        self.system = system
        do {
            integrator = try ODEIntegrator(
                dimension: 3 * max(1, batch.block.columns), stepper: batch.options.stepper,
                tolerances: batch.options.tolerances,
                checkedRHS: { _, y, dydt in
                    system.evaluate(y, dydt)
                })
        } catch {
            throw PhysicsError.integrationFailed("\(error)")
        }
        circuit = batch.circuit
        parameters = batch.parameters
        options = batch.options
        hemisphere = batch.hemisphere.index
    }

    func run(
        inputs: UnsafeBufferPointer<UInt8>, noise: GSLRandom,
        trace: TraceRequest?, sample: Int
    ) throws -> SampleOutcome {
        let n = system.columns
        let (drift, events, readTime) = GSLPath.schedule(
            inputs: inputs, circuit: circuit, parameters: parameters, options: options,
            columns: n, noise: noise)
        system.setDrift(drift)
        var y = system.resetState()
        var recorder = try trace.map {
            try TraceRecorder(
                column: $0.column, columns: n, resolution: $0.resolution, readTime: readTime,
                eventCount: events.count, progress: $0.progress)
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
            try advance(to: readTime)
        } catch {
            system.activeRow = -1
            throw GSLPath.failure(error, hemisphere: hemisphere, sample: sample)
        }
        let membrane = Array(y[(2 * n)..<(3 * n)])
        return SampleOutcome(
            membrane: membrane, readTime: readTime, events: events, recorder: recorder,
            circuit: circuit, parameters: parameters, noise: noise, hemisphere: hemisphere,
            sample: sample)
    }
}

/// Collects an evenly sampled trace of one column from states laid out as
/// [V_exc (n) | V_inh (n) | V_m (n)].
struct TraceRecorder {
    let column: Int
    let columns: Int
    let resolution: Double
    let readTime: Double
    let progress: (@Sendable (Double) -> Void)?
    /// The whole percent of `readTime` last reported to `progress`.
    private var reportedPercent = 0
    var times: [Double] = []
    var membrane: [Double] = []
    var excitatory: [Double] = []
    var inhibitory: [Double] = []

    /// A recorder for a sample whose result is read `readTime` seconds after the baseline
    /// read, after `eventCount` events; its storage is reserved for every point at once.
    /// `progress` hears the fraction of `readTime` recorded, at most once per percent.
    /// - Throws: ``PhysicsError/traceTooLong(points:limit:readTime:minimumResolution:)``.
    init(
        column: Int, columns: Int, resolution: Double, readTime: Double, eventCount: Int,
        progress: (@Sendable (Double) -> Void)? = nil
    )
        throws
    {
        let points = try Self.checkedPointCount(
            readTime: readTime, eventCount: eventCount, resolution: resolution)
        self.column = column
        self.columns = columns
        self.resolution = resolution
        self.readTime = readTime
        self.progress = progress
        // Reserved once: arrays grown by doubling would hold up to twice the points.
        times.reserveCapacity(points)
        membrane.reserveCapacity(points)
        excitatory.reserveCapacity(points)
        inhibitory.reserveCapacity(points)
    }

    /// The most points a trace can have: the one at 0, one every `resolution` before the read,
    /// and one at the end of each stretch the integrators advance over (both edges of every
    /// event, and the read).
    static func pointBound(readTime: Double, eventCount: Int, resolution: Double) -> Double {
        (readTime / resolution).rounded(.down) + 2 * Double(eventCount) + 2
    }

    /// ``pointBound(readTime:eventCount:resolution:)`` if it is within
    /// ``TraceRequest/maximumPoints``.
    /// - Throws: ``PhysicsError/traceTooLong(points:limit:readTime:minimumResolution:)``.
    static func checkedPointCount(
        readTime: Double, eventCount: Int, resolution: Double
    ) throws
        -> Int
    {
        let points = pointBound(readTime: readTime, eventCount: eventCount, resolution: resolution)
        let limit = TraceRequest.maximumPoints
        guard points <= Double(limit) else {
            let room = Double(limit) - 2 * Double(eventCount) - 2
            throw PhysicsError.traceTooLong(
                points: points, limit: limit, readTime: readTime,
                minimumResolution: room >= 1 ? readTime / room.rounded(.down) : .infinity)
        }
        return Int(points)
    }

    func nextTime(after t: Double) -> Double {
        (floor(t / resolution + 1e-9) + 1) * resolution
    }

    mutating func record(_ t: Double, _ y: [Double]) {
        record(
            t, excitatory: y[column], inhibitory: y[columns + column],
            membrane: y[2 * columns + column])
    }

    mutating func record(
        _ t: Double, excitatory e: Double, inhibitory i: Double, membrane m: Double
    ) {
        times.append(t)
        excitatory.append(e)
        inhibitory.append(i)
        membrane.append(m)
        if let progress, readTime > 0 {
            // The margin keeps 0.07 · readTime, computed as 0.0699…, in percent 7.
            let percent = Int((t / readTime * 100 + 1e-9).rounded(.down))
            if percent > reportedPercent {
                reportedPercent = percent
                progress(min(t / readTime, 1))
            }
        }
    }

    func trace(
        hemisphere: Int, sample: Int, events: [InputEvent], readTime: Double, baseline: [UInt8],
        result: [UInt8]
    ) -> MembraneTrace {
        MembraneTrace(
            hemisphere: hemisphere, column: column, sample: sample, times: times,
            membrane: membrane, excitatory: excitatory, inhibitory: inhibitory, events: events,
            readTime: readTime, baselineCode: Int(baseline[column]),
            resultCode: Int(result[column]))
    }
}
