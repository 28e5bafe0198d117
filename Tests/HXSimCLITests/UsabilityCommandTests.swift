import Foundation
import HXBuildInfo
import HXIO
import HXNumerics
import HXPhysics
import HXTestSupport
import Testing

@testable import HXArguments
@testable import HXSimCLI

/// Writes `rows` as CSV to `path`.
private func writeCSV(_ rows: [[String]], to path: String) throws {
    try FileIO.writeAtomically(
        rows.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n", to: path)
}

/// A batch of `batch` vectors over `rows` inputs and `rows` × `columns` weights, deterministic.
private func operands(batch: Int, rows: Int, columns: Int, in directory: String) throws {
    var random = SplitMix64(key: 5)
    try writeCSV(
        (0..<batch).map { _ in (0..<rows).map { _ in String(random.next() % 32) } },
        to: directory + "/x.csv")
    try writeCSV(
        (0..<rows).map { _ in (0..<columns).map { _ in String(Int(random.next() % 127) - 63) } },
        to: directory + "/w.csv")
}

@Suite("Everyday pieces: version, quiet, seeds, rounding, headers, sidecars, new commands")
struct UsabilityCommandTests {
    @Test("--version names the version, the build's commit and the BLAS kernel in use")
    func version() {
        for line in [["--version"], ["chip", "--version"], ["--version", "sweep"]] {
            let run = hxsim(line)
            #expect(run.status == 0 && run.err.isEmpty, "\(line): \(run.err)")
            #expect(
                run.out.hasPrefix(
                    "hxsim \(Version.text.dropFirst(6).prefix(while: { $0 != " " })) ("))
            #expect(run.out.contains("OpenBLAS kernel \(BLAS.kernelName))"), "\(run.out)")
            #expect(run.out.contains("commit ") && run.out.hasSuffix(")\n"), "\(run.out)")
        }
    }

    @Test("a negative seed says the seed must be ≥ 0 instead of 'expects an integer'")
    func negativeSeed() {
        let run = hxsim(["chip", "--seed", "-1"])
        #expect(run.status == 2)
        #expect(run.err == "hxsim: --seed must be ≥ 0, got -1\n", "\(run.err)")
        #expect(hxsim(["chip", "--seed", "x"]).err.contains("expects an integer, got 'x'"))
    }

    @Test("--quiet anywhere on the line silences progress and summaries, not results")
    func quiet() throws {
        let dir = try temporaryDirectory()
        try operands(batch: 20, rows: 6, columns: 3, in: dir)
        let base = [
            "vmm", "--inputs", dir + "/x.csv", "--weights", dir + "/w.csv", "--integrator", "gsl",
        ]
        let loud = hxsim(base)
        #expect(loud.status == 0, "\(loud.err)")
        // 20 GSL vectors run in chunks of 8: progress ends at 20 rows, then the projected time.
        #expect(loud.err.contains("vmm: 20 rows ("), "\(loud.err)")
        #expect(loud.err.contains("projected on the real chip"), "\(loud.err)")
        for line in [base + ["--quiet"], ["--quiet"] + base] {
            let quiet = hxsim(line)
            #expect(quiet.status == 0 && quiet.err.isEmpty, "\(quiet.err)")
            #expect(quiet.out == loud.out)
        }
    }

    @Test("the GSL reference streamed in small chunks gives the codes of one call, byte for byte")
    func gslChunks() throws {
        var random = SplitMix64(key: 11)
        let (batch, rows, columns) = (11, 12, 40)
        let inputs = try Matrix(
            rows: batch, columns: rows,
            storage: (0..<(batch * rows)).map { _ in Int(random.next() % 32) })
        let weights = try Matrix(
            rows: rows, columns: columns,
            storage: (0..<(rows * columns)).map { _ in Int(random.next() % 127) - 63 })
        var options = ExecutionOptions()
        options.integrator = .gsl
        var whole = try Chip(seed: 4)
        let expected = try whole.vmm(inputs: inputs, weights: weights, options: options)
        let collected = Collected()
        try MatrixTarget.write(expected.outputs, to: MatrixTarget.output(nil)) {
            collected.text += $0
        }
        let streamed = Collected()
        var chunked = try Chip(seed: 4)
        let csv = (0..<batch).map { b in
            (0..<rows).map { String(inputs[b, $0]) }.joined(separator: ",")
        }.joined(separator: "\n")
        let reader = try MatrixReader(
            data: Data(csv.utf8), format: .init(path: "x.csv"), source: "x")
        let writer = try MatrixWriter<Int8>(target: MatrixTarget.output(nil)) {
            streamed.text += String(decoding: $0, as: UTF8.self)
        }
        let summary = try chunked.streamVMM(
            inputs: reader, weights: weights, to: writer, options: options,
            chunkRows: 4)
        #expect(summary.chunks == 3)
        #expect(streamed.text == collected.text)
        #expect(summary.firstTrial == expected.firstTrial)
        #expect(
            abs(summary.projectedTime - expected.projectedTime) <= 1e-12 * expected.projectedTime)
        #expect(chunked.nextTrial == whole.nextTrial)
    }

    @Test("the GSL reference's chunks shrink as sends and waits lengthen a vector's execution")
    func gslChunkSize() {
        func rows(_ numSends: Int, _ wait: Int, threads: Int = 2) -> Int {
            VMMCommand.gslChunkRows(numSends: numSends, waitBetweenEvents: wait, threads: threads)
        }
        #expect(rows(1, 5) == 8)
        #expect(rows(2, 5) == 4 && rows(1, 10) == 4)
        // The longest execution: a vector per thread, not eight (7.5 minutes between lines).
        #expect(rows(255, 1023) == 2 && rows(255, 1023, threads: 1) == 1)
        #expect(rows(1, 5, threads: 16) == 16)
    }

    @Test("--round rounds half away from zero and clamps; without it such values are errors")
    func round() throws {
        var count = OperandRounding.Count()
        let matrix = try OperandRounding.apply(
            to: Matrix(rows: 1, columns: 7, storage: [2.5, -2.5, 0.49, 31.5, 40, -70, 7]),
            allowed: -63...31, count: &count)
        #expect(matrix.storage == [3, -3, 0, 31, 31, -63, 7])
        #expect(count == OperandRounding.Count(values: 7, rounded: 3, clamped: 3))
        #expect(throws: IOError.notIntegral(row: 5, column: 0, value: .infinity)) {
            try OperandRounding.apply(
                to: Matrix(rows: 1, columns: 1, storage: [.infinity]), allowed: 0...31,
                firstRow: 5, count: &count)
        }
        let dir = try temporaryDirectory()
        try writeCSV(
            [["2.5", "30.6", "-1", "0.4"], ["15", "40", "7.5", "3"]], to: dir + "/x.csv")
        try writeCSV(
            [["20.5", "-70"], ["-3.5", "7"], ["63", "-2.49"], ["12", "1"]], to: dir + "/w.csv")
        try writeCSV([["3", "31", "0", "0"], ["15", "31", "8", "3"]], to: dir + "/xi.csv")
        try writeCSV(
            [["21", "-63"], ["-4", "7"], ["63", "-2"], ["12", "1"]], to: dir + "/wi.csv")
        let rounded = hxsim([
            "vmm", "--inputs", dir + "/x.csv", "--weights", dir + "/w.csv", "--round",
        ])
        let integers = hxsim(["vmm", "--inputs", dir + "/xi.csv", "--weights", dir + "/wi.csv"])
        #expect(rounded.status == 0 && integers.status == 0, "\(rounded.err)")
        #expect(rounded.out == integers.out)
        #expect(
            rounded.err.contains("--round changed 6 of 8 inputs (2 clamped to 0…31)"),
            "\(rounded.err)")
        let refused = hxsim(["vmm", "--inputs", dir + "/x.csv", "--weights", dir + "/wi.csv"])
        #expect(refused.status == 1 && refused.err.contains("2.5"), "\(refused.err)")
    }

    @Test("vmm: --header names the columns; the sidecar holds the projected time of §4")
    func headerAndSidecar() throws {
        let dir = try temporaryDirectory()
        try writeCSV(
            [["0", "3", "0", "31"], ["1", "1", "1", "1"], ["0", "0", "0", "0"]], to: dir + "/x.csv")
        try writeCSV([["1", "2"], ["3", "4"], ["5", "6"], ["7", "8"]], to: dir + "/w.csv")
        let run = hxsim([
            "vmm", "--inputs", dir + "/x.csv", "--weights", dir + "/w.csv", "--out", dir + "/y.csv",
            "--header", "--num-sends", "2", "--wait", "3",
        ])
        #expect(run.status == 0, "\(run.err)")
        let lines = try FileIO.readText(path: dir + "/y.csv").split(separator: "\n")
        #expect(lines.first == "column_0,column_1" && lines.count == 4)
        let record = try JSONDecoder().decode(
            VMMRecord.self, from: Data(FileIO.readText(path: dir + "/y.csv.json").utf8))
        // Events per vector: 2, 4 and 0 non-zero inputs, × 2 sends × 3 cycles × 8 ns, plus
        // 36 µs per vector (docs/SPECIFICATION.md §4).
        let expected = Double(2 + 4 + 0) * 2 * 3 * 8e-9 + 3 * 36e-6
        #expect(abs(record.projectedSeconds - expected) < 1e-15, "\(record.projectedSeconds)")
        #expect(record.batch == 3 && record.columns == 2 && record.numSends == 2)
        #expect(record.commit == BuildInfo.commit && record.blasKernel == BLAS.kernelName)
        #expect(run.err.contains("projected on the real chip: 108 µs for 3 vectors"), "\(run.err)")
    }

    @Test("sweep plot says which axes became panels and how to pool them")
    func sweepPanels() throws {
        let dir = try temporaryDirectory()
        let results = packageRoot.appendingPathComponent("benchmarks/sweeps/noise.results.jsonl")
        let run = hxsim([
            "sweep", "plot", results.path, "--x", "noise", "--lines", "calibration", "--out", dir,
        ])
        #expect(run.status == 0, "\(run.err)")
        #expect(
            run.err.contains("10 panels, one per value of seed; --mean-over seed pools them"),
            "\(run.err)")
        let pooled = hxsim([
            "sweep", "plot", results.path, "--x", "noise", "--lines", "calibration",
            "--mean-over", "seed", "--out", dir,
        ])
        #expect(pooled.status == 0 && !pooled.err.contains("panels"), "\(pooled.err)")
    }

    @Test("eval shows progress with a rate, and percentages")
    func evalProgress() throws {
        let dir = try temporaryDirectory()
        let model = packageRoot.appendingPathComponent(
            "benchmarks/sweeps/models/yinyang-software.json")
        let run = hxsim([
            "eval", model.path, "--task", "yinyang", "--backend", "software", "--limit", "300",
        ])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.err.contains("eval: 300/300 ("), "\(run.err)")
        #expect(run.out.contains("accuracy 9") && run.out.contains(" % (300 samples"), "\(run.out)")
        _ = dir
    }

    @Test("trace writes its CSV without --svg")
    func traceWithoutSVG() throws {
        let dir = try temporaryDirectory()
        try writeCSV([["10", "20", "31"]], to: dir + "/x.csv")
        try writeCSV([["20", "-10"], ["30", "5"], ["-5", "40"]], to: dir + "/w.csv")
        let run = hxsim([
            "trace", "--inputs", dir + "/x.csv", "--weights", dir + "/w.csv", "--column", "0",
        ])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.hasPrefix("time_us,membrane_V,excitatory_V,inhibitory_V\n"))
    }

    @Test("transfer: a rising curve through zero that saturates, as CSV and SVG")
    func transfer() throws {
        let dir = try temporaryDirectory()
        let run = hxsim([
            "transfer", "--steps", "8", "--trials", "2", "--out", dir + "/t.csv", "--header",
            "--svg", dir + "/t.svg", "--seed", "3",
        ])
        #expect(run.status == 0, "\(run.err)")
        let table = try CSV.readMatrix(path: dir + "/t.csv", hasHeader: true)
        #expect(table.rows == 9 && table.columns == 3)
        let ideal = (0..<9).map { table[$0, 0] }
        // Σ a·w in whole activations: the last point is the largest multiple of 63 ≤ 160,000.
        #expect(ideal.first == 0 && ideal.last == Double(160_000 / 63 * 63))
        let positive = (0..<9).map { table[$0, 1] }
        let negative = (0..<9).map { table[$0, 2] }
        #expect(abs(positive[0]) < 6 && abs(negative[0]) < 6)
        // Monotone up to noise, and saturating: the last step adds far less than the first.
        // Means of two vectors: noise of ≈ 1.4 LSB each, so steps back of up to 6 LSB happen.
        #expect(zip(positive, positive.dropFirst()).allSatisfy { $1 > $0 - 6 }, "\(positive)")
        #expect(zip(negative, negative.dropFirst()).allSatisfy { $1 < $0 + 6 }, "\(negative)")
        #expect(positive[8] - positive[7] < (positive[1] - positive[0]) / 2, "\(positive)")
        #expect(run.err.contains("transfer: linear to ±"))
        #expect(try FileIO.readText(path: dir + "/t.svg").contains("</svg>"))
    }

    @Test("mock-parameter: hxtorch's gain and noise on the default chip; noise follows --params")
    func mockParameter() throws {
        let run = hxsim(["mock-parameter", "--json"])
        #expect(run.status == 0, "\(run.err)")
        let record = try JSONDecoder().decode(
            MockParameterCommand.Record.self, from: Data(run.out.utf8))
        // The anchors of docs/SPECIFICATION.md §5: gain 0.002 and noise 2.0 LSB, within 15 %.
        #expect(
            abs(record.gain / 0.002 - 1) < 0.15 && abs(record.noise / 2 - 1) < 0.15, "\(record)")
        let dir = try temporaryDirectory()
        let json = hxsim(["chip", "--json"]).out
        try FileIO.writeAtomically(
            json.replacingOccurrences(of: "\"readNoise\": 1.2", with: "\"readNoise\": 0"),
            to: dir + "/p.json")
        let quiet = hxsim(["mock-parameter", "--json", "--params", dir + "/p.json"])
        let calm = try JSONDecoder().decode(
            MockParameterCommand.Record.self, from: Data(quiet.out.utf8))
        // Without read noise (1.2 LSB on each of two reads) the noise drops by about √(2·1.2²).
        #expect(calm.noise < record.noise - 0.5, "\(calm.noise) vs \(record.noise)")
        #expect(calm.parameterFingerprint != record.parameterFingerprint)
        let text = hxsim(["mock-parameter"])
        #expect(text.out.hasPrefix("chip 1: gain 0.00"), "\(text.out)")
    }
}

/// Text collected from a writer's closure.
private final class Collected: @unchecked Sendable {
    var text = ""
}
