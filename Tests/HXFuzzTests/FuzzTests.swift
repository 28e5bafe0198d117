import Foundation
import HXIO
import Testing

@testable import HXFuzz

/// Issue 12, item 7: the fuzz harness, bounded in time. Every parser gets mutated inputs of
/// its format; none may trap, and two readers of one format must agree. Inputs that once broke
/// a parser are kept under benchmarks/fuzz/regressions and replayed here.
@Suite("Fuzz harness")
struct FuzzTests {
    @Test("every target has seeds, and every seed is accepted by its parser")
    func seedsAreValid() throws {
        let targets = FuzzTargets.all
        #expect(targets.count >= 11)
        for target in targets {
            #expect(!target.seeds.isEmpty, "\(target.name) has no seeds")
            for (index, seed) in target.seeds.enumerated() {
                #expect(throws: Never.self, "\(target.name) seed \(index)") {
                    try target.parse(seed)
                }
            }
        }
    }

    @Test("mutations are reproducible from the run seed and case number, and change the input")
    func reproducible() {
        let target = FuzzTargets.all[0]
        var a = FuzzRandom(seed: 42)
        var b = FuzzRandom(seed: 42)
        let first = Mutator.mutate(target.seeds[0], target: target, random: &a)
        #expect(first == Mutator.mutate(target.seeds[0], target: target, random: &b))
        var changed = 0
        for seed in 0..<50 {
            var random = FuzzRandom(seed: UInt64(seed))
            if Mutator.mutate(target.seeds[0], target: target, random: &random) != target.seeds[0] {
                changed += 1
            }
        }
        #expect(changed >= 45)
    }

    @Test("a few seconds over every parser: no trap, no disagreement, every target exercised")
    func boundedRun() {
        let report = Fuzzer.run(FuzzTargets.all, options: FuzzOptions(seed: 12, maxSeconds: 4))
        #expect(report.findings.isEmpty, "\(report.findings)")
        for target in report.targets {
            #expect(target.cases > 0, "\(target.name) ran no case")
            #expect(
                target.refused > 0, "\(target.name) refused nothing: the mutations are too weak")
        }
    }

    @Test("kept inputs replay without a trap or a disagreement")
    func regressions() throws {
        let directory = Seeds.repository.appendingPathComponent("benchmarks/fuzz/regressions").path
        let findings = try Fuzzer.replay(directory: directory, targets: FuzzTargets.all)
        #expect(findings.isEmpty, "\(findings)")
    }
}
