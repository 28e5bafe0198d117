import Foundation
import HXNumerics
import Testing

@testable import HXCalibration

@Suite("calix's binary search")
struct BinarySearchTests {
    @Test("takes ⌈log₂ n⌉ + 2 steps [calix algorithms.BinarySearch]")
    func stepCount() throws {
        #expect(BinarySearch(range: 0...1022).steps == 12)
        #expect(BinarySearch(range: 0...15).steps == 6)
        #expect(BinarySearch(range: 0...1).steps == 3)
        var calls = 0
        _ = try BinarySearch(range: 0...1022).run(targets: [3]) { parameters in
            calls += 1
            return parameters.map(Double.init)
        }
        #expect(calls == 12)
    }

    @Test("finds the setting nearest the target of a monotone response, rising or falling")
    func exactSearch() throws {
        // Response 0.37 · p + 5 (rising) and 400 − 0.37 · p (falling), targets spread widely.
        let targets = (0..<40).map { 10 + 9.0 * Double($0) }
        for increasing in [true, false] {
            let response: (Int) -> Double = {
                increasing ? 0.37 * Double($0) + 5 : 400 - 0.37 * Double($0)
            }
            let outcome = try BinarySearch(range: 0...1022, increasing: increasing).run(
                targets: targets
            ) { $0.map(response) }
            for (i, target) in targets.enumerated() {
                let best = (0...1022).min {
                    abs(response($0) - target) < abs(response($1) - target)
                }!
                #expect(
                    abs(response(outcome.parameters[i]) - target) <= abs(response(best) - target)
                        + 1e-9,
                    "target \(target): chose \(outcome.parameters[i]), best \(best)")
                let reachable = min(response(0), response(1022))...max(response(0), response(1022))
                #expect(outcome.atLimit[i] == !reachable.contains(target), "target \(target)")
            }
        }
    }

    @Test("with averaged noisy reads it ends within a step of the best setting")
    func noisySearch() throws {
        // One read has noise σ = 1.2 (the CADC's); 64 reads are averaged, σ = 0.15, while a
        // parameter step moves the response by 0.5.
        var rng = SplitMix64(key: 42)
        let targets = (0..<64).map { 30 + 2.5 * Double($0) }
        let outcome = try BinarySearch(range: 0...1022).run(targets: targets) { parameters in
            parameters.map { p in
                let mean = 0.5 * Double(p)
                var sum = 0.0
                for _ in 0..<64 {
                    // Box–Muller from two uniform draws.
                    let u = max(SplitMix64.unitDouble(rng.next()), 1e-300)
                    let v = SplitMix64.unitDouble(rng.next())
                    sum += mean + 1.2 * (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
                }
                return sum / 64
            }
        }
        for (i, target) in targets.enumerated() {
            let error = abs(0.5 * Double(outcome.parameters[i]) - target)
            #expect(
                error <= 0.75,
                "target \(target): parameter \(outcome.parameters[i]), error \(error)")
        }
    }

    @Test("a target beyond the range ends at its end and is reported")
    func limits() throws {
        let outcome = try BinarySearch(range: 100...900).run(targets: [-5, 5000, 250]) {
            $0.map(Double.init)
        }
        #expect(outcome.parameters == [100, 900, 250])
        #expect(outcome.atLimit == [true, true, false])
    }

    @Test("a measurement of the wrong length is an error, not a crash")
    func wrongLength() {
        #expect(throws: CalibrationError.self) {
            try BinarySearch(range: 0...10).run(targets: [1, 2]) { _ in [1] }
        }
    }
}
