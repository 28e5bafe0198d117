import Foundation
import HXIO
import HXNumerics
import HXPhysics
import HXTestSupport
import Testing

@testable import HXArguments
@testable import HXSimCLI

@Suite("hxsim chip, vmm, trace")
struct CommandTests {
    @Test("hxsim vmm reads CSV and NumPy files and prints one output row per input row")
    func vmm() throws {
        let dir = try temporaryDirectory()
        // 100 inputs of 15, of 0 and of 31: the demo anchor gives ≈ 61 for weights 21.
        let rows = [15, 0, 31].map { value in
            Array(repeating: "\(value)", count: 100).joined(separator: ",")
        }
        try FileIO.writeAtomically(rows.joined(separator: "\n") + "\n", to: dir + "/x.csv")
        try NumPy.write(Matrix<Int64>(rows: 100, columns: 4, repeating: 21), to: dir + "/w.npy")
        let run = hxsim([
            "vmm", "--inputs", dir + "/x.csv", "--weights", dir + "/w.npy", "--seed", "3",
        ])
        #expect(run.status == 0, "\(run.err)")
        let outputs = run.out.split(separator: "\n").map {
            $0.split(separator: ",").map { Int($0)! }
        }
        #expect(outputs.count == 3 && outputs.allSatisfy { $0.count == 4 })
        // About 61 for the anchor; zero input reads about zero; full input saturates near 100.
        #expect((40...80).contains(outputs[0][0]) && abs(outputs[1][0]) <= 6, "\(outputs)")
        #expect(outputs[2][0] > 85, "\(outputs)")
        // The same seed gives the same codes; --out writes the same text to a file.
        let again = hxsim([
            "vmm", "--inputs", dir + "/x.csv", "--weights", dir + "/w.npy", "--seed", "3", "--out",
            dir + "/y.csv",
        ])
        #expect(again.status == 0 && again.out.isEmpty)
        #expect(try FileIO.readText(path: dir + "/y.csv") == run.out)
    }

    @Test("bad input gives a one-line error and a non-zero status, never a crash")
    func badInput() throws {
        let dir = try temporaryDirectory()
        try FileIO.writeAtomically("1,2\n3,40\n", to: dir + "/big.csv")  // 40 > 31
        try FileIO.writeAtomically("1,2\n3\n", to: dir + "/ragged.csv")
        try FileIO.writeAtomically("1,nan\n", to: dir + "/nan.csv")
        try FileIO.writeAtomically("1,2\n3,4\n", to: dir + "/ok.csv")
        try FileIO.writeAtomically("64,0\n0,0\n", to: dir + "/w64.csv")
        try FileIO.writeAtomically("1,1,1\n", to: dir + "/three.csv")
        try FileIO.writeAtomically("\u{93}NUMPY\u{01}", to: dir + "/truncated.npy")
        let cases: [([String], String)] = [
            (["vmm", "--inputs", dir + "/big.csv", "--weights", dir + "/ok.csv"], "40"),
            (["vmm", "--inputs", dir + "/ragged.csv", "--weights", dir + "/ok.csv"], "row"),
            (["vmm", "--inputs", dir + "/nan.csv", "--weights", dir + "/ok.csv"], "nan"),
            (["vmm", "--inputs", dir + "/ok.csv", "--weights", dir + "/w64.csv"], "64"),
            (["vmm", "--inputs", dir + "/three.csv", "--weights", dir + "/ok.csv"], "shape"),
            (
                ["vmm", "--inputs", dir + "/truncated.npy", "--weights", dir + "/ok.csv"],
                "truncated.npy"
            ),
            (
                ["vmm", "--inputs", dir + "/missing.csv", "--weights", dir + "/ok.csv"],
                "missing.csv"
            ),
            (["vmm", "--inputs", dir + "/ok.csv"], "--weights"),
            (
                ["vmm", "--inputs", dir + "/ok.csv", "--weights", dir + "/ok.csv", "--sed", "1"],
                "--seed"
            ),
            (
                [
                    "vmm", "--inputs", dir + "/ok.csv", "--weights", dir + "/ok.csv", "--num-sends",
                    "0",
                ], "num-sends"
            ),
            (["chip", "--seed", "abc"], "abc"),
            (["chip", "--params", dir + "/ok.csv"], "ok.csv"),
            (["frobnicate"], "frobnicate"),
        ]
        for (arguments, mention) in cases {
            let run = hxsim(arguments)
            #expect(run.status != 0, "\(arguments) succeeded")
            #expect(
                run.err.hasPrefix("hxsim: ") && run.err.filter { $0 == "\n" }.count == 1,
                "\(run.err)")
            #expect(run.err.lowercased().contains(mention.lowercased()), "\(arguments): \(run.err)")
        }
    }

    @Test("every subcommand answers --help with its options")
    func help() {
        for command in HXSimCommand.subcommands {
            let name = command.configuration.name
            let run = hxsim([name, "--help"])
            #expect(run.status == 0, "\(name): \(run.err)")
            #expect(
                run.out.contains("USAGE") && run.out.contains("hxsim \(name)"),
                "\(name): \(run.out)")
            for option in declarations(of: command.init()) where option.kind != .positional {
                #expect(run.out.contains("--\(option.name)"), "\(name) --\(option.name)")
            }
        }
        #expect(hxsim(["--help"]).out.contains("trace"))
    }

    @Test("hxsim sweep: nested actions with their own help; a mistyped action is suggested")
    func sweepActions() throws {
        let plot = hxsim(["sweep", "plot", "--help"])
        #expect(plot.status == 0 && plot.out.hasPrefix("hxsim sweep plot: "))
        #expect(plot.out.contains("--x <AXIS>") && !plot.out.contains("--resume"))
        let group = hxsim(["sweep", "--help"])
        #expect(
            ["run", "merge", "plot", "example-model"].allSatisfy { group.out.contains("  \($0) ") })
        let typo = hxsim(["sweep", "pl0t", "x"])
        #expect(typo.status == 2)
        #expect(
            typo.err
                == "hxsim: unknown subcommand 'pl0t'; did you mean 'plot'? (see 'hxsim sweep --help')\n"
        )
        // `hxsim sweep SPEC` stays short for `hxsim sweep run SPEC`: the same error for a
        // missing specification, and options of other actions are refused.
        let dir = try temporaryDirectory()
        let short = hxsim(["sweep", dir + "/none.json", "--dry-run"])
        let long = hxsim(["sweep", "run", dir + "/none.json", "--dry-run"])
        #expect(short.status == 1 && short.err == long.err && short.err.contains("none.json"))
        #expect(hxsim(["sweep", "run", dir + "/none.json", "--x", "noise"]).status == 2)
    }

    @Test("hxsim chip prints every parameter, and --json round-trips through --params")
    func chip() throws {
        let table = hxsim(["chip"])
        #expect(
            table.status == 0 && table.out.contains("membraneCapacitance")
                && table.out.contains("2.2e-12"))
        let json = hxsim(["chip", "--json"])
        let dir = try temporaryDirectory()
        try FileIO.writeAtomically(
            json.out.replacingOccurrences(of: "\"readNoise\": 1.2", with: "\"readNoise\": 0.5"),
            to: dir + "/p.json")
        let changed = hxsim(["chip", "--params", dir + "/p.json"])
        // The row of readNoise, whatever the width of the name column.
        let row = changed.out.split(separator: "\n").first { $0.hasPrefix("| readNoise ") }
        let cells = row?.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(changed.status == 0 && cells?.first == "readNoise", "\(changed.err)")
        #expect(cells?.dropFirst().first == "0.5", "\(row ?? "no readNoise row")")
    }

    @Test("hxsim trace writes the trace as CSV and a well-formed SVG")
    func trace() throws {
        let dir = try temporaryDirectory()
        try FileIO.writeAtomically("10,20,31,0,5\n", to: dir + "/x.csv")
        try FileIO.writeAtomically("20,-10\n30,5\n-5,40\n10,10\n63,-63\n", to: dir + "/w.csv")
        let run = hxsim([
            "trace", "--inputs", dir + "/x.csv", "--weights", dir + "/w.csv", "--column", "1",
            "--svg",
            dir + "/t.svg",
        ])
        #expect(run.status == 0, "\(run.err)")
        let lines = run.out.split(separator: "\n")
        #expect(lines.first == "time_us,membrane_V,excitatory_V,inhibitory_V" && lines.count > 100)
        let svg = try FileIO.readText(path: dir + "/t.svg")
        #expect(svg.hasPrefix("<?xml") || svg.hasPrefix("<svg"))
        #expect(svg.contains("</svg>"))
    }

    /// A fresh folder with three inputs and a 3 × 3 block, and `hxsim trace` of their column 0.
    func traceOperands() throws -> (dir: String, arguments: [String]) {
        let dir = try temporaryDirectory()
        try FileIO.writeAtomically("1,2,3\n", to: dir + "/x.csv")
        try FileIO.writeAtomically("1,2,3\n1,2,3\n1,2,3\n", to: dir + "/w.csv")
        return (
            dir,
            ["trace", "--inputs", dir + "/x.csv", "--weights", dir + "/w.csv", "--column", "0"]
        )
    }

    @Test("hxsim trace refuses a trace beyond its point limit at once, naming the options")
    func traceTooLong() throws {
        let (dir, trace) = try traceOperands()
        let base = trace + ["--quiet", "--num-sends", "255", "--wait", "1023"]
        // Three inputs, 255 sends, 1023 cycles: 6.26 ms; at 0.01 ns, 6 × 10⁸ points (the review
        // saw 1 GB after 13 s). The resolution named in the error is enough.
        let start = Date()
        let run = hxsim(base + ["--resolution", "0.01", "--out", dir + "/t.csv"])
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(run.status != 0)
        #expect(run.err.hasPrefix("hxsim: --resolution must be ≥ "), "\(run.err)")
        #expect(run.err.filter { $0 == "\n" }.count == 1, "\(run.err)")
        #expect(run.err.contains("--num-sends 255") && run.err.contains("--wait 1023"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/t.csv"))
        let named = try #require(
            run.err.split(separator: "≥ ").dropFirst().first?.split(separator: " ").first)
        let nanoseconds = try #require(Double(named))
        let readTime = Double(3 * 255 * 1023) * 8e-9
        #expect(
            readTime / (nanoseconds * 1e-9) <= Double(TraceRequest.maximumPoints),
            "\(nanoseconds) ns")
    }

    @Test("trace shows its progress on stderr (a percent of the execution), none with --quiet")
    func traceProgress() throws {
        let (dir, trace) = try traceOperands()
        let base = trace + ["--out", dir + "/t.csv"]
        let shown = hxsim(base)
        #expect(shown.status == 0, "\(shown.err)")
        // A short trace ends within the first second: only the final line.
        #expect(
            shown.err.hasPrefix("trace (percent of the execution): 100/100 (")
                && shown.err.hasSuffix(")\n") && shown.err.contains("took 00:0"), "\(shown.err)")
        let quiet = hxsim(base + ["--quiet"])
        #expect(quiet.status == 0 && quiet.err.isEmpty, "\(quiet.err)")
    }
}
