import Foundation
import HXIO
import HXNumerics
import HXPhysics
import HXTestSupport
import Testing

@testable import HXSimCLI

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 12 at the command line: outputs checked before any work, messages that name the
/// operand, the user's path and the cause, and a streamed `vmm` that prints what one execution
/// of the whole batch gives.
@Suite("Robust commands")
struct RobustCommandTests {
    let dir: String

    init() throws {
        dir = try temporaryDirectory()
        try FileIO.writeAtomically("1,2\n3,4\n", to: dir + "/x.csv")
        try FileIO.writeAtomically("5,-6\n7,8\n", to: dir + "/w.csv")
        try FileIO.writeAtomically("plain", to: dir + "/file")
        #expect(mkfifo(dir + "/fifo", 0o600) == 0 && mkfifo(dir + "/pipe.csv", 0o600) == 0)
        #expect(symlink(dir + "/elsewhere.csv", dir + "/link.csv") == 0)
    }

    /// Runs hxsim and checks that it failed with one line naming `mentions`.
    func refused(
        _ arguments: [String], _ mentions: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let run = hxsim(arguments)
        #expect(run.status != 0, "\(arguments) succeeded", sourceLocation: sourceLocation)
        #expect(
            run.err.filter { $0 == "\n" }.count == 1, "\(run.err)", sourceLocation: sourceLocation)
        for text in mentions {
            #expect(
                run.err.contains(text), "\(arguments): \(run.err)", sourceLocation: sourceLocation)
        }
    }

    @Test(
        "vmm --out that is a directory, FIFO, device, symlink or in a missing directory is refused before any input is read"
    )
    func vmmOutputs() {
        // The inputs do not exist: the error is about --out, so --out was checked first.
        let missing = [
            "vmm", "--inputs", dir + "/none.csv", "--weights", dir + "/none.csv", "--out",
        ]
        refused(missing + [dir], ["--out \(dir): cannot write: is a directory"])
        refused(
            missing + [dir + "/fifo"], ["--out \(dir)/fifo: cannot write: is a named pipe (FIFO)"])
        refused(missing + ["/dev/full"], ["--out /dev/full: cannot write: is a character device"])
        refused(
            missing + [dir + "/link.csv"],
            ["--out \(dir)/link.csv: cannot write: is a symbolic link"])
        refused(missing + [dir + "/new/y.csv"], ["the directory \(dir)/new does not exist"])
        #expect(!FileManager.default.fileExists(atPath: dir + "/new"), "no directory created")
    }

    @Test("vmm prints the bytes of one execution of the whole batch, to stdout, - or a file")
    func vmmStreamed() throws {
        let inputs = try Matrix(rows: 300, columns: 20, storage: (0..<6000).map { ($0 * 13) % 32 })
        let weights = try Matrix(
            rows: 20, columns: 40, storage: (0..<800).map { ($0 * 5) % 127 - 63 })
        try CSV.write(inputs, to: dir + "/big.csv")
        try NumPy.write(weights, to: dir + "/big-w.npy")
        var chip = try Chip(seed: 5)
        let expected = try CSV.format(
            chip.vmm(inputs: inputs, weights: weights).outputs.map { Int($0) })
        let base = [
            "vmm", "--inputs", dir + "/big.csv", "--weights", dir + "/big-w.npy", "--seed", "5",
        ]
        let plain = hxsim(base + ["--quiet"])
        #expect(plain.status == 0 && plain.out == expected, "\(plain.err)")
        #expect(hxsim(base + ["--out", "-", "--quiet"]).out == expected)
        let file = hxsim(base + ["--out", dir + "/y.npy", "--quiet"])
        #expect(file.status == 0 && file.out.isEmpty, "\(file.err)")
        #expect(
            try readMatrix(path: dir + "/y.npy").storage == (try CSV.parseMatrix(expected)).storage)
    }

    @Test("a memory budget too small is a one-line error with the numbers, before the work")
    func vmmBudget() {
        refused(
            ["vmm", "--inputs", dir + "/x.csv", "--weights", dir + "/w.csv", "--max-memory", "1"],
            ["a memory budget of 1 MB is too small", "give at least"])
    }

    @Test("range errors name the operand, the file and the element")
    func operandNames() throws {
        try FileIO.writeAtomically("1,2\n32,4\n", to: dir + "/high.csv")
        refused(
            ["vmm", "--inputs", dir + "/high.csv", "--weights", dir + "/w.csv"],
            [
                "hxsim: --inputs \(dir)/high.csv: element [1, 0] = 32.0 is outside the allowed range 0…31"
            ])
        try FileIO.writeAtomically("5,-64\n7,8\n", to: dir + "/wide.csv")
        refused(
            ["vmm", "--inputs", dir + "/x.csv", "--weights", dir + "/wide.csv"],
            [
                "hxsim: --weights \(dir)/wide.csv: element [0, 1] = -64.0 is outside the allowed range -63…63"
            ])
        refused(
            ["vmm", "--inputs", dir + "/pipe.csv", "--weights", dir + "/w.csv"],
            ["--inputs", "pipe.csv: cannot read: is a named pipe (FIFO), not a regular file"])
        refused(
            ["vmm", "--inputs", dir + "/x.csv", "--weights", "/dev/zero"],
            ["--weights", "unsupported file type"])
        try FileIO.writeAtomically("0x1F,2\n3,4\n", to: dir + "/hex.csv")
        refused(
            ["vmm", "--inputs", dir + "/hex.csv", "--weights", dir + "/w.csv"],
            ["--inputs", "hex.csv:1:1", "'0x1F'"])
        try FileIO.writeAtomically(
            #"{"format": "hxsim-physics-parameters", "version": 1, "parameters": {"readNoise": 1.2, "readNoise": -5}}"#,
            to: dir + "/p.json")
        refused(
            ["chip", "--params", dir + "/p.json"],
            ["--params", "p.json", "has the key 'readNoise' twice"])
    }

    @Test(
        "calibrate, train, sweep example-model, trace and bench check their outputs before the work"
    )
    func outputsFirst() {
        refused(["calibrate", "--out", dir], ["--out \(dir): cannot write: is a directory"])
        refused(["calibrate", "--out", dir + "/file/c.json"], ["\(dir)/file is not a directory"])
        refused(
            ["train", "yinyang", "--save", dir + "/file/m.json"],
            ["--save \(dir)/file/m.json: cannot write: \(dir)/file is not a directory"])
        refused(
            ["train", "yinyang", "--save", dir], ["--save \(dir): cannot write: is a directory"])
        refused(
            ["sweep", "example-model", dir + "/none/m.json"],
            ["FILE \(dir)/none/m.json: cannot write: the directory"])
        refused(
            [
                "trace", "--inputs", dir + "/x.csv", "--weights", dir + "/w.csv", "--column", "0",
                "--svg", dir,
            ],
            ["--svg \(dir): cannot write: is a directory"])
        refused(
            ["bench", "--quick", "--out", dir + "/file"],
            ["--out \(dir)/file: cannot write: \(dir)/file is not a directory"])
        // The data folder of the end-to-end networks is checked before the suite starts.
        refused(["bench", "--data", dir + "/none"], ["--data \(dir)/none: no such directory"])
        refused(["bench", "--data", dir + "/file"], ["--data \(dir)/file: not a directory"])
    }

    @Test(
        "an output that would replace an input or another output is refused before the work, the file left as it was"
    )
    func outputsAreNotInputs() throws {
        let x = dir + "/x.csv"
        refused(
            ["vmm", "--inputs", x, "--weights", dir + "/w.csv", "--out", x],
            ["--out \(x): cannot write: it is also the input --inputs \(x)"])
        #expect(try String(contentsOfFile: x, encoding: .utf8) == "1,2\n3,4\n")
        refused(
            ["vmm", "--inputs", x, "--weights", dir + "/w.csv", "--out", dir + "/./w.csv"],
            ["--out \(dir)/w.csv", "it is also the input --weights"])
        let params = dir + "/params.json"
        try FileIO.writeAtomically(hxsim(["chip", "--json"]).out, to: params)
        refused(
            ["calibrate", "--params", params, "--out", params],
            ["--out \(params): cannot write: it is also the input --params"])
        refused(
            ["transfer", "--out", dir + "/t.csv", "--svg", dir + "/t.csv"],
            ["--svg \(dir)/t.csv: cannot write: it is also the output --out"])
        refused(
            ["train", "yinyang", "--params", params, "--save", params],
            ["--save \(params): cannot write: it is also the input --params"])
        refused(
            ["trace", "--inputs", x, "--weights", dir + "/w.csv", "--column", "0", "--svg", x],
            ["--svg \(x): cannot write: it is also the input --inputs \(x)"])
        #expect(try String(contentsOfFile: x, encoding: .utf8) == "1,2\n3,4\n")
        refused(
            ["trace", "--inputs", x, "--weights", dir + "/w.csv", "--column", "2"],
            ["--column must be in 0…1 (columns of --weights), got 2"])
    }

    @Test("calibrate checks its report, tables and histograms before it calibrates")
    func calibrateReportFirst() throws {
        try FileManager.default.createDirectory(
            atPath: dir + "/c-gain.svg", withIntermediateDirectories: false)
        refused(
            ["calibrate", "--out", dir + "/c.json"],
            ["--out (its report) \(dir)/c-gain.svg: cannot write: is a directory"])
        #expect(!FileManager.default.fileExists(atPath: dir + "/c.json"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/c-report.md"))
    }

    @Test(
        "budget refuses --quick and --calibrate-at-power-up without --calibrate, vmm --header with a .npy output; a weights shape is blamed on --weights"
    )
    func dependentOptionsAndBlame() throws {
        for flag in ["--quick", "--calibrate-at-power-up"] {
            refused(
                ["budget", "--task", "digits", dir + "/none.json", flag],
                ["\(flag) has an effect only with --calibrate"])
        }
        refused(
            [
                "vmm", "--inputs", dir + "/x.csv", "--weights", dir + "/w.csv", "--out",
                dir + "/y.npy", "--header",
            ],
            ["--header has an effect only with CSV output"])
        let tall = String(repeating: "1,2\n", count: 129)
        try FileIO.writeAtomically(tall, to: dir + "/tall.csv")
        refused(
            ["vmm", "--inputs", dir + "/x.csv", "--weights", dir + "/tall.csv"],
            ["--weights \(dir)/tall.csv: weights has shape [129, 2], expected 1…128 rows"])
    }
}
