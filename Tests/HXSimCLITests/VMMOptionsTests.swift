import Foundation
import HXCalibration
import HXIO
import HXNumerics
import HXPhysics
import HXTestSupport
import Testing

/// `hxsim vmm` and `hxsim trace` with every option, through the command's entry point, against
/// the library and docs/MODEL.md's closed form.
@Suite("hxsim vmm and trace: every option")
struct VMMOptionsTests {
    @Test(
        "--params, --integrator, --num-sends and --wait reach the chip: on the linear ideal chip both integrators print the closed form's codes",
        arguments: [("fast", 1, 5), ("gsl", 2, 3), ("fast", 3, 40)])
    func closedForm(integrator: String, numSends: Int, wait: Int) throws {
        let dir = try TemporaryDirectory()
        let params = try CLIFixtures.linearIdealParameters(in: dir.path)
        let inputs = try randomMatrix(3, 40, in: 0...31, seed: 4)
        var weights = try randomMatrix(40, 6, in: -5...30, seed: 5)
        for r in 0..<40 { weights[r, 1] = -weights[r, 1] }
        let run = hxsim(
            ["vmm"] + (try operandArguments(inputs, weights, in: dir)) + [
                "--params", params, "--integrator", integrator, "--num-sends", "\(numSends)",
                "--wait", "\(wait)",
            ])
        #expect(run.status == ExitStatus.success, "\(run.err)")
        let rows = integerRows(run.out)
        #expect(rows.count == 3 && rows.allSatisfy { $0.count == 6 })
        let model = IdealChipModel(parameters: try PhysicsParameters(contentsOf: params))
        for b in 0..<3 {
            for j in 0..<6 {
                let v = model.linearExcursion(
                    inputs: Array(inputs.row(b)), column: (0..<40).map { weights[$0, j] },
                    columnIndex: j, numSends: numSends, wait: wait)
                #expect(
                    rows[b][j] == model.output(excursion: v, column: j),
                    "sample \(b), column \(j): \(rows[b][j]), closed form \(model.output(excursion: v, column: j))"
                )
            }
        }
        #expect(rows.joined().contains { abs($0) > 20 })
    }

    @Test(
        "hxsim vmm prints what Chip.vmm computes for the same seed; --threads and --out change nothing"
    )
    func sameAsLibrary() throws {
        let dir = try TemporaryDirectory()
        let (inputs, weights) = try randomOperands(batch: 5, rows: 100, columns: 300, seed: 6)
        try writeCSV(inputs, to: dir.file("x.csv"))
        try NumPy.write(weights.map { Int64($0) }, to: dir.file("w.npy"))
        var chip = try Chip(seed: 9)
        let expected = try chip.vmm(inputs: inputs, weights: weights).outputs
        for threads in ["1", "2"] {
            let run = hxsim([
                "vmm", "--inputs", dir.file("x.csv"), "--weights", dir.file("w.npy"), "--seed",
                "9", "--threads", threads,
            ])
            #expect(run.status == ExitStatus.success, "\(run.err)")
            #expect(
                integerRows(run.out) == (0..<5).map { b in (0..<300).map { Int(expected[b, $0]) } })
        }
        let written = hxsim([
            "vmm", "--inputs", dir.file("x.csv"), "--weights", dir.file("w.npy"), "--seed", "9",
            "--out", dir.file("y.csv"),
        ])
        #expect(written.status == ExitStatus.success && written.out.isEmpty)
        #expect(
            integerRows(try FileIO.readText(path: dir.file("y.csv")))
                == (0..<5).map { b in (0..<300).map { Int(expected[b, $0]) } })
    }

    @Test(
        "--calibration runs on the calibrated chip; --digital-correction applies the fit's line to those outputs, rounded with dither"
    )
    func calibration() throws {
        let calibrationDirectory = try CLIFixtures.calibration()
        let file = calibrationDirectory + "/chip-3.json"
        let result = try CalibrationResult(contentsOf: file)
        let dir = try TemporaryDirectory()
        let (inputs, weights) = try randomOperands(
            batch: 40, rows: 100, columns: 512, seed: 10, weights: -20...30)
        let base = ["vmm"] + (try operandArguments(inputs, weights, in: dir)) + ["--seed", "3"]
        let raw = hxsim(base + ["--calibration", file])
        #expect(raw.status == ExitStatus.success, "\(raw.err)")
        var chip = try Chip(seed: 3)
        try result.apply(to: &chip)
        let library = try chip.vmm(inputs: inputs, weights: weights).outputs
        let rawRows = integerRows(raw.out)
        #expect(rawRows == (0..<40).map { b in (0..<512).map { Int(library[b, $0]) } })
        // Uncalibrated outputs differ.
        #expect(integerRows(hxsim(base).out) != rawRows)

        let corrected = hxsim(base + ["--calibration", file, "--digital-correction"])
        #expect(corrected.status == ExitStatus.success, "\(corrected.err)")
        let correction = try result.requireCorrection()
        let values = try correction.correctedValues(
            library.slice(rows: 0..<40, columns: 0..<256), hemisphere: 0, columns: 0..<256)
        var total = 0.0
        var changed = 0
        for (b, row) in integerRows(corrected.out).enumerated() {
            for j in 0..<256 {
                let code = rawRows[b][j]
                guard abs(code) < 127 else { continue }
                let line = min(max(values[b, j], -128), 127)
                #expect(abs(Double(row[j]) - line) < 1, "raw \(code) → \(row[j]), line \(line)")
                total += Double(row[j]) - line
                if row[j] != code { changed += 1 }
            }
        }
        #expect(
            abs(total / Double(40 * 256)) < 0.1, "mean rounding error \(total / Double(40 * 256))")
        #expect(changed > 40 * 256 / 10, "\(changed) codes changed")
        // The same run gives the same codes.
        #expect(hxsim(base + ["--calibration", file, "--digital-correction"]).out == corrected.out)
    }

    @Test(
        "hxsim trace --sample S traces the execution of row S of hxsim vmm --integrator gsl: same trial, same codes; the read at events · wait · 8 ns + 1 µs"
    )
    func traceIsVMMRow() throws {
        let dir = try TemporaryDirectory()
        let (inputs, weights) = try randomOperands(batch: 4, rows: 12, columns: 5, seed: 12)
        let common =
            try operandArguments(inputs, weights, in: dir) + [
                "--seed", "4", "--num-sends", "2", "--wait", "3",
            ]
        let vmm = hxsim(["vmm", "--integrator", "gsl"] + common)
        #expect(vmm.status == ExitStatus.success, "\(vmm.err)")
        let outputs = integerRows(vmm.out)
        for (sample, column) in [(0, 1), (2, 4), (3, 0)] {
            let run = hxsim(
                ["trace"] + common + [
                    "--column", "\(column)", "--sample", "\(sample)", "--svg", dir.file("t.svg"),
                    "--resolution", "5",
                ])
            #expect(run.status == ExitStatus.success, "\(run.err)")
            let svg = try FileIO.readText(path: dir.file("t.svg"))
            let traced = integer(after: "output ", in: svg)
            #expect(
                traced == outputs[sample][column],
                "trace \(String(describing: traced)), vmm \(outputs[sample][column])")
            let baseline = try #require(integer(after: "baseline read (code ", in: svg))
            let result = try #require(integer(after: "result read (code ", in: svg))
            #expect(max(-128, min(127, result - baseline)) == outputs[sample][column])
            // The CSV ends at the result read: non-zero inputs × 2 sends × 3 cycles × 8 ns + 1 µs.
            let lines = run.out.split(separator: "\n")
            let last = try #require(Double(lines.last!.split(separator: ",")[0]))
            let events = inputs.row(sample).filter { $0 > 0 }.count * 2
            #expect(abs(last - (Double(events) * 0.024 + 1)) < 1e-9, "read at \(last) µs")
            // Points at least every 5 ns (and at every pulse edge).
            let times = lines.dropFirst().compactMap { Double($0.split(separator: ",")[0]) }
            let gaps = zip(times, times.dropFirst()).map { $1 - $0 }
            #expect(gaps.allSatisfy { $0 > 0 && $0 <= 0.005 + 1e-9 } && times.count > 200)
        }
        let beyond = hxsim(
            ["trace"] + common + ["--column", "0", "--sample", "4", "--svg", dir.file("t.svg")])
        #expect(beyond.status == ExitStatus.usage && beyond.err.contains("sample"), "\(beyond.err)")
    }

    @Test(
        "vmm and trace: usage errors exit with 2, failures of the work with 1",
        arguments: [
            (["--wait", "0"], ExitStatus.usage, "wait"),
            (["--num-sends", "256"], ExitStatus.usage, "num-sends"),
            (["--integrator", "rk4"], ExitStatus.usage, "integrator"),
            (["--threads", "0"], ExitStatus.usage, "threads"),
            (["--digital-correction"], ExitStatus.usage, "calibration"),
            (["--seed", "-1"], ExitStatus.usage, "seed"),
            (["--params", "/nonexistent/p.json"], ExitStatus.usage, "p.json"),
            (["--calibration", "/nonexistent/c.json"], ExitStatus.usage, "c.json"),
        ])
    func statuses(extra: [String], status: Int32, mention: String) throws {
        let dir = try TemporaryDirectory()
        let run = hxsim(
            ["vmm"] + (try operandArguments(filled(2, 4, 3), filled(4, 3, 5), in: dir)) + extra)
        #expect(run.status == status, "\(extra): \(run.status) \(run.err)")
        #expect(
            run.err.hasPrefix("hxsim: ") && run.err.filter { $0 == "\n" }.count == 1, "\(run.err)")
        #expect(run.err.contains(mention), "\(extra): \(run.err)")
    }

    @Test("a calibration of another chip is refused with status 1, naming both seeds")
    func calibrationOfAnotherChip() throws {
        let file = try CLIFixtures.calibration() + "/chip-3.json"
        let dir = try TemporaryDirectory()
        let run = hxsim(
            ["vmm"] + (try operandArguments(filled(2, 4, 3), filled(4, 3, 5), in: dir)) + [
                "--seed", "4", "--calibration", file,
            ])
        #expect(run.status == ExitStatus.failure, "\(run.err)")
        #expect(run.err.contains("3") && run.err.contains("4"), "\(run.err)")
    }
}
