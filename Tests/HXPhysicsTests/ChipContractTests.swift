import Foundation
import HXNumerics
import HXTestSupport
import Testing

@testable import HXPhysics

/// What a chip promises its callers: errors for every bad argument, with the chip unchanged
/// afterwards; the projected time of docs/MODEL.md §4; the effect of the event spacing; the
/// trace of the very execution that produced the outputs; ideal-chip parameter sets.
@Suite("Chip contracts: errors leave the chip unchanged, timing, traces")
struct ChipContractTests {
    /// What a failed call must not change.
    private struct State: Equatable {
        var nextTrial: UInt64
        var weights: [Matrix<Int8>?]
        var configuration: ChipConfiguration

        init(_ chip: Chip) {
            nextTrial = chip.nextTrial
            weights = [chip.writtenWeights(hemisphere: 0), chip.writtenWeights(hemisphere: 1)]
            configuration = chip.configuration
        }
    }

    /// A chip that has run once (trial counter 3, weights 4 × 300 on both hemispheres).
    private func usedChip() throws -> Chip {
        var chip = try Chip(seed: 21)
        _ = try chip.vmm(inputs: filled(3, 4, 9), weights: filled(4, 300, 5))
        return chip
    }

    @Test("vmm refuses bad operands and options with a named error and leaves the chip unchanged")
    func vmmErrors() throws {
        let ok = filled(2, 4, 3)
        var badInput = ok
        badInput[1, 2] = 32
        var badWeight = filled(4, 6, 1)
        badWeight[3, 5] = -64
        let cases: [(Matrix<Int>, Matrix<Int>, ExecutionOptions, Int?, Int, PhysicsError)] = [
            (
                badInput, filled(4, 6, 1), ExecutionOptions(), nil, 0,
                .inputOutOfRange(sample: 1, row: 2, value: 32)
            ),
            (
                ok, badWeight, ExecutionOptions(), nil, 0,
                .weightOutOfRange(row: 3, column: 5, value: -64)
            ),
            (
                filled(2, 129, 1), filled(129, 6, 1), ExecutionOptions(), nil, 0,
                .shapeMismatch(
                    what: "weights", expected: "1…128 rows × 1…512 columns", got: [129, 6])
            ),
            (
                ok, filled(4, 513, 1), ExecutionOptions(), nil, 0,
                .shapeMismatch(
                    what: "weights", expected: "1…128 rows × 1…512 columns", got: [4, 513])
            ),
            (
                filled(2, 5, 1), filled(4, 6, 1), ExecutionOptions(), nil, 0,
                .shapeMismatch(
                    what: "inputs", expected: "batch × 4 (one value per weight row)", got: [2, 5])
            ),
            (
                ok, filled(4, 6, 1), ExecutionOptions(numSends: 0), nil, 0,
                .invalidOption(name: "numSends", value: "0", allowed: "1…255")
            ),
            (
                ok, filled(4, 6, 1), ExecutionOptions(numSends: 256), nil, 0,
                .invalidOption(name: "numSends", value: "256", allowed: "1…255")
            ),
            (
                ok, filled(4, 6, 1), ExecutionOptions(waitBetweenEvents: 0), nil, 0,
                .invalidOption(
                    name: "waitBetweenEvents", value: "0", allowed: "1…1023 FPGA cycles")
            ),
            (
                ok, filled(4, 6, 1), ExecutionOptions(waitBetweenEvents: 1024), nil, 0,
                .invalidOption(
                    name: "waitBetweenEvents", value: "1024", allowed: "1…1023 FPGA cycles")
            ),
            (
                ok, filled(4, 6, 1), ExecutionOptions(threads: 0), nil, 0,
                .invalidOption(name: "threads", value: "0", allowed: "1…1024")
            ),
            (
                ok, filled(4, 6, 1), ExecutionOptions(threads: 1025), nil, 0,
                .invalidOption(name: "threads", value: "1025", allowed: "1…1024")
            ),
            (
                ok, filled(4, 6, 1), ExecutionOptions(), 6, 0,
                .columnOutOfRange(column: 6, columns: 6)
            ),
            (
                ok, filled(4, 6, 1), ExecutionOptions(), 1, 2,
                .invalidOption(name: "trace.sample", value: "2", allowed: "0..<2")
            ),
        ]
        for (inputs, weights, options, traceColumn, traceSample, expected) in cases {
            var chip = try usedChip()
            let before = State(chip)
            #expect(throws: expected) {
                try chip.vmm(
                    inputs: inputs, weights: weights, options: options, traceColumn: traceColumn,
                    traceSample: traceSample)
            }
            #expect(State(chip) == before, "\(expected) changed the chip")
            // The overload for operands in the chip's formats (what the C library calls):
            // the same error in the same order, the chip unchanged.
            var other = try usedChip()
            #expect(throws: expected) {
                try other.vmm(
                    inputs: inputs.map { UInt8(truncatingIfNeeded: $0) },
                    weights: weights.map { Int8(truncatingIfNeeded: $0) }, options: options,
                    traceColumn: traceColumn, traceSample: traceSample)
            }
            #expect(State(other) == before, "\(expected) changed the chip (chip formats)")
        }
    }

    @Test(
        "vmm on operands in the chip's formats: the codes and trials of vmm on Int operands; a weight beyond ±63 in hemisphere 1's columns is named by its column in the matrix"
    )
    func chipFormats() throws {
        let (inputs, weights) = try randomOperands(batch: 5, rows: 40, columns: 300, seed: 4)
        var a = try Chip(seed: 9)
        var b = try Chip(seed: 9)
        let expected = try a.vmm(inputs: inputs, weights: weights)
        let got = try b.vmm(
            inputs: inputs.map { UInt8($0) }, weights: weights.map { Int8($0) })
        #expect(got.outputs == expected.outputs && got.firstTrial == expected.firstTrial)
        #expect(b.nextTrial == a.nextTrial)
        var wide = weights.map { Int8($0) }
        wide[7, 280] = -100
        #expect(throws: PhysicsError.weightOutOfRange(row: 7, column: 280, value: -100)) {
            try b.vmm(inputs: inputs.map { UInt8($0) }, weights: wide)
        }
    }

    @Test("execute refuses inputs no hemisphere can take and leaves the chip unchanged")
    func executeErrors() throws {
        var chip = try Chip(seed: 22)
        try chip.writeWeights(filled(4, 8, 2), hemisphere: 0)
        let four = Matrix<UInt8>(rows: 2, columns: 4, repeating: 1)
        var tooLarge = four
        tooLarge[1, 3] = 40
        let before = State(chip)
        // One entry per hemisphere is the type's (HemispherePair), not a run-time check.
        let cases: [(HemispherePair<Matrix<UInt8>?>, TraceRequest?, PhysicsError)] = [
            (
                [four, four], nil,
                .invalidOption(
                    name: "inputs[1]", value: "given", allowed: "no weights written to hemisphere 1"
                )
            ),
            (
                [Matrix(rows: 2, columns: 5, repeating: 1), nil], nil,
                .shapeMismatch(what: "inputs of hemisphere 0", expected: "batch × 4", got: [2, 5])
            ),
            ([tooLarge, nil], nil, .inputOutOfRange(sample: 1, row: 3, value: 40)),
            ([four, nil], TraceRequest(hemisphere: 2, column: 0), .hemisphereOutOfRange(2)),
            (
                [four, nil], TraceRequest(hemisphere: 1, column: 0),
                .invalidOption(
                    name: "trace.hemisphere", value: "1", allowed: "a hemisphere with inputs")
            ),
            (
                [four, nil], TraceRequest(column: 0, resolution: 0),
                .invalidOption(name: "trace.resolution", value: "0.0", allowed: "> 0 s")
            ),
        ]
        for (inputs, trace, expected) in cases {
            #expect(throws: expected) { try chip.execute(inputs: inputs, trace: trace) }
            #expect(State(chip) == before, "\(expected) changed the chip")
        }
        // Both hemispheres must send the same number of vectors.
        try chip.writeWeights(filled(4, 8, 2), hemisphere: 1)
        let afterWrite = State(chip)
        #expect(
            throws: PhysicsError.shapeMismatch(
                what: "inputs of hemisphere 1", expected: "2 rows like hemisphere 0", got: [3, 4])
        ) {
            try chip.execute(inputs: [four, Matrix(rows: 3, columns: 4, repeating: 1)])
        }
        #expect(State(chip) == afterWrite)
        #expect(throws: PhysicsError.hemisphereOutOfRange(-1)) {
            try chip.writeWeights(filled(4, 8, 2), hemisphere: -1)
        }
    }

    @Test(
        "a trace of more than TraceRequest.maximumPoints points is refused before the batch runs; a trace's points stay within the bound the check uses"
    )
    func traceLimit() throws {
        var chip = try Chip(seed: 25)
        _ = try chip.vmm(inputs: filled(2, 4, 9), weights: filled(4, 8, 2))
        let before = State(chip)
        // Four inputs sent 255 times, 1023 cycles apart: 1,020 events over 8.35 ms, so at 1 ns
        // the trace would have about 8.4 million points.
        let options = ExecutionOptions(numSends: 255, waitBetweenEvents: 1023)
        let events = 4 * 255
        let readTime =
            Double(events * 1023) * chip.parameters.fpgaClockPeriod
            + chip.parameters.settlingTime
        do {
            _ = try chip.vmm(
                inputs: filled(3, 4, 31), weights: filled(4, 8, 2), options: options,
                traceColumn: 5, traceSample: 2, traceResolution: 1e-9)
            Issue.record("a trace of 8 million points was accepted")
        } catch PhysicsError.traceTooLong(let points, let limit, let time, let minimum) {
            #expect(limit == TraceRequest.maximumPoints)
            #expect(abs(time - readTime) < 1e-12)
            #expect(points == (readTime / 1e-9).rounded(.down) + Double(2 * events + 2))
            // At the resolution named, the points just fit.
            let room = Double(limit - 2 * events - 2)
            #expect(abs(minimum - readTime / room) < 1e-18)
            let error = PhysicsError.traceTooLong(
                points: points, limit: limit, readTime: time, minimumResolution: minimum)
            #expect(!"\(error)".contains("\n") && "\(error)".contains("resolution"))
        }
        #expect(State(chip) == before, "the refused trace changed the chip")
        // The limit is the default memory budget at the stated bytes per point.
        #expect(
            TraceRequest.maximumPoints * TraceRequest.bytesPerPoint
                <= Chip.defaultStreamingBudgetBytes)
        // A trace that fits records no more points than the bound, and at least one per
        // resolution step.
        let small = ExecutionOptions(numSends: 2, waitBetweenEvents: 50)
        let traced = try chip.vmm(
            inputs: filled(1, 4, 20), weights: filled(4, 8, 2), options: small, traceColumn: 1,
            traceResolution: 5e-9)
        let trace = try #require(traced.trace)
        let shortRead = trace.readTime
        let bound = TraceRecorder.pointBound(
            readTime: shortRead, eventCount: 8, resolution: 5e-9)
        #expect(Double(trace.times.count) <= bound)
        #expect(Double(trace.times.count) >= (shortRead / 5e-9).rounded(.down))
    }

    @Test("a trace reports its progress: rising fractions of the execution, at most one a percent")
    func traceProgress() throws {
        var chip = try Chip(seed: 25)
        let heard = Recorded<Double>()
        let options = ExecutionOptions(numSends: 20, waitBetweenEvents: 50)
        let quiet = try chip.vmm(
            inputs: filled(1, 4, 20), weights: filled(4, 8, 2), options: options, traceColumn: 1,
            traceResolution: 5e-9)
        var again = try Chip(seed: 25)
        let reported = try again.vmm(
            inputs: filled(1, 4, 20), weights: filled(4, 8, 2), options: options, traceColumn: 1,
            traceResolution: 5e-9, traceProgress: { heard.append($0) })
        let fractions = heard.values
        // 80 events over 32 µs at 5 ns: thousands of points, reported about once a percent.
        #expect(fractions.count >= 90 && fractions.count <= 101, "\(fractions.count) reports")
        // Each report is in a later whole percent than the one before.
        let percents = fractions.map { Int(($0 * 100 + 1e-9).rounded(.down)) }
        #expect(zip(percents, percents.dropFirst()).allSatisfy { $0.0 < $0.1 }, "\(percents)")
        #expect(fractions.allSatisfy { (0.0...1.0).contains($0) })
        #expect(try #require(fractions.last) > 0.99)
        // Listening changes nothing.
        #expect(reported.outputs == quiet.outputs && reported.trace == quiet.trace)
    }

    @Test(
        "projected time is MODEL.md §4: per vector, the busier hemisphere's non-zero inputs × numSends × wait × 8 ns, plus 36 µs",
        arguments: [(1, 5), (3, 2), (7, 1023)])
    func projectedTime(numSends: Int, wait: Int) throws {
        var chip = try Chip(seed: 23)
        try chip.writeWeights(filled(6, 3, 1), hemisphere: 0)
        try chip.writeWeights(filled(6, 3, 1), hemisphere: 1)
        // Non-zero inputs per vector: hemisphere 0 has 5, 0, 6; hemisphere 1 has 2, 3, 1.
        let h0 = [[1, 2, 3, 4, 5, 0], [0, 0, 0, 0, 0, 0], [31, 1, 1, 1, 1, 1]]
        let h1 = [[0, 0, 9, 0, 0, 9], [4, 4, 4, 0, 0, 0], [0, 0, 0, 0, 0, 31]]
        func matrix(_ rows: [[Int]]) throws -> Matrix<UInt8> {
            try Matrix(rows: rows.count, columns: 6, storage: rows.joined().map { UInt8($0) })
        }
        let options = ExecutionOptions(numSends: numSends, waitBetweenEvents: wait)
        let both = try chip.execute(inputs: [matrix(h0), matrix(h1)], options: options)
        let model = IdealChipModel(parameters: chip.parameters)
        let expected = model.projectedTime(hemispheres: [h0, h1], numSends: numSends, wait: wait)
        // Hand-worked: (5 + 3 + 6) events per send.
        let byHand = Double(14 * numSends * wait) * 8e-9 + 3 * 36e-6
        #expect(abs(expected - byHand) < 1e-15)
        #expect(
            abs(both.projectedTime - expected) < 1e-15,
            "\(both.projectedTime) s, expected \(expected) s")
        // One hemisphere alone: its own events.
        let one = try chip.execute(inputs: [nil, matrix(h1)], options: options)
        let alone = Double(6 * numSends * wait) * 8e-9 + 3 * 36e-6
        #expect(
            abs(one.projectedTime - alone) < 1e-15, "\(one.projectedTime) s, expected \(alone) s")
    }

    @Test(
        "the wait between events sets the read time and, through the pseudo-leak, the output: both integrators follow the closed form",
        arguments: Integrator.allCases)
    func waitBetweenEvents(integrator: Integrator) throws {
        var p = PhysicsParameters().withoutMismatchOrNoise.withLinearChain
        p.pseudoLeakConductance = 2.2e-7  // τ = 10 µs: the wait matters
        var chip = try Chip(seed: 24, parameters: p)
        let model = IdealChipModel(parameters: p)
        let inputs = [Int](repeating: 20, count: 64)
        let column = [Int](repeating: 25, count: 64)
        var outputs: [Int] = []
        for wait in [1, 40, 200] {
            let out = try chip.vmm(
                inputs: Matrix(rows: 1, columns: 64, storage: inputs), weights: filled(64, 1, 25),
                options: ExecutionOptions(waitBetweenEvents: wait, integrator: integrator)
            ).outputs[0, 0]
            let excursion = model.linearExcursion(inputs: inputs, column: column, wait: wait)
            #expect(
                abs(Int(out) - model.output(excursion: excursion)) <= 0,
                "wait \(wait): \(out), closed form \(model.output(excursion: excursion))")
            outputs.append(Int(out))
        }
        // 64 events 200 cycles apart span 102 µs, ten leak time constants: far less output.
        #expect(outputs[0] > outputs[1] && outputs[1] > 3 * outputs[2], "\(outputs)")
    }

    @Test(
        "a trace records the execution of its sample: same trial, same noise, the codes of the outputs",
        arguments: [0, 3])
    func traceIsTheExecution(sample: Int) throws {
        let (inputs, weights) = try randomOperands(batch: 5, rows: 30, columns: 12, seed: 31)
        // The batch with raw reads, on the GSL integrator.
        var chip = try Chip(seed: 33)
        try chip.writeWeights(weights, hemisphere: 0)
        let chipInputs = try Chip.checkedInputs(inputs)
        let gsl = ExecutionOptions(integrator: .gsl, firstTrial: 40, includeRawReads: true)
        let plain = try chip.execute(inputs: [chipInputs, nil], options: gsl)
        for column in [2, 11] {
            let traced = try chip.execute(
                inputs: [chipInputs, nil], options: gsl,
                trace: TraceRequest(column: column, sample: sample))
            let trace = try #require(traced.trace)
            #expect(trace.sample == sample && trace.column == column)
            #expect(Int(try #require(plain.baselineCodes[0])[sample, column]) == trace.baselineCode)
            #expect(Int(try #require(plain.resultCodes[0])[sample, column]) == trace.resultCode)
            // Tracing changes nothing in the outputs.
            #expect(traced.outputs[0] == plain.outputs[0])
            #expect(
                Int(plain.outputs[0]![sample, column])
                    == max(-128, min(127, trace.resultCode - trace.baselineCode)))
            // With the fast integrator the trace is the GSL run of the same trial.
            let fast = try chip.execute(
                inputs: [chipInputs, nil],
                options: ExecutionOptions(integrator: .fast, firstTrial: 40),
                trace: TraceRequest(column: column, sample: sample))
            let fastTrace = try #require(fast.trace)
            #expect(fastTrace.baselineCode == trace.baselineCode)
            #expect(fastTrace.resultCode == trace.resultCode)
            #expect(fastTrace.membrane == trace.membrane)
        }
        // Another trial draws other noise: the trace of sample 0 at trial 40 + sample differs
        // from the trace of sample `sample` only when sample ≠ 0.
        let shifted = try chip.execute(
            inputs: [chipInputs, nil],
            options: ExecutionOptions(integrator: .gsl, firstTrial: 41, includeRawReads: true))
        #expect(shifted.resultCodes[0]! != plain.resultCodes[0]!)
    }

    @Test(
        "withoutMismatch zeroes every parameter of the mismatch group, withoutNoise every one of the noise group, and nothing else"
    )
    func idealParameterSets() throws {
        let defaults = PhysicsParameters()
        for (name, transformed, zeroed) in [
            ("withoutMismatch", defaults.withoutMismatch, [ParameterGroup.mismatch]),
            ("withoutNoise", defaults.withoutNoise, [.noise]),
            ("withoutMismatchOrNoise", defaults.withoutMismatchOrNoise, [.mismatch, .noise]),
        ] {
            for descriptor in PhysicsParameters.descriptors {
                let value = descriptor.value(in: transformed)
                if zeroed.contains(descriptor.group) {
                    #expect(value == .real(0), "\(name): \(descriptor.name) = \(value)")
                } else {
                    #expect(
                        value == descriptor.value(in: defaults),
                        "\(name) changed \(descriptor.name)")
                }
            }
            try transformed.validate()
        }
        // Both groups are non-empty and non-zero by default, so the checks above can fail.
        #expect(
            PhysicsParameters.descriptors.filter { $0.group == .mismatch }.count >= 12
                && PhysicsParameters.descriptors.filter { $0.group == .noise }.count == 3)
        #expect(
            PhysicsParameters.descriptors.filter { $0.group != .circuit && $0.group != .model }
                .allSatisfy { $0.value(in: defaults) != .real(0) })
        // Without mismatch every column is the same column: equal weights give equal outputs.
        var chip = try Chip(seed: 25, parameters: defaults.withoutMismatchOrNoise)
        let outputs = try chip.vmm(inputs: filled(2, 100, 15), weights: filled(100, 512, 21))
            .outputs
        #expect(Set(outputs.storage).count == 1, "\(Set(outputs.storage))")
    }
}
