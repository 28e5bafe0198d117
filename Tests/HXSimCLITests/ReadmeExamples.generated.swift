// swift-format-ignore-file
// Generated from README.md by scripts/readme-examples.sh: do not edit; edit the README
// and run the script. Each ```swift block of the README, as written, in a function that
// hands its top-level values and its printed text to ReadmeExamplesTests.

import HXNetwork
import HXNumerics
import HXPhysics
import HXTestSupport

/// README.md, lines 161–172.
func readmeExample1(_ scope: ReadmeScope) throws {
    func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
        scope.print(items.map { "\($0)" }.joined(separator: separator) + terminator)
    }

    var chip = try Chip(seed: 7)                              // mismatch fixed by the seed
    let x = Matrix<Int>(rows: 50, columns: 100, repeating: 15)
    let w = Matrix<Int>(rows: 100, columns: 256, repeating: 21)
    let result = try chip.vmm(inputs: x, weights: w)           // fast path by default
    print(result.outputs[0, 0], result.projectedTime)          // LSB, seconds on the real chip

    let options = ExecutionOptions(numSends: 2, waitBetweenEvents: 5, integrator: .gsl)
    let first = x.slice(rows: 0..<1, columns: 0..<100)         // the GSL reference: one vector
    let traced = try chip.vmm(inputs: first, weights: w, options: options, traceColumn: 3)
    scope.values["chip"] = chip
    scope.values["x"] = x
    scope.values["w"] = w
    scope.values["result"] = result
    scope.values["options"] = options
    scope.values["first"] = first
    scope.values["traced"] = traced
}

/// README.md, lines 176–185.
func readmeExample2(_ scope: ReadmeScope) throws {
    func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
        scope.print(items.map { "\($0)" }.joined(separator: separator) + terminator)
    }

    let executor = try PhysicsExecutor(chipCount: 2, firstSeed: 1)   // two simulated chips
    let model = Sequential(
        try Linear(inFeatures: 4, outFeatures: 128, seed: 1),
        try ConvertingReLU(shift: 1),
        try Linear(inFeatures: 128, outFeatures: 3, avg: 5, seed: 2))
    var context = ExecutionContext(backend: .hardware(executor), seed: 1)
    let input = try Tensor(shape: [1, 4], storage: [31, 0, 0, 31])  // chip units, 0…31
    let logits = try model(input, context: &context)                // forward on the chips
    scope.values["executor"] = executor
    scope.values["model"] = model
    scope.values["context"] = context
    scope.values["input"] = input
    scope.values["logits"] = logits
}

/// Every example, with the README line its block starts at.
enum ReadmeExamples {
    static let all: [(line: Int, run: @Sendable (ReadmeScope) throws -> Void)] = [
        (161, readmeExample1),
        (176, readmeExample2),
    ]
}
