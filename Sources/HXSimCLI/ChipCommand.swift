import Foundation
import HXIO
import HXPhysics

/// `hxsim chip`: describes a chip instance and its parameters.
enum ChipCommand: Subcommand {
    static let spec = CommandSpec(
        name: "chip",
        summary: "describe a chip instance: geometry, operating point and every parameter",
        options: [CommonOptions.seed, CommonOptions.params],
        flags: [FlagSpec("json", help: "print the parameters as a JSON file for --params")])

    static func run(_ arguments: ParsedArguments, output: CommandOutput) throws {
        let chip = try CommonOptions.chip(arguments)
        let p = chip.parameters
        if try arguments.flag("json") {
            output.out(String(decoding: p.jsonData(), as: UTF8.self))
            return
        }
        let hemisphere = chip.configuration.hemispheres[0]
        let vector = ExecutionOptions()
        let fullVector =
            Double(ChipGeometry.signedInputsPerHemisphere * vector.waitBetweenEvents)
            * p.fpgaClockPeriod + p.fixedOverheadPerVector
        var text = """
            HICANN-X chip, seed \(chip.seed) (parameter fingerprint \(p.fingerprint))
              geometry: \(ChipGeometry.hemispheres) hemispheres, each \
            \(ChipGeometry.synapseRowsPerHemisphere) synapse rows × \
            \(ChipGeometry.columnsPerHemisphere) neuron columns, \
            \(ChipGeometry.signedInputsPerHemisphere) signed inputs (row pairs)
              largest signed VMM in one execution: \(ChipGeometry.maxSignedVMM.inputs) inputs × \
            \(ChipGeometry.maxSignedVMM.outputs) outputs; inputs \(CommonOptions.text(ChipGeometry.inputRange)), \
            weights \(CommonOptions.text(ChipGeometry.weightRange)), \
            outputs \(CommonOptions.text(ChipGeometry.outputRange))
              nominal cells: synapse bias \(hemisphere.synapseBias), OTA bias \
            \(hemisphere.excitatoryOTABias[0]), reset potential \(hemisphere.resetPotential[0]), \
            CADC ramp start \(hemisphere.cadcRampStart), ramp current \(hemisphere.cadcRampCurrent)
              CADC: \(format(p.nominalCADCLSB * 1e3)) mV per LSB, code 0 at \
            \(format(p.nominalCADCRampStart)) V
              projected time of one full vector (\(ChipGeometry.signedInputsPerHemisphere) events, wait \
            \(vector.waitBetweenEvents), \(vector.numSends) send): \
            \(format(fullVector * 1e6)) µs

            """
        let table = try Table(
            header: ["parameter", "value", "unit", "group", "source"],
            rows: PhysicsParameters.descriptors.map { d in
                [
                    .text(d.name), .text("\(d.value(in: p))"), .text(d.unit),
                    .text(d.group.rawValue), .text(d.source),
                ]
            })
        text += table.markdown()
        output.out(text)
    }

    static func format(_ value: Double) -> String { String(format: "%.3g", value) }
}
