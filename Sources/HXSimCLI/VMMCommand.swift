import Foundation
import HXIO
import HXNumerics
import HXPhysics

/// `hxsim vmm`: one signed VMM of a batch on a simulated chip.
enum VMMCommand: Subcommand {
    static let spec = CommandSpec(
        name: "vmm",
        summary: "multiply a batch of input vectors by a signed weight matrix on a simulated chip",
        options: [
            CommonOptions.inputs, CommonOptions.weights, CommonOptions.seed, CommonOptions.params,
            CommonOptions.numSends, CommonOptions.wait, CommonOptions.integrator,
            CommonOptions.threads, CommonOptions.out,
        ])

    static func run(_ arguments: ParsedArguments, output: CommandOutput) throws {
        let inputs = try CommonOptions.integerMatrix(
            path: arguments.path("inputs", mustExist: true), allowed: 0...ChipGeometry.maxInput)
        let weights = try CommonOptions.integerMatrix(
            path: arguments.path("weights", mustExist: true),
            allowed: -ChipGeometry.maxWeight...ChipGeometry.maxWeight)
        var chip = try CommonOptions.chip(arguments)
        let result = try chip.vmm(
            inputs: inputs, weights: weights, options: CommonOptions.executionOptions(arguments))
        try CommonOptions.emit(
            CSV.format(result.outputs.map { Int($0) }), to: arguments.optionalString("out"),
            output: output)
    }
}
