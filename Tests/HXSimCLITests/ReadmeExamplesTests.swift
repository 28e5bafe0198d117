import Foundation
import HXNetwork
import HXNumerics
import HXPhysics
import HXTestSupport
import Testing

/// What a README example leaves behind: its top-level values by name and what it printed.
final class ReadmeScope: @unchecked Sendable {
    var values: [String: Any] = [:]
    private(set) var printed = ""

    func print(_ text: String) { printed += text }

    /// The value the example bound to `name`, as a `T`.
    func value<T>(_ name: String, as _: T.Type = T.self) throws -> T {
        guard let value = values[name] as? T else {
            throw ReadmeExampleError.missing(
                name: name, type: "\(T.self)", found: values[name].map { "\(type(of: $0))" })
        }
        return value
    }
}

enum ReadmeExampleError: Error {
    case missing(name: String, type: String, found: String?)
}

/// The library examples of README.md, compiled from the README itself
/// (ReadmeExamples.generated.swift, made by scripts/readme-examples.sh) and run.
@Suite("README examples")
struct ReadmeExamplesTests {
    /// Runs README example `index` (in the README's order) and returns what it left behind.
    func run(example index: Int) throws -> ReadmeScope {
        let scope = ReadmeScope()
        try ReadmeExamples.all[index].run(scope)
        return scope
    }

    @Test("the generated examples are what scripts/readme-examples.sh makes of README.md today")
    func upToDate() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [PackageRoot.path("scripts/readme-examples.sh"), "--check"]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(
            decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(message)")
        #expect(ReadmeExamples.all.count == 2, "README.md has \(ReadmeExamples.all.count) examples")
    }

    @Test(
        "the physics example: the anchor's outputs (median column 55…63), the projected time of MODEL.md §4, a trace of its GSL run"
    )
    func physics() throws {
        let scope = try run(example: 0)
        let result = try scope.value("result", as: VMMResult.self)
        #expect(result.outputs.rows == 50 && result.outputs.columns == 256)
        let means = columnStatistics(result.outputs).map(\.mean)
        #expect((55...63).contains(median(means)), "median column output \(median(means))")
        // 50 vectors of 100 events, 5 cycles of 8 ns apart, plus 36 µs each: 2 ms.
        #expect(abs(result.projectedTime - 50 * (100 * 5 * 8e-9 + 36e-6)) < 1e-12)
        #expect(scope.printed == "\(result.outputs[0, 0]) \(result.projectedTime)\n")
        let traced = try scope.value("traced", as: VMMResult.self)
        let trace = try #require(traced.trace)
        #expect(trace.column == 3 && trace.events.count == 200 && traced.integrator == .gsl)
        // Two sends of 100 events: read 200 · 40 ns + 1 µs after the baseline.
        #expect(abs(trace.readTime - (200 * 40e-9 + 1e-6)) < 1e-15)
        #expect(
            Int(traced.outputs[0, 3]) == max(-128, min(127, trace.resultCode - trace.baselineCode)))
        // The second call is trial 50, after the first batch's 50 trials.
        #expect(traced.firstTrial == 50)
    }

    @Test(
        "the network example: three outputs from two simulated chips, averages of five copies of chip codes"
    )
    func network() throws {
        let scope = try run(example: 1)
        let logits = try scope.value("logits", as: Tensor.self)
        #expect(logits.shape == [1, 3])
        for value in logits.storage {
            // Each output is the mean of 5 column copies, each an int8 code (plus the bias).
            #expect((-128...127).contains(value))
        }
        let executor = try scope.value("executor", as: PhysicsExecutor.self)
        #expect(executor.chipCount == 2)
        // Both layers ran on the chips: the trial counters moved.
        #expect(executor.currentChips.contains { $0.nextTrial > 0 })
        // The same seeds give the same logits.
        let again = try run(example: 1)
        #expect(try again.value("logits", as: Tensor.self).storage == logits.storage)
    }
}
