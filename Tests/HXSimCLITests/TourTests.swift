import Foundation
import HXTestSupport
import Testing

/// The commands of the README's "A short tour", one per line, as written (comments cut off).
func readmeTour() throws -> [String] {
    let readme = try String(
        contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    guard let section = readme.range(of: "## A short tour"),
        let open = readme.range(of: "```sh\n", range: section.upperBound..<readme.endIndex),
        let close = readme.range(of: "```", range: open.upperBound..<readme.endIndex)
    else { return [] }
    return readme[open.upperBound..<close.lowerBound].split(separator: "\n").compactMap { line in
        let command = line.replacingOccurrences(
            of: #"\s{2,}#.*$"#, with: "", options: .regularExpression)
        return command.hasPrefix("hxsim ") ? command : nil
    }
}

/// How the test scales a tour command down: options appended to the README's words, by the
/// command's first words. Nothing is removed or replaced.
let tourScaling: [(prefix: String, extra: [String])] = [
    ("hxsim demo", ["--quick"]),
    ("hxsim calibrate", ["--quick"]),
    (
        "hxsim train yinyang",
        [
            "--epochs", "1", "--hil-epochs", "1", "--train-limit", "100", "--test-limit", "50",
            "--validation-size", "50", "--no-calibration",
        ]
    ),
    (
        "hxsim train mnist",
        [
            "--epochs", "1", "--hil-epochs", "1", "--train-limit", "60", "--test-limit", "30",
            "--validation-size", "30", "--chip-seeds", "1", "--no-calibration",
        ]
    ),
    ("hxsim eval", ["--limit", "30", "--quick-calibration"]),
    ("hxsim sweep benchmarks", ["--max-points", "1"]),
]

/// The hxsim executable of this build: beside the test bundle.
func builtExecutable() -> URL? {
    let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for folder in [bundle, bundle.deletingLastPathComponent()] {
        let candidate = folder.appendingPathComponent("hxsim")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
}

@Suite("The README's tour works as written")
struct TourTests {
    @Test("every command of the tour runs (scaled down) in a copy of the repository's inputs")
    func tour() throws {
        let commands = try readmeTour()
        #expect(commands.count >= 10, "the tour has \(commands.count) commands")
        let executable = try #require(
            builtExecutable(), "no hxsim beside the tests: run `swift build --build-tests`")
        // A copy of what the tour reads, in a fresh folder.
        let work = URL(fileURLWithPath: try temporaryDirectory())
        for folder in ["examples", "benchmarks/sweeps"] {
            let target = work.appendingPathComponent(folder)
            try FileManager.default.createDirectory(
                at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(
                at: packageRoot.appendingPathComponent(folder), to: target)
        }
        var environment = ProcessInfo.processInfo.environment
        let shared = packageRoot.deletingLastPathComponent()
            .appendingPathComponent("shared/datasets")
        if environment["HXSIM_DATASETS"] == nil,
            FileManager.default.fileExists(atPath: shared.path)
        {
            environment["HXSIM_DATASETS"] = shared.path
        }
        let datasets = environment["HXSIM_DATASETS"] ?? ""
        let hasMNIST = FileManager.default.fileExists(atPath: datasets + "/mnist")
        for command in commands {
            if command.contains("mnist") && !hasMNIST {
                print("tour: skipped without the MNIST data set: \(command)")
                continue
            }
            var words = command.split(separator: " ").map(String.init)
            var redirect: String?
            if let index = words.firstIndex(of: ">") {
                redirect = words[index + 1]
                words.removeSubrange(index...)
            }
            let extra = tourScaling.first { command.hasPrefix($0.prefix) }?.extra ?? []
            let process = Process()
            process.executableURL = executable
            process.arguments = Array(words.dropFirst()) + extra
            process.currentDirectoryURL = work
            process.environment = environment
            let output = Pipe()
            let errors = work.appendingPathComponent("stderr.txt")
            _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
            process.standardOutput = output
            process.standardError = try FileHandle(forWritingTo: errors)
            try process.run()
            let stdout = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            #expect(
                process.terminationStatus == 0,
                "'\(command)' (+ \(extra.joined(separator: " "))) failed: \(stderr.suffix(600))")
            if let redirect {
                try stdout.write(to: work.appendingPathComponent(redirect))
            }
        }
        // What the tour promises to leave behind.
        for file in [
            "demo-output/anchors.md", "demo-output/membrane-trace.svg", "params.json", "y.csv",
            "y.csv.json", "trace.svg", "trace.csv", "transfer.svg", "transfer.csv",
            "cal/chip-7.json", "noise.jsonl", "noise-scale-noise-by-calibration.svg",
        ] {
            #expect(
                FileManager.default.fileExists(atPath: work.appendingPathComponent(file).path),
                "the tour did not write \(file)")
        }
    }
}
