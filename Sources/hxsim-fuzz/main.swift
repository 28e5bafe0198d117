// hxsim-fuzz: the fuzz harness of HXSim's parsers (benchmarks/fuzz/README.md).
import Foundation
import HXFuzz

#if canImport(Glibc)
    import Glibc
#endif

let usage = """
    USAGE: hxsim-fuzz [--seconds S] [--cases N] [--target NAME,...] [--seed N] [--crashes DIR]
                      [--quiet] [--list]
      --seconds S    stop after S seconds (default: run until --cases, or forever)
      --cases N      stop after N cases
      --target LIST  only these targets (comma-separated; --list shows them)
      --seed N       the run's seed (default 1); a case's input depends on it and its number
      --crashes DIR  keep crashing, hanging and law-breaking inputs here
                     (default benchmarks/fuzz/crashes; created if missing)
      --quiet        no progress lines on stderr
      --list         print the targets and their seed counts

    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("hxsim-fuzz: \(message)\n".utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var options = FuzzOptions(progress: { FileHandle.standardError.write(Data($0.utf8)) })
var names: [String]?
var crashes = "benchmarks/fuzz/crashes"
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    func value() -> String {
        guard !arguments.isEmpty else { fail("\(argument) needs a value") }
        return arguments.removeFirst()
    }
    switch argument {
    case "--seconds":
        guard let seconds = Double(value()), seconds > 0, seconds.isFinite else {
            fail("--seconds needs a positive number")
        }
        options.maxSeconds = seconds
    case "--cases":
        guard let cases = Int(value()), cases > 0 else { fail("--cases needs a positive integer") }
        options.maxCases = cases
    case "--seed":
        guard let seed = UInt64(value()) else { fail("--seed needs an integer 0…2^64−1") }
        options.seed = seed
    case "--target": names = value().split(separator: ",").map(String.init)
    case "--crashes": crashes = value()
    case "--quiet": options.progress = nil
    case "--list":
        for target in FuzzTargets.all { print("\(target.name)\t\(target.seeds.count) seeds") }
        exit(0)
    case "--help", "-h":
        print(usage, terminator: "")
        exit(0)
    default: fail("unknown argument '\(argument)' (see --help)")
    }
}

var targets = FuzzTargets.all
if let names {
    let known = Set(targets.map(\.name))
    for name in names where !known.contains(name) {
        fail("unknown target '\(name)'; targets: \(targets.map(\.name).joined(separator: ", "))")
    }
    targets = targets.filter { names.contains($0.name) }
}
for target in targets where target.seeds.isEmpty {
    FileHandle.standardError.write(
        Data("hxsim-fuzz: target \(target.name) has no seeds here and is skipped\n".utf8))
}
do {
    try FileManager.default.createDirectory(atPath: crashes, withIntermediateDirectories: true)
    try Fuzzer.installCrashHandler(directory: crashes)
} catch {
    fail("cannot use \(crashes) for crashing inputs: \(error)")
}
options.findingsDirectory = crashes

// A watchdog: a case that runs for more than a minute is a hang; its input is kept.
let heartbeat = FuzzHeartbeat()
options.heartbeat = heartbeat
let watchdog = Thread {
    var last = -1
    var still = 0
    while true {
        sleep(5)
        let now = heartbeat.cases
        still = now == last ? still + 5 : 0
        last = now
        if still >= 60 {
            Fuzzer.dumpCurrentInput(kind: "hang")
            exit(3)
        }
    }
}
watchdog.start()

let report = Fuzzer.run(targets, options: options)
print(report)
for finding in report.findings { print("finding: \(finding)") }
exit(report.findings.isEmpty ? 0 : 1)
