import Foundation
import HXIO
import HXNetwork
import HXSweep
import HXTestSupport
import Synchronization
import Testing

/// `hxsim sweep` with every action (run, merge, plot, example-model) through the command's
/// entry point, on a tiny specification (4 points of 20 Yin-Yang samples).
@Suite("hxsim sweep: run, resume, shards, merge, plot, example-model")
struct SweepCommandTests {
    private static let shared = Mutex<String?>(nil)

    /// A directory with `model.json` (made by `hxsim sweep example-model`) and `spec.json`,
    /// made once per process; each test writes results files of its own names into it.
    static func workspace() throws -> Workspace {
        try shared.withLock { cached in
            if let cached { return Workspace(path: cached) }
            let path = try temporaryDirectory("hxsim-cli-sweep")
            let model = hxsim(["sweep", "example-model", path + "/model.json", "--epochs", "1"])
            guard model.status == 0 else { throw CLIFixtureError.commandFailed(model.err) }
            try FileIO.writeAtomically(
                """
                {
                  "format": "hxsim-sweep", "version": 1, "name": "cli-test", "model": "model.json",
                  "dataset": {"kind": "yinyang", "size": 20, "seed": 40, "inputScale": 31},
                  "seed": 7, "repetitions": 1,
                  "base": {"backend": "physics", "chips": 1},
                  "axes": [
                    {"axis": "scale:noise", "values": [0, 2]},
                    {"axis": "seed", "values": [1, 2]}
                  ]
                }
                """, to: path + "/spec.json")
            cached = path
            return Workspace(path: path)
        }
    }

    /// The shared directory: `file(name)` is its file `name`.
    struct Workspace {
        let path: String
        func file(_ name: String) -> String { path + "/" + name }
    }

    /// The records of a results file without their wall times, which differ between runs.
    static func records(_ path: String) throws -> [SweepRecord] {
        try SweepResults.read(path: path, mustExist: true).records.map {
            var record = $0
            record.wallSeconds = 0
            return record
        }
    }

    @Test(
        "example-model saves a trained model; run writes one record per point; --max-points and --resume continue to the same file; a dry run lists the points"
    )
    func runAndResume() throws {
        let dir = try Self.workspace()
        let model = try ModelFile.load(from: URL(fileURLWithPath: dir.file("model.json")))
        #expect(model.layers.count == 3)

        let dry = hxsim(["sweep", dir.file("spec.json"), "--dry-run"])
        #expect(dry.status == ExitStatus.success, "\(dry.err)")
        #expect(
            dry.out.contains("4 points") && dry.out.split(separator: "\n").count == 6, "\(dry.out)")

        let whole = hxsim([
            "sweep", dir.file("spec.json"), "--quiet", "--results", dir.file("whole.jsonl"),
        ])
        #expect(whole.status == ExitStatus.success, "\(whole.err)")
        #expect(whole.out.contains("4/4 points done: 4 computed now, 0 resumed"), "\(whole.out)")
        // --quiet: no progress or summary line on stderr (review: "4 points, 0 done, 4 to run").
        #expect(whole.err.isEmpty, "\(whole.err)")
        let expected = try Self.records(dir.file("whole.jsonl"))
        #expect(expected.map(\.index) == [0, 1, 2, 3])
        #expect(expected.allSatisfy { $0.samples == 20 && (0...1).contains($0.accuracyMean) })

        // Again without --resume: refused, the file untouched.
        let again = hxsim([
            "sweep", dir.file("spec.json"), "--quiet", "--results", dir.file("whole.jsonl"),
        ])
        #expect(
            again.status == ExitStatus.failure && again.err.contains("--resume"), "\(again.err)")

        // One point, then the rest with --resume: the same records, and nothing recomputed.
        let partial = [
            "sweep", dir.file("spec.json"), "--quiet", "--results", dir.file("partial.jsonl"),
        ]
        let first = hxsim(partial + ["--max-points", "1"])
        #expect(
            first.out.contains("1/4 points done") && first.out.contains("3 left"), "\(first.out)")
        let rest = hxsim(partial + ["--resume"])
        #expect(rest.out.contains("3 computed now, 1 resumed"), "\(rest.out)")
        #expect(try Self.records(dir.file("partial.jsonl")) == expected)
        let done = hxsim(partial + ["--resume"])
        #expect(done.out.contains("0 computed now, 4 resumed"), "\(done.out)")
        #expect(try Self.records(dir.file("partial.jsonl")) == expected)
    }

    @Test("shards 0/2 and 1/2 merged equal the whole run; a missing shard is an error naming it")
    func shardsAndMerge() throws {
        let dir = try Self.workspace()
        _ = hxsim([
            "sweep", dir.file("spec.json"), "--quiet", "--results", dir.file("all.jsonl"),
        ])
        for shard in ["0/2", "1/2"] {
            let run = hxsim([
                "sweep", dir.file("spec.json"), "--quiet", "--shard", shard, "--results",
                dir.file("shard-\(shard.prefix(1)).jsonl"),
            ])
            #expect(
                run.status == ExitStatus.success && run.out.contains("shard \(shard)"),
                "\(run.out) \(run.err)")
        }
        let merged = hxsim([
            "sweep", "merge", dir.file("merged.jsonl"), dir.file("shard-0.jsonl"),
            dir.file("shard-1.jsonl"), "--spec", dir.file("spec.json"),
        ])
        #expect(merged.status == ExitStatus.success, "\(merged.err)")
        #expect(try Self.records(dir.file("merged.jsonl")) == Self.records(dir.file("all.jsonl")))
        let missing = hxsim([
            "sweep", "merge", dir.file("missing.jsonl"), dir.file("shard-0.jsonl"), "--spec",
            dir.file("spec.json"),
        ])
        #expect(missing.status == ExitStatus.failure, "\(missing.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("missing.jsonl")))
    }

    @Test(
        "plot draws the SVG and tables of a results file, with --x, --lines, --mean-over; without --x the table only"
    )
    func plot() throws {
        let dir = try Self.workspace()
        _ = hxsim(["sweep", dir.file("spec.json"), "--quiet", "--results", dir.file("r.jsonl")])
        let table = hxsim(["sweep", "plot", dir.file("r.jsonl")])
        #expect(table.status == ExitStatus.success, "\(table.err)")
        #expect(FileManager.default.fileExists(atPath: dir.file("r.md")))
        #expect(FileManager.default.fileExists(atPath: dir.file("r.csv")))
        let out = dir.file("plots")
        let pooled = hxsim([
            "sweep", "plot", dir.file("r.jsonl"), "--x", "noise", "--mean-over", "seed", "--out",
            out, "--title", "accuracy against noise",
        ])
        #expect(pooled.status == ExitStatus.success, "\(pooled.err)")
        let withoutX = hxsim(["sweep", "plot", dir.file("r.jsonl"), "--lines", "seed"])
        #expect(
            withoutX.status == ExitStatus.usage && withoutX.err.contains("--x"), "\(withoutX.err)")
        let lines = hxsim([
            "sweep", "plot", dir.file("r.jsonl"), "--x", "noise", "--lines", "seed", "--out", out,
        ])
        #expect(lines.status == ExitStatus.success, "\(lines.err)")
        let svgs = try FileManager.default.contentsOfDirectory(atPath: out).filter {
            $0.hasSuffix(".svg")
        }
        #expect(!svgs.isEmpty)
        let svg = try FileIO.readText(path: out + "/" + svgs[0])
        #expect(svg.contains("</svg>") && svg.contains("seed"))
    }

    @Test(
        "sweep: usage errors exit with 2 (options of another action, missing operands), failures with 1",
        arguments: [
            (["sweep", "plot"], ExitStatus.usage, "RESULTS"),
            (["sweep", "merge", "/tmp/out.jsonl"], ExitStatus.usage, "SHARDS"),
            (["sweep", "example-model"], ExitStatus.usage, "FILE"),
            (["sweep", "spec.json", "--x", "noise"], ExitStatus.usage, "--x"),
            (["sweep", "plot", "r.jsonl", "--resume"], ExitStatus.usage, "--resume"),
            (["sweep", "/nonexistent/spec.json"], ExitStatus.failure, "spec.json"),
            (["sweep", "plot", "/nonexistent/r.jsonl"], ExitStatus.failure, "r.jsonl"),
        ])
    func statuses(arguments: [String], status: Int32, mention: String) {
        let run = hxsim(arguments)
        #expect(run.status == status, "\(arguments): \(run.status) \(run.err)")
        #expect(run.err.contains(mention), "\(arguments): \(run.err)")
    }
}
