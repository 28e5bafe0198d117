import CFuzzSupport
import Foundation
import HXIO
import HXNumerics
import Synchronization

/// The number of cases a run has done, readable from another thread (a watchdog that looks
/// for a case that does not end).
public final class FuzzHeartbeat: Sendable {
    private let count = Atomic<Int>(0)

    public init() {}

    /// Cases done so far.
    public var cases: Int { count.load(ordering: .relaxed) }

    func store(_ value: Int) { count.store(value, ordering: .relaxed) }
}

/// How long and on what the fuzzer runs.
public struct FuzzOptions: Sendable {
    /// The run's seed: with a case number it fixes the case's input.
    public var seed: UInt64
    /// Stop after this many cases (nil: no limit).
    public var maxCases: Int?
    /// Stop after this many seconds (nil: no limit).
    public var maxSeconds: Double?
    /// Where inputs that broke a law are kept (nil: not kept).
    public var findingsDirectory: String?
    /// Progress lines (nil: none), every `progressInterval` seconds.
    public var progress: (@Sendable (String) -> Void)?
    public var progressInterval: Double
    /// The monotonic clock, in seconds.
    public var clock: @Sendable () -> Double
    /// Counts cases for a watchdog (nil: none).
    public var heartbeat: FuzzHeartbeat?

    /// Options for a run of `maxCases` cases or `maxSeconds` seconds, whichever ends first.
    public init(
        seed: UInt64 = 1, maxCases: Int? = nil, maxSeconds: Double? = nil,
        findingsDirectory: String? = nil, progress: (@Sendable (String) -> Void)? = nil,
        progressInterval: Double = 10,
        clock: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime },
        heartbeat: FuzzHeartbeat? = nil
    ) {
        self.heartbeat = heartbeat
        self.seed = seed
        self.maxCases = maxCases
        self.maxSeconds = maxSeconds
        self.findingsDirectory = findingsDirectory
        self.progress = progress
        self.progressInterval = progressInterval
        self.clock = clock
    }
}

/// What a run did, per target and in all.
public struct FuzzReport: Sendable, CustomStringConvertible {
    /// The counts of one target.
    public struct TargetCounts: Sendable, Equatable {
        public var name: String
        /// Inputs run.
        public var cases = 0
        /// Inputs the parser accepted.
        public var accepted = 0
        /// Inputs the parser refused with an error.
        public var refused = 0
        /// Inputs that broke a law (kept in the findings directory).
        public var findings = 0
        /// Time spent in the parser, in seconds.
        public var seconds = 0.0
    }

    /// The counts per target, in the order of the targets.
    public var targets: [TargetCounts]
    /// The run's wall time, in seconds.
    public var seconds: Double
    /// The first few findings: target, case number and what broke.
    public var findings: [String]

    /// All cases run.
    public var cases: Int { targets.reduce(0) { $0 + $1.cases } }

    /// A Markdown table with a total line.
    public var description: String {
        var text = "| target | cases | accepted | refused | findings | cases/s |\n"
        text += "| --- | ---: | ---: | ---: | ---: | ---: |\n"
        for t in targets {
            let rate = t.seconds > 0 ? Int((Double(t.cases) / t.seconds).rounded()) : 0
            text +=
                "| \(t.name) | \(t.cases) | \(t.accepted) | \(t.refused) | \(t.findings) | \(rate) |\n"
        }
        let rate = seconds > 0 ? Int((Double(cases) / seconds).rounded()) : 0
        text +=
            "| all | \(cases) | \(targets.reduce(0) { $0 + $1.accepted }) | "
            + "\(targets.reduce(0) { $0 + $1.refused }) | \(targets.reduce(0) { $0 + $1.findings }) "
            + "| \(rate) |\n"
        text += "\n\(cases) cases in \(String(format: "%.1f", seconds)) s"
        return text
    }
}

/// The fuzz harness: mutates each target's seeds and runs its parser in-process, giving every
/// target the same share of the time. A parser that traps ends the process; with the crash handler installed
/// (``installCrashHandler(directory:)``, as `hxsim-fuzz` does) the input is kept first.
public enum Fuzzer {
    /// Keeps the input of a crash (or a hang, see ``dumpCurrentInput(kind:)``) in `directory`.
    public static func installCrashHandler(directory: String) throws {
        guard hx_fuzz_install_crash_handler(directory) == 0 else {
            throw IOError.invalidArgument("crash directory name too long: \(directory)")
        }
    }

    /// Writes the input of the case running now to the crash directory (for a watchdog).
    @discardableResult
    public static func dumpCurrentInput(kind: String) -> Bool { hx_fuzz_dump(kind) == 0 }

    /// Runs `targets` under `options`.
    public static func run(_ targets: [FuzzTarget], options: FuzzOptions) -> FuzzReport {
        let runnable = targets.filter { !$0.seeds.isEmpty }
        var counts = runnable.map { FuzzReport.TargetCounts(name: $0.name) }
        var findings: [String] = []
        let start = options.clock()
        var lastReport = start
        var caseNumber = 0
        let names = runnable.map { strdup($0.name) }
        defer { names.forEach { free($0) } }
        while !runnable.isEmpty {
            if let maxCases = options.maxCases, caseNumber >= maxCases { break }
            let now = options.clock()
            if let maxSeconds = options.maxSeconds, now - start >= maxSeconds { break }
            if let progress = options.progress, now - lastReport >= options.progressInterval {
                lastReport = now
                let rate = Double(caseNumber) / max(now - start, 1e-9)
                progress(
                    "hxsim-fuzz: \(caseNumber) cases in \(Int(now - start)) s "
                        + "(\(Int(rate.rounded())) cases/s), \(findings.count) findings\n")
            }
            // Each target gets the same share of the time: the one that has used the least
            // runs next. A case's input depends on the run's seed, the target and the number
            // of the case within the target, so a finding can be reproduced from its name.
            let index = counts.indices.min { counts[$0].seconds < counts[$1].seconds } ?? 0
            let target = runnable[index]
            let targetCase = counts[index].cases
            var random = FuzzRandom(
                seed: SplitMix64.mix(
                    options.seed &+ SplitMix64.mix(UInt64(index) << 40 &+ UInt64(targetCase))))
            let seed = target.seeds[random.below(target.seeds.count)]
            let input = Mutator.mutate(seed, target: target, random: &random)
            let before = options.clock()
            let outcome = input.withUnsafeBytes { raw -> Result<Void, any Error> in
                hx_fuzz_set_current(
                    UnsafePointer(names[index]),
                    raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count)
                return Result { try target.parse(input) }
            }
            counts[index].seconds += options.clock() - before
            counts[index].cases += 1
            switch outcome {
            case .success: counts[index].accepted += 1
            case .failure(let error as FuzzFinding):
                counts[index].findings += 1
                let name = "\(target.name)-case-\(targetCase)"
                if findings.count < 20 { findings.append("\(name): \(error)") }
                if let directory = options.findingsDirectory {
                    do {
                        try FileIO.writeAtomically(input, to: directory + "/finding-\(name).bin")
                    } catch {
                        findings.append("\(name): the input could not be kept: \(error)")
                    }
                }
            case .failure: counts[index].refused += 1
            }
            caseNumber += 1
            options.heartbeat?.store(caseNumber)
        }
        hx_fuzz_set_current(nil, nil, 0)
        return FuzzReport(targets: counts, seconds: options.clock() - start, findings: findings)
    }

    /// Runs every kept input under `directory` (`<target>/<file>`) through its target, as
    /// regression tests: each must return or throw an ordinary error. Returns the findings.
    public static func replay(directory: String, targets: [FuzzTarget]) throws -> [String] {
        var findings: [String] = []
        let manager = FileManager.default
        for target in targets {
            let folder = directory + "/" + target.name
            guard let files = try? manager.contentsOfDirectory(atPath: folder) else { continue }
            for file in files.sorted() {
                let input = try FileIO.read(path: folder + "/" + file, maxBytes: 16 << 20)
                do { try target.parse(input) } catch let error as FuzzFinding {
                    findings.append("\(target.name)/\(file): \(error)")
                } catch {
                    // An ordinary error is the right answer to a bad input.
                }
            }
        }
        return findings
    }
}
